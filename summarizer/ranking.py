"""Ranking strategies: one signature, weights in one dataclass, registered by name.

Every strategy scores candidate sentences from the signals stored at ingestion (and, once the
service has loaded them, their vectors): `rank(name, candidates, context, weights)`. The
briefing service picks the strategy by the query plan. A candidate set without vectors gets
no centrality term, so the same function serves the cheap first pass (which keeps a pool)
and the final ranking of that pool.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from summarizer.dates import DateSpan
from summarizer.scoring import focus
from summarizer.selection import centrality
from summarizer.store.rows import Candidates
from summarizer.story_text import first_person


@dataclass(frozen=True)
class Weights:
    """Every ranking weight, by strategy; each strategy's weights sum to 1 without bonuses."""

    actor_focus: float = 0.4  # how much the sentence is about the actor (prominence, others named)
    actor_quality: float = 0.2
    actor_dated: float = 0.1  # a concrete happening on a day or a few
    actor_speaker: float = 0.1  # the actor speaks
    actor_central: float = 0.3
    event_overlap: float = 0.5  # share of the event's days inside the asked span
    event_quality: float = 0.2
    # Half the centrality weight goes to support: how many other articles report the same about
    # the asked days (Timeline17 date briefings: 0.312 with it against 0.291 without, both with
    # the next day's fill).
    event_central: float = 0.15
    event_support: float = 0.15
    # A penalty: a line told in the first person outside quotation marks ("Last night we could
    # smell ...") is a witness's, a reader's or a columnist's, seldom the day's news.
    event_personal: float = 0.1
    # A bonus for naming the story's main actors (Candidates.reach): a day's news is mostly
    # about them, a passer-by's line seldom is. Timeline17 date briefings, short budget:
    # coverage 0.342 without it, 0.368 with it (long budget 0.455, 0.505).
    event_reach: float = 0.1
    published_lead: float = 0.2  # news puts the news first
    published_quality: float = 0.2
    published_central: float = 0.2
    published_support: float = 0.4
    published_personal: float = 0.1
    published_reach: float = 0.15
    topic_relevance: float = 0.6  # cosine to the query plus the lexical bonus
    topic_quality: float = 0.15
    topic_central: float = 0.25
    digest_lead: float = 0.35
    digest_quality: float = 0.25
    digest_followed: float = 0.5  # a bonus: followed actors lead a digest
    digest_central: float = 0.4
    timeline_dated: float = 1.0  # the timeline pools the most specific, best-written events
    timeline_quality: float = 1.0


@dataclass(frozen=True)
class Context:
    """What a strategy may know about the query besides the candidates."""

    span: DateSpan | None = None  # the asked dates ("event")
    relevance: Mapping[int, float] = field(default_factory=dict)  # by sentence id ("topic")
    followed: frozenset[int] = frozenset()  # sentence ids naming a followed actor ("digest")
    support: Mapping[int, float] = field(default_factory=dict)  # by sentence id: other articles' agreement


Ranker = Callable[[Candidates, Context, Weights], np.ndarray]


def actor(c: Candidates, ctx: Context, w: Weights) -> np.ndarray:
    return (
        w.actor_focus * focus(np.array(c.prominence), np.array(c.named))
        + w.actor_quality * np.array(c.quality)
        + w.actor_dated * np.array([dated(s, e) for s, e in zip(c.event_start, c.event_end)])
        + w.actor_speaker * np.array(c.speaker, dtype=float)
        + w.actor_central * _centrality(c)
    )


def event(c: Candidates, ctx: Context, w: Weights) -> np.ndarray:
    assert ctx.span is not None, "the event strategy ranks against the asked span"
    overlaps = [overlap(ctx.span, s, e) for s, e in zip(c.event_start, c.event_end)]
    return (
        w.event_overlap * np.array(overlaps)
        + w.event_quality * np.array(c.quality)
        + w.event_central * _centrality(c)
        + w.event_support * _support(c, ctx)
        + w.event_reach * _reach(c)
        - w.event_personal * np.array([first_person(t) for t in c.texts], dtype=float)
    )


def published(c: Candidates, ctx: Context, w: Weights) -> np.ndarray:
    return (
        w.published_lead * np.array([lead(p) for p in c.lead_places()])
        + w.published_quality * np.array(c.quality)
        + w.published_central * _centrality(c)
        + w.published_support * _support(c, ctx)
        + w.published_reach * _reach(c)
        - w.published_personal * np.array([first_person(t) for t in c.texts], dtype=float)
    )


def topic(c: Candidates, ctx: Context, w: Weights) -> np.ndarray:
    return (
        w.topic_relevance * np.array([ctx.relevance[i] for i in c.ids])
        + w.topic_quality * np.array(c.quality)
        + w.topic_central * _centrality(c)
    )


def digest(c: Candidates, ctx: Context, w: Weights) -> np.ndarray:
    return (
        w.digest_lead * np.array([lead(p) for p in c.lead_places()])
        + w.digest_quality * np.array(c.quality)
        + w.digest_followed * np.array([i in ctx.followed for i in c.ids], dtype=float)
        + w.digest_central * _centrality(c)
    )


def timeline(c: Candidates, ctx: Context, w: Weights) -> np.ndarray:
    return w.timeline_quality * np.array(c.quality) + w.timeline_dated * np.array(
        [dated(s, e) for s, e in zip(c.event_start, c.event_end)]
    )


RANKERS: dict[str, Ranker] = {
    "actor": actor,
    "event": event,
    "published": published,
    "topic": topic,
    "digest": digest,
    "timeline": timeline,
}


def rank(name: str, c: Candidates, ctx: Context = Context(), weights: Weights = Weights()) -> np.ndarray:
    """Scores of the candidates by the strategy `name`, one per row; higher is better."""
    if not len(c):
        return np.zeros(0)
    return RANKERS[name](c, ctx, weights)


def lead(position: int) -> float:
    """1 for an article's opening sentence, falling to 0 by the ninth: news puts the news first."""
    return 1.0 - min(position / 8, 1.0)


def dated(start: date | None, end: date | None) -> float:
    """1 for a sentence about a specific day or few days: a concrete happening."""
    return 1.0 if start and end and (end - start).days < 7 else 0.0


def overlap(span: DateSpan, start: date, end: date) -> float:
    """Share of an event's days that fall inside the asked span: 1 for a precise hit."""
    inside = (min(span.end, end) - max(span.start, start)).days + 1
    return max(inside, 0) / ((end - start).days + 1)


def _reach(c: Candidates) -> np.ndarray:
    """How widely the story names whom each sentence names; 0 where it was not loaded."""
    return np.array(c.reach, dtype=float) if c.reach else np.zeros(len(c))


def _support(c: Candidates, ctx: Context) -> np.ndarray:
    """Each candidate's support from other articles (0 where none was measured)."""
    return np.array([ctx.support.get(i, 0.0) for i in c.ids], dtype=float)


def _centrality(c: Candidates) -> np.ndarray | float:
    """How typical each sentence is of the set (0 before the vectors are loaded)."""
    return centrality(c.vectors) if c.vectors.size else 0.0
