"""Send what the bot says: replies, digests and posts, through the bot's one retry layer.

`reply` answers an update; `deliver` sends a job's claimed messages (a digest, a post), keeps
the claim held while it sends, records it as sent once Telegram accepted every message, and
gives it back when sending fails.
Both forget a chat that blocked the bot or was deleted (unsubscribed, unlinked) and follow
a group that became a supergroup to its new id.

`send_messages` is the retry layer: a message refused by flood control (RetryAfter) is sent
again after the wait Telegram asks for, one lost to a network error after a growing delay,
and both spend one budget of attempts (`Backoff.attempts`). PTB's AIORateLimiter only
throttles (bot/app.py), so a message is attempted at most `Backoff.attempts` times.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

if TYPE_CHECKING:
    from bot.context import CustomContext
    from bot.outage import Outage

log = logging.getLogger(__name__)

GONE_PHRASES = ("chat not found", "bot was kicked", "user is deactivated", "group chat was deleted")

Migrate = Callable[[int, int], Awaitable[None]]


class Claim(Protocol):
    """A claimed delivery, as the chat service holds it (each method blocks: run in a thread)."""

    def hold(self, seconds: float) -> bool:
        """Renew the claim for `seconds` plus its lease; False when another run has taken it over."""

    def sent(self) -> None:
        """Record the delivery as sent."""

    def release(self) -> None:
        """Give the delivery back for a later run."""

    def moved(self, chat_id: int) -> None:
        """Follow the chat to its new id (a group became a supergroup; the store moved it)."""


class LeaseLost(Exception):
    """Another run took the claim over (ours ran out): stop, it sends instead."""


Hold = Callable[[float], Awaitable[None]]


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


async def reply(
    update: Update,
    context: CustomContext,
    texts: Sequence[str],
    *,
    quote: bool | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Answer in the update's chat, quoting the question in groups (or when `quote` says so);
    `markup` (buttons) goes under the last message."""
    chat, message = update.effective_chat, update.effective_message
    quote = chat.type != ChatType.PRIVATE if quote is None else quote
    reply_to = message.message_id if message and quote else None
    try:
        await send_messages(
            context.bot,
            chat.id,
            texts,
            reply_to=reply_to,
            on_migrate=_migrator(context),
            outage=context.bot_data.outage,
            markup=markup,
        )
    except ChatGone as gone:
        await _forget(context, gone)


async def deliver(context: CustomContext, chat_id: int, texts: Sequence[str], claim: Claim) -> bool:
    """Send a job's claimed messages; return whether they went.

    The claim is renewed before every attempt and recorded as sent only after Telegram accepted
    the last message, so a process that dies mid-way leaves a claim that runs out and is sent by a
    later run. When sending fails the claim is released, unless the chat is gone for good.
    """
    try:
        await send_messages(
            context.bot, chat_id, texts, on_migrate=_migrator(context, claim), hold=_holder(claim), outage=context.bot_data.outage
        )
    except LeaseLost:
        log.warning("stopped sending to chat %s: its claim ran out and another run took it over", chat_id)
        return False
    except ChatGone as gone:
        await _forget(context, gone)
        return False
    except TelegramError as exc:
        level = logging.DEBUG if context.bot_data.outage.down else logging.WARNING  # an outage is logged once
        log.log(level, "could not send to chat %s, will retry later: %s", chat_id, exc)
        await asyncio.to_thread(claim.release)
        return False
    await asyncio.to_thread(claim.sent)
    return True


def _holder(claim: Claim) -> Hold:
    async def hold(seconds: float) -> None:
        if not await asyncio.to_thread(claim.hold, seconds):
            raise LeaseLost()

    return hold


async def _forget(context: CustomContext, gone: ChatGone) -> None:
    """Unsubscribe and unlink a chat that blocked the bot or no longer exists."""
    log.info("%s: unsubscribing and unlinking it", gone)
    await asyncio.to_thread(context.chats.forget_chat, int(gone.chat_id))
    context.digests.cancel(int(gone.chat_id))


def _migrator(context: CustomContext, claim: Claim | None = None) -> Migrate:
    """Move a group's settings, digest job and the claim being sent to its new id when it becomes a supergroup."""

    async def migrate(old: int, new: int) -> None:
        view = await asyncio.to_thread(context.chats.migrate_chat, old, new)
        if claim is not None:
            claim.moved(new)
        context.digests.cancel(old)
        if view.digest_time:
            context.digests.schedule(new, view.digest_time, view.timezone)

    return migrate


async def send_messages(
    bot: Bot,
    chat_id: int | str,
    texts: Sequence[str],
    *,
    reply_to: int | None = None,
    backoff: Backoff | None = None,
    on_migrate: Migrate | None = None,
    hold: Hold | None = None,
    outage: Outage | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send each text in order (HTML: the application's Defaults), the first as a reply to `reply_to` when given,
    the last with `markup` (buttons) when given.

    `outage`, when given, quiets the retry lines while the Bot API is known to be down.
    `hold(seconds)`, when given, is awaited before every attempt (and before every wait, with its
    length) to keep a claim; it raises LeaseLost when the claim is gone, and nothing more is sent.

    Raises:
        ChatGone: the chat blocked the bot or no longer exists.
        TelegramError: any other refusal, or a network error that outlasted `backoff`.
    """
    backoff = backoff or DEFAULT_BACKOFF
    sent: list[Message] = []
    for n, text in enumerate(texts):
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and n == 0 else None
        buttons = markup if n == len(texts) - 1 else None
        message = await _send_one(bot, chat_id, text, reply, backoff, on_migrate, hold, outage, buttons)
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
    hold: Hold | None,
    outage: Outage | None,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    delay = backoff.first_delay
    for attempt in range(1, backoff.attempts + 1):
        last = attempt == backoff.attempts
        try:
            if hold is not None:
                await hold(0.0)
            return await bot.send_message(chat_id, text, reply_parameters=reply, reply_markup=markup)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            if last or wait > backoff.max_wait:
                raise
            log.info("flood control for chat %s: waiting %.1f s", chat_id, wait)
            if hold is not None:
                await hold(wait)
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
            level = logging.DEBUG if outage is not None and outage.down else logging.WARNING
            log.log(level, "sending to chat %s failed (%s); retrying in %.1f s", chat_id, exc, delay)
            if hold is not None:
                await hold(delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, backoff.max_delay)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
