"""Timelines: the story's most important days, each told by its most central sentences.

After Datewise (Gholipour Ghalandari and Ifrim, "Examining the State-of-the-Art in News
Timeline Summarization", ACL 2020): a day matters when many articles and sentences *refer*
to it, not only when much is published on it. Days are chosen by that importance across the
whole candidate set, so no cut favours old or new coverage; each chosen day is then
summarised by the sentences about it that sit closest to the day's centroid, one per fact.

Pure code over candidate columns and vectors: no store, no model.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from summarizer.ranking import lead
from summarizer.selection import Tuning as SelectionTuning
from summarizer.selection import fullest_first, group_duplicates
from summarizer.store.rows import Candidates


@dataclass(frozen=True)
class TimelineTuning:
    dates: int = 10  # days in a timeline; the default fits one Telegram message
    per_date: int = 1  # facts per day
    lead_positions: int = 5  # an undated sentence this early in an article speaks for its publication day
    mention_weight: float = 1.0  # importance per sentence referring to a day
    article_weight: float = 1.0  # importance per article referring to a day
    published_weight: float = 0.5  # importance per article published on a day
    corroboration: float = 0.02  # bonus per other article reporting the same fact
    lead_weight: float = 0.4  # bonus for an article's opening sentences: news puts the news first
    spare_days: int = 5  # days looked at beyond `dates`, taking the place of a day with nothing showable
    # Reports on a day keep coming for days after it, so the newest days' references are not all
    # in yet (day_importance). The share seen so far is read from the store's own reporting delays,
    # with this many references that came at once added, so a handful of sentences corrects little.
    # Timeline17: Date-F1 0.631 -> 0.667, AR1-F 0.144 -> 0.150 with it (0.636 with 100).
    late_prior: float = 20.0


def refers_to(c: Candidates, i: int) -> date | None:
    """The one day sentence `i` reports on, if its event date is a day (not a period) that happened."""
    if c.expected and c.expected[i]:
        return None  # a prediction or plan: its day is expected, not part of what happened
    start, end = c.event_start[i], c.event_end[i]
    return start if start is not None and start == end else None


def named_days(c: Candidates, i: int) -> set[date]:
    """Every day sentence `i` names in any clause, its event day included; none for a prediction.

    "Activists said the army attacked on Friday" is dated by its main clause, yet it tells
    of Friday: a timeline weighs days by every mention, as Datewise does.
    """
    if c.expected and c.expected[i]:
        return set()
    days = set(c.mentioned_days[i]) if c.mentioned_days else set()
    day = refers_to(c, i)
    return days | {day} if day is not None else days


def day_importance(
    c: Candidates, tuning: TimelineTuning = TimelineTuning(), as_of: date | None = None
) -> dict[date, float]:
    """Each day's importance: sentences and articles naming it, articles published on it.

    With `as_of` (the newest stored publication day), references to the newest days are scaled
    up by what is still to come: a day is reported on that day and for days after, so on the
    store's last day perhaps a third of what will refer to it has been published, while a month-old
    day has all of it. Each day's references are divided by the share of all references the store
    shows arriving within that day's age (see `seen_share`); the articles published on a day are
    all in and are not scaled.
    """
    mentions: Counter[date] = Counter()
    referring: dict[date, set[int]] = defaultdict(set)
    published: dict[date, set[int]] = defaultdict(set)
    delays: list[int] = []
    for i in range(len(c)):
        for day in named_days(c, i):
            mentions[day] += 1
            referring[day].add(c.articles[i])
            if c.published[i] is not None and c.published[i] >= day:
                delays.append((c.published[i] - day).days)
        if c.published[i] is not None:
            published[c.published[i]].add(c.articles[i])
    seen = seen_share(delays, tuning.late_prior)
    return {
        d: (tuning.mention_weight * mentions[d] + tuning.article_weight * len(referring[d]))
        / (seen((as_of - d).days) if as_of is not None else 1.0)
        + tuning.published_weight * len(published[d])
        for d in set(mentions) | set(published)
    }


def seen_share(delays: Sequence[int], prior: float) -> Callable[[int], float]:
    """The share of a day's references published by the time it is `age` days old, as observed
    over `delays` (days from each referred day to the article referring to it), with `prior`
    references of no delay added so that few observations correct little. It grows with the
    age and is 1 past every observed delay; 1 for a day after `as_of` (a negative age: its
    references are all there is) and with nothing observed. Where no reference came as soon
    (only with no prior), one is counted, so that no day is scaled without bound."""
    ordered = np.sort(np.asarray(delays, dtype=np.int64))
    total = len(ordered) + prior

    def share(age: int) -> float:
        if age < 0 or total <= 0:
            return 1.0
        return float(max(np.searchsorted(ordered, age, side="right") + prior, min(1.0, total)) / total)

    return share


def ranked_days(importance: dict[date, float]) -> list[date]:
    """Every day, the most important first (ties: the earlier)."""
    return sorted(importance, key=lambda d: (-importance[d], d))


def top_days(importance: dict[date, float], n: int) -> list[date]:
    """The `n` most important days, in date order."""
    return sorted(ranked_days(importance)[:n])


def day_candidates(c: Candidates, days: Sequence[date], tuning: TimelineTuning = TimelineTuning()) -> dict[date, list[int]]:
    """Per chosen day, the sentences about it: those referring to it, and the undated lead
    sentences of the articles published on it."""
    wanted = set(days)
    out: dict[date, list[int]] = {d: [] for d in days}
    places = c.lead_places()
    for i in range(len(c)):
        day = refers_to(c, i)
        if day is None and c.event_start[i] is None and places[i] < tuning.lead_positions:
            day = c.published[i]
        if day in wanted:
            out[day].append(i)
    return out


def summarise_day(
    members: Sequence[int],
    c: Candidates,
    texts: Sequence[str],
    k: int,
    tuning: TimelineTuning = TimelineTuning(),
    selection: SelectionTuning = SelectionTuning(),
) -> list[list[int]]:
    """Up to `k` facts about one day, most central first: each a group of the sentences
    (one per article) reporting it, the best written first. `texts` holds each sentence as it
    can stand alone, "" when it cannot."""
    usable = [i for i in members if texts[i]]
    if not usable:
        return []
    vectors = c.vectors[usable]
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    closeness = vectors @ (centroid / norm) if norm else np.zeros(len(usable))
    places = c.lead_places()
    score = {i: float(s) + tuning.lead_weight * lead(places[i]) for i, s in zip(usable, closeness)}
    order = sorted(usable, key=lambda i: (-score[i], c.ids[i]))
    # Copies of one story: one source. Every member tells this one day, so with speakers known a
    # statement told in other words is one fact too (their own dates may lie either side of it).
    one_day = [date.min] * len(c) if c.speakers else None
    groups = group_duplicates(order, c.vectors, c.clusters or c.articles, texts, selection, one_day, c.speakers or None)
    ranked = sorted(groups, key=lambda g: -(score[g[0]] + tuning.corroboration * (len(g) - 1)))
    return [list(fullest_first(g, score, texts, selection)) for g in ranked[:k]]
