"""Choose a briefing's items from scored candidate sentences: pure numpy, no store, no model.

The steps, each a small function: group near-duplicates (the same fact from several
outlets becomes one item), split the dates into episodes, give every episode a
voice, then fill the rest by maximal marginal relevance within the length budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from summarizer.scoring import content_words


@dataclass(frozen=True)
class Budget:
    max_items: int = 6
    max_chars: int = 1200


@dataclass(frozen=True)
class Tuning:
    dup_threshold: float = 0.80  # cosine above which two sentences report the same thing
    # Within dup_band below it, the words decide: a cosine alone moves by a few hundredths
    # between encoders (int8 vs fp32), so a pair near the line needs lexical evidence too.
    dup_band: float = 0.05
    dup_words: float = 0.30  # Jaccard overlap of content words that makes a near pair a repeat
    mmr_lambda: float = 0.7  # relevance vs novelty when filling
    episode_gap_days: int = 30  # a gap this long splits coverage into episodes
    pool: int = 300  # candidates considered after scoring
    corroboration: float = 0.05  # bonus per extra article reporting the same thing
    support_sources: int = 3  # other articles whose closest sentences measure a sentence's support
    same_days: int = 7  # reports further apart than this are different events
    # Share of the shorter sentence's content words found in the other above which the two say
    # the same thing however far apart their vectors are: one item, never two (the duplicate
    # rate `make eval` prints uses the same measure).
    repeat_overlap: float = 0.6
    # One speaker's statement reported in other words is one item too, when everything agrees:
    # the same stored speaker, the same days (both dated, within `said_days`), no number in
    # dispute, a cosine of at least `said_cosine` and at least `said_words` of the shorter
    # one's content words in common.
    said_cosine: float = 0.6
    said_words: float = 0.3
    # A statement is reported the day it is made or the next: further apart, one speaker's alike
    # sentences are more often two statements (the seeds and Timeline17 briefs, 2026-11-24).
    said_days: int = 1
    # A group shows its fullest report: among members scoring within this margin of the best,
    # the one holding most of the group's content words ("invited Xi ... and said they have not
    # been in contact" over "invited Xi"), so no reported detail is lost to the grouping.
    fullest_margin: float = 0.1


@dataclass(frozen=True)
class Group:
    """One future item: candidate indices, the best first."""

    members: tuple[int, ...]
    score: float

    @property
    def lead(self) -> int:
        return self.members[0]


def centrality(vectors: np.ndarray) -> np.ndarray:
    """How typical each sentence is of the whole set: cosine to the centroid, in [0, 1].

    Mean similarity to every other sentence without the n-by-n matrix.
    """
    if len(vectors) == 0:
        return np.zeros(0, dtype=np.float32)
    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return np.zeros(len(vectors), dtype=np.float32)
    return np.clip(vectors @ (centroid / norm), 0.0, 1.0)


def support(vectors: np.ndarray, sources: Sequence[int], k: int) -> np.ndarray:
    """How widely each sentence is reported: the mean of its `k` best cosines to other sources, in [0, 1].

    For every other source (article or story of copies) the sentence's closest sentence there
    counts once, so one long article cannot vouch for a line alone; a source missing from the top
    `k` counts 0. What several outlets report about a day scores high; a reader's aside, a
    programme note or a line only one page carries scores low.
    """
    n = len(vectors)
    if n == 0 or k < 1:
        return np.zeros(n, dtype=np.float32)
    sims = np.clip(vectors @ vectors.T, 0.0, 1.0)
    labels = np.asarray(sources)
    others = np.unique(labels)
    best = np.zeros((n, len(others)), dtype=np.float32)
    for j, source in enumerate(others):
        columns = labels == source
        best[:, j] = sims[:, columns].max(axis=1)
        best[columns, j] = 0.0  # a source never vouches for its own sentences
    top = -np.sort(-best, axis=1)[:, :k]
    return top.sum(axis=1) / k


def group_duplicates(
    order: Sequence[int],
    vectors: np.ndarray,
    articles: Sequence[int],
    texts: Sequence[str],
    tuning: Tuning,
    dates: Sequence[date | None] | None = None,
    speakers: Sequence[int | None] | None = None,
) -> list[list[int]]:
    """Greedy grouping in score order: a sentence joins the first group whose lead it repeats.

    Two sentences dated more than `tuning.same_days` apart never report the same thing,
    however alike they read ("Xi will visit Moscow" in 2023, "Xi arrived in Moscow" in 2025).
    With `speakers` and `dates`, a paraphrase of a lead's statement joins its group as well
    (`same_statement`).
    """
    groups: list[list[int]] = []
    leads: list[int] = []
    words = {i: content_words(texts[i]) for i in order}
    for i in order:
        target = _repeated_group(i, leads, vectors, texts, dates, tuning)
        if target is None:
            target = next(
                (g for g, lead in enumerate(leads)
                 if overlap(words[lead], words[i]) > tuning.repeat_overlap
                 and (dates is None or _close(dates[lead], dates[i], tuning.same_days))),
                None,
            )
        if target is None and speakers and dates is not None:
            target = next(
                (g for g, lead in enumerate(leads)
                 if same_statement(lead, i, vectors, words, speakers, dates, tuning)),
                None,
            )
        if target is None:
            groups.append([i])
            leads.append(i)
        else:
            groups[target].append(i)
    # Only other articles corroborate; a repeat inside one article is dropped, not cited twice.
    return [_one_per_article(g, articles) for g in groups]


def _repeated_group(
    i: int,
    leads: list[int],
    vectors: np.ndarray,
    texts: Sequence[str],
    dates: Sequence[date | None] | None,
    tuning: Tuning,
) -> int | None:
    """The group whose lead sentence `i` repeats, most similar first, or None."""
    if not leads:
        return None
    sims = vectors[leads] @ vectors[i]
    for g in np.argsort(-sims):
        lead = leads[g]
        if sims[g] < tuning.dup_threshold - tuning.dup_band:
            return None
        if sims[g] < tuning.dup_threshold and texts[lead] != texts[i] and _word_overlap(texts[lead], texts[i]) < tuning.dup_words:
            continue
        if dates is None or _close(dates[lead], dates[i], tuning.same_days):
            return int(g)
    return None


def same_statement(
    a: int,
    b: int,
    vectors: np.ndarray,
    words: dict[int, set[str]],
    speakers: Sequence[int | None],
    dates: Sequence[date | None],
    tuning: Tuning,
) -> bool:
    """Whether sentences `a` and `b` report one statement of one speaker in different words.

    Every signal must agree, so that two different things one actor said on one day stay two:
    the same speaker, the same days, the same numbers, close in meaning and sharing some words.
    """
    if speakers[a] is None or speakers[a] != speakers[b]:
        return False
    if dates[a] is None or dates[b] is None or abs((dates[a] - dates[b]).days) > tuning.said_days:
        return False
    numbers_a, numbers_b = _numbers(words[a]), _numbers(words[b])
    if numbers_a and numbers_b and not numbers_a & numbers_b:
        return False
    return float(vectors[a] @ vectors[b]) >= tuning.said_cosine and overlap(words[a], words[b]) >= tuning.said_words


def fullest_first(
    group: Sequence[int], scores: np.ndarray | Mapping[int, float], texts: Sequence[str], tuning: Tuning
) -> tuple[int, ...]:
    """The group's members with its fullest report first: of the members scoring within
    `tuning.fullest_margin` of the best (and above 0), the one with most content words (the most
    of what the group's reports say); ties go to the better score. The others keep their order.

    `scores` is indexed by candidate: an array over all of them, or a mapping of the members."""
    best = float(scores[group[0]])
    near = [i for i in group if scores[i] > 0 and scores[i] >= best - tuning.fullest_margin and texts[i]]
    if not near:
        return tuple(group)
    fullest = max(near, key=lambda i: (len(content_words(texts[i])), scores[i]))
    return (fullest, *(i for i in group if i != fullest))


def _numbers(words: set[str]) -> set[str]:
    return {w for w in words if w.isdigit()}


def _word_overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two sentences' content words, in [0, 1]."""
    words_a, words_b = content_words(a), content_words(b)
    union = words_a | words_b
    return len(words_a & words_b) / len(union) if union else 0.0


def overlap(a: set[str], b: set[str]) -> float:
    """The share of the smaller word set found in the other, in [0, 1]; 0 when either is empty."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def repeats(words: set[str], said: Sequence[set[str]], tuning: Tuning) -> bool:
    """Whether content words `words` repeat any of the items already `said`."""
    return any(overlap(words, other) > tuning.repeat_overlap for other in said)


def _close(a: date | None, b: date | None, days: int) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


def _one_per_article(group: list[int], articles: Sequence[int]) -> list[int]:
    seen: set[int] = set()
    out = []
    for i in group:
        if articles[i] not in seen:
            seen.add(articles[i])
            out.append(i)
    return out


def episodes(dates: Sequence[date | None], gap_days: int) -> list[int]:
    """Label each date with its episode: dates closer than `gap_days` share one."""
    known = sorted({d for d in dates if d is not None})
    label: dict[date, int] = {}
    current = 0
    for previous, day in zip([None, *known], known):
        if previous is not None and (day - previous).days > gap_days:
            current += 1
        label[day] = current
    return [label[d] if d is not None else -1 for d in dates]


def select(
    scores: np.ndarray,
    vectors: np.ndarray,
    articles: Sequence[int],
    texts: Sequence[str],
    dates: Sequence[date | None],
    budget: Budget,
    tuning: Tuning = Tuning(),
    item_dates: Sequence[date | None] | None = None,
    speakers: Sequence[int | None] | None = None,
) -> list[Group]:
    """Pick at most `budget.max_items` groups within `budget.max_chars`, covering every episode.

    `dates` mark the episodes: publication dates give the story's episodes of coverage.
    """
    if len(scores) == 0:
        return []
    order = [int(i) for i in np.argsort(-scores, kind="stable")[: tuning.pool]]
    groups = [
        Group(fullest_first(g, scores, texts, tuning), float(scores[g[0]]) + tuning.corroboration * (len(g) - 1))
        for g in group_duplicates(order, vectors, articles, texts, tuning, item_dates, speakers)
    ]
    groups.sort(key=lambda g: -g.score)
    labels = episodes([dates[g.lead] for g in groups], tuning.episode_gap_days)
    chosen: list[Group] = []
    said: list[set[str]] = []
    used = 0
    words = {g.lead: content_words(texts[g.lead]) for g in groups}

    def fits(g: Group) -> bool:
        return (
            len(chosen) < budget.max_items
            and used + len(texts[g.lead]) <= budget.max_chars
            and not repeats(words[g.lead], said, tuning)
        )

    # Coverage first: the best group of each episode, best episodes first.
    for episode in dict.fromkeys(labels):
        best = next(g for g, lab in zip(groups, labels) if lab == episode)
        if fits(best):
            chosen.append(best)
            said.append(words[best.lead])
            used += len(texts[best.lead])
    # Then relevance tempered by novelty.
    rest = [g for g in groups if g not in chosen]
    while rest:
        leads = np.array([g.lead for g in chosen], dtype=int)
        best_value, best = -np.inf, None
        for g in rest:
            redundancy = float(np.max(vectors[leads] @ vectors[g.lead])) if len(leads) else 0.0
            value = tuning.mmr_lambda * g.score - (1 - tuning.mmr_lambda) * redundancy
            if value > best_value and fits(g):
                best_value, best = value, g
        if best is None:
            break
        chosen.append(best)
        said.append(words[best.lead])
        used += len(texts[best.lead])
        rest.remove(best)
    return chosen
