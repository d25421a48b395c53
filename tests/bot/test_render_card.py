"""A "who is" card renders within Telegram's limit whatever the store holds."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import TELEGRAM_LIMIT, card_lines, to_html, to_text
from summarizer.results import Briefing, Card, Item, Source

names = st.text(min_size=1, max_size=300)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def cards(draw) -> Card:
    first, last = sorted([draw(days), draw(days)])
    return Card(
        name=draw(names),
        kind=draw(st.sampled_from(["person", "organisation", "place"])),
        roles=tuple(draw(st.lists(names, max_size=40))),
        mentions=draw(st.integers(0, 10**6)),
        articles=draw(st.integers(0, 10**5)),
        first=first,
        last=last,
        statements=draw(st.integers(0, 10**5)),
    )


@settings(max_examples=60, deadline=None)
@given(card=cards(), texts=st.lists(st.text(min_size=1, max_size=600), max_size=3))
def test_every_message_of_a_card_answer_fits_telegram(card, texts):
    source = Source(1, 1, "t", "o", date(2023, 3, 1), None)
    items = tuple(Item(t, date(2023, 3, 1), None, (source,)) for t in texts)
    b = Briefing("who is x", "who", card.name, items, card=card)
    messages = to_html(b)
    assert messages and all(len(m) <= TELEGRAM_LIMIT for m in messages)


def test_the_card_says_roles_counts_and_first_and_last_mention():
    card = Card("Dmytro Kuleba", "person", ("Ukraine's foreign minister", "Foreign Minister"), 12, 5,
                date(2023, 3, 14), date(2023, 3, 29), 4)
    text = to_text(Briefing("who is kuleba", "who", card.name, card=card))
    assert "Ukraine's foreign minister; Foreign Minister" in text
    assert "12 times in 5 articles, 14 Mar 2023 to 29 Mar 2023" in text
    assert card_lines(None) == []
    html = "".join(to_html(Briefing("who is kuleba", "who", card.name, card=card)))
    assert "Ukraine&#x27;s foreign minister" in html or "Ukraine's foreign minister" in html
