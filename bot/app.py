"""Build and run the Telegram application: services in, handlers registered, polling or webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import chat_settings, handlers, jobs, texts
from bot.context import CONTEXT_TYPES, BotData, DigestJobs
from bot.outage import Outage, WatchedRequest
from bot.settings import BotSettings
from bot.webhook import run_webhook
from summarizer.services import Services, build
from summarizer.settings import Settings, SettingsError

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
TOKEN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,100}")
SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
POLL_TIMEOUT_S = 10
# Every message is Telegram HTML (bot/render.py) and cites sources by link: no previews.
DEFAULTS = Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.strip("/")


def build_application(
    services: Services,
    bot_settings: BotSettings,
    token: str,
    base_url: str = DEFAULT_BASE_URL,
    *,
    request: BaseRequest | None = None,
) -> Application:
    """The application with every handler and job wired to `services` and `bot_settings`; start it with run_*().

    Every request goes through a WatchedRequest (`request`, or PTB's default HTTPX requests), so
    that an outage of the Bot API is logged once (bot/outage.py).
    """
    outage = Outage()
    if request is None:  # what PTB's builder makes by default: a pool for calls, one connection for polling
        calls, polls = WatchedRequest(HTTPXRequest(connection_pool_size=256), outage), WatchedRequest(HTTPXRequest(connection_pool_size=1), outage)
    else:
        calls = polls = WatchedRequest(request, outage)
    builder = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .defaults(DEFAULTS)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(throttle())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .request(calls)
        .get_updates_request(polls)
    )
    app = builder.build()
    data: BotData = app.bot_data
    data.services, data.bot_settings, data.outage = services, bot_settings, outage
    data.digests = DigestJobs(app.job_queue, jobs.send_digest)
    register(app)
    return app


def throttle() -> AIORateLimiter:
    """Keep under Telegram's rates; never retry: bot/delivery.py is the one retry layer.

    With max_retries=0 PTB's limiter raises RetryAfter at once, and logs it as an error
    with a traceback first; delivery waits it out and logs one line, so that record is noise.
    """
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    return AIORateLimiter(max_retries=0)


def register(app: Application) -> None:
    """Route commands, private text and inline queries; block=False so no answer waits for another."""
    fresh = filters.UpdateType.MESSAGE  # an edited command is not asked again
    commands = {
        "start": handlers.start,
        "help": handlers.start,
        "brief": handlers.brief,
        "timeline": handlers.timeline,
        "actors": handlers.actors,
        "sources": handlers.sources,
        "subscribe": chat_settings.subscribe,
        "unsubscribe": chat_settings.unsubscribe,
        "settings": chat_settings.settings,
        "follow": chat_settings.follow,
        "unfollow": chat_settings.unfollow,
        "channel": chat_settings.channel,
        "feeds": chat_settings.feeds,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=fresh, block=False))
    private = filters.ChatType.PRIVATE & fresh
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.ask, block=False))
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.unknown, block=False))
    app.add_handler(InlineQueryHandler(handlers.inline, block=False))
    app.add_handler(CallbackQueryHandler(handlers.more, pattern=rf"^({handlers.MORE_DATA}|{handlers.MORE_KEY})", block=False))
    app.add_handler(CallbackQueryHandler(handlers.stale_button, block=False))
    app.add_error_handler(handlers.on_error, block=False)


async def post_init(app: Application) -> None:
    """Start the services: worker pool, model warm-up (in the background), commands, jobs."""
    data: BotData = app.bot_data
    workers = max(1, data.bot_settings.bot_workers)
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(workers, thread_name_prefix="storybot"))
    data.warming = asyncio.create_task(_warm(data.services))
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in texts.COMMANDS])
    except TelegramError as exc:  # a server without setMyCommands must not stop the bot
        log.warning("could not register the command list: %s", exc)
    await jobs.restore_digests(app)
    jobs.schedule_feed_poll(app)
    jobs.schedule_reanalysis(app)
    log.info("bot @%s is up with %d worker threads", app.bot.username, workers)


async def _warm(services: Services) -> None:
    """Load the model in a daemon thread: no worker is held, and stopping never waits for it."""
    loop, started = asyncio.get_running_loop(), time.perf_counter()
    done: asyncio.Future[None] = loop.create_future()

    def work() -> None:
        error: Exception | None = None
        try:
            services.briefings.warm()
        except Exception as exc:  # topic queries will load the model on first use instead
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed first: nobody is waiting
            loop.call_soon_threadsafe(_resolve, done, error)

    threading.Thread(target=work, name="storybot-warm", daemon=True).start()
    try:
        await done
    except Exception:
        log.exception("warming the model failed")
        return
    log.info("model warm in %.1f s", time.perf_counter() - started)


def _resolve(future: asyncio.Future[None], error: Exception | None) -> None:
    if future.done():  # cancelled at shutdown
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


async def post_shutdown(app: Application) -> None:
    """Stop waiting for the warm-up and close the services."""
    data: BotData = app.bot_data
    if data.warming is not None:
        data.warming.cancel()
    if data.feed_readers is not None:  # a fetch in flight ends at its deadline; nobody waits for it
        data.feed_readers.shutdown(wait=False, cancel_futures=True)
    data.services.close()


def build_services(settings: Settings, bot_settings: BotSettings, **parts: Any) -> Services:
    """The services from the composition root, with the bot's setting for empty digests.

    `parts` go to `summarizer.services.build` as they are (tests pass a store, fakes, a clock).
    """
    lease = timedelta(seconds=bot_settings.delivery_lease_seconds)
    return build(settings, quiet_by_default=bot_settings.digest_when_empty == "silent", lease=lease, **parts)


def check_config(env: Mapping[str, str]) -> tuple[str, Webhook | None]:
    """The token and webhook from the environment (secrets: never in a file); ValueError says what is wrong."""
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set: export the token @BotFather gave you")
    if not TOKEN.fullmatch(token):
        raise ValueError("TELEGRAM_BOT_TOKEN is malformed: expected digits, a colon and the secret, as @BotFather gives it")
    url = env.get("STORYBOT_WEBHOOK_URL", "").strip()
    if not url:
        return token, None
    secret = env.get("STORYBOT_WEBHOOK_SECRET", "").strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ValueError("STORYBOT_WEBHOOK_URL must be an http(s) URL, e.g. https://bot.example.com/telegram")
    if not SECRET.fullmatch(secret):
        raise ValueError("STORYBOT_WEBHOOK_SECRET must be set (1-256 characters: letters, digits, _ and -)")
    return token, Webhook(url, secret)


def run(settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """Run the bot until SIGINT or SIGTERM; returns the exit status (2: bad configuration).

    The bot's settings come from the same environment and config folder as `settings`.
    """
    env = os.environ if env is None else env
    try:
        bot_settings = BotSettings.load(env, config_dir=settings.config_dir)
    except SettingsError as exc:
        print(f"storybot: bad configuration: {exc}", file=sys.stderr)
        return 2
    try:
        token, webhook = check_config(env)
    except ValueError as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return 2
    hide_in_logs(token)
    base_url = env.get("TELEGRAM_BASE_URL", "").strip() or DEFAULT_BASE_URL
    services = build_services(settings, bot_settings)
    stale, stored = services.ingest.stale()
    if stale:
        log.warning(texts.stale_note(stale, stored, background=bot_settings.reanalyse_batch))
    app = build_application(services, bot_settings, token, base_url)
    try:
        if webhook is None:
            app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT_S)
        else:
            log.info("webhook mode: listening on %s:%d", bot_settings.webhook_listen, bot_settings.webhook_port)
            # bot/webhook.py: PTB's run_webhook, with every body checked (size, JSON object, update).
            run_webhook(
                app, listen=bot_settings.webhook_listen, port=bot_settings.webhook_port,
                path=webhook.path, url=webhook.url, secret=webhook.secret,
            )
    except InvalidToken:
        print("storybot: the Bot API rejected TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"storybot: cannot reach the Bot API at {base_url}: {str(exc).replace(token, '<token>')}", file=sys.stderr)
        return 1
    finally:
        services.close()
    return 0


class _Redacting(logging.Formatter):
    """A formatter that replaces a secret wherever it appears, tracebacks included."""

    def __init__(self, inner: logging.Formatter, secret: str) -> None:
        super().__init__()
        self.inner, self.secret = inner, secret

    def format(self, record: logging.LogRecord) -> str:
        return self.inner.format(record).replace(self.secret, "<token>")


def hide_in_logs(secret: str, handlers: list[logging.Handler] | None = None) -> None:
    """Never let the token reach a log line, whoever logs it (httpx URLs carry it)."""
    for handler in logging.getLogger().handlers if handlers is None else handlers:
        handler.setFormatter(_Redacting(handler.formatter or logging.Formatter(), secret))
