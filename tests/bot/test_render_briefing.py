"""Rendering: escaped HTML, numbered source links, 4096-character chunks, plain text."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from bot.render import TELEGRAM_LIMIT, chunk, day, to_html, to_text
from summarizer.results import Briefing, Item, Source

SRC = Source(1, 10, "Talks <b>begin</b>", "AP & Co", date(2023, 3, 29), "https://example.org/a?x=1&y=<2>")
SRC2 = Source(2, 11, None, None, date(2025, 5, 7), None)


def briefing(items) -> Briefing:
    return Briefing("xi", "actor", "Xi Jinping", tuple(items))


class TagChecker(HTMLParser):
    """Fails on any tag Telegram's HTML mode does not allow, and on unbalanced tags."""

    allowed = {"b", "i", "a", "code", "pre", "u", "s"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in self.allowed, tag
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, tag


def well_formed(message: str) -> bool:
    checker = TagChecker()
    checker.feed(message)
    checker.close()
    return checker.stack == []


def test_days_and_spans_read_naturally():
    assert day(date(2023, 3, 17)) == "17 Mar 2023"
    assert day(date(2023, 3, 20), date(2023, 3, 22)) == "20–22 Mar 2023"
    assert day(date(2022, 12, 21), date(2023, 1, 2)) == "21 Dec 2022 – 2 Jan 2023"
    assert day(None) == "undated"


def test_article_text_cannot_break_the_markup():
    b = briefing([Item('Xi said "<script>alert(1)</script> & <b>bold</b>"', date(2023, 3, 29), None, (SRC,))])
    [message] = to_html(b)
    assert "<script>" not in message and "&lt;script&gt;" in message
    assert well_formed(message)
    assert '<a href="https://example.org/a?x=1&amp;y=&lt;2&gt;">[1]</a>' in message


def test_sources_are_numbered_with_outlet_title_and_date():
    b = briefing([Item("One.", date(2023, 3, 29), None, (SRC,)), Item("Two.", date(2025, 5, 7), None, (SRC2,))])
    text = to_text(b)
    assert "[1] AP & Co, “Talks <b>begin</b>”, 29 Mar 2023, https://example.org/a?x=1&y=<2>" in text
    assert "[2] unknown outlet, 7 May 2025" in text
    assert text.index("One.") < text.index("Two.")


def test_long_briefings_split_under_the_limit_between_items():
    items = [Item(f"Point {n}: " + "word " * 300, date(2023, 3, n % 28 + 1), None, (SRC,)) for n in range(40)]
    messages = to_html(briefing(items))
    assert len(messages) > 1
    assert all(len(m) <= TELEGRAM_LIMIT for m in messages)
    assert all(well_formed(m) for m in messages)
    assert sum(len(re.findall(r"Point \d+:", m)) for m in messages) == 40


def test_one_huge_line_is_cut_at_a_space_outside_tags():
    pieces = chunk(["<b>x</b> " + "a&amp;b " * 2000])
    assert all(len(p) <= TELEGRAM_LIMIT for p in pieces)
    assert all(well_formed(p) for p in pieces)
    assert "".join(pieces).count("&amp;") == 2000


def test_a_none_briefing_is_its_note():
    b = Briefing("zzz", "none", "", note="No coverage of “zzz” is stored.")
    assert to_text(b) == "No coverage of “zzz” is stored."
    assert to_html(b) == ["<i>No coverage of “zzz” is stored.</i>"]


def test_date_briefings_separate_events_from_publications():
    b = Briefing("17 March 2023", "date", "17 March 2023", (
        Item("Happened.", date(2023, 3, 17), None, (SRC,), "event"),
        Item("Published.", date(2023, 3, 17), None, (SRC2,), "published"),
    ))
    text = to_text(b)
    assert text.index("What happened then") < text.index("Happened.") < text.index("Published then") < text.index("Published.")
