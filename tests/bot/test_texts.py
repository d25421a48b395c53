"""The bot's own words: every string is Telegram HTML that stays well formed when filled."""

from __future__ import annotations

import string

import pytest

from bot import texts
from bot.render import esc, fill
from tests.bot.markup import well_formed

STRINGS = {name: value for name, value in vars(texts).items() if name.isupper() and isinstance(value, str)}
HOSTILE = "<b>x</b> & {y} “z”"


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize("name", sorted(STRINGS))
def test_every_text_is_well_formed_html_whatever_fills_it(name) -> None:
    template = STRINGS[name]
    filled = fill(template, **dict.fromkeys(placeholders(template), HOSTILE))

    assert well_formed(filled) and len(filled) <= 4096
    if placeholders(template):
        assert HOSTILE not in filled and esc(HOSTILE) in filled


def test_fill_escapes_each_value_and_nothing_else() -> None:
    assert fill(texts.FOLLOWING, name="A & <B>").startswith("Following <b>A &amp; &lt;B&gt;</b>: ")
    assert fill(texts.NOT_FOLLOWED, name="{x}") == "This chat does not follow “{x}”."


def test_commands_are_the_ones_telegram_accepts() -> None:
    for command, description in texts.COMMANDS:
        assert command.islower() and command.isidentifier() and len(command) <= 32
        assert 3 <= len(description) <= 256


def test_the_stale_note_says_what_analyses_the_articles_again():
    assert texts.stale_note(2, 5).endswith("`storybot reanalyse` analyses them again")
    assert texts.stale_note(1200, 5000, background=50) == (
        "note: 1,200 of 5,000 stored articles were analysed by another version of storybot;"
        " the bot analyses them again in the background, 50 at a time"
    )
