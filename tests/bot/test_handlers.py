"""Asking the bot: /start, /help, /brief, /timeline, /actors, /sources, inline mode, odd input."""

from __future__ import annotations

import json
import re

import pytest

from bot import texts
from tests.bot.markup import markup_is_safe
from tests.bot.recording import BOT, RecordingRequest, button_press, inline_query

pytestmark = pytest.mark.slow  # the session's seeded store runs the real spaCy pipeline once

async def test_start_and_help_say_what_the_bot_does(bot) -> None:
    start = await bot.send("/start")
    help_ = await bot.send("/help")

    assert start == help_
    assert "/brief xi" in start[0] and "/subscribe" in start[0]
    assert f"@{BOT['username']} xi" in start[0]
    for sent in bot.request.sent(42):
        assert sent["parse_mode"] == "HTML" and sent["link_preview_options"] == {"is_disabled": True}


async def test_commands_are_registered_at_start(bot) -> None:
    commands = next(c.params["commands"] for c in bot.request.calls if c.method == "setMyCommands")

    assert [c["command"] for c in commands][:2] == ["brief", "timeline"]
    assert {"subscribe", "follow", "channel", "help"} <= {c["command"] for c in commands}


async def test_a_server_without_set_my_commands_does_not_stop_the_bot(start_bot) -> None:
    request = RecordingRequest()
    request.fail("setMyCommands", 404, "Not Found: method setMyCommands is not emulated")
    bot = await start_bot(request=request)

    assert "/brief xi" in (await bot.send("/start"))[0]


async def test_brief_xi_is_html_with_numbered_sources(bot) -> None:
    replies = await bot.send("/brief xi")

    text = "\n".join(replies)
    assert text.startswith("<b>Xi Jinping: ")
    assert re.search(r"\[1\]", text) and "<b>Sources</b>" in text
    assert all(len(r) <= 4096 and markup_is_safe(r) for r in replies)


async def test_article_text_and_links_are_escaped(bot) -> None:
    replies = await bot.send("/brief ada lovelace")

    text = "\n".join(replies)
    assert "Ada Lovelace" in text
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert '<a href="https://news.example/2023/03/18/notes?a=1&amp;b=&lt;2&gt;">[1]</a>' in text
    assert "Wire &amp; Co &lt;i&gt;" in text
    assert markup_is_safe(text)


async def test_bare_brief_answers_usage_with_examples(bot) -> None:
    replies = await bot.send("/brief")

    assert replies == [texts.BRIEF_USAGE]
    assert "/brief 21 March 2023" in replies[0]


async def test_brief_addressed_to_the_bot_in_a_group(bot) -> None:
    replies = await bot.send(f"/brief@{BOT['username']} xi", chat_id=-500, chat_type="group")

    assert replies[0].startswith("<b>Xi Jinping: ")
    assert bot.request.sent(-500)[0]["reply_parameters"]["message_id"] > 0


async def test_brief_for_another_bot_is_ignored(bot) -> None:
    assert await bot.send("/brief@OtherBot xi", chat_id=-500, chat_type="group") == []


def _button(sent: dict) -> tuple[str, str] | None:
    """The (label, callback data) of the one button under a sent message, or None."""
    markup = sent.get("reply_markup")
    if not markup:
        return None
    markup = json.loads(markup) if isinstance(markup, str) else markup
    ((button,),) = markup["inline_keyboard"]
    return button["text"], button["callback_data"]


def _shown(sent: dict, chat_id: int = 42) -> dict:
    """The message `sent` as Telegram would give it back in a button press."""
    chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": "Tess", "title": "G"}
    return {"message_id": 900, "date": 0, "chat": chat, "from": BOT, "text": sent["text"]}


async def test_a_short_briefing_offers_the_long_one_behind_a_more_button(bot) -> None:
    short = bot.services.briefings.brief("xi")
    fuller = bot.services.briefings.brief("xi", long=True)
    await bot.send("/brief xi")
    sent = bot.request.sent(42)
    assert [_button(m) for m in sent[:-1]] == [None] * (len(sent) - 1)  # only under the last message
    label, data = _button(sent[-1])
    assert label == f"{len(fuller.items) - len(short.items)} more points" and data == "more:xi"

    before = len(sent)
    await bot.process(button_press(bot.app, data, _shown(sent[-1])))
    longer = bot.request.sent(42)[before:]
    assert "answerCallbackQuery" in bot.request.methods()
    assert "editMessageReplyMarkup" in bot.request.methods()  # the button goes once it has answered
    text = "\n".join(m["text"] for m in longer)
    assert text.count("• ") == len(fuller.items) > len(short.items)
    assert all(len(m["text"]) <= 4096 and markup_is_safe(m["text"]) for m in longer)
    assert longer[0]["reply_parameters"]["message_id"] == 900  # it answers the briefing it extends
    assert all(_button(m) is None for m in longer)  # a long briefing has nothing more to offer


async def test_a_briefing_with_nothing_more_has_no_button(bot) -> None:
    await bot.send("/brief quantum chromodynamics")
    assert _button(bot.request.sent(42)[-1]) is None


async def test_a_query_too_long_for_the_buttons_data_is_kept_until_a_restart(bot) -> None:
    query = "xi " + "and the state visit to Moscow " * 3
    await bot.send(f"/brief {query}")
    _, data = _button(bot.request.sent(42)[-1])
    assert data.startswith("more#") and len(data.encode()) <= 64
    before = len(bot.request.sent(42))
    await bot.process(button_press(bot.app, data, _shown(bot.request.sent(42)[-1])))
    assert len(bot.request.sent(42)) > before

    bot.app.bot_data.long_queries.clear()  # what a restart forgets
    calls = len(bot.request.calls)
    await bot.process(button_press(bot.app, data, _shown(bot.request.sent(42)[-1])))
    answers = [c.params for c in bot.request.calls[calls:] if c.method == "answerCallbackQuery"]
    assert [a.get("text") for a in answers] == [texts.MORE_EXPIRED]
    assert [c.method for c in bot.request.calls[calls:] if c.method == "sendMessage"] == []


async def test_an_unknown_button_is_answered_and_the_bot_keeps_serving(bot) -> None:
    calls = len(bot.request.calls)
    await bot.process(button_press(bot.app, "what is this", _shown({"text": "old"})))
    answers = [c.params for c in bot.request.calls[calls:] if c.method == "answerCallbackQuery"]
    assert [a.get("text") for a in answers] == [texts.MORE_EXPIRED]
    assert (await bot.send("/brief xi"))[0].startswith("<b>Xi Jinping: ")


async def test_unknown_subject_gets_the_no_coverage_answer(bot) -> None:
    replies = await bot.send("/brief quantum chromodynamics")

    assert len(replies) == 1
    assert replies[0].startswith("<i>No coverage of")
    assert "Xi Jinping" in replies[0]  # what is stored instead


ODD_INPUTS = [
    "x" * 4000,
    "🙂🇺🇦🔥 " * 20,
    "שלום עולם مرحبا بالعالم",
    "<b>bold</b> <a href='javascript:alert(1)'>x</a> &amp;",
    "*bold* _it_ `code` [link](http://x) ~~s~~ ||spoiler||",
    "'; DROP TABLE articles; --",
    "\u202eevil\u202c \u200b\u0000",
]


@pytest.mark.parametrize("text", ODD_INPUTS, ids=["4000-chars", "emoji", "rtl", "html", "markdown", "sql", "controls"])
async def test_odd_input_gets_a_normal_answer_and_the_bot_keeps_serving(bot, text) -> None:
    as_command = await bot.send(f"/brief {text}")
    as_text = await bot.send(text)
    after = await bot.send("/brief xi")

    for replies in (as_command, as_text):
        assert len(replies) == 1 and replies[0] != texts.SORRY
        assert markup_is_safe(replies[0])
    assert after[0].startswith("<b>Xi Jinping: ")
    assert len(bot.services.briefings.articles()) == 6  # the articles table is still there


async def test_text_in_a_private_chat_is_a_query(bot) -> None:
    assert (await bot.send("xi"))[0].startswith("<b>Xi Jinping: ")


async def test_text_in_a_group_is_not_for_the_bot(bot) -> None:
    assert await bot.send("xi", chat_id=-500, chat_type="group") == []


async def test_unknown_command_in_private_points_at_help(bot) -> None:
    assert "/help" in (await bot.send("/frobnicate"))[0]


async def test_timeline_lists_dated_events(bot) -> None:
    replies = await bot.send("/timeline putin")

    assert replies[0].startswith("<b>Vladimir Putin: timeline</b>")
    assert "<b>Sources</b>" in replies[-1]
    story = await bot.send("/timeline")
    assert story[0].startswith("<b>") and "<b>Sources</b>" in story[-1]  # the whole story
    assert (await bot.send("/timeline " + "x" * 400))[0] == texts.TIMELINE_USAGE
    assert "No coverage" in (await bot.send("/timeline nobody at all"))[0]


async def test_actors_and_sources_list_the_store(bot) -> None:
    actors = await bot.send("/actors")
    sources = await bot.send("/sources")

    assert "<b>Xi Jinping</b> (person)" in actors[0]
    assert sources[0].startswith("<b>Stored articles</b> (6)")
    assert "Lovelace &lt;b&gt;notes&lt;/b&gt; &amp; the “engine”" in sources[0]
    assert markup_is_safe(actors[0]) and markup_is_safe(sources[0])


async def test_inline_query_offers_the_briefing(bot) -> None:
    await bot.process(inline_query(bot.app, "xi"))

    answer = next(c.params for c in bot.request.calls if c.method == "answerInlineQuery")
    (result,) = answer["results"]
    assert result["title"] == "Xi Jinping"
    assert result["input_message_content"]["parse_mode"] == "HTML"
    assert result["input_message_content"]["link_preview_options"] == {"is_disabled": True}
    assert result["input_message_content"]["message_text"].startswith("<b>Xi Jinping: ")
    assert result["description"]
    assert answer["cache_time"] == 30


async def test_empty_inline_query_offers_nothing(bot) -> None:
    await bot.process(inline_query(bot.app, "  "))

    answer = next(c.params for c in bot.request.calls if c.method == "answerInlineQuery")
    assert answer["results"] == []


async def test_a_failing_handler_logs_and_answers_one_line(bot, monkeypatch, caplog) -> None:
    def broken(query, long=False):
        raise RuntimeError("boom")

    monkeypatch.setattr(bot.services.briefings, "brief", broken)
    replies = await bot.send("/brief xi")
    after = await bot.send("/start")

    assert replies == [texts.SORRY]
    assert bot.request.sent(42)[-2]["parse_mode"] == "HTML"  # the one line, sent as every message is
    assert "RuntimeError: boom" in caplog.text and "Traceback" in caplog.text
    assert after and "/brief xi" in after[0]
