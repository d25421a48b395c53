"""Fixtures for handler tests: a seeded store copied per test, services over it, a started bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from bot import delivery
from bot.app import build_application, build_services
from bot.settings import BotSettings
from summarizer.services import Services
from summarizer.settings import Settings
from tests.bot.recording import TOKEN, RecordingRequest, message
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "bot"
FEED = DATA / "feed.rss"


class Clock:
    """A settable UTC clock for the subscription service."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def seeded_db(backend, nlp) -> str:
    """The seeds and a markup-heavy article, ingested once per backend (real spaCy, fake encoder); its URL."""
    url = backend.new_url()
    settings = Settings.load(env={}).replace(database_url=url)
    with build_services(settings, BotSettings.load(env={}), encoder=FakeEncoder(), nlp=nlp) as services:
        report = services.ingest.ingest([str(ROOT / "seeds"), str(DATA / "markup.md")])
    assert len(report.stored) == 6, report.rejected
    return url


@pytest.fixture
def settings(backend, seeded_db) -> Settings:
    """A copy of the seeded store for this test: every handler test runs on SQLite and on PostgreSQL."""
    url = backend.copy(seeded_db)
    yield Settings.load().replace(database_url=url)
    backend.drop(url)


@pytest.fixture
def bot_settings() -> BotSettings:
    return BotSettings.load(env={}).replace(feed_poll_seconds=0, bot_workers=4)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_services(settings, bot_settings, nlp, clock) -> Callable[..., Services]:
    """Build services over the test's store as the bot does (each with its own engine, like a restarted process)."""
    made: list[Services] = []

    def make(*, settings: Settings = settings, bot_settings: BotSettings = bot_settings, briefings=None) -> Services:
        services = build_services(settings, bot_settings, encoder=FakeEncoder(), nlp=nlp, clock=clock)
        if briefings is not None:
            services.briefings = briefings
        made.append(services)
        return services

    yield make
    for services in made:
        services.close()


class Harness:
    """A started application over recorded Telegram; feed it updates, read what it sent."""

    def __init__(self, app: Application, request: RecordingRequest) -> None:
        self.app = app
        self.request = request

    @property
    def services(self) -> Services:
        return self.app.bot_data.services

    @property
    def bot_settings(self) -> BotSettings:
        return self.app.bot_data.bot_settings

    async def send(self, text: str, **kwargs) -> list[str]:
        """Process a user's message to the end; return the texts the bot sent to that chat."""
        before = len(self.request.texts(kwargs.get("chat_id", 42)))
        await self.process(message(self.app, text, **kwargs))
        return self.request.texts(kwargs.get("chat_id", 42))[before:]

    async def process(self, *updates: Update) -> None:
        for update in updates:
            await self.app.process_update(update)
        await self.settle()

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait for the handler tasks PTB started (handlers run with block=False)."""
        for _ in range(50):
            pending = [
                t for t in asyncio.all_tasks()
                if not t.done() and t is not asyncio.current_task() and ":process_" in t.get_name()
            ]
            if not pending:
                return
            await asyncio.wait(pending, timeout=timeout)
        raise AssertionError("handler tasks did not settle")

    async def run_job(self, name: str) -> None:
        """Run the first job called `name` now, as the scheduler would."""
        jobs = self.app.job_queue.get_jobs_by_name(name)
        assert jobs, f"no job {name!r}; jobs: {[j.name for j in self.app.job_queue.jobs()]}"
        await jobs[0].run(self.app)

    def job_names(self) -> list[str]:
        return sorted(j.name for j in self.app.job_queue.jobs())

    async def stop(self) -> None:
        """Stop as PTB does at exit, without post_shutdown (the fixture closes the services)."""
        await self.settle()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()  # a no-op when already shut down


@pytest.fixture
async def start_bot(make_services, bot_settings, monkeypatch) -> AsyncIterator[Callable]:
    """Start bots (initialize, post_init, start, scheduler paused); each is stopped at the end."""
    monkeypatch.setattr(delivery, "DEFAULT_BACKOFF", delivery.Backoff(first_delay=0.01, max_delay=0.02))
    started: list[Harness] = []

    default_bot_settings = bot_settings

    async def start(
        services: Services | None = None,
        request: RecordingRequest | None = None,
        *,
        bot_settings: BotSettings = default_bot_settings,
    ) -> Harness:
        """Start a bot over `services` (built from `bot_settings` when None) and `bot_settings`."""
        services = services or make_services(bot_settings=bot_settings)
        request = request or RecordingRequest()
        app = build_application(services, bot_settings, TOKEN, request=request)
        await app.initialize()
        await app.post_init(app)
        await app.start()
        app.job_queue.scheduler.pause()  # jobs run only when a test runs them
        harness = Harness(app, request)
        started.append(harness)
        return harness

    yield start
    for harness in started:
        await harness.stop()


@pytest.fixture
async def bot(start_bot) -> Harness:
    return await start_bot()


@pytest.fixture
def fake_models(monkeypatch, nlp):
    """For the CLI: real spaCy (shared), the fake encoder; the CLI under test, not the weights."""
    from summarizer import embeddings, ingest

    monkeypatch.setattr(ingest, "load_pipeline", lambda name: nlp)
    monkeypatch.setattr(embeddings, "make_encoder", lambda settings: FakeEncoder())
