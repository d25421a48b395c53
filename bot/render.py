"""Everything the bot and the CLI show, rendered: plain text for the terminal, HTML for Telegram.

Pure functions. Briefings, timelines and digests come out as text (`to_text`, `timeline_text`)
or as Telegram HTML split into messages of at most 4096 characters (`to_html`,
`timeline_html`, `digest_html`); lists, settings and posts as HTML. Stored text is
escaped here and nowhere else: `esc` for text, `link` for a URL, `fill` for a template
from `bot/texts.py`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot import texts
from summarizer.results import Briefing, Card, Item, Source

if TYPE_CHECKING:
    from summarizer.chats import ChatView, Link, Post

TELEGRAM_LIMIT = 4096
LIST_LIMIT = 50


class ActorLine(Protocol):
    """What the actor list shows of one actor (the briefing service's actor rows)."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    mentions: int
    articles: int


class ArticleLine(Protocol):
    """What the article list shows of one article (the briefing service's article rows)."""

    id: int
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    published_how: str | None
    origin: str
    sentences: int


# -- escaping ---------------------------------------------------------------------------------


def esc(text: str) -> str:
    """`text` made safe inside Telegram HTML."""
    return html.escape(text, quote=False)


def link(url: str | None, label: str) -> str | None:
    """`label` (HTML) as a link to `url`; None when `url` is not a web address."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    return f'<a href="{html.escape(url, quote=True)}">{label}</a>'


def fill(template: str, **values: object) -> str:
    """A template from `bot/texts.py` with each `{name}` replaced by its value, escaped."""
    return template.format(**{name: esc(str(value)) for name, value in values.items()})


# -- dates and words --------------------------------------------------------------------------


def day(d: date | None, end: date | None = None) -> str:
    """"17 Mar 2023", or a span "20–22 Mar 2023"; "undated" when unknown."""
    if d is None:
        return "undated"
    if end is None or end == d:
        return f"{d.day} {d:%b %Y}"
    if (d.year, d.month) == (end.year, end.month):
        return f"{d.day}–{end.day} {d:%b %Y}"
    if d.year == end.year:
        return f"{d.day} {d:%b} – {end.day} {end:%b %Y}"
    return f"{d.day} {d:%b %Y} – {end.day} {end:%b %Y}"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- briefings, timelines, digests ------------------------------------------------------------


def when(item: Item) -> str:
    """An item's date: "expected 20–26 Mar 2023" for a prediction or plan dated by what it names,
    "17 Mar 2023 (expected)" for one dated by its publication."""
    shown = day(item.date, item.end)
    if not item.expected:
        return shown
    return f"expected {shown}" if item.basis == "event" else f"{shown} (expected)"


def heading(b: Briefing) -> str:
    if b.kind == "none":
        return ""
    if b.kind == "digest":
        return f"Digest: {b.subject}" if b.items else ""
    dates = [i.date for i in b.items if i.date]
    count = f"{plural(len(b.items), 'point')} from {plural(len(b.sources), 'article')}"
    if b.kind == "actor" and dates:
        return f"{b.subject}: {count}, {day(min(dates))} to {day(max(dates))}"
    if b.kind == "topic":
        return f"Topic “{b.subject}”: {count}"
    if b.kind == "said":
        return f"{b.subject}, in their own words: {count}"
    if b.kind == "who":
        return f"Who is {b.subject}"
    return f"{b.subject}: {count}"


def card_lines(card: Card | None) -> list[str]:
    """A "who is" card as plain lines: roles, how often named, first and last mention."""
    if card is None:
        return []
    lines = [f"{card.name} ({card.kind})"]
    if card.roles:
        lines.append("Described as: " + "; ".join(card.roles[:5]))
    span = f", {day(card.first)} to {day(card.last)}" if card.first and card.last else ""
    lines.append(f"Named {plural(card.mentions, 'time')} in {plural(card.articles, 'article')}{span}")
    if card.statements:
        lines.append(f"Quoted or reported speaking in {plural(card.statements, 'sentence')}")
    return lines


def _sections(b: Briefing) -> list[tuple[str, list[Item]]]:
    """Date briefings say what happened apart from what was expected and what was published then."""
    if b.kind != "date":
        return [("", list(b.items))]
    happened = [i for i in b.items if i.basis == "event" and not i.expected]
    expected = [i for i in b.items if i.basis == "event" and i.expected]
    published = [i for i in b.items if i.basis == "published"]
    out = []
    if happened:
        out.append(("What happened then", happened))
    if expected:
        out.append(("Expected then", expected))
    if published:
        out.append(("Published then", published))
    return out


def _source_parts(s: Source) -> list[str]:
    """A source's outlet, title and date, as plain text."""
    parts = [s.outlet or "unknown outlet"]
    if s.title:
        parts.append(f"“{s.title}”")
    parts.append(day(s.published) if s.published else "undated")
    return parts


def source_line(s: Source) -> str:
    """"[1] outlet, “title”, date, url" as plain text."""
    parts = _source_parts(s) + ([s.url] if s.url else [])
    return f"[{s.number}] " + ", ".join(parts)


def _source_html(s: Source) -> str:
    parts = [esc(p) for p in _source_parts(s)]
    if s.url:
        parts.append(link(s.url, "link") or esc(s.url))
    return f"[{s.number}] " + ", ".join(parts)


def _cites_text(item: Item) -> str:
    return "".join(f"[{s.number}]" for s in item.sources)


def _cite_html(s: Source) -> str:
    return link(s.url, f"[{s.number}]") or f"[{s.number}]"


def to_text(b: Briefing) -> str:
    """The briefing as plain text, as the CLI prints it."""
    lines: list[str] = []
    if heading(b):
        lines.append(heading(b))
    if b.note:
        lines.append(b.note)
    lines += card_lines(b.card)
    for title, items in _sections(b):
        lines.append("")
        if title:
            lines.append(title)
        for item in items:
            lines.append(f"• {when(item)}: {item.text} {_cites_text(item)}")
    if b.sources:
        lines += ["", "Sources"] + [source_line(s) for s in b.sources]
    return "\n".join(lines).strip()


def to_html(b: Briefing) -> list[str]:
    """The briefing as Telegram HTML, split into messages of at most 4096 characters."""
    blocks: list[str] = []
    head = heading(b)
    if head:
        blocks.append(f"<b>{esc(head)}</b>")
    if b.note:
        blocks.append(f"<i>{esc(b.note)}</i>")
    if b.card is not None:
        blocks.append("\n".join(esc(line) for line in card_lines(b.card)))
    for title, items in _sections(b):
        if title:
            blocks.append(f"<b>{esc(title)}</b>")
        for item in items:
            cites = " ".join(_cite_html(s) for s in item.sources)
            blocks.append(f"• <b>{esc(when(item))}</b>: {esc(item.text)} {cites}")
    if b.sources:
        blocks.append("<b>Sources</b>\n" + "\n".join(_source_html(s) for s in b.sources))
    return chunk(blocks)


def timeline_text(b: Briefing) -> str:
    """An actor's dated events as plain text, one line each, oldest first."""
    if not b.items:
        return b.note or f"No dated events stored for {b.subject}."
    lines = [f"{when(i)}: {i.text} {_cites_text(i)}" for i in b.items]
    return "\n".join([f"{b.subject}: timeline", *lines, "", "Sources", *(source_line(s) for s in b.sources)])


def timeline_html(b: Briefing) -> list[str]:
    """An actor's dated events as Telegram HTML, one line each, with numbered sources."""
    if not b.items:
        return [esc(b.note or f"No dated events stored for {b.subject}.")]
    blocks = [f"<b>{esc(b.subject)}: timeline</b>"]
    for i in b.items:
        blocks.append(f"<b>{esc(when(i))}</b>: {esc(i.text)} {_cites_text(i)}")
    blocks.append("<b>Sources</b>\n" + "\n".join(esc(source_line(s)) for s in b.sources))
    return chunk(blocks)


def digest_html(b: Briefing, *, since: datetime, zone: str, quiet: bool) -> list[str]:
    """A chat's digest of what was stored `since`, told in its time `zone`.

    One line when nothing is new, no message at all for a `quiet` chat.
    """
    if b.kind == "none" or not b.items:
        return [] if quiet else [texts.NOTHING_NEW]
    local = since.astimezone(ZoneInfo(zone))
    return to_html(replace(b, subject=f"since {local:%-d %b %H:%M} {zone}"))


# -- lists, settings, posts -------------------------------------------------------------------


def actors_text(rows: Sequence[ActorLine]) -> list[str]:
    """One line per actor with its counts and other names, as the CLI prints them."""
    return [
        f"{r.mentions:5d} mentions {r.articles:4d} articles  {r.name} ({r.kind})" + (f"  aka {', '.join(r.aliases)}" if r.aliases else "")
        for r in rows
    ]


def articles_text(rows: Sequence[ArticleLine]) -> list[str]:
    """One line per stored article, with how its date was found, as the CLI prints them."""
    lines = []
    for r in rows:
        published = f"{r.published or 'undated'}" + (f" ({r.published_how})" if r.published_how else "")
        lines.append(f"#{r.id:<4d} {published}  {r.outlet or 'unknown outlet'}: {r.title or r.origin}  [{r.sentences} sentences]")
    return lines


def help_html(bot_username: str) -> str:
    return fill(texts.HELP, bot=bot_username or "bot")


def actors_html(rows: Sequence[ActorLine]) -> list[str]:
    """One line per actor, most mentioned first."""
    if not rows:
        return ["No actors are stored yet."]
    lines = [
        f"• <b>{esc(r.name)}</b> ({esc(r.kind)}): {plural(r.mentions, 'mention')} in {plural(r.articles, 'article')}"
        for r in rows[:LIST_LIMIT]
    ]
    more = [f"… and {len(rows) - LIST_LIMIT} more"] if len(rows) > LIST_LIMIT else []
    return chunk([f"<b>Actors</b> ({len(rows)})", "\n".join(lines + more)])


def sources_html(rows: Sequence[ArticleLine]) -> list[str]:
    """The stored articles, newest first, linked where they have a URL."""
    if not rows:
        return ["No articles are stored yet."]
    lines = []
    for r in rows[:LIST_LIMIT]:
        title = esc(r.title or r.origin)
        lines.append(f"• {esc(day(r.published))}, {esc(r.outlet or 'unknown outlet')}: {link(r.url, title) or title}")
    more = [f"… and {len(rows) - LIST_LIMIT} more"] if len(rows) > LIST_LIMIT else []
    return chunk([f"<b>Stored articles</b> ({len(rows)})", "\n".join(lines + more)])


def feeds_html(feeds: Sequence[str]) -> str:
    lines = [f"• {esc(f)}" for f in feeds] or [texts.NO_FEEDS]
    return "<b>Feeds</b>\n" + "\n".join(lines)


def chat_names(links: Iterable[Link], here: int) -> str:
    """Linked chats by name, "this chat" for `here`, as plain text."""
    return ", ".join("this chat" if x.chat_id == here else (x.title or str(x.chat_id)) for x in links)


def settings_html(view: ChatView) -> str:
    """What this chat gets, and how to change it."""
    if view.digest_time:
        digest = f"daily at <b>{view.digest_time}</b> {esc(view.timezone)}"
    else:
        digest = "off (/subscribe to start)"
    empty = "no message" if view.quiet else "one line saying so"
    follows = ", ".join(esc(n) for n in view.follows) or "nobody (/follow an actor)"
    links = esc(chat_names(view.links, view.chat_id)) or "none"
    return (
        f"<b>Digest:</b> {digest}\n<b>When nothing is new:</b> {empty}\n"
        f"<b>Following:</b> {follows}\n<b>New articles posted to:</b> {links}"
    )


def no_actor_html(name: str, suggestions: Sequence[str]) -> str:
    """Say that no stored actor has this name, with near names when there are some."""
    line = fill(texts.NO_ACTOR, name=name)
    if suggestions:
        line += fill(texts.DID_YOU_MEAN, names=", ".join(suggestions))
    return line + texts.ACTORS_HINT


def post_html(post: Post) -> str:
    """The short update for one new article: "New: title (outlet) [source]"."""
    text = f"New: <b>{esc(post.title or 'untitled article')}</b>"
    if post.outlet:
        text += f" ({esc(post.outlet)})"
    if source := link(post.url, "[source]"):
        text += f" {source}"
    return text


# -- messages of at most 4096 characters ------------------------------------------------------


def chunk(blocks: Iterable[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Pack blocks into messages under `limit`, splitting only between blocks or lines.

    A single line longer than the limit is cut at a space, never inside an HTML tag or entity.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fit(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _fit(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    out: list[str] = []
    for line in block.split("\n"):
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            out.append(line[:cut])
            line = line[cut:].lstrip()
        out.append(line)
    return out


def _safe_cut(line: str, limit: int) -> int:
    """The last space before `limit` outside any tag or entity; failing that, the last place outside one."""
    cut = line.rfind(" ", 0, limit)
    while cut > 0 and _opened(line, cut) is not None:
        cut = line.rfind(" ", 0, cut)
    if cut > 0:
        return cut
    cut = limit  # a run without spaces: cut it before the tag or entity the limit falls in
    while (start := _opened(line, cut)) is not None and start > 0:
        cut = start
    return cut


def _opened(line: str, at: int) -> int | None:
    """Where the tag or entity that `line[at]` falls inside starts; None when it falls inside none."""
    tag, entity = line.rfind("<", 0, at), line.rfind("&", 0, at)
    starts = [s for s, end in ((tag, ">"), (entity, ";")) if s >= 0 and line.rfind(end, 0, at) < s]
    return max(starts) if starts else None
