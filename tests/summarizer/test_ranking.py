"""Ranking strategies: one signature, registered by name, weights that do what they say."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.dates import DateSpan
from summarizer.ranking import RANKERS, Context, Weights, rank
from summarizer.store.rows import Candidates

DAY = date(2023, 3, 20)


@st.composite
def candidates(draw, with_vectors: bool = False) -> Candidates:
    n = draw(st.integers(1, 12))
    unit = st.floats(0, 1, allow_nan=False)
    starts = draw(st.lists(st.one_of(st.none(), st.integers(-30, 30)), min_size=n, max_size=n))
    c = Candidates(
        ids=list(range(1, n + 1)),
        articles=draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)),
        positions=draw(st.lists(st.integers(0, 40), min_size=n, max_size=n)),
        texts=["A sentence."] * n,
        event_start=[DAY + timedelta(days=s) if s is not None else None for s in starts],
        event_end=[DAY + timedelta(days=s + 2) if s is not None else None for s in starts],
        published=[DAY] * n,
        quality=draw(st.lists(unit, min_size=n, max_size=n)),
        named=draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)),
        surfaces=["Someone"] * n,
        labels=["PERSON"] * n,
        prominence=draw(st.lists(unit, min_size=n, max_size=n)),
        speaker=draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        reach=draw(st.lists(unit, min_size=n, max_size=n)),
    )
    if with_vectors:
        v = np.random.default_rng(draw(st.integers(0, 99))).normal(size=(n, 8)).astype(np.float32)
        c.vectors = v / np.linalg.norm(v, axis=1, keepdims=True)
    return c


def context_for(c: Candidates) -> Context:
    return Context(span=DateSpan(DAY, DAY + timedelta(days=2)), relevance={i: 0.5 for i in c.ids}, followed=frozenset(c.ids[:1]))


def fit(name: str, c: Candidates) -> Candidates:
    """The event strategy ranks only sentences with an event date, as the store selects them."""
    if name != "event":
        return c
    return replace(c, event_start=[s or DAY for s in c.event_start], event_end=[e or DAY for e in c.event_end])


def test_every_strategy_has_the_one_signature():
    expected = ["c", "ctx", "w"]  # Ranker = Callable[[Candidates, Context, Weights], np.ndarray]
    assert set(RANKERS) == {"actor", "event", "published", "topic", "digest", "timeline"}
    for name, ranker in RANKERS.items():
        assert list(inspect.signature(ranker).parameters) == expected, name


@settings(max_examples=60, deadline=None)
@given(candidates(with_vectors=True))
def test_every_strategy_gives_one_finite_score_per_candidate(c):
    for name in RANKERS:
        scores = rank(name, fit(name, c), context_for(c))
        assert scores.shape == (len(c),) and np.isfinite(scores).all(), name


@settings(max_examples=40, deadline=None)
@given(candidates(with_vectors=True))
def test_centrality_counts_only_once_vectors_are_loaded(c):
    bare = replace(c, vectors=np.zeros((0, 0), dtype=np.float32))
    ctx = context_for(c)
    no_centrality = Weights(actor_central=0.0)
    assert np.allclose(rank("actor", bare, ctx), rank("actor", c, ctx, no_centrality))


@settings(max_examples=40, deadline=None)
@given(candidates(), st.integers(0, 11))
def test_a_higher_signal_never_lowers_a_score(c, row):
    """Monotone in each weighted signal: better quality, wider reach, or being followed, never ranks lower."""
    row = row % len(c)
    ctx = context_for(c)
    for signal in ("quality", "reach"):
        better = replace(c, **{signal: [1.0 if i == row else q for i, q in enumerate(getattr(c, signal))]})
        for name in RANKERS:
            assert rank(name, fit(name, better), ctx)[row] >= rank(name, fit(name, c), ctx)[row] - 1e-12, (signal, name)
    followed = replace(ctx, followed=frozenset({c.ids[row]}))
    assert rank("digest", c, followed)[row] >= rank("digest", c, replace(ctx, followed=frozenset()))[row]


def test_an_event_inside_the_span_outranks_one_half_outside():
    c = Candidates(
        ids=[1, 2], articles=[1, 2], positions=[0, 0], texts=["a", "b"],
        event_start=[DAY, DAY - timedelta(days=2)], event_end=[DAY, DAY + timedelta(days=1)],
        published=[DAY, DAY], quality=[0.5, 0.5], named=[1, 1],
    )
    scores = rank("event", c, Context(span=DateSpan(DAY, DAY + timedelta(days=1))))
    assert scores[0] > scores[1]


def test_no_candidates_no_scores():
    assert rank("actor", Candidates()).shape == (0,)
