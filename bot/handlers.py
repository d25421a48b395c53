"""Handlers for asking: /start, /help, /brief (and its "More" button), /timeline, /actors, /sources,
private text, inline.

Each one validates its input, makes one service call in a worker thread, renders the
result (bot/render.py) and replies (bot/delivery.py). The error handler is here too.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import NetworkError, TelegramError

from bot import render, texts
from bot.context import CustomContext
from bot.delivery import reply

log = logging.getLogger(__name__)

TYPING_AFTER_S = 0.3  # a quicker answer needs no "typing" (and spends none of the rate limit on it)
TYPING_EVERY_S = 4.5  # Telegram shows "typing" for about five seconds per action
TYPING_ROUNDS = 12  # then stop repeating it, however long the work takes
INLINE_CACHE_S = 30
# A "More" button carries its query ("more:xi") when that fits Telegram's 64 bytes of callback data,
# else a key into the process's recent long queries ("more#<key>"), of which it keeps this many.
MORE_DATA, MORE_KEY = "more:", "more#"
CALLBACK_BYTES = 64
LONG_QUERIES_KEPT = 1024


@asynccontextmanager
async def typing(chat: Chat) -> AsyncIterator[None]:
    """Show "typing" in `chat` while the body runs past a moment, renewed a bounded number of times."""

    async def keep_typing() -> None:
        await asyncio.sleep(TYPING_AFTER_S)
        for _ in range(TYPING_ROUNDS):
            try:
                await chat.send_action(ChatAction.TYPING)
            except TelegramError as exc:  # only a courtesy: never fail the answer for it
                log.debug("typing action failed: %s", exc)
                return
            await asyncio.sleep(TYPING_EVERY_S)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()


async def start(update: Update, context: CustomContext) -> None:
    """Say what the bot does, with examples (/start and /help)."""
    await reply(update, context, [render.help_html(context.bot.username)])


async def brief(update: Update, context: CustomContext) -> None:
    """Brief on an actor, a date or a topic: /brief xi."""
    await _answer(update, context, context.query)


async def ask(update: Update, context: CustomContext) -> None:
    """Treat text sent in a private chat as a /brief query."""
    await _answer(update, context, " ".join(update.effective_message.text.split()))


async def _answer(update: Update, context: CustomContext, query: str) -> None:
    if not query:
        await reply(update, context, [texts.BRIEF_USAGE])
        return
    if len(query) > texts.MAX_QUERY:
        await reply(update, context, [texts.TOO_LONG])
        return
    async with typing(update.effective_chat):
        briefing = await asyncio.to_thread(context.briefings.brief, query)
    markup = _more_button(context, query, briefing.more) if briefing.more else None
    # Answers run concurrently and may overtake one another: quoting says which question each answers.
    await reply(update, context, render.to_html(briefing), quote=True, markup=markup)


async def more(update: Update, context: CustomContext) -> None:
    """The "More" button under a short briefing: the long briefing of the same query."""
    button = update.callback_query
    query = _button_query(context, button.data or "")
    await _answer_button(button, None if query else texts.MORE_EXPIRED)
    if not query:
        return
    async with typing(update.effective_chat):
        briefing = await asyncio.to_thread(context.briefings.brief, query, long=True)
    try:  # the button has done its work; a message too old to edit keeps it, which is harmless
        await button.edit_message_reply_markup(None)
    except TelegramError as exc:
        log.debug("could not remove a More button: %s", exc)
    await reply(update, context, render.to_html(briefing) if briefing.items else [texts.NOTHING_MORE], quote=True)


async def stale_button(update: Update, context: CustomContext) -> None:
    """Any other button (an older version's): stop the client's spinner, say it has expired."""
    await _answer_button(update.callback_query, texts.MORE_EXPIRED)


async def _answer_button(button, text: str | None) -> None:
    try:
        await button.answer(text)
    except TelegramError as exc:  # a button pressed long ago can no longer be answered: go on
        log.debug("could not answer a button: %s", exc)


def _more_button(context: CustomContext, query: str, count: int) -> InlineKeyboardMarkup:
    data = MORE_DATA + query
    if len(data.encode()) > CALLBACK_BYTES:
        key = hashlib.sha1(query.encode()).hexdigest()[:16]
        kept = context.bot_data.long_queries
        kept[key] = query
        kept.move_to_end(key)
        while len(kept) > LONG_QUERIES_KEPT:
            kept.popitem(last=False)
        data = MORE_KEY + key
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.more_points(count), callback_data=data)]])


def _button_query(context: CustomContext, data: str) -> str | None:
    """The query a More button asks again; None when its key is no longer kept (a restart)."""
    if data.startswith(MORE_DATA):
        return data[len(MORE_DATA):] or None
    if data.startswith(MORE_KEY):
        return context.bot_data.long_queries.get(data[len(MORE_KEY):])
    return None


async def timeline(update: Update, context: CustomContext) -> None:
    """The story's most important days: /timeline for everything, /timeline putin, /timeline March 2023."""
    query = context.query
    if len(query or "") > texts.MAX_QUERY:
        await reply(update, context, [texts.TIMELINE_USAGE])
        return
    async with typing(update.effective_chat):
        briefing = await asyncio.to_thread(context.briefings.timeline, query or "")
    await reply(update, context, render.timeline_html(briefing))


async def actors(update: Update, context: CustomContext) -> None:
    """List the stored actors, most mentioned first."""
    rows = await asyncio.to_thread(context.briefings.actors)
    await reply(update, context, render.actors_html(rows))


async def sources(update: Update, context: CustomContext) -> None:
    """List the stored articles."""
    rows = await asyncio.to_thread(context.briefings.articles)
    await reply(update, context, render.sources_html(rows))


async def unknown(update: Update, context: CustomContext) -> None:
    """Point a private chat's unknown command at /help."""
    await reply(update, context, [texts.UNKNOWN_COMMAND])


async def inline(update: Update, context: CustomContext) -> None:
    """Offer the briefing for `@bot <query>` as one inline result."""
    query = update.inline_query
    text = " ".join(query.query.split())[: texts.MAX_QUERY]
    if not text:
        await query.answer([], cache_time=INLINE_CACHE_S)
        return
    briefing = await asyncio.to_thread(context.briefings.brief, text)
    first = briefing.items[0].text if briefing.items else briefing.note
    content = InputTextMessageContent(render.to_html(briefing)[0])
    result = InlineQueryResultArticle(
        id=hashlib.sha1(text.lower().encode()).hexdigest(),
        title=briefing.subject or texts.NO_COVERAGE_TITLE.format(query=text),
        description=first[:100],
        input_message_content=content,
    )
    await query.answer([result], cache_time=INLINE_CACHE_S)


async def on_error(update: object, context: CustomContext) -> None:
    """Log any failure with its traceback; tell the user one short line.

    A network error (the polling loop's, or a job's) is no bug: one line without a traceback,
    and none at all while the Bot API is known to be down (bot/outage.py logs the outage once).
    """
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(context.error, NetworkError):
        level = logging.DEBUG if context.bot_data.outage.down else logging.WARNING
        log.log(level, "handling %s failed: network error: %s", _describe(update, context), context.error)
        return
    log.error("handling %s failed", _describe(update, context), exc_info=context.error)
    if chat is None:
        return
    try:
        await context.bot.send_message(chat.id, texts.SORRY)
    except TelegramError as exc:
        log.warning("could not tell chat %s about the error: %s", chat.id, exc)


def _describe(update: object, context: CustomContext) -> str:
    if isinstance(update, Update):
        chat = update.effective_chat
        return f"update {update.update_id}" + (f" in chat {chat.id}" if chat else "")
    if update is None:  # a job's error, or the polling loop's (PTB passes neither update nor job then)
        return f"job {context.job.name}" if context.job else "polling for updates"
    return type(update).__name__
