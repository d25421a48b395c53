"""Load what a briefing needs from the store: candidate sentences, their vectors, articles.

Everything here was computed at ingestion; a query only reads rows and stacks vectors.
Callers own the session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

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
    surfaces: list[str] = field(default_factory=list)  # how the subject is named there, if it is
    labels: list[str] = field(default_factory=list)
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
    Sentence.embedding,
)


def _collect(session: Session, query: Select) -> Candidates:
    out = Candidates()
    blobs = []
    for row in session.execute(query):
        out.ids.append(row[0])
        out.articles.append(row[1])
        out.positions.append(row[2])
        out.texts.append(row[3])
        out.event_start.append(row[4])
        out.event_end.append(row[5])
        out.published.append(row[6])
        blobs.append(row[7])
        out.surfaces.append(row[8] if len(row) > 8 else "")
        out.labels.append(row[9] if len(row) > 9 else "")
    if blobs:
        out.vectors = np.stack([from_bytes(b) for b in blobs])
    return out


def actor_candidates(session: Session, actor_id: int) -> Candidates:
    """Every sentence that names (or titles) the actor."""
    query = (
        select(*_COLUMNS, Mention.surface, Mention.label)
        .join(Mention, Mention.sentence_id == Sentence.id)
        .join(Article, Article.id == Sentence.article_id)
        .where(Mention.actor_id == actor_id)
        .order_by(Sentence.id)
    )
    return _collect(session, query)


def actors_per_sentence(session: Session, actor_id: int) -> dict[int, int]:
    """For each sentence naming the actor, how many person or organisation actors it names."""
    mine = aliased(Mention)
    query = (
        select(Mention.sentence_id, func.count())
        .join(mine, mine.sentence_id == Mention.sentence_id)
        .join(Actor, Actor.id == Mention.actor_id)
        .where(mine.actor_id == actor_id, Actor.kind != "place")
        .group_by(Mention.sentence_id)
    )
    return dict(session.execute(query).all())


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
    query = select(*_COLUMNS).join(Article, Article.id == Sentence.article_id).where(Sentence.id.in_(list(ids)))
    found = _collect(session, query)
    order = {sid: i for i, sid in enumerate(found.ids)}
    return subset(found, [order[i] for i in ids if i in order])


def subset(c: Candidates, keep: Sequence[int]) -> Candidates:
    """The rows `keep` of `c`, in that order."""
    return Candidates(
        ids=[c.ids[i] for i in keep],
        articles=[c.articles[i] for i in keep],
        positions=[c.positions[i] for i in keep],
        texts=[c.texts[i] for i in keep],
        event_start=[c.event_start[i] for i in keep],
        event_end=[c.event_end[i] for i in keep],
        published=[c.published[i] for i in keep],
        surfaces=[c.surfaces[i] for i in keep],
        labels=[c.labels[i] for i in keep],
        vectors=c.vectors[list(keep)] if len(keep) else np.zeros((0, c.vectors.shape[1] if c.vectors.ndim == 2 else 0), dtype=np.float32),
    )


def previous_sentences(session: Session, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Text of the sentence before each (article id, position), where there is one."""
    wanted = [(a, p - 1) for a, p in keys if p > 0]
    if not wanted:
        return {}
    clause = or_(*(and_(Sentence.article_id == a, Sentence.position == p) for a, p in wanted))
    rows = session.execute(select(Sentence.article_id, Sentence.position, Sentence.text).where(clause))
    return {(a, p + 1): text for a, p, text in rows}


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
