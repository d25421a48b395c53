"""Start-up and concurrency: token and webhook checks, warm-up in the background, the worker bound."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from bot.app import Webhook, check_config, hide_in_logs, run
from bot.context import BotData, CustomContext
from summarizer.results import Briefing, Item
from summarizer.settings import Settings

GOOD_TOKEN = "123456:AAE-abcdefghijklmnopqrstuvwxyz_0123"


class SlowBriefings:
    """A briefing service whose calls take a while and count how many run at once."""

    def __init__(self, seconds: float = 0.2, warm_seconds: float = 0.0) -> None:
        self.seconds, self.warm_seconds = seconds, warm_seconds
        self.running = self.most = self.calls = 0
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def warm(self) -> None:
        time.sleep(self.warm_seconds)

    def brief(self, query: str, long: bool = False) -> Briefing:
        with self._lock:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.current_thread().name)
        time.sleep(self.seconds)
        with self._lock:
            self.running -= 1
        return Briefing(query, "topic", query, (Item(f"About {query}.", None, None, ()),))


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": "123:short"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "STORYBOT_WEBHOOK_URL": "https://bot.example/tg"}, "STORYBOT_WEBHOOK_SECRET must be set"),
        ({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "STORYBOT_WEBHOOK_URL": "bot.example", "STORYBOT_WEBHOOK_SECRET": "s"}, "http(s) URL"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_status_2(env, problem, capsys) -> None:
    assert run(Settings.load(env={}), env=env) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and problem in err and "Traceback" not in err
    assert GOOD_TOKEN.split(":")[1] not in err


def test_bad_digest_defaults_are_refused_at_start(capsys) -> None:
    env = {"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "STORYBOT_DIGEST_TIMEZONE": "Mars/Base"}
    assert run(Settings.load(env={}), env=env) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "setting digest_timezone:" in err and "Mars/Base" in err


def test_webhook_mode_takes_the_url_and_secret_from_the_environment() -> None:
    env = {"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "STORYBOT_WEBHOOK_URL": "https://bot.example/tg/hook", "STORYBOT_WEBHOOK_SECRET": "s3cr3t_-"}
    token, webhook = check_config(env)

    assert token == GOOD_TOKEN
    assert webhook == Webhook("https://bot.example/tg/hook", "s3cr3t_-")
    assert webhook.path == "tg/hook"
    assert check_config({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN})[1] is None


def test_the_token_never_reaches_a_log_line() -> None:
    handler = logging.StreamHandler()
    hide_in_logs(GOOD_TOKEN, [handler])
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "POST https://api.telegram.org/bot%s/getMe", (GOOD_TOKEN,), None)

    assert GOOD_TOKEN not in handler.format(record) and "<token>" in handler.format(record)


@pytest.mark.slow
async def test_briefs_from_many_chats_run_concurrently_within_the_worker_bound(start_bot, make_services, bot_settings) -> None:
    briefings = SlowBriefings(seconds=0.2)
    bot = await start_bot(make_services(briefings=briefings), bot_settings=bot_settings.replace(bot_workers=3))
    updates = [_message(bot, f"/brief topic {n}", chat_id=100 + n) for n in range(9)]

    started = time.perf_counter()
    for update in updates:
        await bot.app.process_update(update)
    await bot.app.process_update(_message(bot, "/start", chat_id=1))
    for _ in range(200):  # bounded: 2 s at most
        if bot.request.texts(1):
            break
        await asyncio.sleep(0.01)
    start_answered = time.perf_counter() - started
    briefs_answered_by_then = sum(bool(bot.request.texts(100 + n)) for n in range(9))
    await bot.settle()
    elapsed = time.perf_counter() - started

    assert all(bot.request.texts(100 + n) for n in range(9))
    assert briefings.most == 3  # concurrent, and never more than the configured workers
    assert all(name.startswith("storybot") for name in briefings.threads)
    assert 0.55 < elapsed < 2.0  # three rounds of three, not nine in a row
    assert start_answered < 0.5 and briefs_answered_by_then < 9  # /start does not queue behind the briefs


@pytest.mark.slow
async def test_start_answers_while_the_model_warms(start_bot, make_services) -> None:
    briefings = SlowBriefings(warm_seconds=1.5)
    started = time.perf_counter()
    bot = await start_bot(make_services(briefings=briefings))

    replies = await bot.send("/start")
    assert replies and time.perf_counter() - started < 1.0
    assert not bot.app.bot_data.warming.done()
    await asyncio.wait_for(bot.app.bot_data.warming, 5)


async def test_handlers_and_jobs_reach_the_built_services_through_a_typed_context(start_bot, make_services) -> None:
    services = make_services()
    bot = await start_bot(services)
    context = bot.app.context_types.context(bot.app)

    assert isinstance(context, CustomContext) and isinstance(bot.app.bot_data, BotData)
    assert bot.app.bot_data.services is services  # the Services object itself, not copies of its fields
    assert context.briefings is services.briefings and context.chats is services.chats
    assert context.ingest is services.ingest and context.bot_settings is bot.bot_settings


def _message(bot, text: str, chat_id: int):
    from tests.bot.recording import message

    return message(bot.app, text, chat_id=chat_id)


@pytest.mark.slow
async def test_typing_shows_while_a_slow_answer_is_worked_on(start_bot, make_services) -> None:
    bot = await start_bot(make_services(briefings=SlowBriefings(seconds=0.6)))

    await bot.send("/brief slow topic")

    methods = [(c.method, c.params.get("action")) for c in bot.request.calls if c.method in ("sendChatAction", "sendMessage")]
    assert methods == [("sendChatAction", "typing"), ("sendMessage", None)]
