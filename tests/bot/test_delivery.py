"""The one retry layer, alone: every failure of one message spends one budget of attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.delivery import Backoff, ChatGone, send_messages

NO_WAIT = Backoff(attempts=5, first_delay=0, max_delay=0)
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter's int


class FailingBot:
    """A bot whose send_message raises each of `errors` in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors, self.attempts = list(errors), 0

    async def send_message(self, chat_id, text, **kwargs):
        self.attempts += 1
        if self.errors:
            raise self.errors.pop(0)
        return type("Sent", (), {"chat_id": chat_id})()


def flood(seconds: float = 0) -> RetryAfter:
    return RetryAfter(timedelta(seconds=seconds))


async def test_flood_control_and_network_errors_share_one_budget() -> None:
    bot = FailingBot(*[flood(), NetworkError("Bad Gateway")] * 10)

    with pytest.raises((RetryAfter, NetworkError)):
        await send_messages(bot, 42, ["hello"], backoff=NO_WAIT)
    assert bot.attempts == NO_WAIT.attempts


async def test_a_message_gets_through_within_the_budget() -> None:
    bot = FailingBot(flood(), NetworkError("Bad Gateway"), flood(), NetworkError("Bad Gateway"))

    await send_messages(bot, 42, ["hello"], backoff=NO_WAIT)
    assert bot.attempts == 5


async def test_a_flood_wait_longer_than_the_backoff_allows_gives_up_at_once() -> None:
    bot = FailingBot(flood(seconds=600))

    with pytest.raises(RetryAfter):
        await send_messages(bot, 42, ["hello"], backoff=NO_WAIT)
    assert bot.attempts == 1


@pytest.mark.parametrize(
    "error",
    [Forbidden("Forbidden: bot was blocked by the user"), BadRequest("Bad Request: chat not found")],
    ids=["blocked", "deleted"],
)
async def test_a_gone_chat_is_not_retried(error) -> None:
    bot = FailingBot(error)

    with pytest.raises(ChatGone):
        await send_messages(bot, 42, ["hello"], backoff=NO_WAIT)
    assert bot.attempts == 1
