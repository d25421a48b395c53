"""pytest fixtures: one emulator per session, a bot of its own and its processes per test.

Import them into a conftest.py::

    from emulator.fixtures import bot_emulator, bot_process, emulator_server  # noqa: F401

Then a test plays a user against a real bot process::

    @pytest.mark.e2e
    def test_brief(bot_emulator, bot_process):
        bot_process([str(VENV_BIN / "storybot"), "run"])  # returns once it polls
        sent = bot_emulator.send_message(42, "/brief xi")
        reply = bot_emulator.wait_for_reply(42, after=sent["message_id"], timeout=30)
        assert "Xi Jinping" in reply["text"]

The bot reads TELEGRAM_BOT_TOKEN and TELEGRAM_BASE_URL (use it as PTB's `base_url`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from emulator.client import BotProcess, Emulator, new_token

StartBot = Callable[..., BotProcess]


@pytest.fixture(scope="session")
def emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The emulator on 127.0.0.1, shared by the session; tests keep apart by bot token."""
    log_path = tmp_path_factory.mktemp("emulator") / "emulator.log"
    with Emulator(log_path=log_path) as emu:
        yield emu


@pytest.fixture
def bot_emulator(emulator_server: Emulator) -> Emulator:
    """The emulator for this test's own bot (a new token): other tests' chats never mix in."""
    return emulator_server.for_bot(new_token())


@pytest.fixture
def bot_process(bot_emulator: Emulator, tmp_path: Path) -> Iterator[StartBot]:
    """Start bot processes against the emulator; every one is stopped when the test ends.

    Call it as `bot_process(args, env=None, cwd=None, wait_polling=True, timeout=20.0)`. The bot
    gets TELEGRAM_BOT_TOKEN=`bot_emulator.token` and TELEGRAM_BASE_URL=`bot_emulator.base_url`;
    with `wait_polling` the call returns once the bot made its first getUpdates call.
    """
    started: list[BotProcess] = []

    def start(
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        wait_polling: bool = True,
        timeout: float = 20.0,
    ) -> BotProcess:
        log_path = tmp_path / f"bot-{len(started)}.log"
        bot = bot_emulator.start_bot(args, log_path=log_path, env=env, cwd=cwd)
        started.append(bot)
        if wait_polling:
            bot_emulator.wait_until_polling(bot, timeout=timeout)
        return bot

    yield start
    for bot in started:
        bot.stop()
