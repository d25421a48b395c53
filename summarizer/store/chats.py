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


def claim_slot(session: Session, chat_id: int, expected_last_slot: datetime | None, slot: datetime, now: datetime) -> bool:
    """Mark `slot` served at `now` if the chat's last slot is still `expected_last_slot`; whether it was.

    Compare-and-set, so two runs racing for one slot cannot both win it.
    """
    taken = session.execute(
        update(ChatSubscription)
        .where(ChatSubscription.chat_id == chat_id, _is(ChatSubscription.last_slot, expected_last_slot))
        .values(last_slot=slot, last_digest_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(taken)


def release_slot(
    session: Session, chat_id: int, slot: datetime, last_slot: datetime | None, last_digest_at: datetime | None
) -> None:
    """Put back the chat's previous marks, if `slot` is still the one it last claimed."""
    session.execute(
        update(ChatSubscription)
        .where(ChatSubscription.chat_id == chat_id, ChatSubscription.last_slot == slot)
        .values(last_slot=last_slot, last_digest_at=last_digest_at)
        .execution_options(synchronize_session=False)
    )


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


def add_delivery(session: Session, chat_id: int, article_id: int, now: datetime) -> None:
    session.add(Delivery(chat_id=chat_id, article_id=article_id, delivered_at=now))


def remove_delivery(session: Session, chat_id: int, article_id: int) -> None:
    session.execute(delete(Delivery).where(Delivery.chat_id == chat_id, Delivery.article_id == article_id))


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
