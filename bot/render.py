"""Turn a Briefing into text: plain for the terminal, HTML chunks for Telegram. Pure functions."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date

from summarizer.results import Briefing, Item, Source

TELEGRAM_LIMIT = 4096


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


def heading(b: Briefing) -> str:
    if b.kind == "none":
        return ""
    if b.kind == "digest":
        return f"Digest: {b.subject}" if b.items else ""
    dates = [i.date for i in b.items if i.date]
    count = f"{len(b.items)} point{'s' if len(b.items) != 1 else ''} from {len(b.sources)} article{'s' if len(b.sources) != 1 else ''}"
    if b.kind == "actor" and dates:
        return f"{b.subject}: {count}, {day(min(dates))} to {day(max(dates))}"
    if b.kind == "topic":
        return f"Topic “{b.subject}”: {count}"
    return f"{b.subject}: {count}"


def _sections(b: Briefing) -> list[tuple[str, list[Item]]]:
    """Date briefings say what happened apart from what was published then."""
    if b.kind != "date":
        return [("", list(b.items))]
    happened = [i for i in b.items if i.basis == "event"]
    published = [i for i in b.items if i.basis == "published"]
    out = []
    if happened:
        out.append(("What happened then", happened))
    if published:
        out.append(("Published then", published))
    return out


def source_line(s: Source) -> str:
    parts = [s.outlet or "unknown outlet"]
    if s.title:
        parts.append(f"“{s.title}”")
    parts.append(day(s.published) if s.published else "undated")
    if s.url:
        parts.append(s.url)
    return f"[{s.number}] " + ", ".join(parts)


def to_text(b: Briefing) -> str:
    """The briefing as plain text, as the CLI prints it."""
    lines: list[str] = []
    if heading(b):
        lines.append(heading(b))
    if b.note:
        lines.append(b.note)
    for title, items in _sections(b):
        lines.append("")
        if title:
            lines.append(title)
        for item in items:
            cites = "".join(f"[{s.number}]" for s in item.sources)
            lines.append(f"• {day(item.date, item.end)}: {item.text} {cites}")
    if b.sources:
        lines += ["", "Sources"] + [source_line(s) for s in b.sources]
    return "\n".join(lines).strip()


def timeline_text(b: Briefing) -> str:
    """One line per dated event, oldest first."""
    if not b.items:
        return b.note or f"No dated events stored for {b.subject}."
    lines = [f"{day(i.date, i.end)}: {i.text} " + "".join(f"[{s.number}]" for s in i.sources) for i in b.items]
    return "\n".join([f"{b.subject}: timeline", *lines, "", "Sources", *(source_line(s) for s in b.sources)])


def to_html(b: Briefing) -> list[str]:
    """The briefing as Telegram HTML, split into messages of at most 4096 characters."""
    blocks: list[str] = []
    head = heading(b)
    if head:
        blocks.append(f"<b>{_esc(head)}</b>")
    if b.note:
        blocks.append(f"<i>{_esc(b.note)}</i>")
    for title, items in _sections(b):
        if title:
            blocks.append(f"<b>{_esc(title)}</b>")
        for item in items:
            cites = " ".join(_cite(s) for s in item.sources)
            blocks.append(f"• <b>{_esc(day(item.date, item.end))}</b>: {_esc(item.text)} {cites}")
    if b.sources:
        blocks.append("<b>Sources</b>\n" + "\n".join(_source_html(s) for s in b.sources))
    return chunk(blocks)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _cite(s: Source) -> str:
    if s.url and s.url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(s.url, quote=True)}">[{s.number}]</a>'
    return f"[{s.number}]"


def _source_html(s: Source) -> str:
    line = _esc(source_line(s))
    if s.url and s.url.startswith(("http://", "https://")):
        line = line.replace(_esc(s.url), f'<a href="{html.escape(s.url, quote=True)}">link</a>')
    return line


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
    """The last space before `limit` that is outside any tag or entity."""
    cut = line.rfind(" ", 0, limit)
    while cut > 0 and (line.rfind("<", 0, cut) > line.rfind(">", 0, cut) or line.rfind("&", 0, cut) > line.rfind(";", 0, cut)):
        cut = line.rfind(" ", 0, cut)
    return cut if cut > 0 else limit
