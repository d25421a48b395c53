"""What ingestion writes: actors resolved in an article, the article itself, and its ranking signals.

The signals (`summarizer/scoring.py`) are computed here, once, and handed to the store as plain
values; `rescore` recomputes them for every stored row when scoring changes. Callers own the
session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session

from summarizer.actors import (
    ActorConfig,
    ActorIndex,
    NewActor,
    Resolution,
    config_resolution,
)
from summarizer.analysis import Analysis
from summarizer.outlets import lead_title, outlet_for
from summarizer.scoring import prominence, quality, speaks
from summarizer.sources import RawArticle
from summarizer.story_text import STORY, RepeatTuning, article_kinds, repeated_boilerplate
from summarizer.store import actors as actor_store
from summarizer.store import articles as article_store
from summarizer.store import sentences as sentence_store
from summarizer.store.rows import NewArticle, NewMention, NewSentence, StoredInput
from summarizer.store.state import next_generation
from summarizer.syndication import Fingerprint, copied_story, fingerprint, normalised


def load_index(session: Session) -> ActorIndex:
    """The in-memory actor index, from the stored actors and aliases."""
    index = ActorIndex()
    actors, aliases = actor_store.index_rows(session)
    for actor_id, name, kind, origin in actors:
        index.add_actor(actor_id, name, kind, learned=origin == "learned")
    for actor_id, key, kind in aliases:
        index.add_alias(actor_id, key, kind)
    index.mentions.update(actor_store.mention_totals(session))
    return index


def sync_config(session: Session, config: ActorConfig, index: ActorIndex) -> None:
    """Store what actors.toml says: its actors, canonical names, aliases and titles."""
    resolution, owned = config_resolution(config, index)
    write_actors(session, resolution, index)
    for spec, ref in zip(config.actors, owned, strict=True):
        actor_store.set_actor(session, _id(ref), spec.name, spec.kind, "config")


def write_actors(session: Session, resolution: Resolution, index: ActorIndex) -> None:
    """Store a resolution's new actors, renames and aliases; ids land on its NewActors."""
    for actor in resolution.new_actors:
        actor.id = actor_store.ensure_actor(session, actor.name, actor.kind)
    for actor_id, name in resolution.renames.items():
        # Only a surname becoming a full name is renamed by ingestion; a name another actor
        # already has keeps both rather than failing the article.
        actor_store.rename_actor(session, actor_id, name, "person")
    seen: set[tuple[int, str]] = set()
    for ref, key, surface, kind in resolution.aliases:
        actor_id = _id(ref)
        table = index.by_title if kind == "title" else index.by_key
        if (actor_id, key) in seen or actor_id in table.get(key, ()):
            continue
        seen.add((actor_id, key))
        actor_store.add_alias(session, actor_id, key, surface, kind)


def vote_kinds(
    session: Session, index: ActorIndex, config: ActorConfig, *, margin: int = 2, least: int = 3,
    articles: Sequence[int] | None = None,
) -> dict[int, str]:
    """Give each learned actor the kind most of its mentions' entity labels say, when they say
    it clearly (at least `least` votes and `margin` times the votes for its kind now): the first
    article's label decides a new actor's kind, and the small model mislabels ("Twitter" a
    person, "Oxfam" a place). Countries and organisations of the config keep theirs.

    With `articles` (those a run just stored), only the actors they name are counted again: no
    other actor's votes changed.
    """
    changed: dict[int, str] = {}
    for actor_id, votes in actor_store.label_votes(session, articles).items():
        name = index.names.get(actor_id)
        if name is None or config.variant_of(name):
            continue
        current = index.kinds.get(actor_id)
        # Only a person taken for a place or organisation, or the reverse: the small model mixes
        # up places and organisations too often ("Hama" the city as ORG) for its votes to settle those.
        person = votes.get("person", 0)
        other = max((k for k in votes if k != "person"), key=lambda k: votes[k], default=None)
        others = sum(v for k, v in votes.items() if k != "person")
        if current == "person" and other and others >= least and (others > person or _acronym(name)):
            # most of its mentions say it is no person (a ship, a rig); or its name is an acronym,
            # which no person's is, though the model takes "Unicef" written in title case for one
            # (nor does an acronym become a person below)
            changed[actor_id] = other
        elif current != "person" and not _acronym(name) and person >= least and person >= margin * others:
            changed[actor_id] = "person"
    # What the nouns beside a name say, again and again, settles what the labels cannot: "mining
    # firm Acme" is a company the model took for a place, "the Old Town district" a place it
    # took for a person.
    for actor_id, evidence in actor_store.noun_evidence(session, articles).items():
        name = index.names.get(actor_id)
        if name is None or config.variant_of(name):
            continue
        kind = changed.get(actor_id, index.kinds.get(actor_id))
        org, place = evidence.get("organisation", 0), evidence.get("place", 0)
        if kind == "place" and org >= least and org > place:
            changed[actor_id] = "organisation"
        elif kind in {"person", "organisation"} and place >= least and place > org:
            changed[actor_id] = "place"
    actor_store.set_kinds(session, changed)
    index.kinds.update(changed)
    return changed


def _acronym(name: str) -> bool:
    """Whether the name is one word in capitals ("UNICEF", "NATO"): an acronym, never a person's name."""
    return len(name) >= 2 and name.isalpha() and name.isupper()


def article_record(
    raw: RawArticle,
    content_hash: str,
    analysis: Analysis,
    vectors: np.ndarray,
    resolution: Resolution,
    index: ActorIndex,
    now: datetime,
    *,
    outlets: dict[str, str] | None = None,
    copy: Copy | None = None,
    language: str | None = "en",
    stamp: str | None = None,
) -> NewArticle:
    """The article as the store takes it, with every sentence's and mention's ranking signals.

    Call after `write_actors`, so that the resolution's new actors have ids. Without an outlet
    the URL's domain names one (`outlets`: pretty names by domain); without a title, its first
    words. `copy` says which stored story it copies and which texts that story already holds;
    `stamp` names the analysis that made it (`ingest.analysis_stamp`).
    """
    texts = [s.text for s in analysis.sentences]
    kinds = article_kinds(raw.text, texts)
    mentions: list[NewMention] = []
    named: Counter[int] = Counter()
    for (position, _), (ref, surface, label) in resolution.mentions.items():
        if kinds[position] != STORY:
            continue  # a heading, caption or credit line names nobody the story is about
        text = texts[position]
        mentions.append(
            NewMention(_id(ref), position, surface, label, prominence(text, surface, label), speaks(text, surface))
        )
        kind = ref.kind if isinstance(ref, NewActor) else index.kinds.get(ref)
        named[position] += kind != "place"
    sentences = [
        NewSentence(
            position=position,
            text=info.text,
            event_start=info.event.start if info.event else None,
            event_end=info.event.end if info.event else None,
            date_expression=info.expression,
            vector=vector,
            quality=quality(info.text),
            named=max(1, named[position]),
            expected=info.expected,
            mentioned_days=info.days,
            copied=copy is not None and copy.cluster_id is not None and normalised(info.text) in copy.texts,
            speaker_id=_id(resolution.speakers[position]) if position in resolution.speakers else None,
            kind=kinds[position],
        )
        for position, (info, vector) in enumerate(zip(analysis.sentences, vectors, strict=True))
    ]
    return _record(
        raw,
        content_hash,
        now,
        outlets,
        sentences=sentences,
        mentions=mentions,
        cluster_id=copy.cluster_id if copy else None,
        signature=copy.fingerprint.to_bytes() if copy and copy.fingerprint else None,
        bands=copy.fingerprint.bands if copy and copy.fingerprint else (),
        language=language,
        analysis=stamp,
    )


def _record(raw: RawArticle, content_hash: str, now: datetime, outlets: dict[str, str] | None, **rest) -> NewArticle:
    """The article's own fields, an outlet from its URL's domain and a title from its first words
    when it came without them, and `rest` (sentences, mentions, ...)."""
    return NewArticle(
        title=raw.title or lead_title(raw.text),
        outlet=raw.outlet or outlet_for(raw.url, outlets or {}),
        url=raw.url,
        published=raw.published,
        published_how=raw.published_how,
        date_clue=raw.date_clue,
        origin=raw.origin,
        text=raw.text,
        content_hash=content_hash,
        ingested_at=now,
        **rest,
    )


@dataclass(frozen=True)
class Copy:
    """What syndication found for a new article: its fingerprint, the story it copies, that story's texts."""

    fingerprint: Fingerprint | None
    cluster_id: int | None = None
    texts: frozenset[str] = frozenset()


def find_copy(session: Session, text: str) -> Copy:
    """Fingerprint an article's text and look for the stored story it copies (one indexed lookup)."""
    fp = fingerprint(text)
    if fp is None:
        return Copy(None)
    cluster = copied_story(fp, article_store.band_matches(session, fp.bands))
    if cluster is None:
        return Copy(fp)
    return Copy(fp, cluster, frozenset(normalised(t) for t in article_store.story_texts(session, cluster)))


def stored_copy(session: Session, stored: StoredInput) -> Copy:
    """What syndication found when the stored article was first stored: the story it copies (kept
    as stored) and the texts that story's articles stored before it hold."""
    if stored.cluster_id is None:
        return Copy(None)
    texts = article_store.story_texts(session, stored.cluster_id, before=stored.id)
    return Copy(None, stored.cluster_id, frozenset(normalised(t) for t in texts))


def as_raw(stored: StoredInput) -> RawArticle:
    """The stored article as it was read, for analysing its text again."""
    return RawArticle(
        stored.origin, stored.text, stored.title, stored.outlet, stored.url, stored.published, stored.published_how,
        stored.date_clue,
    )


def unanalysed_record(
    raw: RawArticle,
    content_hash: str,
    language: str,
    now: datetime,
    *,
    outlets: dict[str, str] | None = None,
    stamp: str | None = None,
) -> NewArticle:
    """An article in a language storybot does not analyse: stored whole and marked, with no sentences."""
    return _record(raw, content_hash, now, outlets, sentences=[], language=language, analysis=stamp)


def mark_repeats(session: Session, article_ids: Iterable[int] | None = None) -> int:
    """Mark as boilerplate the sentences an outlet repeats across otherwise different articles.

    Only sentences of `article_ids` (all, when None) are looked for; a repeat found marks every
    copy of it in that outlet. Returns how many sentences were marked.
    """
    repeats = sentence_store.repeated_sentences(session, article_ids, RepeatTuning().min_articles)
    if not repeats:
        return 0
    by_outlet: dict[str | None, dict[str, list[int]]] = {}
    for _, article_id, outlet, text in repeats:
        by_outlet.setdefault(outlet, {}).setdefault(text, []).append(article_id)
    involved = {article_id for _, article_id, _, _ in repeats}
    texts = sentence_store.article_sentence_texts(session, involved)
    totals = sentence_store.outlet_article_counts(session)
    boiler = {
        (outlet, text)
        for outlet, holders in by_outlet.items()
        for text in repeated_boilerplate(holders, texts, totals.get(outlet, 0))
    }
    marked = [sid for sid, _, outlet, text in repeats if (outlet, text) in boiler]
    sentence_store.set_kinds(session, [(sid, "boilerplate") for sid in marked])
    return len(marked)


def rescore(session: Session) -> tuple[int, int]:
    """Recompute every stored ranking signal and sentence kind with today's rules; returns (sentences, mentions)."""
    named = sentence_store.named_counts(session)
    sentences = mentions = 0
    for batch in sentence_store.sentence_texts(session):
        sentence_store.set_sentence_signals(session, [(i, quality(t), max(1, named.get(i, 0))) for i, t in batch])
        sentences += len(batch)
    for article_text, rows in sentence_store.articles_with_sentences(session):
        kinds = article_kinds(article_text, [text for _, text in rows])
        sentence_store.set_kinds(session, [(sid, kind) for (sid, _), kind in zip(rows, kinds, strict=True)])
    mark_repeats(session)
    for batch in sentence_store.mention_texts(session):
        values = [(i, prominence(text, surface, label), speaks(text, surface)) for i, surface, label, text in batch]
        sentence_store.set_mention_signals(session, values)
        mentions += len(batch)
    # Sentences stored before speakers were (migration 0008): the actor the text shows speaking.
    sentence_store.fill_speakers(session)
    next_generation(session)
    return sentences, mentions


def _id(ref: NewActor | int) -> int:
    return ref.id if isinstance(ref, NewActor) else ref
