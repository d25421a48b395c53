"""Thin handlers that change a chat's settings: digests, follows, linked channels, feeds.

In groups only the chat's administrators may change them (checked with getChatMember);
in a private chat the user is its own administrator.
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot import views
from bot.context import Context
from bot.handlers import query_of, reply
from bot.jobs import cancel_digest, schedule_digest
from summarizer.schedule import ScheduleError, parse_schedule

log = logging.getLogger(__name__)

ADMIN_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
CHANNEL_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,15}")
CHANNEL_USAGE = (
    "Usage: /channel link — post new articles here; /channel link @name — post them to a channel "
    "where I am an administrator; /channel unlink [@name] — stop."
)


async def is_admin(update: Update, context: Context, chat_id: int | str | None = None) -> bool:
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


async def _allowed(update: Update, context: Context) -> bool:
    if await is_admin(update, context):
        return True
    await reply(update, context, [views.ADMINS_ONLY])
    return False


async def subscribe(update: Update, context: Context) -> None:
    """Start or move the daily digest: /subscribe [HH:MM] [Area/City]."""
    defaults = context.bot_data.bot_settings
    try:
        at, zone = parse_schedule(context.args or [], defaults.digest_time, defaults.digest_timezone)
    except ScheduleError as exc:
        await reply(update, context, [views.esc(f"{exc}. {views.SUBSCRIBE_USAGE}")])
        return
    if not await _allowed(update, context):
        return
    chat_id = update.effective_chat.id
    await asyncio.to_thread(context.bot_data.chats.subscribe, chat_id, at, zone)
    schedule_digest(context.job_queue, chat_id, at, zone)
    await reply(update, context, [
        f"Daily digest at <b>{at}</b> {views.esc(zone)}: what was stored since the last one. "
        "/follow an actor to put it first; /unsubscribe to stop."
    ])


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop the daily digest."""
    if not await _allowed(update, context):
        return
    chat_id = update.effective_chat.id
    had = await asyncio.to_thread(context.bot_data.chats.unsubscribe, chat_id)
    cancel_digest(context.job_queue, chat_id)
    await reply(update, context, ["Daily digest stopped." if had else "This chat has no daily digest."])


async def settings(update: Update, context: Context) -> None:
    """Show this chat's settings; /settings quiet on|off chooses silence for empty digests."""
    args = [a.lower() for a in context.args or []]
    chats, chat_id = context.bot_data.chats, update.effective_chat.id
    if not args:
        view = await asyncio.to_thread(chats.view, chat_id)
        await reply(update, context, [views.settings_html(view)])
        return
    if len(args) != 2 or args[0] != "quiet" or args[1] not in ("on", "off"):
        await reply(update, context, ["Usage: /settings — show; /settings quiet on|off — no message when nothing is new."])
        return
    if not await _allowed(update, context):
        return
    view = await asyncio.to_thread(chats.set_quiet, chat_id, args[1] == "on")
    await reply(update, context, [views.settings_html(view)])


async def follow(update: Update, context: Context) -> None:
    """Follow an actor: /follow zelensky."""
    name = query_of(context.args)
    if not name or len(name) > views.MAX_QUERY:
        await reply(update, context, [views.FOLLOW_USAGE])
        return
    if not await _allowed(update, context):
        return
    found = await asyncio.to_thread(context.bot_data.chats.follow, update.effective_chat.id, name)
    if found.name is None:
        await reply(update, context, [views.no_actor_html(name, found.suggestions)])
        return
    await reply(update, context, [f"Following <b>{views.esc(found.name)}</b>: first in digests, and new articles posted here are about the actors you follow."])


async def unfollow(update: Update, context: Context) -> None:
    """Stop following an actor: /unfollow zelensky."""
    name = query_of(context.args)
    if not name or len(name) > views.MAX_QUERY:
        await reply(update, context, ["Name an actor to stop following, for example: /unfollow zelensky"])
        return
    if not await _allowed(update, context):
        return
    removed = await asyncio.to_thread(context.bot_data.chats.unfollow, update.effective_chat.id, name)
    text = f"No longer following <b>{views.esc(removed)}</b>." if removed else f"This chat does not follow “{views.esc(name)}”."
    await reply(update, context, [text])


async def channel(update: Update, context: Context) -> None:
    """Link this chat or a channel for new-article posts: /channel link [@name], /channel unlink [@name]."""
    args = context.args or []
    action = args[0].lower() if args else ""
    target = args[1] if len(args) == 2 else None
    if action not in ("link", "unlink") or len(args) > 2 or (target and not CHANNEL_NAME.fullmatch(target)):
        await reply(update, context, [CHANNEL_USAGE])
        return
    if not await _allowed(update, context):
        return
    if action == "unlink":
        await _unlink(update, context, target)
    elif target is None:
        chat = update.effective_chat
        await asyncio.to_thread(context.bot_data.chats.link, chat.id, chat.id, chat.title)
        await reply(update, context, ["New articles will be posted here (about the actors this chat follows, if any)."])
    else:
        await _link_channel(update, context, target)


async def _link_channel(update: Update, context: Context, target: str) -> None:
    bot, here = context.bot, update.effective_chat
    try:
        channel_chat = await bot.get_chat(target)
        me = await bot.get_chat_member(channel_chat.id, bot.id)
    except TelegramError as exc:
        log.info("cannot link %s: %s", target, exc)
        await reply(update, context, [f"I cannot see {views.esc(target)}. Add me to it as an administrator first."])
        return
    if me.status not in ADMIN_STATUSES:
        await reply(update, context, [f"I am not an administrator of {views.esc(target)}; make me one so I can post there."])
        return
    if not await is_admin(update, context, channel_chat.id):
        await reply(update, context, [f"Only an administrator of {views.esc(target)} can link it."])
        return
    title = f"@{channel_chat.username}" if channel_chat.username else channel_chat.title
    await asyncio.to_thread(context.bot_data.chats.link, channel_chat.id, here.id, title)
    await reply(update, context, [f"New articles will be posted to {views.esc(title or target)}, filtered by what this chat follows."])


async def _unlink(update: Update, context: Context, target: str | None) -> None:
    chat_id = None
    if target is not None:
        try:
            chat_id = (await context.bot.get_chat(target)).id
        except TelegramError:
            await reply(update, context, [f"I cannot see {views.esc(target)}."])
            return
    removed = await asyncio.to_thread(context.bot_data.chats.unlink, update.effective_chat.id, chat_id)
    here = update.effective_chat.id
    names = ", ".join(views.esc(views.link_name(r.title, r.chat_id, here)) for r in removed)
    await reply(update, context, [f"No longer posting new articles to {names}." if removed else "Nothing was linked."])


async def feeds(update: Update, context: Context) -> None:
    """List the polled feeds; bot admins add or remove one: /feeds add|remove <url>."""
    services, args = context.bot_data, context.args or []
    if not args:
        configured = services.bot_settings.feeds
        added = await asyncio.to_thread(services.chats.feeds)
        lines = [f"• {views.esc(f)}" for f in configured + added] or ["No feeds are polled yet."]
        await reply(update, context, ["<b>Feeds</b>\n" + "\n".join(lines)])
        return
    if len(args) != 2 or args[0] not in ("add", "remove") or not re.fullmatch(r"https?://\S{3,1990}", args[1]):
        await reply(update, context, ["Usage: /feeds — list; /feeds add|remove https://example.com/feed.xml"])
        return
    user = update.effective_user
    if user is None or user.id not in services.bot_settings.bot_admins:
        await reply(update, context, ["Only the bot's operators can change the feeds."])
        return
    if args[0] == "add":
        new = await asyncio.to_thread(services.chats.add_feed, args[1], user.id)
        await reply(update, context, ["Feed added; it is polled from now on." if new else "That feed is already polled."])
    else:
        gone = await asyncio.to_thread(services.chats.remove_feed, args[1])
        await reply(update, context, ["Feed removed." if gone else "That feed was not added with /feeds add."])
