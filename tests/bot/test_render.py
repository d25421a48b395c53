"""Rendering: escaped HTML, numbered source links, 4096-character chunks, plain text; and the
invariants for any text at all: every message fits, is well-formed HTML, and shows the text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import render
from bot.render import TELEGRAM_LIMIT, chunk, day, to_html, to_text
from summarizer.chats import ChatView, Link, Post
from summarizer.results import Briefing, Item, Source
from tests.bot.markup import visible_text, well_formed

SRC = Source(1, 10, "Talks <b>begin</b>", "AP & Co", date(2023, 3, 29), "https://example.org/a?x=1&y=<2>")
SRC2 = Source(2, 11, None, None, date(2025, 5, 7), None)


def briefing(items) -> Briefing:
    return Briefing("xi", "actor", "Xi Jinping", tuple(items))


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
    assert "[2] article 11, 7 May 2025" in text and "unknown outlet" not in text
    assert text.index("One.") < text.index("Two.")


def test_copies_are_counted_once_with_their_outlets():
    copies = tuple(Source(0, 100 + k, "Talks", f"news{k}.example.com", date(2023, 3, 29), f"https://www.news{k}.example.com/a") for k in range(39))
    src = Source(1, 10, None, "apnews.com", date(2023, 3, 29), "https://www.apnews.com/article/1", copies)
    b = briefing([Item("One.", date(2023, 3, 29), None, (src,))])
    text = to_text(b)
    assert "[1] apnews.com, 29 Mar 2023, and 39 more: news0.example.com, news1.example.com, …, https://www.apnews.com/article/1" in text
    assert "• 29 Mar 2023: One. [1]\n" in text
    assert len(b.to_dict(text)["items"][0]["sources"][0]["copies"]) == 39


def test_an_item_shows_three_citations_and_counts_the_rest():
    sources = tuple(Source(n, n, f"T{n}", f"O{n}", date(2023, 3, 29), None) for n in range(1, 9))
    text = to_text(briefing([Item("One.", date(2023, 3, 29), None, sources)]))
    assert "One. [1][2][3] +5" in text and "[4] O4" not in text


def test_long_briefings_fit_one_message_with_fewer_or_shorter_items():
    items = [Item(f"Point {n}: " + "word " * 300, date(2023, 3, n % 28 + 1), None, (SRC,)) for n in range(40)]
    [message] = to_html(briefing(items))
    assert len(message) <= TELEGRAM_LIMIT and well_formed(message)
    assert "Point 0:" in message


def test_one_huge_line_is_cut_at_a_space_outside_tags():
    pieces = chunk(["<b>x</b> " + "a&amp;b " * 2000])
    assert all(len(p) <= TELEGRAM_LIMIT for p in pieces)
    assert all(well_formed(p) for p in pieces)
    assert "".join(pieces).count("&amp;") == 2000


def test_a_huge_line_without_spaces_is_cut_outside_entities():
    pieces = chunk(["• <b>1 Mar 2023</b>: " + "&amp;" * 1000 + " tail"])
    assert all(len(p) <= TELEGRAM_LIMIT and well_formed(p) for p in pieces)
    assert "".join(pieces).count("&amp;") == 1000


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


def test_predictions_are_shown_as_expected_apart_from_what_happened():
    b = Briefing("20-22 March 2023", "date", "20–22 March 2023", (
        Item("Xi met Putin.", date(2023, 3, 20), date(2023, 3, 22), (SRC,), "event"),
        Item("Xi is set to meet Putin next week.", date(2023, 3, 20), date(2023, 3, 26), (SRC2,), "event", expected=True),
        Item("Xi will visit Russia, China said.", date(2023, 3, 20), None, (SRC2,), "published", expected=True),
    ))
    text = to_text(b)
    assert text.index("What happened then") < text.index("Xi met Putin.") < text.index("Expected then")
    assert "• expected 20–26 Mar 2023: Xi is set to meet Putin next week." in text
    assert "• 20 Mar 2023 (expected): Xi will visit Russia" in text
    assert "expected 20–26 Mar 2023" in "".join(to_html(b))
    assert [i.to_dict()["expected"] for i in b.items] == [False, True, True]


def test_actor_and_article_lists_print_one_line_each():
    xi = SimpleNamespace(name="Xi Jinping", kind="person", aliases=("Xi", "President Xi"), mentions=42, articles=5)
    kyiv = SimpleNamespace(name="Kyiv", kind="place", aliases=(), mentions=3, articles=1)
    assert render.actors_text([xi, kyiv]) == [
        "   42 mentions    5 articles  Xi Jinping (person)  aka Xi, President Xi",
        "    3 mentions    1 articles  Kyiv (place)",
    ]
    dated = SimpleNamespace(id=7, title="Talks", outlet="AP", url=None, published=date(2023, 3, 17), published_how="front matter", origin="a.md", sentences=12)
    undated = SimpleNamespace(id=12, title=None, outlet=None, url=None, published=None, published_how=None, origin="b.md", sentences=1)
    assert render.articles_text([dated, undated]) == [
        "#7    2023-03-17 (front matter)  AP: Talks  [12 sentences]",
        "#12   undated  unknown outlet: b.md  [1 sentences]",
    ]
    assert "<b>Xi Jinping</b> (person): 42 mentions in 5 articles" in render.actors_html([xi, kyiv])[0]


# -- invariants, for any text ----------------------------------------------------------------

# Anything a stored article, a feed or a user may carry: markup, entities, quotes, emoji, RTL,
# controls and long runs without spaces.
TEXT = st.text(
    st.one_of(st.sampled_from("<>&\"' \n;#/=ab"), st.characters(codec="utf-8", exclude_categories=("Cs",))),
    max_size=300,
)
WORDS = st.lists(st.one_of(TEXT, st.text("<>&; ab", min_size=1, max_size=40)), max_size=60).map(" ".join)
RUN = st.text("<>&;ab", min_size=1500, max_size=2000)  # escaped, longer than a message, no space to cut at
URL = st.one_of(st.none(), TEXT, TEXT.map(lambda t: f"https://x.example/{t}"))
DAY = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31)))
SOURCE = st.builds(Source, st.integers(1, 40), st.integers(1, 10**6), st.one_of(st.none(), TEXT), st.one_of(st.none(), TEXT), DAY, URL)
ITEM = st.builds(Item, st.one_of(TEXT, WORDS, RUN), DAY, DAY, st.lists(SOURCE, max_size=4).map(tuple), st.sampled_from(["event", "published"]))
BRIEFING = st.builds(
    Briefing, TEXT, st.sampled_from(["actor", "date", "topic", "story", "digest", "none"]), TEXT,
    st.lists(ITEM, max_size=40).map(tuple), note=TEXT,
)
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def squeezed(text: str) -> str:
    """Text without its whitespace: messages are split, and lines cut, at whitespace."""
    return "".join(text.split())


def check(messages: list[str]) -> str:
    """Every message fits and is well-formed Telegram HTML; returns what the user reads."""
    assert messages and all(messages)
    for message in messages:
        assert len(message) <= TELEGRAM_LIMIT
        assert well_formed(message), message
    return squeezed("".join(visible_text(m) for m in messages))


def shown_in_order(b: Briefing, shown: str) -> None:
    """The items shown are the first ones, each by the start of its text; every shown citation is listed."""
    for item in b.items[:1]:
        start = squeezed(item.text)[:20].rstrip("…")
        assert start in shown or not start
    for number in re.findall(r"\[(\d+)\]", shown):
        assert any(s.number == int(number) for s in b.sources)


@EXAMPLES
@given(BRIEFING)
def test_any_briefing_fits_one_well_formed_message(b) -> None:
    messages = to_html(b)
    if not messages or not messages[0]:
        assert not b.items and not b.note and not render.heading(b)
        return
    assert len(messages) == 1
    check(messages)
    text = to_text(b)
    assert len(text) <= TELEGRAM_LIMIT and "unknown outlet" not in text


@EXAMPLES
@given(BRIEFING)
def test_any_timeline_fits_one_well_formed_message(b) -> None:
    messages = render.timeline_html(b)
    assert len(messages) == 1
    check(messages)
    assert len(render.timeline_text(b)) <= TELEGRAM_LIMIT


@EXAMPLES
@given(BRIEFING, st.booleans())
def test_any_digest_fits_in_well_formed_messages(b, quiet) -> None:
    since = datetime(2025, 5, 7, 8, 0, tzinfo=UTC)
    messages = render.digest_html(b, since=since, zone="Asia/Tokyo", quiet=quiet)
    if messages:
        check(messages)
    else:
        assert quiet and (b.kind == "none" or not b.items)


@EXAMPLES
@given(st.lists(st.one_of(WORDS, TEXT, RUN).map(render.esc), max_size=30))
def test_chunks_fit_and_keep_every_character_but_whitespace(blocks) -> None:
    messages = chunk(blocks)
    assert all(len(m) <= TELEGRAM_LIMIT and well_formed(m) for m in messages)
    assert squeezed("".join(messages)) == squeezed("".join(blocks))


@EXAMPLES
@given(TEXT, TEXT, URL, st.lists(TEXT, max_size=5))
def test_any_stored_or_typed_text_is_escaped_in_every_view(title, outlet, url, names) -> None:
    post = render.post_html(Post(1, 2, title, outlet, url))
    view = ChatView(1, "08:00", "UTC", False, tuple(names), tuple(Link(n, t) for n, t in enumerate(names)))
    rendered = [post, render.settings_html(view), render.no_actor_html(title, names), render.feeds_html(names)]
    for text in rendered:
        assert len(text) <= TELEGRAM_LIMIT and well_formed(text), text
    assert squeezed(title) in squeezed(visible_text(post)) and squeezed(outlet) in squeezed(visible_text(post))


@EXAMPLES
@given(TEXT, TEXT)
def test_fill_and_link_escape_whatever_they_are_given(value, url) -> None:
    filled = render.fill("<b>{v}</b> and {w}", v=value, w=url)
    assert well_formed(filled) and visible_text(filled) == f"{value} and {url}"
    anchor = render.link(f"https://x.example/{url}", render.esc(value))
    assert well_formed(anchor) and visible_text(anchor) == value
