"""Send messages that must not be lost: the bot's one retry layer.

A message refused by flood control (RetryAfter) is sent again after the wait Telegram asks
for; one lost to a network error, after a growing delay; both count against one budget of
attempts (`Backoff.attempts`). PTB's AIORateLimiter only throttles (bot/app.py) and never
retries, so a message is attempted at most `Backoff.attempts` times, whatever fails.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, Message, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

log = logging.getLogger(__name__)

GONE_PHRASES = ("chat not found", "bot was kicked", "user is deactivated", "group chat was deleted")

Migrate = Callable[[int, int], Awaitable[None]]


class ChatGone(Exception):
    """The chat blocked the bot, removed it, or no longer exists: stop writing to it."""

    def __init__(self, chat_id: int | str, reason: str) -> None:
        super().__init__(f"chat {chat_id} is gone: {reason}")
        self.chat_id = chat_id


@dataclass(frozen=True)
class Backoff:
    """How long to keep trying one message: attempts, and the delays between network retries."""

    attempts: int = 5  # in all: flood-control waits, network retries and a migration each use one
    first_delay: float = 1.0
    max_delay: float = 30.0
    max_wait: float = 120.0  # a flood-control wait longer than this gives up instead


DEFAULT_BACKOFF = Backoff()


async def send_html(
    bot: Bot,
    chat_id: int | str,
    texts: Sequence[str],
    *,
    reply_to: int | None = None,
    backoff: Backoff | None = None,
    on_migrate: Migrate | None = None,
) -> list[Message]:
    """Send each text in order (HTML: the application's Defaults), the first as a reply to `reply_to` when given.

    Raises:
        ChatGone: the chat blocked the bot or no longer exists.
        TelegramError: any other refusal, or a network error that outlasted `backoff`.
    """
    backoff = backoff or DEFAULT_BACKOFF
    sent: list[Message] = []
    for n, text in enumerate(texts):
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and n == 0 else None
        message = await _send_one(bot, chat_id, text, reply, backoff, on_migrate)
        chat_id = message.chat_id  # a migrated group continues under its new id
        sent.append(message)
    return sent


async def _send_one(
    bot: Bot,
    chat_id: int | str,
    text: str,
    reply: ReplyParameters | None,
    backoff: Backoff,
    on_migrate: Migrate | None,
) -> Message:
    delay = backoff.first_delay
    for attempt in range(1, backoff.attempts + 1):
        last = attempt == backoff.attempts
        try:
            return await bot.send_message(chat_id, text, reply_parameters=reply)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            if last or wait > backoff.max_wait:
                raise
            log.info("flood control for chat %s: waiting %.1f s", chat_id, wait)
            await asyncio.sleep(wait)
        except ChatMigrated as exc:
            log.info("chat %s became %s", chat_id, exc.new_chat_id)
            if on_migrate is not None:
                await on_migrate(int(chat_id), exc.new_chat_id)
            chat_id = exc.new_chat_id
            if last:
                raise
        except Forbidden as exc:
            raise ChatGone(chat_id, exc.message) from exc
        except BadRequest as exc:
            if any(p in exc.message.lower() for p in GONE_PHRASES):
                raise ChatGone(chat_id, exc.message) from exc
            raise
        except NetworkError as exc:  # TimedOut included; BadRequest is handled above
            if last:
                raise
            log.warning("sending to chat %s failed (%s); retrying in %.1f s", chat_id, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, backoff.max_delay)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
