"""Actors in the store: the rows the actor index is built from, their writes, and listings.

Callers own the session: nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from summarizer.store.articles import stored_dates
from summarizer.store.models import Actor, Alias, Article, Follow, Mention, Sentence
from summarizer.store.rows import ActorCard, ActorRow, Catalog
from summarizer.store.sentences import SHOWN


def index_rows(session: Session) -> tuple[list[tuple[int, str, str, str]], list[tuple[int, str, str]]]:
    """What the actor index is built from: actors as (id, name, kind, origin), aliases as (actor id, key, kind)."""
    actors = [tuple(row) for row in session.execute(select(Actor.id, Actor.name, Actor.kind, Actor.origin))]
    aliases = [tuple(row) for row in session.execute(select(Alias.actor_id, Alias.key, Alias.kind))]
    return actors, aliases


def ensure_actor(session: Session, name: str, kind: str) -> int:
    """The id of the actor called `name`, stored now (as learned) if there is none."""
    existing = session.scalars(select(Actor.id).where(Actor.name == name)).first()
    if existing is not None:
        return existing
    actor = Actor(name=name, kind=kind, origin="learned")
    session.add(actor)
    session.flush()
    return actor.id


def rename_actor(session: Session, actor_id: int, name: str, kind: str) -> bool:
    """Give the actor a new name and kind; False (and nothing changed) when another actor has the name."""
    taken = session.scalars(select(Actor.id).where(Actor.name == name, Actor.id != actor_id)).first()
    if taken is not None:
        return False
    actor = session.get(Actor, actor_id)
    actor.name, actor.kind = name, kind
    return True


def drop_unmentioned(session: Session) -> int:
    """Delete the learned actors that no stored sentence names, speaks as, or any chat follows
    (after reanalysis, names the analysis no longer reads); returns how many."""
    mentioned = select(Mention.actor_id).distinct()
    speaking = select(Sentence.speaker_id).where(Sentence.speaker_id.is_not(None)).distinct()
    followed = select(Follow.actor_id).distinct()
    gone = list(
        session.scalars(
            select(Actor.id).where(
                Actor.origin == "learned", Actor.id.not_in(mentioned), Actor.id.not_in(speaking), Actor.id.not_in(followed)
            )
        )
    )
    for start in range(0, len(gone), 500):  # bounded parameter lists
        part = gone[start : start + 500]
        session.execute(delete(Alias).where(Alias.actor_id.in_(part)))
        session.execute(delete(Actor).where(Actor.id.in_(part)))
    return len(gone)


def set_actor(session: Session, actor_id: int, name: str, kind: str, origin: str) -> None:
    actor = session.get(Actor, actor_id)
    actor.name, actor.kind, actor.origin = name, kind, origin
    session.flush()


def add_alias(session: Session, actor_id: int, key: str, surface: str, kind: str) -> None:
    session.add(Alias(actor_id=actor_id, key=key, surface=surface[:200], kind=kind))


def mention_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per actor id: (mentions, distinct articles), in story sentences only.

    Ingestion stores no mention outside the story; a rescore that re-marks a sentence as a
    comment or a heading keeps its mentions (a later rule may give it back) but they stop counting.
    """
    query = (
        select(Mention.actor_id, func.count(Mention.id), func.count(func.distinct(Mention.article_id)))
        .join(Sentence, Sentence.id == Mention.sentence_id)
        .where(SHOWN)
        .group_by(Mention.actor_id)
    )
    return {actor_id: (mentions, articles) for actor_id, mentions, articles in session.execute(query)}


def mention_totals(session: Session) -> dict[int, int]:
    """Per actor id: how often it is mentioned."""
    return {actor_id: mentions for actor_id, (mentions, _) in mention_counts(session).items()}


def actor_rows(session: Session) -> list[ActorRow]:
    """Every actor with its other names and titles and its counts, most mentioned first."""
    counts = mention_counts(session)
    aliases: dict[int, list[tuple[str, str]]] = {}
    for actor_id, surface, kind in session.execute(select(Alias.actor_id, Alias.surface, Alias.kind)):
        aliases.setdefault(actor_id, []).append((surface, kind))
    # Spellings met in the text share a key with an alias, so only the mentions remember them.
    spellings = select(Mention.actor_id, Mention.surface).where(Mention.label != "title").distinct()
    for actor_id, surface in session.execute(spellings):
        aliases.setdefault(actor_id, []).append((surface, "name"))
    rows = []
    for actor_id, name, kind in session.execute(select(Actor.id, Actor.name, Actor.kind)):
        mentions, articles = counts.get(actor_id, (0, 0))
        surfaces = aliases.get(actor_id, [])
        names = tuple(sorted({s for s, k in surfaces if k == "name" and s != name}))
        titles = tuple(sorted({s for s, k in surfaces if k == "title"}))
        rows.append(ActorRow(actor_id, name, kind, names, titles, mentions, articles))
    rows.sort(key=lambda r: (-r.mentions, -r.articles, r.name))
    return rows


def actor_keys(session: Session) -> list[tuple[str, ActorRow]]:
    """Every name key with its actor, for resolving and suggesting query subjects."""
    query = select(Alias.key, Actor.id, Actor.name, Actor.kind).join(Actor, Actor.id == Alias.actor_id).where(
        Alias.kind == "name"
    )
    return [(key, ActorRow(i, name, kind)) for key, i, name, kind in session.execute(query)]


def mentioned_sentence_ids(session: Session, actor_id: int) -> set[int]:
    """Ids of the sentences that name (or title) the actor."""
    return set(session.scalars(select(Mention.sentence_id).where(Mention.actor_id == actor_id)))


def catalog(session: Session) -> Catalog:
    counts = mention_counts(session)
    stored, newest = session.execute(select(func.count(Article.id), func.max(Article.published))).one()
    reach = {actor_id: articles / stored for actor_id, (_, articles) in counts.items()} if stored else {}
    mentions = {a: mentions for a, (mentions, _) in counts.items()}
    return Catalog(actor_keys(session), mentions, stored_dates(session), reach, newest)


def actor_card(session: Session, actor_id: int) -> ActorCard:
    """What the store says of one actor: the roles written beside its name, how often it is
    named, in how many articles, and the first and last publication dates that name it."""
    roles = session.execute(
        select(Alias.surface).where(Alias.actor_id == actor_id, Alias.kind == "title").order_by(Alias.id)
    ).scalars().all()
    counted = session.execute(
        select(
            func.count(Mention.id),
            func.count(func.distinct(Mention.article_id)),
            func.min(Article.published),
            func.max(Article.published),
        )
        .join(Article, Article.id == Mention.article_id)
        .where(Mention.actor_id == actor_id)
    ).one()
    said = session.execute(select(func.count(Sentence.id)).where(Sentence.speaker_id == actor_id)).scalar_one()
    return ActorCard(tuple(dict.fromkeys(roles)), counted[0], counted[1], counted[2], counted[3], said)


# The entity labels that say what kind an actor is; the others ("alias", "title", a mislabel
# such as WORK_OF_ART) say nothing about it.
LABEL_KINDS = {
    "PERSON": "person", "SPEAKER": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
    "ORG_NOUN": "organisation", "PLACE_NOUN": "place",
}
# A name the words beside it show to be an organisation ("drilling firm X"): evidence that settles
# an organisation stored as a place, which NER's own labels mix up too often to settle.
ORG_NOUN = "ORG_NOUN"
PLACE_NOUN = "PLACE_NOUN"  # a name that modifies a place noun ("the Old Town district")


def _named_in(articles: Sequence[int] | None) -> tuple:
    """A condition keeping the mentions of the actors these articles name; none for every actor."""
    if articles is None:
        return ()
    return (Mention.actor_id.in_(select(Mention.actor_id).where(Mention.article_id.in_(list(articles)))),)


def label_votes(session: Session, articles: Sequence[int] | None = None) -> dict[int, dict[str, int]]:
    """Per learned actor (named in `articles`, if given): how many of its mentions each kind's
    entity labels account for."""
    return _kind_counts(session, LABEL_KINDS, articles)


NOUN_KINDS = {ORG_NOUN: "organisation", PLACE_NOUN: "place"}


def noun_evidence(session: Session, articles: Sequence[int] | None = None) -> dict[int, dict[str, int]]:
    """Per learned actor (named in `articles`, if given): how many of its mentions the nouns
    beside them show to be an organisation, or a place ({"organisation": n, "place": m})."""
    return _kind_counts(session, NOUN_KINDS, articles)


def _kind_counts(session: Session, kinds: dict[str, str], articles: Sequence[int] | None) -> dict[int, dict[str, int]]:
    """Per learned actor (named in `articles`, if given): its mentions labelled with a key of
    `kinds`, counted per kind the label stands for."""
    rows = session.execute(
        select(Mention.actor_id, Mention.label, func.count(Mention.id))
        .join(Actor, Actor.id == Mention.actor_id)
        .where(Actor.origin == "learned", Mention.label.in_(kinds), *_named_in(articles))
        .group_by(Mention.actor_id, Mention.label)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for actor_id, label, count in rows:
        per_kind = counts.setdefault(actor_id, {})
        per_kind[kinds[label]] = per_kind.get(kinds[label], 0) + count
    return counts


def set_kinds(session: Session, kinds: dict[int, str]) -> None:
    """Store new kinds for these actors."""
    for actor_id, kind in kinds.items():
        session.get(Actor, actor_id).kind = kind
