"""The chat service: digest subscriptions, follows, linked chats, feeds, deliveries.

Time rules are pure functions in `summarizer/schedule.py`, reads and writes are in
`summarizer/store/chats.py`; the service owns its sessions.
Digests and posts are delivered under a lease. A run claims a digest slot or a post for itself
(one conditional UPDATE or INSERT, so of two processes sharing the store one wins), holds the
claim while it sends, and records it as sent only after Telegram accepted it; a failed send
releases it. A claim whose lease ran out unsent (the process died) is taken over by the next
run, in this process after a restart or in another. So nothing is lost, and a duplicate can only
come from the window between Telegram's acceptance and the record.
"""

from __future__ import annotations

from collections.abc import Callable
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

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

Clock = Callable[[], datetime]

# How long a claim holds without being renewed. The sender renews it before every attempt (and
# for every flood-control wait), so this only bounds how long a dead process's claim blocks others.
LEASE = timedelta(seconds=60)


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
    held_for: float = 0.0  # seconds a live claim (maybe a dead process's) still holds the missed slot


@dataclass(frozen=True)
class DigestClaim:
    """A digest slot taken for one chat: build the digest from `since`, then send or release."""

    chat_id: int
    since: datetime  # UTC
    zone: str  # the chat's time zone, for showing `since`
    follows: tuple[str, ...]
    quiet: bool
    slot: datetime
    built_at: datetime  # when claimed: the next digest covers what was stored after it


@dataclass(frozen=True)
class Held:
    """The chat's due digest is claimed by another run for `seconds` more: try again after them."""

    chat_id: int
    seconds: float


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


def _held_for(sub: ChatSubscription, now: datetime) -> float:
    """Seconds a live claim still holds the chat's slot (0: none, or its lease ran out)."""
    until = chat_store.as_utc(sub.lease_until)
    return max(0.0, (until - now).total_seconds()) if sub.claimed_by is not None and until is not None else 0.0


def _served(sub: ChatSubscription) -> datetime | None:
    marks = [m for m in (chat_store.as_utc(sub.last_slot), chat_store.as_utc(sub.subscribed_at)) if m is not None]
    return max(marks) if marks else None


class ChatService:
    """Chat settings for the bot over the store. Thread-safe; every call is one transaction."""

    def __init__(
        self,
        store: Store,
        *,
        quiet_by_default: bool = False,
        clock: Clock | None = None,
        lease: timedelta = LEASE,
        claimant: str | None = None,
    ) -> None:
        self.store = store
        self.quiet_by_default = quiet_by_default
        self.clock = clock or (lambda: datetime.now(UTC))
        self.lease = lease
        # Who holds a claim: unique per service (per process), readable in the database.
        self.claimant = claimant or f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"

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
        """Every subscribed chat's slot, with `missed` set where a slot passed unserved.

        A slot only counts once its time has come: a restart a minute before it misses nothing.
        """
        now = self.clock()
        with self.store.session() as session:
            out = []
            for sub in chat_store.subscribed(session):
                at, zone = parse_time(sub.digest_time), load_zone(sub.timezone)
                missed = digest_due(now, zone, at, _served(sub), early=timedelta(0))
                out.append(Schedule(sub.chat_id, at, sub.timezone, missed, _held_for(sub, now) if missed else 0.0))
            return out

    def claim_digest(self, chat_id: int, *, scheduled: bool = False) -> DigestClaim | Held | None:
        """Claim the chat's latest passed slot if it is unserved and unclaimed; None when nothing is due.

        `scheduled`: called by the daily job at the slot, which may fire a moment early (SLACK);
        any other caller (a catch-up after a restart, a retry) never takes a slot before its time.
        Returns Held when a live claim of another run holds the slot: try again when it runs out.
        """
        now = self.clock()
        early = SLACK if scheduled else timedelta(0)
        with self.store.session() as session:
            sub = chat_store.subscription(session, chat_id)
            if sub is None or sub.digest_time is None:
                return None
            at, zone = parse_time(sub.digest_time), load_zone(sub.timezone)
            if not digest_due(now, zone, at, _served(sub), early=early):
                return None
            held = _held_for(sub, now)
            if held > 0:
                return Held(chat_id, held)
            slot = last_occurrence(now + early, zone, at)
            if not chat_store.claim_slot(session, chat_id, sub.last_slot, slot, self.claimant, now, now + self.lease):
                # Another run claimed or served it since we read: look again once its lease could end.
                return Held(chat_id, self.lease.total_seconds())
            since = chat_store.as_utc(sub.last_digest_at) or (chat_store.as_utc(sub.subscribed_at) or now) - FIRST_SPAN
            quiet = self.quiet_by_default if sub.quiet is None else sub.quiet
            follows = self._follow_names(session, chat_id)
            return DigestClaim(chat_id, since, sub.timezone, follows, quiet, slot, now)

    def hold_digest(self, claim: DigestClaim, seconds: float = 0.0) -> bool:
        """Renew the claim for `seconds` plus the lease; False when another run has taken it over."""
        until = self.clock() + timedelta(seconds=seconds) + self.lease
        with self.store.session() as session:
            return chat_store.hold_slot(session, claim.chat_id, claim.slot, self.claimant, until)

    def finish_digest(self, claim: DigestClaim) -> None:
        """Record the claimed slot as served: its digest was sent (or, quiet and empty, needs none)."""
        with self.store.session() as session:
            chat_store.finish_slot(session, claim.chat_id, claim.slot, self.claimant, claim.built_at)

    def release_digest(self, claim: DigestClaim) -> None:
        """Give a claimed slot back after a failed send, so a later run serves it."""
        with self.store.session() as session:
            chat_store.release_slot(session, claim.chat_id, claim.slot, self.claimant)

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
        """Claim up to `per_chat` posts for each linked chat, oldest first: first those whose claim
        ran out unsent (a run that died), then new articles not yet claimed or posted there."""
        now = self.clock()
        until = now + self.lease
        posts: list[Post] = []
        with self.store.session() as session:
            for link in chat_store.links(session):
                taken = [
                    row for row in chat_store.stale_deliveries(session, link.chat_id, now, per_chat)
                    if chat_store.take_delivery(session, link.chat_id, row[0], self.claimant, now, until)
                ]
                fresh = chat_store.unposted_articles(session, link, per_chat - len(taken)) if len(taken) < per_chat else []
                taken += [
                    row for row in fresh
                    if chat_store.claim_delivery(session, link.chat_id, row[0], self.claimant, now, until)
                ]
                posts += [Post(link.chat_id, *row) for row in taken]
        return posts

    def hold_post(self, post: Post, seconds: float = 0.0) -> bool:
        """Renew the post's claim for `seconds` plus the lease; False when another run has taken it over."""
        until = self.clock() + timedelta(seconds=seconds) + self.lease
        with self.store.session() as session:
            return chat_store.hold_delivery(session, post.chat_id, post.article_id, self.claimant, until)

    def finish_post(self, post: Post) -> None:
        """Record the post as sent: Telegram accepted it."""
        with self.store.session() as session:
            chat_store.finish_delivery(session, post.chat_id, post.article_id, self.clock())

    def release_post(self, post: Post) -> None:
        """Forget a claimed post whose sending failed, so the next poll tries it again."""
        with self.store.session() as session:
            chat_store.release_delivery(session, post.chat_id, post.article_id, self.claimant)

    # -- feeds -----------------------------------------------------------------------------

    def add_feed(self, url: str, added_by: int | None) -> bool:
        """Poll `url` from now on; False when it is already polled."""
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
