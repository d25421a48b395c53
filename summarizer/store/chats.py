"""Chats in the store: digest subscriptions, follows, linked chats, deliveries and feeds.

Callers own the session: nothing here commits. A chat is only its id here; what a chat is
(a Telegram group, a channel) is the bot's business.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from summarizer.store.models import Actor, Article, ChatLink, ChatSubscription, Delivery, Feed, Follow, Mention


def as_utc(value: datetime | None) -> datetime | None:
    """Read a stored time as UTC (SQLite gives naive datetimes back)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# -- digest subscriptions --------------------------------------------------------------------


def subscription(session: Session, chat_id: int) -> ChatSubscription | None:
    """The chat's digest settings, if it ever had any."""
    return session.get(ChatSubscription, chat_id)


def subscribed(session: Session) -> list[ChatSubscription]:
    """The settings of every chat that gets a digest."""
    return list(session.scalars(select(ChatSubscription).where(ChatSubscription.digest_time.is_not(None))))


def set_digest(session: Session, chat_id: int, at: str, zone: str, now: datetime) -> None:
    """Send the chat a digest at `at` in `zone`; a chat not subscribed until now counts from `now`."""
    sub = _settings(session, chat_id)
    if sub.digest_time is None:
        sub.subscribed_at = now
    sub.digest_time, sub.timezone = at, zone


def clear_digest(session: Session, chat_id: int) -> bool:
    """Stop the chat's digests; False when it had none."""
    sub = session.get(ChatSubscription, chat_id)
    if sub is None or sub.digest_time is None:
        return False
    sub.digest_time = None
    return True


def set_quiet(session: Session, chat_id: int, quiet: bool) -> None:
    _settings(session, chat_id).quiet = quiet


def claim_slot(
    session: Session, chat_id: int, expected_last_slot: datetime | None, slot: datetime, claimant: str, now: datetime, until: datetime
) -> bool:
    """Claim `slot` for `claimant` until `until`: if the chat's last served slot is still
    `expected_last_slot` and no live lease holds it; whether the claim was taken.

    One conditional UPDATE (compare-and-set): of two processes racing for one slot, one wins.
    """
    taken = session.execute(
        update(ChatSubscription)
        .where(
            ChatSubscription.chat_id == chat_id,
            ChatSubscription.digest_time.is_not(None),
            _is(ChatSubscription.last_slot, expected_last_slot),
            _lease_free(ChatSubscription.lease_until, now),
        )
        .values(claimed_slot=slot, claimed_at=now, claimed_by=claimant, lease_until=until)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(taken)


def hold_slot(session: Session, chat_id: int, slot: datetime, claimant: str, until: datetime) -> bool:
    """Extend `claimant`'s claim of `slot` to `until`; False when the claim is no longer its own."""
    held = session.execute(
        update(ChatSubscription)
        .where(ChatSubscription.chat_id == chat_id, ChatSubscription.claimed_slot == slot, ChatSubscription.claimed_by == claimant)
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(held)


def finish_slot(session: Session, chat_id: int, slot: datetime, claimant: str, built_at: datetime) -> None:
    """Record `slot` as served by a digest built at `built_at` (it was sent), and end the claim."""
    session.execute(
        update(ChatSubscription)
        .where(
            ChatSubscription.chat_id == chat_id,
            ChatSubscription.last_slot.is_(None) | (ChatSubscription.last_slot < slot),
        )
        .values(last_slot=slot, last_digest_at=built_at)
        .execution_options(synchronize_session=False)
    )
    release_slot(session, chat_id, slot, claimant)


def release_slot(session: Session, chat_id: int, slot: datetime, claimant: str) -> None:
    """End `claimant`'s claim of `slot`, if it still holds it, so that the next run may take the slot."""
    session.execute(
        update(ChatSubscription)
        .where(ChatSubscription.chat_id == chat_id, ChatSubscription.claimed_slot == slot, ChatSubscription.claimed_by == claimant)
        .values(claimed_slot=None, claimed_at=None, claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def _lease_free(column, now: datetime):
    return column.is_(None) | (column <= now)


def _settings(session: Session, chat_id: int) -> ChatSubscription:
    sub = session.get(ChatSubscription, chat_id)
    if sub is None:
        sub = ChatSubscription(chat_id=chat_id, timezone="UTC")
        session.add(sub)
    return sub


def _is(column, value):
    return column.is_(None) if value is None else column == value


# -- follows ---------------------------------------------------------------------------------


def followed_actors(session: Session, chat_id: int) -> list[tuple[int, str]]:
    """The actors the chat follows, as (id, name), by name."""
    query = select(Actor.id, Actor.name).join(Follow, Follow.actor_id == Actor.id).where(Follow.chat_id == chat_id)
    return [(i, n) for i, n in session.execute(query.order_by(Actor.name))]


def add_follow(session: Session, chat_id: int, actor_id: int, now: datetime) -> None:
    """Have the chat follow the actor (nothing changes when it already does)."""
    known = select(Follow.id).where(Follow.chat_id == chat_id, Follow.actor_id == actor_id)
    if session.scalar(known) is None:
        session.add(Follow(chat_id=chat_id, actor_id=actor_id, followed_at=now))


def remove_follow(session: Session, chat_id: int, actor_id: int) -> None:
    session.execute(delete(Follow).where(Follow.chat_id == chat_id, Follow.actor_id == actor_id))


# -- linked chats and deliveries -------------------------------------------------------------


def upsert_link(session: Session, chat_id: int, owner_chat_id: int, title: str | None, now: datetime) -> None:
    """Link `chat_id` to its owner, or move an existing link to the new owner and title."""
    row = session.scalars(select(ChatLink).where(ChatLink.chat_id == chat_id)).first()
    if row is None:
        session.add(ChatLink(chat_id=chat_id, owner_chat_id=owner_chat_id, title=title, linked_at=now))
    else:
        row.owner_chat_id, row.title = owner_chat_id, title


def remove_links(session: Session, owner_chat_id: int, chat_id: int | None = None) -> list[tuple[int, str | None]]:
    """Delete the owner's links (only the one to `chat_id` when given); the removed (chat id, title) pairs."""
    query = select(ChatLink).where(ChatLink.owner_chat_id == owner_chat_id)
    if chat_id is not None:
        query = query.where(ChatLink.chat_id == chat_id)
    rows = session.scalars(query).all()
    for row in rows:
        session.delete(row)
    return [(r.chat_id, r.title) for r in rows]


def links_of(session: Session, owner_chat_id: int) -> list[tuple[int, str | None]]:
    """The owner's linked chats as (chat id, title), oldest link first."""
    query = select(ChatLink.chat_id, ChatLink.title).where(ChatLink.owner_chat_id == owner_chat_id)
    return [(c, t) for c, t in session.execute(query.order_by(ChatLink.id))]


def links(session: Session) -> list[ChatLink]:
    """Every link, oldest first."""
    return list(session.scalars(select(ChatLink).order_by(ChatLink.id)))


def unposted_articles(session: Session, link: ChatLink, limit: int) -> list[tuple[int, str | None, str | None, str | None]]:
    """Articles stored after the link was made, not yet posted there, mentioning a followed actor.

    As (id, title, outlet, url), oldest first. An owner that follows no one gets every article.
    """
    followed = select(Follow.actor_id).where(Follow.chat_id == link.owner_chat_id)
    posted = exists().where(Delivery.chat_id == link.chat_id, Delivery.article_id == Article.id)
    query = select(Article.id, Article.title, Article.outlet, Article.url).where(
        Article.ingested_at > as_utc(link.linked_at), ~posted
    )
    if session.scalar(followed.limit(1)) is not None:
        query = query.where(exists().where(Mention.article_id == Article.id, Mention.actor_id.in_(followed)))
    return [tuple(row) for row in session.execute(query.order_by(Article.id).limit(limit))]


def claim_delivery(session: Session, chat_id: int, article_id: int, claimant: str, now: datetime, until: datetime) -> bool:
    """Claim posting the article to the chat, unless any claim or post of it exists; whether it was taken.

    An INSERT that does nothing on the unique (chat, article) pair: atomic on SQLite and PostgreSQL alike.
    """
    values = {"chat_id": chat_id, "article_id": article_id, "delivered_at": now, "claimed_by": claimant, "lease_until": until}
    # RETURNING, not rowcount: PostgreSQL's driver reports a row for an insert that did nothing.
    inserted = session.execute(_insert_or_nothing(session, Delivery).values(**values).returning(Delivery.id))
    return inserted.scalar() is not None


def stale_deliveries(session: Session, chat_id: int, now: datetime, limit: int) -> list[tuple[int, str | None, str | None, str | None]]:
    """Claimed posts to the chat whose lease ran out unsent, as (article id, title, outlet, url), oldest first."""
    query = (
        select(Article.id, Article.title, Article.outlet, Article.url)
        .join(Delivery, Delivery.article_id == Article.id)
        .where(Delivery.chat_id == chat_id, Delivery.lease_until.is_not(None), Delivery.lease_until <= now)
    )
    return [tuple(row) for row in session.execute(query.order_by(Article.id).limit(limit))]


def take_delivery(session: Session, chat_id: int, article_id: int, claimant: str, now: datetime, until: datetime) -> bool:
    """Take over a claimed post whose lease ran out unsent (compare-and-set); whether it was taken."""
    taken = session.execute(
        update(Delivery)
        .where(
            Delivery.chat_id == chat_id,
            Delivery.article_id == article_id,
            Delivery.lease_until.is_not(None),
            Delivery.lease_until <= now,
        )
        .values(claimed_by=claimant, lease_until=until, delivered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(taken)


def hold_delivery(session: Session, chat_id: int, article_id: int, claimant: str, until: datetime) -> bool:
    """Extend `claimant`'s claim of the post to `until`; False when the claim is no longer its own."""
    held = session.execute(
        update(Delivery)
        .where(Delivery.chat_id == chat_id, Delivery.article_id == article_id, Delivery.claimed_by == claimant)
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(held)


def finish_delivery(session: Session, chat_id: int, article_id: int, now: datetime) -> None:
    """Record the post as sent at `now` (Telegram accepted it): no lease, never posted there again."""
    session.execute(
        update(Delivery)
        .where(Delivery.chat_id == chat_id, Delivery.article_id == article_id)
        .values(claimed_by=None, lease_until=None, delivered_at=now)
        .execution_options(synchronize_session=False)
    )


def release_delivery(session: Session, chat_id: int, article_id: int, claimant: str) -> None:
    """Drop `claimant`'s unsent claim of the post, so that the next poll tries it again."""
    session.execute(
        delete(Delivery).where(
            Delivery.chat_id == chat_id,
            Delivery.article_id == article_id,
            Delivery.claimed_by == claimant,
            Delivery.lease_until.is_not(None),
        )
    )


def _insert_or_nothing(session: Session, table):
    """INSERT ... ON CONFLICT DO NOTHING in the session's dialect (SQLite and PostgreSQL spell it alike)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise NotImplementedError(f"claims need INSERT ... ON CONFLICT, not available for {dialect}")
    return insert(table).on_conflict_do_nothing()


# -- feeds -----------------------------------------------------------------------------------


def add_feed(session: Session, url: str, added_by: int | None, now: datetime) -> bool:
    """Store the feed; False when it is already stored."""
    if session.scalar(select(Feed.id).where(Feed.url == url)) is not None:
        return False
    session.add(Feed(url=url, added_by=added_by, added_at=now))
    return True


def remove_feed(session: Session, url: str) -> bool:
    return bool(session.execute(delete(Feed).where(Feed.url == url)).rowcount)


def feed_urls(session: Session) -> list[str]:
    """The stored feeds, oldest first."""
    return list(session.scalars(select(Feed.url).order_by(Feed.id)))


# -- chats that went away --------------------------------------------------------------------


def forget_chat(session: Session, chat_id: int) -> None:
    """Delete the chat's settings, follows, links (either end) and deliveries."""
    session.execute(delete(ChatSubscription).where(ChatSubscription.chat_id == chat_id))
    session.execute(delete(Follow).where(Follow.chat_id == chat_id))
    session.execute(delete(ChatLink).where((ChatLink.chat_id == chat_id) | (ChatLink.owner_chat_id == chat_id)))
    session.execute(delete(Delivery).where(Delivery.chat_id == chat_id))


def move_chat(session: Session, old: int, new: int) -> None:
    """Give everything stored under chat id `old` to `new`."""
    session.execute(update(ChatSubscription).where(ChatSubscription.chat_id == old).values(chat_id=new))
    session.execute(update(Follow).where(Follow.chat_id == old).values(chat_id=new))
    session.execute(update(ChatLink).where(ChatLink.chat_id == old).values(chat_id=new))
    session.execute(update(ChatLink).where(ChatLink.owner_chat_id == old).values(owner_chat_id=new))
    session.execute(update(Delivery).where(Delivery.chat_id == old).values(chat_id=new))
