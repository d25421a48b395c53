"""The bot's own messages as Telegram HTML: help, lists, settings, posts. Pure functions."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.render import chunk, day, source_line
from summarizer.results import Briefing
from summarizer.store.rows import ActorRow, ArticleRow
from summarizer.chats import ChatView, Post

MAX_QUERY = 300  # characters of a query; longer text gets a polite line, not a search
LIST_LIMIT = 50

COMMANDS = [
    ("brief", "Briefing on an actor, a date or a topic"),
    ("timeline", "An actor's dated events, oldest first"),
    ("actors", "Who and where: the story's actors"),
    ("sources", "The stored articles"),
    ("subscribe", "Daily digest: /subscribe [HH:MM] [Area/City]"),
    ("unsubscribe", "Stop the daily digest"),
    ("follow", "Put an actor first in digests and posts"),
    ("unfollow", "Stop following an actor"),
    ("settings", "This chat's digest, follows and links"),
    ("channel", "Post new articles here or to a channel"),
    ("feeds", "The feeds polled for new articles"),
    ("help", "What I do, with examples"),
]

HELP = """<b>I follow one news story and brief you on it</b>, from the articles I have stored. Every point cites its sources by number.

<b>Ask</b>
/brief xi — an actor
/brief 21 March 2023 — a date or a span (2023-03-20..2023-03-22)
/brief peace plan — a topic
/timeline putin — an actor's dated events
/actors, /sources — who is in the story, and the stored articles
In any chat, type <code>@{bot} xi</code> to share a briefing inline.

<b>Daily digest</b>
/subscribe 08:00 Europe/London — what was stored since the last digest, at your local time
/follow zelensky, /unfollow zelensky — followed actors come first
/settings — this chat's digest and follows; /settings quiet on — no message when nothing is new
/unsubscribe — stop

<b>Groups and channels</b> (administrators)
/channel link — post each new article here; /channel link @name — to a channel where I am an administrator
/channel unlink — stop posting"""

BRIEF_USAGE = (
    "Ask about an actor, a date or a topic, for example:\n"
    "/brief xi\n/brief 21 March 2023\n/brief peace plan"
)
TIMELINE_USAGE = "Name an actor, for example: /timeline putin"
FOLLOW_USAGE = "Name an actor to follow, for example: /follow zelensky"
SUBSCRIBE_USAGE = (
    "Usage: /subscribe [HH:MM] [Area/City], for example /subscribe 08:00 Europe/London "
    "(the time from 00:00 to 23:59, the zone an IANA name)."
)
TOO_LONG = f"That is too long for a query: ask in under {MAX_QUERY} characters, for example /brief xi."
NOTHING_NEW = "Nothing new since your last digest."
SORRY = "Sorry, something went wrong with that request. Please try again."
ADMINS_ONLY = "Only this chat's administrators can change its settings."


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def help_html(bot_username: str) -> str:
    return HELP.replace("{bot}", esc(bot_username or "bot"))


def actors_html(rows: Sequence[ActorRow]) -> list[str]:
    """One line per actor, most mentioned first."""
    if not rows:
        return ["No actors are stored yet."]
    lines = [
        f"• <b>{esc(r.name)}</b> ({esc(r.kind)}): {plural(r.mentions, 'mention')} in {plural(r.articles, 'article')}"
        for r in rows[:LIST_LIMIT]
    ]
    more = [f"… and {len(rows) - LIST_LIMIT} more"] if len(rows) > LIST_LIMIT else []
    return chunk([f"<b>Actors</b> ({len(rows)})", "\n".join(lines + more)])


def sources_html(rows: Sequence[ArticleRow]) -> list[str]:
    """The stored articles, newest first, linked where they have a URL."""
    if not rows:
        return ["No articles are stored yet."]
    lines = []
    for r in rows[:LIST_LIMIT]:
        title = esc(r.title or r.origin)
        if r.url and r.url.startswith(("http://", "https://")):
            title = f'<a href="{html.escape(r.url, quote=True)}">{title}</a>'
        lines.append(f"• {esc(day(r.published))}, {esc(r.outlet or 'unknown outlet')}: {title}")
    more = [f"… and {len(rows) - LIST_LIMIT} more"] if len(rows) > LIST_LIMIT else []
    return chunk([f"<b>Stored articles</b> ({len(rows)})", "\n".join(lines + more)])


def timeline_html(b: Briefing) -> list[str]:
    """An actor's dated events, one line each, with numbered sources."""
    if not b.items:
        return [esc(b.note or f"No dated events stored for {b.subject}.")]
    blocks = [f"<b>{esc(b.subject)}: timeline</b>"]
    for i in b.items:
        cites = "".join(f"[{s.number}]" for s in i.sources)
        blocks.append(f"<b>{esc(day(i.date, i.end))}</b>: {esc(i.text)} {cites}")
    blocks.append("<b>Sources</b>\n" + "\n".join(esc(source_line(s)) for s in b.sources))
    return chunk(blocks)


def settings_html(view: ChatView) -> str:
    """What this chat gets, and how to change it."""
    if view.digest_time:
        digest = f"daily at <b>{view.digest_time}</b> {esc(view.timezone)}"
    else:
        digest = "off (/subscribe to start)"
    empty = "no message" if view.quiet else "one line saying so"
    follows = ", ".join(esc(n) for n in view.follows) or "nobody (/follow an actor)"
    links = ", ".join(esc(link_name(link.title, link.chat_id, view.chat_id)) for link in view.links) or "none"
    return (
        f"<b>Digest:</b> {digest}\n<b>When nothing is new:</b> {empty}\n"
        f"<b>Following:</b> {follows}\n<b>New articles posted to:</b> {links}"
    )


def link_name(title: str | None, chat_id: int, here: int) -> str:
    return "this chat" if chat_id == here else (title or str(chat_id))


def post_html(post: Post) -> str:
    """The short update for one new article: "New: title (outlet) [source]"."""
    text = f"New: <b>{esc(post.title or 'untitled article')}</b>"
    if post.outlet:
        text += f" ({esc(post.outlet)})"
    if post.url and post.url.startswith(("http://", "https://")):
        text += f' <a href="{html.escape(post.url, quote=True)}">[source]</a>'
    return text


def no_actor_html(name: str, suggestions: Sequence[str]) -> str:
    """Say that no stored actor has this name, with near names when there are some."""
    line = f"No stored actor is called “{esc(name)}”."
    if suggestions:
        line += " Did you mean: " + ", ".join(esc(s) for s in suggestions) + "?"
    return line + " /actors lists them."
