"""The emulator against python-telegram-bot 22: its changes to upstream, and a PTB bot in use."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest
from telegram import Bot, BotCommand, InlineQueryResultArticle, InputTextMessageContent
from telegram.constants import ChatAction, ChatMemberStatus
from telegram.error import BadRequest

from emulator.client import BOT_USERNAME, Emulator, EmulatorError

pytestmark = pytest.mark.e2e

ECHO_BOT = [sys.executable, str(Path(__file__).with_name("echo_bot.py"))]
DAY = 24 * 60 * 60


def test_get_me_says_is_bot(bot_emulator: Emulator) -> None:
    """getMe answers is_bot (PTB 22 refuses a User without it) and the id in the token."""
    me = bot_emulator.bot_api("getMe")

    assert me["ok"] is True
    assert me["result"]["is_bot"] is True
    assert me["result"]["id"] == int(bot_emulator.token.split(":")[0])
    assert me["result"]["username"] == BOT_USERNAME


def test_sent_message_date_is_in_seconds(bot_emulator: Emulator) -> None:
    """sendMessage answers its date in seconds (the package answers milliseconds)."""
    sent = bot_emulator.bot_api("sendMessage", chat_id=11, text="<b>hi</b>", parse_mode="HTML")

    assert sent["ok"] is True
    assert abs(sent["result"]["date"] - time.time()) < DAY
    assert sent["result"]["text"] == "hi"
    assert bot_emulator.replies(11)[0]["request"]["text"] == "<b>hi</b>"


def test_unknown_method_is_a_telegram_404(bot_emulator: Emulator) -> None:
    """A method nobody emulates answers like Telegram, naming the method for the reader."""
    answer = bot_emulator.bot_api("sendDice", chat_id=11)

    assert answer["ok"] is False
    assert answer["error_code"] == 404
    assert "sendDice" in answer["description"]


async def test_without_node_it_says_so_in_one_line(monkeypatch, tmp_path: Path) -> None:
    """No `node` on the PATH is one line naming what is missing."""
    monkeypatch.setenv("PATH", str(tmp_path))
    emulator = Emulator(log_path=tmp_path / "emulator.log")

    with pytest.raises(EmulatorError, match=r"^[^\n]*Node\.js 18 or later: no `node` on PATH$"):
        emulator.start()
    emulator.stop()


def test_a_server_that_cannot_start_says_why_in_one_line(tmp_path: Path) -> None:
    """server.js refusing to start (a bad port here, an old Node.js alike) is one line: why."""
    emulator = Emulator(port=70000, log_path=tmp_path / "emulator.log")

    with pytest.raises(EmulatorError, match=r"^[^\n]*did not start: emulator: invalid port: 70000"):
        emulator.start()
    emulator.stop()


def test_get_updates_long_polls_keeps_until_confirmed_and_filters(bot_emulator: Emulator) -> None:
    """getUpdates waits for a user, keeps an update until an offset confirms it, filters kinds."""

    def poll(**params) -> list[int]:
        return [u["update_id"] for u in bot_emulator.bot_api("getUpdates", **params)["result"]]

    first = bot_emulator.send_message(1, "one")["update_id"]
    assert poll() == poll() == [first]  # not confirmed yet: a cancelled poll loses nothing
    started = time.monotonic()
    assert poll(offset=first + 1, timeout=1) == []
    assert 0.9 < time.monotonic() - started < 5
    threading.Timer(0.3, bot_emulator.send_message, (1, "two")).start()
    started = time.monotonic()
    second = poll(offset=first + 1, timeout=20)
    assert len(second) == 1 and time.monotonic() - started < 5  # woken, not timed out
    bot_emulator.send_inline_query("news", user_id=1)
    assert poll(offset=second[0] + 1, allowed_updates=["message"]) == []
    bot_emulator.send_message(1, "three")
    assert bot_emulator.bot_api("deleteWebhook", drop_pending_updates=True)["result"] is True
    assert poll() == []


async def test_ptb_methods_upstream_lacks(bot_emulator: Emulator) -> None:
    """PTB's own Bot parses the answer of every method upstream lacks or answers wrongly."""
    chat_id = 21
    async with Bot(bot_emulator.token, base_url=bot_emulator.base_url) as bot:
        message = await bot.send_message(chat_id, "<b>draft</b>", parse_mode="HTML")
        assert abs(message.date.timestamp() - time.time()) < DAY
        assert await bot.send_chat_action(chat_id, ChatAction.TYPING) is True
        assert await bot.set_my_commands([BotCommand("start", "Say hello")]) is True
        assert [c.command for c in await bot.get_my_commands()] == ["start"]

        edited = await bot.edit_message_text("final", chat_id, message.message_id)
        assert (edited.text, edited.message_id) == ("final", message.message_id)
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("final", chat_id, message.message_id)

        member = await bot.get_chat_member(chat_id, chat_id)
        assert member.status == ChatMemberStatus.MEMBER
        content = InputTextMessageContent("x")
        article = InlineQueryResultArticle(id="1", title="x", input_message_content=content)
        assert await bot.answer_inline_query("7", [article]) is True

    methods = [call["method"] for call in bot_emulator.calls()]
    assert methods[0] == "getMe"
    assert "answerInlineQuery" in methods


def test_echo_bot_answers_a_user(bot_emulator: Emulator, bot_process) -> None:
    """The echo bot starts, polls, and answers /start and a text in a private chat."""
    bot = bot_process(ECHO_BOT)
    chat_id = 4242

    bot_emulator.send_message(chat_id, "/start", first_name="Tess")
    hello = bot_emulator.wait_for_reply(chat_id)
    sent = bot_emulator.send_message(chat_id, "hi <there> & co")
    echo = bot_emulator.wait_for_reply(chat_id, after=sent["message_id"])

    assert hello["text"] == "Hello, Tess!"
    assert hello["request"]["text"] == "Hello, <b>Tess</b>!"
    assert hello["request"]["parse_mode"] == "HTML"
    private = {"id": chat_id, "type": "private", "first_name": "Tess", "username": "tess_tester"}
    assert hello["chat"] == private
    assert hello["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "wave"
    assert echo["text"] == "echo: hi <there> & co"
    assert echo["request"]["text"] == "<i>echo:</i> hi &lt;there&gt; &amp; co"
    # PTB parsed the emulator's answer to its own sendMessage: a date in seconds, near now.
    logged = bot.wait_for_output(rf"echoed message_id={echo['message_id']} date=([\d.]+)")
    assert abs(float(logged.group(1)) - time.time()) < DAY


def test_echo_bot_start_up_calls(bot_emulator: Emulator, bot_process) -> None:
    """The bot's start-up and polling calls are recorded, with the parameters PTB sent."""
    bot = bot_process(ECHO_BOT)
    bot_emulator.send_message(31, "/start")
    bot_emulator.wait_for_reply(31)

    methods = [call["method"] for call in bot_emulator.calls()]
    # PTB's order: initialize (getMe), post_init, then the updater's bootstrap and polling.
    assert methods[:4] == ["getMe", "setMyCommands", "deleteWebhook", "getUpdates"]
    commands = bot_emulator.calls("setMyCommands")[0]["params"]["commands"]
    assert [c["command"] for c in commands] == ["start", "whoami"]
    poll = bot_emulator.calls("getUpdates")[0]["params"]
    assert poll["timeout"] == "5"
    assert "callback_query" in poll["allowed_updates"]
    action = bot_emulator.calls("sendChatAction")[0]["params"]
    assert (action["chat_id"], action["action"]) == ("31", "typing")

    started = time.monotonic()
    assert bot.stop() == 0
    assert time.monotonic() - started < 5


def test_echo_bot_in_a_group_with_a_button(bot_emulator: Emulator, bot_process) -> None:
    """In a group: a command addressed to the bot, a button press that edits, getChatMember."""
    bot_process(ECHO_BOT)
    group, user = -4242, 77
    bot_emulator.set_chat_member(group, user, "administrator")

    bot_emulator.send_message(group, f"/start@{BOT_USERNAME}", user_id=user, chat_type="group")
    hello = bot_emulator.wait_for_reply(group)
    bot_emulator.send_callback_query(group, hello["message_id"], "wave", user_id=user)
    waved = bot_emulator.wait_for_reply(group, lambda reply: "edit_date" in reply)
    sent = bot_emulator.send_message(group, "/whoami", user_id=user, chat_type="group")
    status = bot_emulator.wait_for_reply(group, after=sent["message_id"])

    assert hello["chat"]["type"] == "group"
    assert waved["message_id"] == hello["message_id"]
    assert waved["text"] == "👋 Waved"
    assert "reply_markup" not in waved
    assert bot_emulator.calls("answerCallbackQuery")
    assert status["text"] == "You are administrator here."


def test_echo_bot_answers_an_inline_query(bot_emulator: Emulator, bot_process) -> None:
    """An inline query reaches the bot and its answerInlineQuery call is recorded."""
    bot_process(ECHO_BOT)

    query = bot_emulator.send_inline_query("news", user_id=5)
    answered = bot_emulator.wait_for_call("answerInlineQuery")

    assert answered["params"]["inline_query_id"] == query["inline_query_id"]
    assert answered["params"]["results"][0]["title"] == "Echo news"
