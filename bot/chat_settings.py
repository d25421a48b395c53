"""Handlers for a chat's settings: /subscribe, /unsubscribe, /settings, /follow, /unfollow, /channel, /feeds.

Each one validates its arguments, checks that the user may change the chat's settings,
makes one chat-service call in a worker thread and replies (bot/delivery.py). In groups
only the chat's administrators may change them (checked with getChatMember); in a private
chat the user is its own administrator. /feeds add and remove are for the bot's operators.
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot import render, texts
from bot.context import CustomContext
from bot.delivery import reply
from bot.render import fill
from summarizer.schedule import ScheduleError, parse_schedule
from summarizer.chats import AddressRefused

log = logging.getLogger(__name__)

ADMIN_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
CHANNEL_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,15}")


async def is_admin(update: Update, context: CustomContext, chat_id: int | str | None = None) -> bool:
    """Whether the update's user administers `chat_id` (default: the update's chat)."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat_id is None:
        if chat.type == ChatType.PRIVATE:
            return True
        if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
            return True  # an anonymous administrator, posting as the group
        chat_id = chat.id
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat_id, user.id)
    except TelegramError as exc:
        log.info("getChatMember(%s, %s) failed: %s", chat_id, user.id, exc)
        return False
    return member.status in ADMIN_STATUSES


async def _allowed(update: Update, context: CustomContext) -> bool:
    if await is_admin(update, context):
        return True
    await reply(update, context, [texts.ADMINS_ONLY])
    return False


async def subscribe(update: Update, context: CustomContext) -> None:
    """Start or move the daily digest: /subscribe [HH:MM] [Area/City]."""
    defaults = context.bot_settings
    try:
        at, zone = parse_schedule(context.args or [], defaults.digest_time, defaults.digest_timezone)
    except ScheduleError as exc:
        await reply(update, context, [fill(texts.BAD_SCHEDULE, error=exc)])
        return
    if not await _allowed(update, context):
        return
    chat_id = update.effective_chat.id
    await asyncio.to_thread(context.chats.subscribe, chat_id, at, zone)
    context.digests.schedule(chat_id, at, zone)
    await reply(update, context, [fill(texts.SUBSCRIBED, at=at, zone=zone)])


async def unsubscribe(update: Update, context: CustomContext) -> None:
    """Stop the daily digest."""
    if not await _allowed(update, context):
        return
    chat_id = update.effective_chat.id
    had = await asyncio.to_thread(context.chats.unsubscribe, chat_id)
    context.digests.cancel(chat_id)
    await reply(update, context, [texts.UNSUBSCRIBED if had else texts.NOT_SUBSCRIBED])


async def settings(update: Update, context: CustomContext) -> None:
    """Show this chat's settings; /settings quiet on|off chooses silence for empty digests."""
    args = [a.lower() for a in context.args or []]
    chats, chat_id = context.chats, update.effective_chat.id
    if not args:
        view = await asyncio.to_thread(chats.view, chat_id)
        await reply(update, context, [render.settings_html(view)])
        return
    if len(args) != 2 or args[0] != "quiet" or args[1] not in ("on", "off"):
        await reply(update, context, [texts.SETTINGS_USAGE])
        return
    if not await _allowed(update, context):
        return
    view = await asyncio.to_thread(chats.set_quiet, chat_id, args[1] == "on")
    await reply(update, context, [render.settings_html(view)])


async def follow(update: Update, context: CustomContext) -> None:
    """Follow an actor: /follow zelensky."""
    name = context.query
    if not name or len(name) > texts.MAX_QUERY:
        await reply(update, context, [texts.FOLLOW_USAGE])
        return
    if not await _allowed(update, context):
        return
    found = await asyncio.to_thread(context.chats.follow, update.effective_chat.id, name)
    if found.name is None:
        await reply(update, context, [render.no_actor_html(name, found.suggestions)])
        return
    await reply(update, context, [fill(texts.FOLLOWING, name=found.name)])


async def unfollow(update: Update, context: CustomContext) -> None:
    """Stop following an actor: /unfollow zelensky."""
    name = context.query
    if not name or len(name) > texts.MAX_QUERY:
        await reply(update, context, [texts.UNFOLLOW_USAGE])
        return
    if not await _allowed(update, context):
        return
    removed = await asyncio.to_thread(context.chats.unfollow, update.effective_chat.id, name)
    text = fill(texts.UNFOLLOWED, name=removed) if removed else fill(texts.NOT_FOLLOWED, name=name)
    await reply(update, context, [text])


async def channel(update: Update, context: CustomContext) -> None:
    """Link this chat or a channel for new-article posts: /channel link [@name], /channel unlink [@name]."""
    args = context.args or []
    action = args[0].lower() if args else ""
    target = args[1] if len(args) == 2 else None
    if action not in ("link", "unlink") or len(args) > 2 or (target and not CHANNEL_NAME.fullmatch(target)):
        await reply(update, context, [texts.CHANNEL_USAGE])
        return
    if not await _allowed(update, context):
        return
    if action == "unlink":
        await _unlink(update, context, target)
    elif target is None:
        chat = update.effective_chat
        await asyncio.to_thread(context.chats.link, chat.id, chat.id, chat.title)
        await reply(update, context, [texts.LINKED_HERE])
    else:
        await _link_channel(update, context, target)


async def _link_channel(update: Update, context: CustomContext, target: str) -> None:
    bot, here = context.bot, update.effective_chat
    try:
        channel_chat = await bot.get_chat(target)
        me = await bot.get_chat_member(channel_chat.id, bot.id)
    except TelegramError as exc:
        log.info("cannot link %s: %s", target, exc)
        await reply(update, context, [fill(texts.CANNOT_SEE_TO_LINK, target=target)])
        return
    if me.status not in ADMIN_STATUSES:
        await reply(update, context, [fill(texts.NOT_ADMIN_THERE, target=target)])
        return
    if not await is_admin(update, context, channel_chat.id):
        await reply(update, context, [fill(texts.ONLY_ADMIN_THERE, target=target)])
        return
    title = f"@{channel_chat.username}" if channel_chat.username else channel_chat.title
    await asyncio.to_thread(context.chats.link, channel_chat.id, here.id, title)
    await reply(update, context, [fill(texts.LINKED, title=title or target)])


async def _unlink(update: Update, context: CustomContext, target: str | None) -> None:
    chat_id = None
    if target is not None:
        try:
            chat_id = (await context.bot.get_chat(target)).id
        except TelegramError:
            await reply(update, context, [fill(texts.CANNOT_SEE, target=target)])
            return
    removed = await asyncio.to_thread(context.chats.unlink, update.effective_chat.id, chat_id)
    if not removed:
        await reply(update, context, [texts.NOTHING_LINKED])
        return
    names = render.chat_names(removed, update.effective_chat.id)
    await reply(update, context, [fill(texts.UNLINKED, names=names)])


async def feeds(update: Update, context: CustomContext) -> None:
    """List the polled feeds; bot admins add or remove one: /feeds add|remove <url>."""
    args = context.args or []
    if not args:
        configured = context.bot_settings.feeds
        added = await asyncio.to_thread(context.chats.feeds)
        await reply(update, context, [render.feeds_html(configured + added)])
        return
    if len(args) != 2 or args[0] not in ("add", "remove") or not re.fullmatch(r"https?://\S{3,1990}", args[1]):
        await reply(update, context, [texts.FEEDS_USAGE])
        return
    user = update.effective_user
    if user is None or user.id not in context.bot_settings.bot_admins:
        await reply(update, context, [texts.OPERATORS_ONLY])
        return
    if args[0] == "add":
        try:
            new = await asyncio.to_thread(context.chats.add_feed, args[1], user.id)
        except AddressRefused as exc:
            await reply(update, context, [fill(texts.FEED_REFUSED, reason=str(exc).removeprefix("refused: "))])
            return
        await reply(update, context, [texts.FEED_ADDED if new else texts.FEED_KNOWN])
    else:
        gone = await asyncio.to_thread(context.chats.remove_feed, args[1])
        await reply(update, context, [texts.FEED_REMOVED if gone else texts.FEED_NOT_ADDED])
