"""A Bot API outage is logged once, with a count and a recovery line, not a traceback per job (issue 11, defect 10)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from telegram.error import NetworkError

from tests.bot.recording import RecordingRequest


class UnreachableTelegram(RecordingRequest):
    """Recorded Telegram that can go away: while `down`, every request fails as a refused connection does."""

    down = False

    async def do_request(self, url, method, request_data=None, **timeouts):
        if self.down:
            raise NetworkError("httpx.ConnectError: All connection attempts failed")
        return await super().do_request(url, method, request_data, **timeouts)


async def test_an_outage_is_logged_once_with_a_count_and_a_recovery_line(start_bot, clock, caplog) -> None:
    telegram = UnreachableTelegram()
    bot = await start_bot(request=telegram)
    for chat in (1, 2, 3):
        await bot.send("/subscribe 08:00 UTC", chat_id=chat)
    clock.now = datetime.now(UTC).replace(hour=8, minute=0, second=30) + timedelta(days=1)

    telegram.down = True
    with caplog.at_level(logging.DEBUG, logger="bot"):
        for _ in range(15):  # the polling loop, as PTB's run_polling forwards its failures to the error handler
            try:
                await bot.app.bot.get_updates(timeout=0)
            except NetworkError as exc:
                await bot.app.process_error(None, exc)
        for chat in (1, 2, 3):  # and the digest jobs that fall due meanwhile
            await bot.run_job(f"digest:{chat}")
        await bot.settle()
        telegram.down = False
        await bot.app.bot.get_updates(timeout=0)
    records = [r for r in caplog.records if r.name.startswith("bot")]
    loud = [r for r in records if r.levelno >= logging.WARNING]

    assert not [r for r in records if r.exc_info]  # no traceback at all
    assert [r.getMessage().split(";")[0] for r in loud] == [
        "Bot API unreachable (httpx.ConnectError: All connection attempts failed)",
        f"Bot API reachable again after {loud[1].args[0]:.1f} s",
    ]
    assert loud[1].args[1] == 15 + 3 * 5  # every failed request counted: 15 polls, 5 attempts per digest
    assert not [r for r in records if "a job" in r.getMessage()]  # polling is not mislabelled as a job
    for chat in (1, 2, 3):  # the slots were given back: each digest goes out once the API answers
        await bot.run_job(f"digest:{chat}")
        assert telegram.texts(chat)[-1].startswith("<b>Digest")
