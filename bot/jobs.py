"""Scheduled work: daily digests (restored at start, a missed one sent once) and feed polling."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from telegram.error import TelegramError
from telegram.ext import Application, JobQueue

from bot import views
from bot.context import BotServices, Context
from bot.delivery import ChatGone, send_html
from bot.render import to_html
from summarizer.results import Briefing
from summarizer.progress import ProgressLines
from summarizer.chats import DigestClaim, Post
from summarizer.schedule import parse_time

log = logging.getLogger(__name__)

CATCH_UP_DELAY_S = 2.0  # missed digests go out this long after start, spaced by CATCH_UP_GAP_S
CATCH_UP_GAP_S = 0.2
FEED_FIRST_S = 30.0
# APScheduler drops a run more than a second late; a digest is still worth sending an hour late.
LATE_OK = {"misfire_grace_time": 3600, "coalesce": True}


def digest_job_name(chat_id: int) -> str:
    return f"digest:{chat_id}"


def schedule_digest(job_queue: JobQueue, chat_id: int, at: str, zone: str) -> None:
    """Run the chat's digest daily at `at` local time in `zone` (daylight saving included)."""
    cancel_digest(job_queue, chat_id)
    when = parse_time(at).replace(tzinfo=ZoneInfo(zone))
    job_queue.run_daily(send_digest, when, chat_id=chat_id, name=digest_job_name(chat_id), job_kwargs=LATE_OK)


def cancel_digest(job_queue: JobQueue, chat_id: int) -> None:
    for job in job_queue.get_jobs_by_name(digest_job_name(chat_id)):
        job.schedule_removal()


async def restore_digests(app: Application) -> int:
    """Schedule every stored subscription; send a digest missed while down once, soon. Returns the count."""
    services: BotServices = app.bot_data
    schedules = await asyncio.to_thread(services.chats.schedules)
    missed = 0
    for s in schedules:
        schedule_digest(app.job_queue, s.chat_id, f"{s.at:%H:%M}", s.zone)
        if s.missed:
            delay = CATCH_UP_DELAY_S + CATCH_UP_GAP_S * missed
            name = f"digest-catch-up:{s.chat_id}"
            app.job_queue.run_once(send_digest, delay, chat_id=s.chat_id, name=name, job_kwargs=LATE_OK)
            missed += 1
    log.info("restored %d digest subscriptions, %d missed while down", len(schedules), missed)
    return len(schedules)


async def send_digest(context: Context) -> None:
    """Send the chat's digest if its slot is unserved; the slot is given back if sending fails."""
    services, chat_id = context.bot_data, context.job.chat_id
    prepared = await asyncio.to_thread(prepare_digest, services, chat_id)
    if prepared is None:
        return
    claim, briefing = prepared
    texts = digest_texts(briefing, claim.quiet)
    if texts:
        await deliver(context, chat_id, texts, lambda: services.chats.release_digest(claim))


def prepare_digest(services: BotServices, chat_id: int) -> tuple[DigestClaim, Briefing] | None:
    """Claim the chat's due slot and build its digest (blocking: runs in a worker thread)."""
    claim = services.chats.claim_digest(chat_id)
    if claim is None:
        return None
    try:
        briefing = services.briefings.digest(claim.since, follow=claim.follows)
    except Exception:
        services.chats.release_digest(claim)
        raise
    local = claim.since.astimezone(ZoneInfo(claim.zone))
    return claim, replace(briefing, subject=f"since {local:%-d %b %H:%M} {claim.zone}")


def digest_texts(briefing: Briefing, quiet: bool) -> list[str]:
    """The digest's messages: one line when nothing is new, nothing at all for a quiet chat."""
    if briefing.kind == "none" or not briefing.items:
        return [] if quiet else [views.NOTHING_NEW]
    return to_html(briefing)


async def deliver(context: Context, chat_id: int, texts: Sequence[str], release: Callable[[], None]) -> bool:
    """Send; forget a chat that is gone; call `release` (in a thread) if sending failed otherwise."""
    try:
        await send_html(context.bot, chat_id, texts, on_migrate=migrator(context))
    except ChatGone as exc:
        await forget_chat(context, exc)
        return False
    except TelegramError as exc:
        log.warning("could not send to chat %s, will retry later: %s", chat_id, exc)
        await asyncio.to_thread(release)
        return False
    return True


async def forget_chat(context: Context, gone: ChatGone) -> None:
    """Unsubscribe and unlink a chat that blocked the bot or no longer exists."""
    log.info("%s: unsubscribing and unlinking it", gone)
    await asyncio.to_thread(context.bot_data.chats.forget_chat, int(gone.chat_id))
    cancel_digest(context.job_queue, int(gone.chat_id))


def migrator(context: Context) -> Callable[[int, int], Awaitable[None]]:
    """Move a group's state and digest job to its new id when it becomes a supergroup."""

    async def migrate(old: int, new: int) -> None:
        view = await asyncio.to_thread(context.bot_data.chats.migrate_chat, old, new)
        cancel_digest(context.job_queue, old)
        if view.digest_time:
            schedule_digest(context.job_queue, new, view.digest_time, view.timezone)

    return migrate


def schedule_feed_poll(app: Application) -> None:
    """Poll the feeds and post new articles to linked chats every feed_poll_seconds (0: never)."""
    interval = app.bot_data.bot_settings.feed_poll_seconds
    if interval > 0:
        first = min(interval, FEED_FIRST_S)
        app.job_queue.run_repeating(poll_feeds, interval, first=first, name="feeds", job_kwargs=LATE_OK)


async def poll_feeds(context: Context) -> None:
    """Store new articles from the feeds, then post each to the chats that want it, once."""
    services = context.bot_data
    posts = await asyncio.to_thread(collect_posts, services)
    gone: set[int] = set()
    for post in posts:
        if post.chat_id in gone:
            continue
        sent = await deliver(context, post.chat_id, [views.post_html(post)], _releaser(services, post))
        if not sent:
            gone.add(post.chat_id)  # gone or failing: the rest of its posts wait for the next poll
            await asyncio.to_thread(_release_all, services, [p for p in posts if p.chat_id == post.chat_id and p != post])


def collect_posts(services: BotServices) -> list[Post]:
    """Ingest the configured and added feeds, then claim the posts due (blocking: a worker thread)."""
    targets = services.bot_settings.feeds + services.chats.feeds()
    if targets and services.ingestor is not None:
        # A long first poll (a new feed, models loading) says how far it is, now and then.
        report = services.ingestor.ingest(targets, progress=ProgressLines(lambda line: log.info("%s", line)))
        log.info("feeds polled: %s", report.summary())
        for rejected in report.rejected:
            log.info("feed input rejected: %s: %s", rejected.origin, rejected.reason)
    return services.chats.claim_posts(services.bot_settings.feed_posts_per_poll)


def _releaser(services: BotServices, post: Post) -> Callable[[], None]:
    return lambda: services.chats.release_post(post)


def _release_all(services: BotServices, posts: Sequence[Post]) -> None:
    for post in posts:
        services.chats.release_post(post)
