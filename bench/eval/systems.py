"""The systems under test, one signature each, registered by name.

A timeline maker is `(built, T, K) -> Timeline`: at most T dates, at most K sentences a date, from
the services over one topic's store. A briefing maker is `(built, day) -> list[str]`: the texts of
one date's briefing, short unless `long` (`--long`). A better timeline function drops in by adding it to TIMELINES.

- storybot: `storybot timeline --dates T --per-date K` over the whole store (each topic's store
  holds one story): days chosen by how much refers to them, each told by its central facts.
  Date briefings are `briefings.brief("YYYY-MM-DD")`, the short budget (and `long=True`).
- baseline: the T publication dates with most stored articles, each summarised by the lead
  sentences of its articles: every article's first sentence, then every second sentence, ...,
  articles in storing order, until K. For a date briefing, the same leads within the short
  budget (6 items, 1,200 characters), or the long one (15 items, 3,600 characters).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from bench.eval.gold import Timeline
from bench.eval.scoring import COVERED, content_words
from summarizer.briefings import LONG, SHORT
from summarizer.store import sentences as corpus
from summarizer.store.models import Article, Sentence

if TYPE_CHECKING:
    from summarizer.services import Services


def main_actor(built: Services) -> str:
    """The query storybot's timeline is asked for: the store's most mentioned actor."""
    actors = built.briefings.actors()
    return actors[0].name if actors else ""


def storybot_timeline(built: Services, T: int, K: int) -> Timeline:
    """`storybot timeline --dates T --per-date K`: the whole store, which holds one topic's story."""
    briefing = built.briefings.timeline("", dates=T, per_date=K)
    return top_dates([(item.date, item.text) for item in briefing.items if item.date], T, K)


def storybot_actor_timeline(built: Services, T: int, K: int) -> Timeline:
    """The timeline of the store's most mentioned actor, for comparison with the whole story."""
    query = main_actor(built)
    if not query:
        return []
    briefing = built.briefings.timeline(query, dates=T, per_date=K)
    return top_dates([(item.date, item.text) for item in briefing.items if item.date], T, K)


def storybot_briefing(built: Services, day: date, long: bool = False) -> list[str]:
    return [item.text for item in built.briefings.brief(day.isoformat(), long=long).items]


def baseline_timeline(built: Services, T: int, K: int) -> Timeline:
    """The T days with most articles published, each with the lead sentences of its articles, K a day."""
    return lead_timeline(leads_by_day(built), T, K)


def baseline_briefing(built: Services, day: date, long: bool = False) -> list[str]:
    articles = leads_by_day(built, day).get(day, [])
    budget = LONG if long else SHORT
    return round_robin(articles, budget.max_items, budget.max_chars)


def day_sentences(built: Services, day: date, fill_days: int, max_days: int = 7) -> list[str]:
    """The candidate sentences a date briefing of `day` reads (before it keeps its best): those
    dated to it (a span of at most `max_days` days holding it), then those published on it or the
    `fill_days` days after; each text once. For the oracle below."""
    with built.store.session() as session:
        dated = corpus.event_candidates(session, day, day, max_days)
        published = corpus.published_candidates(session, day, day + timedelta(days=fill_days))
    return list(dict.fromkeys([*dated.texts, *published.texts]))


def oracle_briefing(facts: Sequence[str], sentences: Sequence[str], max_items: int, max_chars: int) -> list[str]:
    """What a picker that knows the editor's facts shows within the budget: greedily, the sentence
    that covers most facts not yet covered, then brings the uncovered ones most of their missing
    words (a fact may be covered by two sentences' words together), until none adds a word.

    Not a system, and no exact ceiling (greedy): what knowing the facts reaches from these
    sentences within this budget, beside which storybot's coverage is read."""
    chosen: list[str] = []
    words: set[str] = set()
    needed = [content_words(f) for f in facts]
    left = [w for w in needed if w]
    vocab = {t: content_words(t) for t in sentences}
    chars = 0
    while len(chosen) < max_items and left:
        best, best_gain = None, (0, 0.0)
        for text, own in vocab.items():
            if text in chosen or chars + len(text) > max_chars:
                continue
            have = words | own
            covered = sum(len(w & have) >= COVERED * len(w) for w in left)
            progress = sum(len(w & own - words) / len(w) for w in left)
            gain = (covered, progress)
            if gain > best_gain:
                best, best_gain = text, gain
        if best is None:
            break
        chosen.append(best)
        chars += len(best)
        words |= vocab[best]
        left = [w for w in left if len(w & words) < COVERED * len(w)]
    return chosen


TIMELINES: dict[str, Callable[[Services, int, int], Timeline]] = {
    "storybot": storybot_timeline,
    "baseline": baseline_timeline,
}
BRIEFINGS: dict[str, Callable[[Services, date, bool], list[str]]] = {
    "storybot": storybot_briefing,
    "baseline": baseline_briefing,
}


# -- the pure steps ---------------------------------------------------------------------------


def top_dates(items: Sequence[tuple[date, str]], T: int, K: int) -> Timeline:
    """The T dates with most items (ties: the earlier date), each with its first K items, oldest first."""
    by_day: dict[date, list[str]] = defaultdict(list)
    for day, text in items:
        by_day[day].append(text)
    chosen = sorted(by_day, key=lambda d: (-len(by_day[d]), d))[:T]
    return [(d, by_day[d][:K]) for d in sorted(chosen)]


def lead_timeline(by_day: dict[date, list[list[str]]], T: int, K: int) -> Timeline:
    """The T days with most articles (ties: the earlier day), each with K lead sentences, oldest first."""
    chosen = sorted((d for d in by_day if by_day[d]), key=lambda d: (-len(by_day[d]), d))[:T]
    return [(d, round_robin(by_day[d], K)) for d in sorted(chosen)]


def round_robin(articles: Sequence[Sequence[str]], limit: int, max_chars: int | None = None) -> list[str]:
    """Every article's first sentence, then every second one, ..., until `limit` sentences.

    With `max_chars`, a sentence that would take the total past it is left out and the next tried.
    """
    chosen: list[str] = []
    chars = 0
    depth = max((len(a) for a in articles), default=0)
    for position in range(depth):
        for sentences in articles:
            if len(chosen) == limit:
                return chosen
            if position < len(sentences):
                text = sentences[position]
                if max_chars is not None and chars + len(text) > max_chars:
                    continue
                chosen.append(text)
                chars += len(text)
    return chosen


def leads_by_day(built: Services, day: date | None = None) -> dict[date, list[list[str]]]:
    """Each publication day's articles (in storing order), each as its sentences in order.

    Read-only SQL on the store: the baseline needs no service of storybot's.
    """
    query = (
        select(Article.published, Article.id, Sentence.text)
        .join(Sentence, Sentence.article_id == Article.id)
        .where(Article.published.is_not(None))
        .order_by(Article.published, Article.id, Sentence.position)
    )
    if day is not None:
        query = query.where(Article.published == day)
    by_article: dict[tuple[date, int], list[str]] = {}
    with built.store.session() as session:
        for published, article_id, text in session.execute(query):
            by_article.setdefault((published, article_id), []).append(text)
    by_day: dict[date, list[list[str]]] = defaultdict(list)
    for (published, _), sentences in by_article.items():
        by_day[published].append(sentences)
    return dict(by_day)
