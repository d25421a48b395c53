"""Thin handlers for asking: validate the input, show "typing", make one service call, reply."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from telegram import Chat, InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError

from bot import jobs, views
from bot.context import Context
from bot.delivery import NO_PREVIEW, ChatGone, send_html
from bot.render import to_html

log = logging.getLogger(__name__)

TYPING_AFTER_S = 0.3  # a quicker answer needs no "typing" (and spends none of the rate limit on it)
TYPING_EVERY_S = 4.5  # Telegram shows "typing" for about five seconds per action
TYPING_ROUNDS = 12  # then stop repeating it, however long the work takes
INLINE_CACHE_S = 30


async def reply(update: Update, context: Context, texts: Sequence[str], *, quote: bool | None = None) -> None:
    """Answer in the update's chat, quoting the question in groups (or when `quote` says so)."""
    chat, message = update.effective_chat, update.effective_message
    quote = chat.type != ChatType.PRIVATE if quote is None else quote
    reply_to = message.message_id if message and quote else None
    try:
        await send_html(context.bot, chat.id, texts, reply_to=reply_to, on_migrate=jobs.migrator(context))
    except ChatGone as exc:
        await jobs.forget_chat(context, exc)


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


def query_of(args: Sequence[str] | None) -> str:
    return " ".join(args or ())


async def start(update: Update, context: Context) -> None:
    """Say what the bot does, with examples (/start and /help)."""
    await reply(update, context, [views.help_html(context.bot.username)])


async def brief(update: Update, context: Context) -> None:
    """Brief on an actor, a date or a topic: /brief xi."""
    await _answer(update, context, query_of(context.args))


async def ask(update: Update, context: Context) -> None:
    """Treat text sent in a private chat as a /brief query."""
    await _answer(update, context, " ".join(update.effective_message.text.split()))


async def _answer(update: Update, context: Context, query: str) -> None:
    if not query:
        await reply(update, context, [views.esc(views.BRIEF_USAGE)])
        return
    if len(query) > views.MAX_QUERY:
        await reply(update, context, [views.TOO_LONG])
        return
    async with typing(update.effective_chat):
        briefing = await asyncio.to_thread(context.bot_data.briefings.brief, query)
    # Answers run concurrently and may overtake one another: quoting says which question each answers.
    await reply(update, context, to_html(briefing), quote=True)


async def timeline(update: Update, context: Context) -> None:
    """An actor's dated events: /timeline putin."""
    query = query_of(context.args)
    if not query or len(query) > views.MAX_QUERY:
        await reply(update, context, [views.TIMELINE_USAGE])
        return
    async with typing(update.effective_chat):
        briefing = await asyncio.to_thread(context.bot_data.briefings.timeline, query)
    await reply(update, context, views.timeline_html(briefing))


async def actors(update: Update, context: Context) -> None:
    """List the stored actors, most mentioned first."""
    rows = await asyncio.to_thread(context.bot_data.briefings.actors)
    await reply(update, context, views.actors_html(rows))


async def sources(update: Update, context: Context) -> None:
    """List the stored articles."""
    rows = await asyncio.to_thread(context.bot_data.briefings.articles)
    await reply(update, context, views.sources_html(rows))


async def unknown(update: Update, context: Context) -> None:
    """Point a private chat's unknown command at /help."""
    await reply(update, context, ["I don't know that command. /help lists what I can do."])


async def inline(update: Update, context: Context) -> None:
    """Offer the briefing for `@bot <query>` as one inline result."""
    query = update.inline_query
    text = " ".join(query.query.split())[: views.MAX_QUERY]
    if not text:
        await query.answer([], cache_time=INLINE_CACHE_S)
        return
    briefing = await asyncio.to_thread(context.bot_data.briefings.brief, text)
    first = briefing.items[0].text if briefing.items else briefing.note
    content = InputTextMessageContent(to_html(briefing)[0], parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
    result = InlineQueryResultArticle(
        id=hashlib.sha1(text.lower().encode()).hexdigest(),
        title=briefing.subject or f"No coverage of {text}",
        description=first[:100],
        input_message_content=content,
    )
    await query.answer([result], cache_time=INLINE_CACHE_S)


async def on_error(update: object, context: Context) -> None:
    """Log any failure with its traceback; tell the user one short line."""
    chat = update.effective_chat if isinstance(update, Update) else None
    log.error("handling %s failed", _describe(update), exc_info=context.error)
    if chat is None:
        return
    try:
        await context.bot.send_message(chat.id, views.SORRY)
    except TelegramError as exc:
        log.warning("could not tell chat %s about the error: %s", chat.id, exc)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        chat = update.effective_chat
        return f"update {update.update_id}" + (f" in chat {chat.id}" if chat else "")
    return "a job" if update is None else type(update).__name__
