"""Reads and writes on the story store. Callers own the session: nothing here commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from summarizer.actors import ActorConfig, ActorIndex, NewActor, Resolution, name_key, title_key
from summarizer.analysis import Analysis
from summarizer.embeddings import to_bytes
from summarizer.models import Actor, Alias, Article, Mention, Sentence
from summarizer.scoring import prominence, quality, speaks
from summarizer.sources import RawArticle


def find_duplicate(session: Session, content_hash: str, url: str | None) -> int | None:
    """The id of a stored article with this content hash or URL, if any."""
    query = select(Article.id).where(Article.content_hash == content_hash)
    if url:
        query = select(Article.id).where((Article.content_hash == content_hash) | (Article.url == url))
    return session.scalars(query.limit(1)).first()


def load_actor_index(session: Session) -> ActorIndex:
    index = ActorIndex()
    for actor in session.scalars(select(Actor)):
        index.add_actor(actor.id, actor.name, actor.kind, learned=actor.origin == "learned")
    for actor_id, key, kind in session.execute(select(Alias.actor_id, Alias.key, Alias.kind)):
        index.add_alias(actor_id, key, kind)
    return index


def sync_config(session: Session, config: ActorConfig, index: ActorIndex) -> Resolution:
    """Store what actors.toml says: its actors, canonical names, aliases and titles."""
    resolution, owned = _config_resolution(config, index)
    apply_resolution(session, resolution, index)
    for spec, ref in zip(config.actors, owned, strict=True):
        actor = session.get(Actor, ref.id if isinstance(ref, NewActor) else ref)
        actor.name, actor.kind, actor.origin = spec.name, spec.kind, "config"
    session.flush()
    return resolution


def _config_resolution(config: ActorConfig, index: ActorIndex) -> tuple[Resolution, list[NewActor | int]]:
    out = Resolution()
    owned: list[NewActor | int] = []
    for spec in config.actors:
        key = name_key(spec.name)
        ref: NewActor | int | None = index.lookup(key)
        if ref is None:
            ref = NewActor(spec.name, spec.kind)
            out.new_actors.append(ref)
        elif index.names[ref] != spec.name:
            out.renames[ref] = spec.name
        owned.append(ref)
        keys = [(key, spec.name)] + [(name_key(a), a) for a in spec.aliases]
        # The surname stands for a person across articles, unless the config names the short
        # form itself (family name first: "Xi" for Xi Jinping).
        first = key.split()[0]
        if spec.kind == "person" and len(key.split()) > 1 and all(k != first for k, _ in keys[1:]):
            keys.append((key.split()[-1], spec.name.split()[-1]))
        for alias_key, surface in keys:
            out.aliases.append((ref, alias_key, surface, "name"))
        for title in spec.titles:
            tkey = title_key(title, config)
            if tkey:
                out.aliases.append((ref, tkey, title, "title"))
    return out, owned


def apply_resolution(
    session: Session,
    resolution: Resolution,
    index: ActorIndex,
    sentence_ids: Sequence[int] = (),
    article_id: int | None = None,
    texts: Sequence[str] = (),
) -> None:
    """Write a resolution's actors, renames, aliases and mentions; ids land on its NewActors.

    `texts` are the article's sentences by position, for the mentions' ranking signals.
    """
    for actor in resolution.new_actors:
        existing = session.scalars(select(Actor).where(Actor.name == actor.name)).first()
        if existing is None:
            existing = Actor(name=actor.name, kind=actor.kind, origin="learned")
            session.add(existing)
            session.flush()
        actor.id = existing.id
    for actor_id, name in resolution.renames.items():
        taken = session.scalars(select(Actor.id).where(Actor.name == name, Actor.id != actor_id)).first()
        if taken is not None:
            continue  # another actor already has that name: keep both rather than fail the article
        actor = session.get(Actor, actor_id)
        actor.name = name
        actor.kind = "person"  # only a surname becoming a full name is renamed by ingestion
    seen: set[tuple[int, str]] = set()
    for ref, key, surface, kind in resolution.aliases:
        actor_id = ref.id if isinstance(ref, NewActor) else ref
        table = index.by_title if kind == "title" else index.by_key
        if (actor_id, key) in seen or actor_id in table.get(key, ()):
            continue
        seen.add((actor_id, key))
        session.add(Alias(actor_id=actor_id, key=key, surface=surface[:200], kind=kind))
    named: Counter[int] = Counter()
    for (position, _), (ref, surface, label) in resolution.mentions.items():
        actor_id = ref.id if isinstance(ref, NewActor) else ref
        text = texts[position] if texts else ""
        session.add(
            Mention(
                actor_id=actor_id,
                sentence_id=sentence_ids[position],
                article_id=article_id,
                surface=surface[:200],
                label=label,
                prominence=prominence(text, surface, label),
                speaker=speaks(text, surface),
            )
        )
        kind = ref.kind if isinstance(ref, NewActor) else index.kinds.get(ref)
        named[position] += kind != "place"
    for position, count in named.items():
        if count > 1:  # the stored default is 1
            session.execute(update(Sentence).where(Sentence.id == sentence_ids[position]).values(named=count))
    session.flush()


def add_article(
    session: Session,
    raw: RawArticle,
    content_hash: str,
    analysis: Analysis,
    vectors: np.ndarray,
    now: datetime,
) -> tuple[int, list[int]]:
    """Insert an article and its sentences; returns the article id and sentence ids by position."""
    article = Article(
        title=raw.title,
        outlet=raw.outlet,
        url=raw.url,
        published=raw.published,
        published_how=raw.published_how,
        date_clue=raw.date_clue,
        origin=raw.origin,
        text=raw.text,
        content_hash=content_hash,
        ingested_at=now,
    )
    for position, (info, vector) in enumerate(zip(analysis.sentences, vectors, strict=True)):
        article.sentences.append(
            Sentence(
                position=position,
                text=info.text,
                event_start=info.event.start if info.event else None,
                event_end=info.event.end if info.event else None,
                date_expression=info.expression[:200] if info.expression else None,
                embedding=to_bytes(vector),
                quality=quality(info.text),
            )
        )
    session.add(article)
    session.flush()
    return article.id, [s.id for s in article.sentences]


@dataclass(frozen=True)
class ActorRow:
    id: int
    name: str
    kind: str
    aliases: tuple[str, ...]
    titles: tuple[str, ...]
    mentions: int
    articles: int


def actor_rows(session: Session) -> list[ActorRow]:
    """Every actor with aliases and mention/article counts, most mentioned first."""
    counts = dict(
        (row.actor_id, (row.mentions, row.articles))
        for row in session.execute(
            select(
                Mention.actor_id,
                func.count(Mention.id).label("mentions"),
                func.count(func.distinct(Mention.article_id)).label("articles"),
            ).group_by(Mention.actor_id)
        )
    )
    aliases: dict[int, list[tuple[str, str]]] = {}
    for actor_id, surface, kind in session.execute(select(Alias.actor_id, Alias.surface, Alias.kind)):
        aliases.setdefault(actor_id, []).append((surface, kind))
    # Spellings met in the text share a key with an alias, so only the mentions remember them.
    spellings = select(Mention.actor_id, Mention.surface).where(Mention.label != "title").distinct()
    for actor_id, surface in session.execute(spellings):
        aliases.setdefault(actor_id, []).append((surface, "name"))
    rows = []
    for actor in session.scalars(select(Actor)):
        mentions, articles = counts.get(actor.id, (0, 0))
        surfaces = aliases.get(actor.id, [])
        names = sorted({s for s, k in surfaces if k == "name" and s != actor.name})
        titles = sorted({s for s, k in surfaces if k == "title"})
        rows.append(ActorRow(actor.id, actor.name, actor.kind, tuple(names), tuple(titles), mentions, articles))
    rows.sort(key=lambda r: (-r.mentions, -r.articles, r.name))
    return rows


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    published_how: str | None
    date_clue: str | None
    origin: str
    sentences: int
    ingested_at: datetime


def article_rows(session: Session) -> list[ArticleRow]:
    """Every stored article, newest publication first (undated last)."""
    counts = dict(session.execute(select(Sentence.article_id, func.count()).group_by(Sentence.article_id)).all())
    rows = [
        ArticleRow(
            a.id, a.title, a.outlet, a.url, a.published, a.published_how, a.date_clue, a.origin,
            counts.get(a.id, 0), a.ingested_at,
        )
        for a in session.scalars(select(Article))
    ]
    rows.sort(key=lambda r: (r.published is None, -(r.published.toordinal() if r.published else 0), r.id))
    return rows


def corpus_version(session: Session) -> tuple[int, int]:
    """Changes whenever an article is stored: (count, highest id)."""
    count, top = session.execute(select(func.count(Article.id), func.max(Article.id))).one()
    return int(count), int(top or 0)
