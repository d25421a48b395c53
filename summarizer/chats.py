"""The chat service: digest subscriptions, follows, linked chats, feeds, deliveries.

Time rules are pure functions in `summarizer/schedule.py`, reads and writes are in
`summarizer/store/chats.py`; the service owns its sessions.
Digests and posts are claimed before they are sent and released if sending fails, so a digest
slot or an article reaches a chat at most once, even across restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy.orm import Session

from summarizer.actors import name_key
from summarizer.queries import resolve_actor
from summarizer.schedule import (
    FIRST_SPAN,
    SLACK,
    digest_due,
    last_occurrence,
    load_zone,
    parse_time,
)
from summarizer.store import Store
from summarizer.store import chats as chat_store
from summarizer.store.actors import actor_keys, mention_totals
from summarizer.store.models import ChatSubscription
from summarizer.web import AddressPolicy, AddressRefused  # AddressRefused: what add_feed raises

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Link:
    chat_id: int
    title: str | None


@dataclass(frozen=True)
class ChatView:
    """What /settings shows for one chat."""

    chat_id: int
    digest_time: str | None  # None: not subscribed
    timezone: str
    quiet: bool
    follows: tuple[str, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Schedule:
    """A subscribed chat's daily slot, and whether one passed unserved (the bot was down)."""

    chat_id: int
    at: time
    zone: str
    missed: bool


@dataclass(frozen=True)
class DigestClaim:
    """A digest slot taken for one chat: build the digest from `since`, then send or release."""

    chat_id: int
    since: datetime  # UTC
    zone: str  # the chat's time zone, for showing `since`
    follows: tuple[str, ...]
    quiet: bool
    slot: datetime
    previous: tuple[datetime | None, datetime | None]  # (last_slot, last_digest_at) before


@dataclass(frozen=True)
class Post:
    """One new article claimed for one chat."""

    chat_id: int
    article_id: int
    title: str | None
    outlet: str | None
    url: str | None


@dataclass(frozen=True)
class FollowResult:
    name: str | None  # the actor's canonical name; None when nothing matched
    suggestions: tuple[str, ...] = ()


def _served(sub: ChatSubscription) -> datetime | None:
    marks = [m for m in (chat_store.as_utc(sub.last_slot), chat_store.as_utc(sub.subscribed_at)) if m is not None]
    return max(marks) if marks else None


class ChatService:
    """Chat settings for the bot over the store. Thread-safe; every call is one transaction."""

    def __init__(
        self, store: Store, *, quiet_by_default: bool = False, clock: Clock | None = None,
        addresses: AddressPolicy | None = None,
    ) -> None:
        self.store = store
        self.addresses = addresses or AddressPolicy()
        self.quiet_by_default = quiet_by_default
        self.clock = clock or (lambda: datetime.now(UTC))

    # -- digests ---------------------------------------------------------------------------

    def subscribe(self, chat_id: int, at: str, zone: str) -> ChatView:
        """Send `chat_id` a digest daily at `at` ("HH:MM") in `zone`; a new time replaces the old."""
        parse_time(at)
        load_zone(zone)
        with self.store.session() as session:
            chat_store.set_digest(session, chat_id, at, zone, self.clock())
            session.flush()
            return self._view(session, chat_id)

    def unsubscribe(self, chat_id: int) -> bool:
        """Stop the chat's digests; False when it had none."""
        with self.store.session() as session:
            return chat_store.clear_digest(session, chat_id)

    def set_quiet(self, chat_id: int, quiet: bool) -> ChatView:
        """Choose whether an empty digest says so (False) or sends nothing (True)."""
        with self.store.session() as session:
            chat_store.set_quiet(session, chat_id, quiet)
            session.flush()
            return self._view(session, chat_id)

    def view(self, chat_id: int) -> ChatView:
        """The chat's digest time, zone, empty-digest choice, follows and links."""
        with self.store.session() as session:
            return self._view(session, chat_id)

    def schedules(self) -> list[Schedule]:
        """Every subscribed chat's slot, with `missed` set where a slot passed unserved."""
        now = self.clock()
        with self.store.session() as session:
            out = []
            for sub in chat_store.subscribed(session):
                at, zone = parse_time(sub.digest_time), load_zone(sub.timezone)
                out.append(Schedule(sub.chat_id, at, sub.timezone, digest_due(now, zone, at, _served(sub))))
            return out

    def claim_digest(self, chat_id: int) -> DigestClaim | None:
        """Take the chat's latest passed slot if it is unserved; None when nothing is due."""
        now = self.clock()
        with self.store.session() as session:
            sub = chat_store.subscription(session, chat_id)
            if sub is None or sub.digest_time is None:
                return None
            at, zone = parse_time(sub.digest_time), load_zone(sub.timezone)
            served = _served(sub)
            if not digest_due(now, zone, at, served):
                return None
            slot = last_occurrence(now + SLACK, zone, at)
            previous = (sub.last_slot, sub.last_digest_at)
            # Compare-and-set on the last slot, so two runs racing for one slot cannot both win it.
            if not chat_store.claim_slot(session, chat_id, sub.last_slot, slot, now):
                return None
            since = chat_store.as_utc(previous[1]) or (chat_store.as_utc(sub.subscribed_at) or now) - FIRST_SPAN
            quiet = self.quiet_by_default if sub.quiet is None else sub.quiet
            follows = self._follow_names(session, chat_id)
            return DigestClaim(chat_id, since, sub.timezone, follows, quiet, slot, previous)

    def release_digest(self, claim: DigestClaim) -> None:
        """Give a claimed slot back after a failed send, so a later run serves it."""
        with self.store.session() as session:
            chat_store.release_slot(session, claim.chat_id, claim.slot, *claim.previous)

    # -- follows ---------------------------------------------------------------------------

    def follow(self, chat_id: int, text: str) -> FollowResult:
        """Follow the stored actor `text` names (any spelling or alias); suggestions when none."""
        with self.store.session() as session:
            found, suggestions = _resolve_actor(session, text, self.clock())
            if found is None:
                return FollowResult(None, suggestions)
            actor_id, name = found
            chat_store.add_follow(session, chat_id, actor_id, self.clock())
            return FollowResult(name)

    def unfollow(self, chat_id: int, text: str) -> str | None:
        """Stop following the actor `text` names; its name, or None when the chat did not follow it."""
        with self.store.session() as session:
            followed = chat_store.followed_actors(session, chat_id)
            key = name_key(text)
            actor = next(((i, n) for i, n in followed if name_key(n) == key), None)
            if actor is None:
                found, _ = _resolve_actor(session, text, self.clock())
                actor = found if found and found[0] in {i for i, _ in followed} else None
            if actor is None:
                return None
            chat_store.remove_follow(session, chat_id, actor[0])
            return actor[1]

    # -- linked chats and new-article posts ---------------------------------------------------

    def link(self, chat_id: int, owner_chat_id: int, title: str | None) -> None:
        """Post new articles to `chat_id`, filtered by what `owner_chat_id` follows."""
        with self.store.session() as session:
            chat_store.upsert_link(session, chat_id, owner_chat_id, title, self.clock())

    def unlink(self, owner_chat_id: int, chat_id: int | None = None) -> list[Link]:
        """Remove the owner's links (only the one to `chat_id` when given); what was removed."""
        with self.store.session() as session:
            return [Link(c, t) for c, t in chat_store.remove_links(session, owner_chat_id, chat_id)]

    def claim_posts(self, per_chat: int) -> list[Post]:
        """Claim up to `per_chat` unposted new articles for each linked chat, oldest first."""
        now = self.clock()
        posts: list[Post] = []
        with self.store.session() as session:
            for link in chat_store.links(session):
                for article_id, title, outlet, url in chat_store.unposted_articles(session, link, per_chat):
                    chat_store.add_delivery(session, link.chat_id, article_id, now)
                    posts.append(Post(link.chat_id, article_id, title, outlet, url))
        return posts

    def release_post(self, post: Post) -> None:
        """Forget a claimed post whose sending failed, so the next poll tries it again."""
        with self.store.session() as session:
            chat_store.remove_delivery(session, post.chat_id, post.article_id)

    # -- feeds -----------------------------------------------------------------------------

    def add_feed(self, url: str, added_by: int | None) -> bool:
        """Poll `url` from now on; False when it is already polled.

        Raises AddressRefused (one line) for a URL the fetch policy refuses: not http(s), or a
        host that is or resolves to an internal address (a name that does not resolve yet passes:
        each poll checks again).
        """
        self.addresses.check(url, unresolved_ok=True)
        with self.store.session() as session:
            return chat_store.add_feed(session, url, added_by, self.clock())

    def remove_feed(self, url: str) -> bool:
        with self.store.session() as session:
            return chat_store.remove_feed(session, url)

    def feeds(self) -> list[str]:
        """The feeds added by admins, oldest first."""
        with self.store.session() as session:
            return chat_store.feed_urls(session)

    # -- chats that went away ---------------------------------------------------------------

    def forget_chat(self, chat_id: int) -> None:
        """Drop everything about a chat that blocked the bot or no longer exists."""
        with self.store.session() as session:
            chat_store.forget_chat(session, chat_id)

    def migrate_chat(self, old: int, new: int) -> ChatView:
        """Move a group's state to its new id (a group upgraded to a supergroup); its new view."""
        with self.store.session() as session:
            chat_store.move_chat(session, old, new)
            return self._view(session, new)

    # -- helpers ---------------------------------------------------------------------------

    def _view(self, session: Session, chat_id: int) -> ChatView:
        sub = chat_store.subscription(session, chat_id)
        quiet = self.quiet_by_default if sub is None or sub.quiet is None else sub.quiet
        return ChatView(
            chat_id,
            sub.digest_time if sub else None,
            sub.timezone if sub else "UTC",
            quiet,
            self._follow_names(session, chat_id),
            tuple(Link(c, t) for c, t in chat_store.links_of(session, chat_id)),
        )

    def _follow_names(self, session: Session, chat_id: int) -> tuple[str, ...]:
        return tuple(n for _, n in chat_store.followed_actors(session, chat_id))


def _resolve_actor(session: Session, text: str, now: datetime) -> tuple[tuple[int, str] | None, tuple[str, ...]]:
    """Find the stored actor `text` names: any kind by exact key, else the query planner's match."""
    actor, suggestions = resolve_actor(text, actor_keys(session), mention_totals(session), now.date())
    return ((actor.id, actor.name) if actor else None), suggestions
