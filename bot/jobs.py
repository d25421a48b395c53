"""Scheduled work: daily digests (restored at start, a missed one sent once), feed polling, and
the background reanalysis of articles an older storybot analysed.

Digests and posts go out under the chat service's claims (summarizer/chats.py): claimed, held
while sending, recorded once sent (bot/delivery.py: deliver). A digest whose slot another run
holds is tried again when that claim runs out, so a process that died holding it loses nothing.

Job callbacks, like handlers: each makes its service calls in a worker thread, renders
(bot/render.py) and delivers (bot/delivery.py). The digest jobs themselves are put in
the JobQueue by `context.digests` (bot/context.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from telegram.ext import Application

from bot import render, texts
from bot.context import DAILY, LATE_OK, BotData, CustomContext
from bot.delivery import deliver
from summarizer.chats import Held
from summarizer.progress import ProgressLines

if TYPE_CHECKING:
    from summarizer.chats import ChatService, DigestClaim, Post
    from summarizer.ingest import IngestReport, RawArticle, Rejected
    from summarizer.results import Briefing
    from summarizer.services import Services

log = logging.getLogger(__name__)

CATCH_UP_DELAY_S = 2.0  # missed digests go out this long after start, spaced by CATCH_UP_GAP_S
CATCH_UP_GAP_S = 0.2
RETRY_MARGIN_S = 1.0  # a digest held by another claim is tried again this long after the claim runs out
FEED_FIRST_S = 30.0
FEED_READERS = 4  # feeds fetched at once, on threads of their own
FEED_POLLS_AT_ONCE = 3  # polls overlapping while a slow feed finishes; each skips feeds in flight
REANALYSE_FIRST_S = 10.0  # the first reanalysis pass starts this long after start (the model warms first)
REANALYSE_GAP_S = 1.0  # between passes: feed polls waiting for the store get their turn


async def restore_digests(app: Application) -> int:
    """Schedule every stored subscription; send a digest missed while down once, soon. Returns the count.

    A missed slot still claimed by the process that died is tried once that claim runs out.
    """
    data: BotData = app.bot_data
    schedules = await asyncio.to_thread(data.services.chats.schedules)
    missed = 0
    for s in schedules:
        data.digests.schedule(s.chat_id, f"{s.at:%H:%M}", s.zone)
        if s.missed:
            soon = CATCH_UP_DELAY_S + CATCH_UP_GAP_S * missed
            data.digests.catch_up(s.chat_id, max(soon, s.held_for + RETRY_MARGIN_S) if s.held_for else soon)
            missed += 1
    log.info("restored %d digest subscriptions, %d missed while down", len(schedules), missed)
    return len(schedules)


async def send_digest(context: CustomContext) -> None:
    """Send the chat's digest if its slot is due and unclaimed; recorded once sent, given back if sending fails."""
    services, job = context.services, context.job
    chat_id = job.chat_id
    prepared = await asyncio.to_thread(prepare_digest, services, chat_id, job.data == DAILY)
    if prepared is None:
        return
    if isinstance(prepared, Held):
        context.digests.catch_up(chat_id, prepared.seconds + RETRY_MARGIN_S)
        return
    claim, briefing = prepared
    messages = render.digest_html(briefing, since=claim.since, zone=claim.zone, quiet=claim.quiet)
    if not messages:  # quiet and empty: nothing to send, and the slot is served
        await asyncio.to_thread(services.chats.finish_digest, claim)
        return
    await deliver(context, chat_id, messages, DigestLease(services.chats, claim))


def prepare_digest(services: Services, chat_id: int, scheduled: bool = False) -> tuple[DigestClaim, Briefing] | Held | None:
    """Claim the chat's due slot and build its digest (blocking: runs in a worker thread)."""
    claim = services.chats.claim_digest(chat_id, scheduled=scheduled)
    if claim is None or isinstance(claim, Held):
        return claim
    try:
        briefing = services.briefings.digest(claim.since, follow=claim.follows)
    except Exception:
        services.chats.release_digest(claim)
        raise
    return claim, briefing


@dataclass
class DigestLease:
    """A claimed digest slot as bot/delivery.py holds, records and releases it."""

    chats: ChatService
    claim: DigestClaim

    def hold(self, seconds: float) -> bool:
        return self.chats.hold_digest(self.claim, seconds)

    def sent(self) -> None:
        self.chats.finish_digest(self.claim)

    def release(self) -> None:
        self.chats.release_digest(self.claim)

    def moved(self, chat_id: int) -> None:
        self.claim = replace(self.claim, chat_id=chat_id)


@dataclass
class PostLease:
    """A claimed post as bot/delivery.py holds, records and releases it."""

    chats: ChatService
    post: Post

    def hold(self, seconds: float) -> bool:
        return self.chats.hold_post(self.post, seconds)

    def sent(self) -> None:
        self.chats.finish_post(self.post)

    def release(self) -> None:
        self.chats.release_post(self.post)

    def moved(self, chat_id: int) -> None:
        self.post = replace(self.post, chat_id=chat_id)


def schedule_feed_poll(app: Application) -> None:
    """Poll the feeds and post new articles to linked chats every feed_poll_seconds (0: never).

    A poll still running (a feed at its deadline) lets the next one start: that one polls
    only the feeds not still in flight.
    """
    interval = app.bot_data.bot_settings.feed_poll_seconds
    if interval > 0:
        first = min(interval, FEED_FIRST_S)
        job_kwargs = LATE_OK | {"max_instances": FEED_POLLS_AT_ONCE}
        app.job_queue.run_repeating(poll_feeds, interval, first=first, name="feeds", job_kwargs=job_kwargs)


async def poll_feeds(context: CustomContext) -> None:
    """Poll each feed on its own: one slow or dead feed never holds up the others.

    Each feed is read (fetched, within its deadline and size cap) on the feed readers'
    threads, not the briefings' workers; its new articles are then stored (one feed at a
    time: the analysis pipeline is shared) and posted at once, whatever the other feeds do.
    """
    data = context.bot_data
    targets = context.bot_settings.feeds + await asyncio.to_thread(context.services.chats.feeds)
    fresh = [t for t in dict.fromkeys(targets) if t not in data.feeds_in_flight]
    for target, outcome in zip(fresh, await asyncio.gather(*(_poll_feed(context, t) for t in fresh), return_exceptions=True)):
        if isinstance(outcome, Exception):
            log.warning("feed %s: poll failed: %s", target, outcome)
    if not fresh:  # nothing polled this time (or no feeds): posts left over from before still go out
        await post_new(context)


async def _poll_feed(context: CustomContext, target: str) -> None:
    data, services = context.bot_data, context.services
    data.feeds_in_flight.add(target)
    try:
        if data.feed_readers is None:
            data.feed_readers = ThreadPoolExecutor(FEED_READERS, thread_name_prefix="storybot-feeds")
        items = await asyncio.get_running_loop().run_in_executor(data.feed_readers, services.ingest.read, [target])
        async with data.feed_store_lock:
            await asyncio.to_thread(store_items, services, target, items)
    finally:
        data.feeds_in_flight.discard(target)
    await post_new(context)


def store_items(services: Services, target: str, items: Sequence[RawArticle | Rejected]) -> None:
    """Store one feed's new articles and log what happened, one line per rejection (a worker thread)."""
    # A long first poll (a new feed, models loading) says how far it is, now and then.
    report = services.ingest.ingest_items(items, progress=ProgressLines(lambda line: log.info("%s", line)))
    log.info("feed polled: %s: %s", target, report.summary())
    if report.stored:
        services.briefings.refresh()  # here, not in the next reader's query
    for rejected in report.rejected:
        log.info("feed input rejected: %s: %s", rejected.origin, rejected.reason)
    for unanalysed in report.unanalysed:
        log.info("%s: %s", unanalysed.origin, unanalysed.line)


@dataclass
class Reanalysis:
    """How far the background reanalysis has gone: one sweep over the stale articles by id."""

    after: int = 0  # the highest id looked at
    analysed: int = 0
    kept: int = 0  # articles whose text no longer analyses: they keep their rows, and stay stale


def schedule_reanalysis(app: Application, first: float = REANALYSE_FIRST_S) -> None:
    """Analyse again, in passes of reanalyse_batch articles, the stored articles an older storybot
    analysed (none: the first pass ends it; reanalyse_batch 0: never)."""
    if app.bot_data.bot_settings.reanalyse_batch > 0:
        app.job_queue.run_once(reanalyse_stale, first, name="reanalyse", data=Reanalysis())


async def reanalyse_stale(context: CustomContext) -> None:
    """One pass: the next reanalyse_batch stale articles by id, under the feeds' store lock (the
    analysis pipeline is shared); then the next pass, until a sweep over the store is done.

    Each article is replaced in one transaction, so briefings read either its old rows or its
    new ones meanwhile; an article whose text no longer analyses keeps its rows and is left
    for `storybot reanalyse`, which names it."""
    progress: Reanalysis = context.job.data
    services = context.services
    ids = await asyncio.to_thread(services.ingest.stale_ids, after=progress.after, limit=context.bot_settings.reanalyse_batch)
    if not ids:
        if progress.analysed or progress.kept:
            log.info("reanalysis done: %d articles analysed again, %d kept their earlier analysis", progress.analysed, progress.kept)
        return
    async with context.bot_data.feed_store_lock:
        report = await asyncio.to_thread(reanalyse_articles, services, ids)
    progress.after = ids[-1]
    progress.analysed += len(report.stored)
    progress.kept += len(report.rejected)
    for rejected in report.rejected:
        log.warning("reanalysis: %s", texts.kept_analysis(rejected.origin, rejected.reason))
    log.info("reanalysis: %d articles analysed again so far (up to id %d)", progress.analysed, progress.after)
    context.job_queue.run_once(reanalyse_stale, REANALYSE_GAP_S, name="reanalyse", data=progress)


def reanalyse_articles(services: Services, ids: Sequence[int]) -> IngestReport:
    """Analyse the articles `ids` again and let the briefings read the new rows (a worker thread)."""
    report = services.ingest.reanalyse(ids=ids)
    if report.stored:
        services.briefings.refresh()  # here, not in the next reader's query
    return report


async def post_new(context: CustomContext) -> None:
    """Post each new article to the chats that want it, once."""
    services = context.services
    async with context.bot_data.feed_store_lock:  # two feeds finishing at once never claim the same post
        posts = await asyncio.to_thread(services.chats.claim_posts, context.bot_settings.feed_posts_per_poll)
    gone: set[int] = set()
    for post in posts:
        if post.chat_id in gone:
            continue
        sent = await deliver(context, post.chat_id, [render.post_html(post)], PostLease(services.chats, post))
        if not sent:
            gone.add(post.chat_id)  # gone or failing: the rest of its posts wait for the next poll
            await asyncio.to_thread(_release_all, services, [p for p in posts if p.chat_id == post.chat_id and p != post])




def _release_all(services: Services, posts: Sequence[Post]) -> None:
    for post in posts:
        services.chats.release_post(post)
