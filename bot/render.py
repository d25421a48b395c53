"""Everything the bot and the CLI show, rendered: plain text for the terminal, HTML for Telegram.

Pure functions. Briefings, timelines and digests come out as text (`to_text`, `timeline_text`)
or as Telegram HTML (`to_html`, `timeline_html`, `digest_html`), each one message of at most
4096 characters by construction (see `_fitted`); lists, settings and posts as HTML. Stored text is
escaped here and nowhere else: `esc` for text, `link` for a URL, `fill` for a template
from `bot/texts.py`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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


# Every reply fits its medium by construction: a briefing, timeline or digest is one message of at
# most TELEGRAM_LIMIT characters (the CLI's text the same budget). Each part is bounded (a source
# line, an item's citations), and `_fitted` tries ever plainer forms, then fewer items, until the
# whole fits; with no items left the heading and note alone always do.
MAX_CITES = 3  # citations shown per item; "+N" says how many more
SOURCE_TITLE = 100  # characters of a source's title shown
SOURCE_OUTLET = 60
LINK_URL = 300  # longer URLs are not linked (nor printed)
HEAD_MAX = 200
NOTE_MAX = 400


@dataclass(frozen=True)
class Form:
    """How much of a reply to show: the plainer forms come later."""

    cite_links: bool = True  # citations link to their article
    titles: bool = True  # source lines name the article's title
    urls: bool = True  # source lines link (HTML) or print (text) the URL
    copies: bool = True  # "and N more: outlet, outlet"
    text_cap: int | None = None  # item text cut to this many characters


FORMS = (
    Form(),
    Form(cite_links=False),
    Form(cite_links=False, copies=False),
    Form(cite_links=False, copies=False, titles=False),
    Form(cite_links=False, copies=False, titles=False, urls=False),
    *(Form(False, False, False, False, cap) for cap in (400, 250, 150, 80)),
)


def cut(text: str, limit: int) -> str:
    """`text` of at most `limit` characters, cut at a space with "…" when longer."""
    text = " ".join(text.split()) if len(text) > limit else text
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit - 1)
    return text[: space if space > limit // 2 else limit - 1].rstrip() + "…"


def _fitted(b: Briefing, render_one, limit: int = TELEGRAM_LIMIT) -> str:
    """The first form of `b` that fits `limit`; failing all, the plainest with fewer items."""
    for form in FORMS:
        out = render_one(b, form)
        if len(out) <= limit:
            return out
    items = list(b.items)
    while items:
        items.pop()
        out = render_one(replace(b, items=tuple(items)), FORMS[-1])
        if len(out) <= limit:
            return out
    return render_one(replace(b, items=()), FORMS[-1])[:limit]  # heading and note are bounded: never cut


def _source_parts(s: Source, form: Form = Form()) -> list[str]:
    """A source's outlet, title and date, as plain text; an unknown outlet is left out, never named."""
    outlet = s.outlet
    parts = [cut(outlet, SOURCE_OUTLET)] if outlet else []
    if s.title and (form.titles or not parts):
        parts.append(f"“{cut(s.title, SOURCE_TITLE)}”")
    if not parts:  # neither outlet nor title (stored before either was filled in at ingestion)
        parts.append(f"article {s.article_id}")
    if s.published:
        parts.append(day(s.published))
    if s.copies:
        parts.append(_copies(s, form))
    return parts


def _copies(s: Source, form: Form) -> str:
    """"and 39 more: AP, Reuters, …": the other stored copies of the story, counted once."""
    more = f"and {len(s.copies)} more"
    if not form.copies:
        return more
    names = list(dict.fromkeys(c.outlet for c in s.copies if c.outlet and c.outlet != s.outlet))
    shown = ", ".join(cut(n, SOURCE_OUTLET) for n in names[:2])
    return f"{more}: {shown}{', …' if len(names) > 2 else ''}" if shown else more


def _url(s: Source, form: Form) -> str | None:
    return s.url if form.urls and s.url and len(s.url) <= LINK_URL else None


def source_line(s: Source, form: Form = Form()) -> str:
    """"[1] outlet, “title”, date, url" as plain text."""
    url = _url(s, form)
    parts = _source_parts(s, form) + ([url] if url else [])
    return f"[{s.number}] " + ", ".join(parts)


def _source_html(s: Source, form: Form = Form()) -> str:
    parts = [esc(p) for p in _source_parts(s, form)]
    url = _url(s, form)
    if url:
        parts.append(link(url, "link") or esc(url))
    return f"[{s.number}] " + ", ".join(parts)


def _shown_sources(item: Item) -> tuple[Source, ...]:
    return item.sources[:MAX_CITES]


def _more(item: Item) -> str:
    n = len(item.sources) - MAX_CITES
    return f" +{n}" if n > 0 else ""


def _cites_text(item: Item) -> str:
    return "".join(f"[{s.number}]" for s in _shown_sources(item)) + _more(item)


def _cite_html(s: Source, form: Form = Form()) -> str:
    url = _url(s, form) if form.cite_links else None
    return link(url, f"[{s.number}]") or f"[{s.number}]"


def _cited(b: Briefing) -> list[Source]:
    """The sources the shown citations name, once each, by number."""
    seen: dict[int, Source] = {}
    for item in b.items:
        for s in _shown_sources(item):
            seen.setdefault(s.number, s)
    return sorted(seen.values(), key=lambda s: s.number)


def _text(item: Item, form: Form) -> str:
    return cut(item.text, form.text_cap) if form.text_cap else item.text


def to_text(b: Briefing, limit: int = TELEGRAM_LIMIT) -> str:
    """The briefing as plain text, as the CLI prints it: at most `limit` characters."""
    return _fitted(b, _plain, limit)


def _plain(b: Briefing, form: Form) -> str:
    lines: list[str] = []
    if heading(b):
        lines.append(cut(heading(b), HEAD_MAX))
    if b.note:
        lines.append(cut(b.note, NOTE_MAX))
    lines += [cut(line, NOTE_MAX) for line in card_lines(b.card)]
    for title, items in _sections(b):
        lines.append("")
        if title:
            lines.append(title)
        for item in items:
            lines.append(f"• {when(item)}: {_text(item, form)} {_cites_text(item)}")
    if b.items:
        lines += ["", "Sources"] + [source_line(s, form) for s in _cited(b)]
    return "\n".join(lines).strip()


def to_html(b: Briefing) -> list[str]:
    """The briefing as Telegram HTML: one message of at most 4096 characters."""
    return [_fitted(b, _html)]


def _html(b: Briefing, form: Form) -> str:
    blocks: list[str] = []
    head = heading(b)
    if head:
        blocks.append(f"<b>{esc(cut(head, HEAD_MAX))}</b>")
    if b.note:
        blocks.append(f"<i>{esc(cut(b.note, NOTE_MAX))}</i>")
    if b.card is not None:
        blocks.append("\n".join(esc(cut(line, NOTE_MAX)) for line in card_lines(b.card)))
    for title, items in _sections(b):
        if title:
            blocks.append(f"<b>{esc(title)}</b>")
        for item in items:
            cites = " ".join(_cite_html(s, form) for s in _shown_sources(item)) + _more(item)
            blocks.append(f"• <b>{esc(when(item))}</b>: {esc(_text(item, form))} {cites}")
    if b.items:
        blocks.append("<b>Sources</b>\n" + "\n".join(_source_html(s, form) for s in _cited(b)))
    return "\n\n".join(blocks)


def timeline_text(b: Briefing, limit: int = TELEGRAM_LIMIT) -> str:
    """An actor's dated events as plain text, one line each, oldest first: at most `limit` characters."""
    if not b.items:
        return cut(b.note or f"No dated events stored for {b.subject}.", NOTE_MAX)
    return _fitted(b, _timeline_plain, limit)


def _timeline_plain(b: Briefing, form: Form) -> str:
    lines = [f"{when(i)}: {_text(i, form)} {_cites_text(i)}" for i in b.items]
    head = cut(f"{b.subject}: timeline", HEAD_MAX)
    return "\n".join([head, *lines, "", "Sources", *(source_line(s, form) for s in _cited(b))])


def timeline_html(b: Briefing) -> list[str]:
    """An actor's dated events as Telegram HTML, one line each, with numbered sources: one message."""
    if not b.items:
        return [esc(cut(b.note or f"No dated events stored for {b.subject}.", NOTE_MAX))]
    return [_fitted(b, _timeline_html)]


def _timeline_html(b: Briefing, form: Form) -> str:
    blocks = [f"<b>{esc(cut(b.subject, HEAD_MAX))}: timeline</b>"]
    for i in b.items:
        blocks.append(f"<b>{esc(when(i))}</b>: {esc(_text(i, form))} {_cites_text(i)}")
    if b.items:
        blocks.append("<b>Sources</b>\n" + "\n".join(esc(source_line(s, form)) for s in _cited(b)))
    return "\n\n".join(blocks)


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
