"""What every handler and job is given: a CallbackContext with typed access to the services.

`context.bot_data` is a `BotData` holding the one `Services` built by
`summarizer.services.build` in main() and the bot's own settings; `context.briefings`,
`context.chats`, `context.ingest` and `context.bot_settings` read from it (PTB
examples/contexttypesbot.py). `context.digests` puts each chat's daily digest in
the JobQueue.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram.ext import CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.outage import Outage
from summarizer.schedule import parse_time

if TYPE_CHECKING:
    from bot.settings import BotSettings
    from summarizer.briefings import BriefingService
    from summarizer.chats import ChatService
    from summarizer.ingest import Ingestor
    from summarizer.services import Services


# APScheduler drops a run more than a second late; a digest is still worth sending an hour late.
LATE_OK = {"misfire_grace_time": 3600, "coalesce": True}
DAILY = "daily"  # the data of a chat's daily digest job: it may serve its slot a moment early


class DigestJobs:
    """Each subscribed chat's daily digest as a job `digest:<chat id>` that runs `send`.

    bot/app.py makes it with the digest job (bot/jobs.py: send_digest), so that handlers
    can schedule digests without importing the jobs.
    """

    def __init__(self, job_queue: JobQueue, send: Callable[[CustomContext], Awaitable[Any]]) -> None:
        self.job_queue, self.send = job_queue, send

    @staticmethod
    def name(chat_id: int) -> str:
        return f"digest:{chat_id}"

    def schedule(self, chat_id: int, at: str, zone: str) -> None:
        """Run the chat's digest daily at `at` ("HH:MM") local time in `zone`, daylight saving included."""
        self.cancel(chat_id)
        when = parse_time(at).replace(tzinfo=ZoneInfo(zone))
        self.job_queue.run_daily(self.send, when, chat_id=chat_id, data=DAILY, name=self.name(chat_id), job_kwargs=LATE_OK)

    def catch_up(self, chat_id: int, delay: float) -> None:
        """Send the chat's digest once, `delay` seconds from now (missed while down, or held by another claim)."""
        name = f"digest-catch-up:{chat_id}"
        for job in self.job_queue.get_jobs_by_name(name):
            job.schedule_removal()
        self.job_queue.run_once(self.send, delay, chat_id=chat_id, name=name, job_kwargs=LATE_OK)

    def cancel(self, chat_id: int) -> None:
        for job in self.job_queue.get_jobs_by_name(self.name(chat_id)):
            job.schedule_removal()


class BotData:
    """`context.bot_data`: the process's services and the model warm-up.

    PTB makes it with no arguments; bot/app.py sets `services`, `bot_settings` and
    `digests` before the bot starts.
    """

    services: Services
    bot_settings: BotSettings
    digests: DigestJobs

    def __init__(self) -> None:
        self.warming: asyncio.Task[None] | None = None  # started in post_init
        self.outage = Outage()  # bot/app.py puts the one its requests report to here
        # Feed polling (bot/jobs.py): the feeds being polled, their readers' threads, one store or claim at a time.
        self.feeds_in_flight: set[str] = set()
        self.feed_readers: ThreadPoolExecutor | None = None
        self.feed_store_lock = asyncio.Lock()
        # Queries too long for a "More" button's callback data, by key (bot/handlers.py), newest last.
        self.long_queries: OrderedDict[str, str] = OrderedDict()


class CustomContext(CallbackContext[ExtBot[None], dict, dict, BotData]):
    """The `context` of every handler, error handler and job."""

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def bot_settings(self) -> BotSettings:
        """The bot's own: digest defaults, workers, feeds, operators."""
        return self.bot_data.bot_settings

    @property
    def briefings(self) -> BriefingService:
        return self.bot_data.services.briefings

    @property
    def chats(self) -> ChatService:
        return self.bot_data.services.chats

    @property
    def ingest(self) -> Ingestor:
        return self.bot_data.services.ingest

    @property
    def digests(self) -> DigestJobs:
        return self.bot_data.digests

    @property
    def query(self) -> str:
        """The command's arguments as one string ("" when there are none)."""
        return " ".join(self.args or ())


CONTEXT_TYPES = ContextTypes(context=CustomContext, bot_data=BotData)
