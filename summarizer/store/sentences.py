"""Sentences in the store: the candidate columns a briefing ranks, their vectors, rescoring.

Everything here was computed at ingestion; a query only reads rows and stacks vectors.
Callers own the session: nothing here commits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from summarizer.store.models import Actor, Article, Mention, Sentence
from summarizer.store.rows import Candidates
from summarizer.store.state import generation


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")


# The candidate columns, by the `Candidates` field each fills.
_COLUMNS = {
    "ids": Sentence.id,
    "articles": Sentence.article_id,
    "positions": Sentence.position,
    "texts": Sentence.text,
    "event_start": Sentence.event_start,
    "event_end": Sentence.event_end,
    "published": Article.published,
    "quality": Sentence.quality,
    "named": Sentence.named,
    "expected": Sentence.expected,
    "mentioned_days": Sentence.mentioned_days,
    "clusters": func.coalesce(Article.cluster_id, Article.id),
    "copied": Sentence.copied,
}
# What a timeline weighs days by, read for every sentence in its scope: ids, places, dates and
# stories, no text or signals (the rows of the few sentences it shows come after, `rows_by_id`).
# On a store of 10,000 articles (115,620 sentences): 0.40 s, against 0.72 s for the full rows.
_DATE_COLUMNS = {
    name: _COLUMNS[name]
    for name in ("ids", "articles", "positions", "event_start", "event_end", "published", "expected", "mentioned_days", "clusters", "copied")
}
# The subject's mention beside each row, for actor candidates.
_MENTION_COLUMNS = {"surfaces": Mention.surface, "labels": Mention.label, "prominence": Mention.prominence, "speaker": Mention.speaker}


def _days(stored: str | None) -> tuple[date, ...]:
    return tuple(date.fromisoformat(d) for d in stored.split()) if stored else ()


# How a stored value becomes the field's (the rest are kept as read).
_AS_FIELD = {"expected": bool, "copied": bool, "speaker": bool, "mentioned_days": _days}
# A syndicated copy's sentence that its story's earlier article already holds is no candidate:
# the earlier one is, and its item cites every copy (summarizer/syndication.py).
_ORIGINAL = Sentence.copied.is_(False)


# Only story sentences are ever shown: headings, captions, bylines, credits and boilerplate are
# stored (kinds set at ingestion, summarizer/story_text.py) but never a candidate.
SHOWN = Sentence.kind == "story"


def _select(columns: Mapping[str, Any] = _COLUMNS) -> Select:
    """The `columns` of sentences with their articles, in storing order."""
    return select(*columns.values()).join(Article, Article.id == Sentence.article_id).order_by(Sentence.id)


def _sentences(*conditions) -> Select:
    """The candidate columns of the sentences meeting `conditions`, in storing order."""
    return _select().where(*conditions)


def _read(session: Session, query: Select, names: Iterable[str]) -> Candidates:
    """The story sentences `query` finds, each column into the field `names` gives it, in order."""
    out = Candidates()
    slots = [(getattr(out, name), _AS_FIELD.get(name)) for name in names]
    for row in session.execute(query.where(SHOWN)):
        for (column, convert), value in zip(slots, row):
            column.append(convert(value) if convert else value)
    return out


def _collect(session: Session, query: Select, names: Iterable[str] = _COLUMNS) -> Candidates:
    """Rows without vectors: callers rank cheaply first, then `load_vectors` for the few kept."""
    out = _read(session, query, names)
    out.leads = _lead_places(session, out.articles, out.positions)
    return out


def _extend(out: Candidates, part: Candidates) -> None:
    """Append `part`'s rows to `out` (vectors aside)."""
    for f in fields(Candidates):
        if f.name != "vectors":
            getattr(out, f.name).extend(getattr(part, f.name))


LEAD_WINDOW = 24  # furniture counted above a sentence this early; a later one keeps its position


def _lead_places(session: Session, articles: Sequence[int], positions: Sequence[int]) -> list[int]:
    """Each sentence's position less the sentences above it that are not story (a heading, a
    byline, a stamp split off the first sentence): the story's opening sentence is its lead."""
    early = sorted({a for a, p in zip(articles, positions) if 0 < p < LEAD_WINDOW})
    above: dict[int, list[int]] = {}
    for start in range(0, len(early), 500):
        batch = early[start : start + 500]
        query = select(Sentence.article_id, Sentence.position).where(
            Sentence.article_id.in_(batch), Sentence.position < LEAD_WINDOW, ~SHOWN
        )
        for article_id, position in session.execute(query):
            above.setdefault(article_id, []).append(position)
    return [
        p - sum(q < p for q in above.get(a, ())) if 0 < p < LEAD_WINDOW else p
        for a, p in zip(articles, positions)
    ]


def _at_places(session: Session, places: Sequence[tuple[int, int]], column, *conditions) -> Iterator[tuple[int, int, Any]]:
    """(article id, position, `column`) of the sentences at these (article id, position) places
    that meet `conditions`, in bounded batches whatever the pool size.

    Each batch asks for its articles and its positions as two lists, and keeps the asked pairs
    of the rows: SQLite reads a pair list (`tuple_(...).in_`) by scanning every sentence of the
    store, two lists by the article index.
    """
    for start in range(0, len(places), 400):
        batch = places[start : start + 400]
        asked = set(batch)
        query = select(Sentence.article_id, Sentence.position, column).where(
            Sentence.article_id.in_(sorted({a for a, _ in batch})), Sentence.position.in_(sorted({p for _, p in batch})), *conditions
        )
        yield from ((a, p, value) for a, p, value in session.execute(query) if (a, p) in asked)


def load_vectors(session: Session, c: Candidates) -> Candidates:
    """Fill `c.vectors` from the stored embeddings, in row order."""
    blobs: dict[int, bytes] = {}
    for start in range(0, len(c.ids), 500):
        batch = c.ids[start : start + 500]
        blobs.update(session.execute(select(Sentence.id, Sentence.embedding).where(Sentence.id.in_(batch))).all())
    c.vectors = np.stack([from_bytes(blobs[i]) for i in c.ids]) if c.ids else np.zeros((0, 0), dtype=np.float32)
    return c


def load_speakers(session: Session, c: Candidates) -> Candidates:
    """Fill `c.speakers`: whose statement each sentence is, or None, in row order.

    A sentence's stored speaker; for one without, the speaker of the next sentence of its article
    when that one names no one else, and so took its speaker from this one: "Mao Ning was asked
    whether ..." before "She told reporters ..." leads in to her statement.
    """
    keys = list(zip(c.articles, c.positions))
    stored: dict[int, int] = {}
    for start in range(0, len(c.ids), 500):
        batch = c.ids[start : start + 500]
        stored.update(session.execute(select(Sentence.id, Sentence.speaker_id).where(Sentence.id.in_(batch))).all())
    others = select(Mention.id).where(Mention.sentence_id == Sentence.id, Mention.actor_id != Sentence.speaker_id)
    wanted = sorted({(a, p + 1) for (a, p), sid in zip(keys, c.ids) if stored.get(sid) is None})
    following = {
        (a, p - 1): speaker
        for a, p, speaker in _at_places(session, wanted, Sentence.speaker_id, Sentence.speaker_id.is_not(None), ~others.exists())
    }
    c.speakers = [stored.get(sid) or following.get(key) for sid, key in zip(c.ids, keys)]
    return c


def load_reach(session: Session, c: Candidates, reach: Mapping[int, float]) -> Candidates:
    """Fill `c.reach`: for each sentence, the `reach` (share of stored articles naming it, per
    actor id: Catalog.reach) of the most widely named actor it names, 0 when it names none.
    The story's main actors reach far; a passer-by named in one report does not."""
    best: dict[int, float] = {}
    for start in range(0, len(c.ids), 500):  # bounded parameter lists, whatever the pool size
        batch = c.ids[start : start + 500]
        for sentence_id, actor_id in session.execute(
            select(Mention.sentence_id, Mention.actor_id).where(Mention.sentence_id.in_(batch))
        ):
            best[sentence_id] = max(best.get(sentence_id, 0.0), reach.get(actor_id, 0.0))
    c.reach = [best.get(sid, 0.0) for sid in c.ids]
    return c


def actor_candidates(session: Session, actor_id: int) -> Candidates:
    """Every sentence that names (or titles) the actor."""
    columns = {**_COLUMNS, **_MENTION_COLUMNS}
    query = _select(columns).join(Mention, Mention.sentence_id == Sentence.id).where(Mention.actor_id == actor_id, _ORIGINAL)
    return _collect(session, query, columns)


def speaker_candidates(session: Session, actor_id: int) -> Candidates:
    """Every sentence the actor says: quotations and reported statements whose speaker it is."""
    return _collect(session, _sentences(Sentence.speaker_id == actor_id))


def event_candidates(session: Session, start: date, end: date, max_days: int) -> Candidates:
    """Sentences whose event span overlaps [start, end] and lasts at most `max_days`."""
    # A span that short reaching `start` began at most max_days - 1 days before it: the bound
    # lets the event index read only those (else SQLite reads every sentence up to `end`).
    earliest = start - timedelta(days=max_days - 1) if start > date.min + timedelta(days=max_days) else date.min
    found = _collect(
        session,
        _sentences(Sentence.event_start <= end, Sentence.event_start >= earliest, Sentence.event_end >= start, _ORIGINAL),
    )
    keep = [i for i in range(len(found)) if (found.event_end[i] - found.event_start[i]).days < max_days]
    return subset(found, keep)


def story_dates(session: Session, article_ids: Iterable[int] | None = None) -> Candidates:
    """The date columns of every sentence of the store, or of these articles, syndicated copies'
    sentences included (marked `copied`): forty outlets republishing a day's story weigh that
    day, though only one of them is ever shown. What a timeline weighs days by."""
    query = _select(_DATE_COLUMNS)
    if article_ids is None:
        return _read(session, query, _DATE_COLUMNS)
    wanted = sorted(set(article_ids))
    out = Candidates()
    for start in range(0, len(wanted), 500):  # bounded parameter lists, whatever the store size
        _extend(out, _read(session, query.where(Sentence.article_id.in_(wanted[start : start + 500])), _DATE_COLUMNS))
    return out


def actor_dates(session: Session, actor_id: int) -> Candidates:
    """The date columns of every sentence that names (or titles) the actor, as `actor_candidates` has them."""
    query = _select(_DATE_COLUMNS).join(Mention, Mention.sentence_id == Sentence.id).where(Mention.actor_id == actor_id, _ORIGINAL)
    return _read(session, query, _DATE_COLUMNS)


def with_leads(session: Session, c: Candidates, rows: Iterable[int]) -> Candidates:
    """`c` with the lead places of `rows` counted (see `_lead_places`); the other rows keep their
    positions as lead places. For date columns, whose lead places only some rows need."""
    rows = sorted(set(rows))
    leads = list(c.positions)
    for i, lead in zip(rows, _lead_places(session, [c.articles[i] for i in rows], [c.positions[i] for i in rows])):
        leads[i] = lead
    c.leads = leads
    return c


def published_candidates(session: Session, start: date, end: date) -> Candidates:
    """Sentences of the articles published in [start, end]."""
    return _collect(session, _sentences(_of_articles(Article.published >= start, Article.published <= end), _ORIGINAL))


def ingested_candidates(session: Session, since: datetime) -> Candidates:
    """Sentences of the articles stored after `since`."""
    return _collect(session, _sentences(_of_articles(Article.ingested_at > since), _ORIGINAL))


def _of_articles(*conditions):
    """Sentences of the articles meeting `conditions`, asked as a subquery so that the database
    finds the articles by their index first, then their sentences by article (a plain join with
    the condition on the article let SQLite read every sentence of the store: 110 ms against
    2 ms for one day of a 10,000-article store)."""
    return Sentence.article_id.in_(select(Article.id).where(*conditions))


def rows_by_id(session: Session, ids: Sequence[int]) -> Candidates:
    """The candidate rows of the sentences with these ids, in that order (an id asked twice
    gives its row twice), without vectors."""
    found = Candidates()
    for start in range(0, len(ids), 500):  # bounded parameter lists, whatever the number asked
        _extend(found, _collect(session, _sentences(Sentence.id.in_(sorted(set(ids[start : start + 500]))))))
    order = {sid: i for i, sid in enumerate(found.ids)}
    return subset(found, [order[i] for i in ids if i in order])


def sentences_by_id(session: Session, ids: Sequence[int]) -> Candidates:
    """The sentences with these ids, in that order, with their vectors."""
    return load_vectors(session, rows_by_id(session, ids))


def subset(c: Candidates, keep: Sequence[int]) -> Candidates:
    """The rows `keep` of `c`, in that order."""
    keep = list(keep)
    columns = {
        f.name: [getattr(c, f.name)[i] for i in keep] if getattr(c, f.name) else []
        for f in fields(Candidates)
        if f.name != "vectors"
    }
    vectors = c.vectors[keep] if c.vectors.size and keep else np.zeros((0, 0), dtype=np.float32)
    return Candidates(**columns, vectors=vectors)


def previous_sentences(session: Session, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Text of the sentence before each (article id, position), where there is one."""
    wanted = sorted({(a, p - 1) for a, p in keys if p > 0})
    return {(a, p + 1): text for a, p, text in _at_places(session, wanted, Sentence.text, SHOWN)}


class VectorIndex:
    """Every sentence vector as one matrix, loaded once and extended as articles arrive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.generation = 0

    def refresh(self, session: Session) -> None:
        """Load the rows stored since the last refresh (ids only grow), or all of them again
        once stored rows were rewritten (the store's generation rose: reanalysis, rescoring)."""
        with self._lock:
            current = generation(session)
            if current != self.generation:
                self.ids = np.zeros(0, dtype=np.int64)
                self.matrix = np.zeros((0, 0), dtype=np.float32)
                self.generation = current
            last = int(self.ids[-1]) if len(self.ids) else 0
            rows = session.execute(
                select(Sentence.id, Sentence.embedding)
                .where(Sentence.id > last, Sentence.embedding.is_not(None), _ORIGINAL, SHOWN)
                .order_by(Sentence.id)
            ).all()
            if not rows:
                return
            new = np.stack([from_bytes(b) for _, b in rows])
            self.matrix = new if self.matrix.size == 0 else np.vstack([self.matrix, new])
            self.ids = np.concatenate([self.ids, np.array([i for i, _ in rows], dtype=np.int64)])

    def nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ids and cosines of the k sentences closest to `query`, best first."""
        if len(self.ids) == 0:
            return self.ids, np.zeros(0, dtype=np.float32)
        scores = self.matrix @ query
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return self.ids[top], scores[top]


# -- rescoring: the stored ranking signals, recomputed when scoring changes ----------------------


def sentence_texts(session: Session, batch: int = 1000) -> Iterator[list[tuple[int, str]]]:
    """Every sentence as (id, text), in batches of ids."""
    last = 0
    while True:
        rows = session.execute(
            select(Sentence.id, Sentence.text).where(Sentence.id > last).order_by(Sentence.id).limit(batch)
        ).all()
        if not rows:
            return
        yield [(i, t) for i, t in rows]
        last = rows[-1][0]


def mention_texts(session: Session, batch: int = 1000) -> Iterator[list[tuple[int, str, str, str]]]:
    """Every mention as (id, surface, label, its sentence's text), in batches of ids."""
    last = 0
    while True:
        rows = session.execute(
            select(Mention.id, Mention.surface, Mention.label, Sentence.text)
            .join(Sentence, Sentence.id == Mention.sentence_id)
            .where(Mention.id > last)
            .order_by(Mention.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield [tuple(r) for r in rows]
        last = rows[-1][0]


def named_counts(session: Session) -> dict[int, int]:
    """Per sentence id, the actors other than places named in it."""
    query = (
        select(Mention.sentence_id, Actor.kind)
        .join(Actor, Actor.id == Mention.actor_id)
    )
    counts: dict[int, int] = {}
    for sentence_id, kind in session.execute(query):
        counts[sentence_id] = counts.get(sentence_id, 0) + (kind != "place")
    return counts


def set_sentence_signals(session: Session, values: Sequence[tuple[int, float, int]]) -> None:
    """Store (id, quality, named) for these sentences."""
    session.execute(
        update(Sentence),
        [{"id": i, "quality": q, "named": n} for i, q, n in values],
    )


def set_mention_signals(session: Session, values: Sequence[tuple[int, float, bool]]) -> None:
    """Store (id, prominence, speaker) for these mentions."""
    session.execute(update(Mention), [{"id": i, "prominence": p, "speaker": s} for i, p, s in values])


def fill_speakers(session: Session) -> None:
    """Give each sentence without a speaker the actor its stored mentions show speaking, if any."""
    best = (
        select(Mention.actor_id)
        .where(Mention.sentence_id == Sentence.id, Mention.speaker.is_(True))
        .order_by(Mention.prominence.desc(), Mention.actor_id)
        .limit(1)
        .scalar_subquery()
    )
    session.execute(update(Sentence).where(Sentence.speaker_id.is_(None)).values(speaker_id=best))


def set_kinds(session: Session, values: Sequence[tuple[int, str]]) -> None:
    """Store (id, kind) for these sentences."""
    for start in range(0, len(values), 1000):
        batch = values[start : start + 1000]
        if batch:
            session.execute(update(Sentence), [{"id": i, "kind": k} for i, k in batch])


def articles_with_sentences(session: Session, batch: int = 200) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """Every article's text with its sentences as (id, text) in order, a batch of articles at a time."""
    last = 0
    while True:
        articles = session.execute(
            select(Article.id, Article.text).where(Article.id > last).order_by(Article.id).limit(batch)
        ).all()
        if not articles:
            return
        rows: dict[int, list[tuple[int, str]]] = {}
        query = (
            select(Sentence.article_id, Sentence.id, Sentence.text)
            .where(Sentence.article_id.in_([a for a, _ in articles]))
            .order_by(Sentence.article_id, Sentence.position)
        )
        for article_id, sid, text in session.execute(query):
            rows.setdefault(article_id, []).append((sid, text))
        for article_id, text in articles:
            if rows.get(article_id):
                yield text, rows[article_id]
        last = articles[-1][0]


def repeated_sentences(
    session: Session, article_ids: Iterable[int] | None = None, min_articles: int = 3
) -> list[tuple[int, int, str | None, str]]:
    """(id, article id, outlet, text) of every sentence whose text is in `min_articles` or more
    articles of one outlet, looking only at texts of `article_ids` (all, when None)."""
    grouped = (
        select(Article.outlet, Sentence.text)
        .join(Article, Article.id == Sentence.article_id)
        .group_by(Article.outlet, Sentence.text)
        .having(func.count(func.distinct(Sentence.article_id)) >= min_articles)
    )
    if article_ids is not None:
        wanted = sorted(set(article_ids))
        if not wanted:
            return []
        texts = select(Sentence.text).where(Sentence.article_id.in_(wanted)).scalar_subquery()
        grouped = grouped.where(Sentence.text.in_(texts))
    pairs = session.execute(grouped).all()
    out: list[tuple[int, int, str | None, str]] = []
    by_text: dict[str, set[str | None]] = {}
    for outlet, text in pairs:
        by_text.setdefault(text, set()).add(outlet)
    keys = sorted(by_text)
    for start in range(0, len(keys), 400):  # bounded parameter lists, whatever the store size
        rows = session.execute(
            select(Sentence.id, Sentence.article_id, Article.outlet, Sentence.text)
            .join(Article, Article.id == Sentence.article_id)
            .where(Sentence.text.in_(keys[start : start + 400]))
        )
        out.extend((i, a, o, t) for i, a, o, t in rows if o in by_text[t])
    return out


def article_sentence_texts(session: Session, article_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """Each article's set of sentence texts."""
    wanted = sorted(set(article_ids))
    found: dict[int, set[str]] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(Sentence.article_id, Sentence.text).where(Sentence.article_id.in_(wanted[start : start + 500]))
        )
        for article_id, text in rows:
            found.setdefault(article_id, set()).add(text)
    return {a: frozenset(t) for a, t in found.items()}


def outlet_article_counts(session: Session) -> dict[str | None, int]:
    """How many analysed articles each outlet has (None: articles with no outlet)."""
    query = (
        select(Article.outlet, func.count(func.distinct(Article.id)))
        .join(Sentence, Sentence.article_id == Article.id)
        .group_by(Article.outlet)
    )
    return dict(session.execute(query).all())
