"""Load what a briefing needs from the store: candidate sentences, their vectors, articles.

Everything here was computed at ingestion; a query only reads rows and stacks vectors.
Callers own the session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime

import numpy as np
from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from summarizer.embeddings import from_bytes
from summarizer.models import Actor, Alias, Article, Mention, Sentence


@dataclass
class Candidates:
    """Parallel columns of candidate sentences (row i of every field is one sentence)."""

    ids: list[int] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    event_start: list[date | None] = field(default_factory=list)
    event_end: list[date | None] = field(default_factory=list)
    published: list[date | None] = field(default_factory=list)
    quality: list[float] = field(default_factory=list)  # stored ranking signals (summarizer/scoring.py)
    named: list[int] = field(default_factory=list)
    surfaces: list[str] = field(default_factory=list)  # how the subject is named there, if it is
    labels: list[str] = field(default_factory=list)
    prominence: list[float] = field(default_factory=list)
    speaker: list[bool] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def __len__(self) -> int:
        return len(self.ids)

    def dates(self) -> list[date | None]:
        """Each sentence's date: its event date, else its article's publication date."""
        return [e or p for e, p in zip(self.event_start, self.published)]


_COLUMNS = (
    Sentence.id,
    Sentence.article_id,
    Sentence.position,
    Sentence.text,
    Sentence.event_start,
    Sentence.event_end,
    Article.published,
    Sentence.quality,
    Sentence.named,
)


def _collect(session: Session, query: Select) -> Candidates:
    """Rows without vectors: callers rank cheaply first, then `load_vectors` for the few kept."""
    out = Candidates()
    for row in session.execute(query):
        out.ids.append(row[0])
        out.articles.append(row[1])
        out.positions.append(row[2])
        out.texts.append(row[3])
        out.event_start.append(row[4])
        out.event_end.append(row[5])
        out.published.append(row[6])
        out.quality.append(row[7])
        out.named.append(row[8])
        if len(row) > 9:  # the subject's mention, for actor candidates
            out.surfaces.append(row[9])
            out.labels.append(row[10])
            out.prominence.append(row[11])
            out.speaker.append(bool(row[12]))
    return out


def load_vectors(session: Session, c: Candidates) -> Candidates:
    """Fill `c.vectors` from the stored embeddings, in row order."""
    blobs: dict[int, bytes] = {}
    for start in range(0, len(c.ids), 500):
        batch = c.ids[start : start + 500]
        blobs.update(session.execute(select(Sentence.id, Sentence.embedding).where(Sentence.id.in_(batch))).all())
    c.vectors = np.stack([from_bytes(blobs[i]) for i in c.ids]) if c.ids else np.zeros((0, 0), dtype=np.float32)
    return c


def actor_candidates(session: Session, actor_id: int) -> Candidates:
    """Every sentence that names (or titles) the actor."""
    query = (
        select(*_COLUMNS, Mention.surface, Mention.label, Mention.prominence, Mention.speaker)
        .join(Mention, Mention.sentence_id == Sentence.id)
        .join(Article, Article.id == Sentence.article_id)
        .where(Mention.actor_id == actor_id)
        .order_by(Sentence.id)
    )
    return _collect(session, query)


def mentioned_sentence_ids(session: Session, actor_id: int) -> set[int]:
    """Ids of the sentences that name (or title) the actor."""
    return set(session.scalars(select(Mention.sentence_id).where(Mention.actor_id == actor_id)))


def event_candidates(session: Session, start: date, end: date, max_days: int) -> Candidates:
    """Sentences whose event span overlaps [start, end] and lasts at most `max_days`."""
    query = (
        select(*_COLUMNS)
        .join(Article, Article.id == Sentence.article_id)
        .where(Sentence.event_start <= end, Sentence.event_end >= start)
        .order_by(Sentence.id)
    )
    found = _collect(session, query)
    keep = [i for i in range(len(found)) if (found.event_end[i] - found.event_start[i]).days < max_days]
    return subset(found, keep)


def published_candidates(session: Session, start: date, end: date) -> Candidates:
    """Sentences of the articles published in [start, end]."""
    query = (
        select(*_COLUMNS)
        .join(Article, Article.id == Sentence.article_id)
        .where(Article.published >= start, Article.published <= end)
        .order_by(Sentence.id)
    )
    return _collect(session, query)


def ingested_candidates(session: Session, since: datetime) -> Candidates:
    """Sentences of the articles stored after `since`."""
    query = (
        select(*_COLUMNS)
        .join(Article, Article.id == Sentence.article_id)
        .where(Article.ingested_at > since)
        .order_by(Sentence.id)
    )
    return _collect(session, query)


def sentences_by_id(session: Session, ids: Sequence[int]) -> Candidates:
    """The sentences with these ids, in that order, with their vectors."""
    query = select(*_COLUMNS).join(Article, Article.id == Sentence.article_id).where(Sentence.id.in_(list(ids)))
    found = _collect(session, query)
    order = {sid: i for i, sid in enumerate(found.ids)}
    return load_vectors(session, subset(found, [order[i] for i in ids if i in order]))


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
    found: dict[tuple[int, int], str] = {}
    for start in range(0, len(wanted), 400):  # bounded parameter lists, whatever the corpus size
        batch = wanted[start : start + 400]
        rows = session.execute(
            select(Sentence.article_id, Sentence.position, Sentence.text).where(
                tuple_(Sentence.article_id, Sentence.position).in_(batch)
            )
        )
        found.update({(a, p + 1): text for a, p, text in rows})
    return found


@dataclass(frozen=True)
class ArticleMeta:
    id: int
    title: str | None
    outlet: str | None
    published: date | None
    url: str | None


def article_meta(session: Session, ids: Iterable[int]) -> dict[int, ArticleMeta]:
    query = select(Article.id, Article.title, Article.outlet, Article.published, Article.url).where(
        Article.id.in_(set(ids))
    )
    return {row[0]: ArticleMeta(*row) for row in session.execute(query)}


@dataclass(frozen=True)
class ActorName:
    id: int
    name: str
    kind: str


def actor_keys(session: Session) -> list[tuple[str, ActorName]]:
    """Every name key with its actor, for resolving and suggesting query subjects."""
    query = select(Alias.key, Actor.id, Actor.name, Actor.kind).join(Actor, Actor.id == Alias.actor_id).where(
        Alias.kind == "name"
    )
    return [(key, ActorName(i, name, kind)) for key, i, name, kind in session.execute(query)]


@dataclass(frozen=True)
class Catalog:
    """What the store holds, for reading queries: names, mention counts, dates.

    It changes only when an article is stored, so callers keep one per corpus version.
    """

    names: list[tuple[str, ActorName]]
    mentions: dict[int, int]
    dates: list[date]


def catalog(session: Session) -> Catalog:
    return Catalog(actor_keys(session), mention_counts(session), stored_dates(session))


def mention_counts(session: Session) -> dict[int, int]:
    return dict(session.execute(select(Mention.actor_id, func.count()).group_by(Mention.actor_id)).all())


def stored_dates(session: Session) -> list[date]:
    """Distinct publication and event start dates, oldest first."""
    published = session.scalars(select(Article.published).where(Article.published.is_not(None)).distinct())
    events = session.scalars(select(Sentence.event_start).where(Sentence.event_start.is_not(None)).distinct())
    return sorted(set(published) | set(events))


class VectorIndex:
    """Every sentence vector as one matrix, loaded once and extended as articles arrive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)

    def refresh(self, session: Session) -> None:
        """Load the rows stored since the last refresh (ids only grow)."""
        with self._lock:
            last = int(self.ids[-1]) if len(self.ids) else 0
            rows = session.execute(
                select(Sentence.id, Sentence.embedding)
                .where(Sentence.id > last, Sentence.embedding.is_not(None))
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
