"""The real `storybot run` process against the Bot API emulator, played by a user.

The store is the seeds ingested once with the real `storybot ingest` (spaCy and MiniLM), copied
per test. Every wait is bounded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from emulator.client import BOT_USERNAME, Emulator, wait_until

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STORYBOT = str(Path(sys.executable).with_name("storybot"))
SECRET = "e2e_secret-token"


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory) -> Path:
    """A data dir whose store holds the seeds, ingested by the real CLI once per session."""
    data = tmp_path_factory.mktemp("e2e-seeded") / "data"
    env = {**os.environ, "STORYBOT_DATA_DIR": str(data)}
    subprocess.run([STORYBOT, "ingest", "--quiet", str(ROOT / "seeds")], env=env, check=True, timeout=180)
    return data


@pytest.fixture
def data_env(seeded_dir, tmp_path) -> dict[str, str]:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    return {"STORYBOT_DATA_DIR": str(data), "STORYBOT_FEED_POLL_SECONDS": "0"}


def ask(emulator: Emulator, chat_id: int, text: str, timeout: float = 30.0, **kwargs) -> dict:
    """Send a message and return the bot's first reply to it."""
    sent = emulator.send_message(chat_id, text, **kwargs)
    return emulator.wait_for_reply(chat_id, after=sent["message_id"], timeout=timeout)


def test_a_user_asks_sends_odd_input_and_subscribes(bot_emulator, bot_process, data_env) -> None:
    bot_process([STORYBOT, "run"], env=data_env)
    chat = 4242

    hello = ask(bot_emulator, chat, "/start")
    brief = ask(bot_emulator, chat, "/brief xi")
    long_text = ask(bot_emulator, chat, "x" * 4000)
    markup = ask(bot_emulator, chat, "<b>hi</b> & <i>there")
    again = ask(bot_emulator, -4242, f"/brief@{BOT_USERNAME} xi", chat_type="group", user_id=chat)
    subscribed = ask(bot_emulator, chat, "/subscribe 08:00 UTC")

    assert "/brief xi" in hello["text"] and hello["request"]["parse_mode"] == "HTML"
    assert brief["text"].startswith("Xi Jinping: ") and "[1]" in brief["text"] and "Sources" in brief["text"]
    assert "too long" in long_text["text"]
    assert "No coverage of “<b>hi</b> & <i>there”" in markup["text"]
    assert "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;i&gt;there" in markup["request"]["text"]
    assert again["text"].startswith("Xi Jinping: ")
    assert "Daily digest at 08:00 UTC" in subscribed["text"]
    assert [c["command"] for c in bot_emulator.calls("setMyCommands")[0]["params"]["commands"]][0] == "brief"


def test_a_user_presses_more_under_a_briefing_and_gets_the_long_one(bot_emulator, bot_process, data_env) -> None:
    bot_process([STORYBOT, "run"], env=data_env)
    chat = 4343
    asked = bot_emulator.send_message(chat, "/brief xi")
    short = bot_emulator.wait_for_reply(chat, lambda m: m["request"].get("reply_markup"), after=asked["message_id"], timeout=30)
    ((button,),) = short["request"]["reply_markup"]["inline_keyboard"]
    assert button["text"].endswith("more points") and button["callback_data"] == "more:xi"

    bot_emulator.send_callback_query(chat, short["message_id"], button["callback_data"])
    longer = bot_emulator.wait_for_reply(chat, after=short["message_id"], timeout=30)
    assert longer["text"].startswith("Xi Jinping: ")
    assert longer["text"].count("• ") > short["text"].count("• ")
    assert not longer["request"].get("reply_markup")
    bot_emulator.wait_for_call("answerCallbackQuery")
    bot_emulator.wait_for_call("editMessageReplyMarkup")  # the pressed button is taken away


def test_a_digest_missed_while_down_arrives_once_after_restart(bot_emulator, bot_process, data_env) -> None:
    chat = 4343
    now = datetime.now(UTC)
    _subscribe_yesterday(data_env["STORYBOT_DATA_DIR"], chat, (now - timedelta(minutes=2)).strftime("%H:%M"), now)

    first = bot_process([STORYBOT, "run"], env=data_env)
    digest = bot_emulator.wait_for_reply(chat, timeout=30)
    first.wait_for_output(r"restored 1 digest subscriptions, 1 missed while down")
    assert first.stop() == 0

    second = bot_process([STORYBOT, "run"], env=data_env)
    second.wait_for_output(r"restored 1 digest subscriptions, 0 missed while down")
    brief = ask(bot_emulator, chat, "/brief putin")

    assert digest["text"].startswith("Digest: since ") and "Sources" in digest["text"]
    assert brief["text"].startswith("Vladimir Putin: ")
    assert [r["text"].split(":")[0] for r in bot_emulator.replies(chat)] == ["Digest", "Vladimir Putin"]


def test_webhook_mode_sets_the_hook_with_its_secret_and_serves_posts(bot_emulator, bot_process, data_env) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env = {**data_env, "STORYBOT_WEBHOOK_URL": url, "STORYBOT_WEBHOOK_SECRET": SECRET, "STORYBOT_WEBHOOK_PORT": str(port)}
    bot_process([STORYBOT, "run"], env=env, wait_polling=False)

    hook = bot_emulator.wait_for_call("setWebhook", timeout=20)
    update = _update(5151, "/brief xi")
    with httpx.Client(trust_env=False, timeout=10) as client:
        # PTB sets the webhook just before its server listens: knock until it answers.
        refused = wait_until(lambda: _post(client, url, update, "wrong"), timeout=10, what="the webhook server")
        accepted = client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    reply = bot_emulator.wait_for_reply(5151, timeout=30)

    assert hook["params"]["url"] == url and hook["params"]["secret_token"] == SECRET
    assert not bot_emulator.calls("getUpdates")
    assert refused.status_code == 403 and accepted.status_code == 200
    assert reply["text"].startswith("Xi Jinping: ")


def test_a_malformed_token_is_one_line_and_status_2(data_env) -> None:
    env = {**os.environ, **data_env, "TELEGRAM_BOT_TOKEN": "12345:too-short"}
    done = subprocess.run([STORYBOT, "run"], env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN is malformed" in done.stderr
    assert "too-short" not in done.stderr and "Traceback" not in done.stderr


def _subscribe_yesterday(data_dir: str, chat_id: int, at: str, now: datetime) -> None:
    """Store a subscription made a day ago, as if the bot then went down over today's slot."""
    from summarizer.store.db import Store
    from summarizer.settings import Settings
    from summarizer.chats import ChatService

    settings = Settings.load(env={"STORYBOT_DATA_DIR": data_dir})
    store = Store(settings.resolved_database_url)
    try:
        ChatService(store, clock=lambda: now - timedelta(days=1)).subscribe(chat_id, at, "UTC")
    finally:
        store.close()


def _post(client: httpx.Client, url: str, update: dict, secret: str) -> httpx.Response | None:
    try:
        return client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
    except httpx.ConnectError:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _update(chat_id: int, text: str) -> dict:
    user = {"id": chat_id, "is_bot": False, "first_name": "Tess"}
    message = {
        "message_id": 1, "date": int(datetime.now(UTC).timestamp()), "text": text, "from": user,
        "chat": {"id": chat_id, "type": "private", "first_name": "Tess"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
    }
    return {"update_id": 1, "message": message}


def test_a_bot_killed_again_and_again_while_sending_digests_loses_none(bot_emulator, bot_process, data_env) -> None:
    """The real `storybot run`, SIGKILLed at seeded random moments while it sends 20 missed digests.

    Each process is killed once it has sent 0-2 more digests (and 0-0.3 s more), so mid-way
    through the catch-ups; the next one is started at once; the last runs until every chat has its digest. The lease is 3 s,
    so a dead process's claims run out quickly. Every chat gets its digest; a chat that gets it
    twice got the first copy from a process that was killed after Telegram accepted it (the only
    window the design allows), never two copies from one process.
    """
    import random
    import signal
    import time

    rng = random.Random(1124)
    now = datetime.now(UTC)
    chats = list(range(7001, 7021))
    for chat in chats:
        _subscribe_yesterday(data_env["STORYBOT_DATA_DIR"], chat, f"{now - timedelta(minutes=3):%H:%M}", now)
    env = {**data_env, "STORYBOT_DELIVERY_LEASE_SECONDS": "3"}

    def digests() -> dict[int, list[float]]:
        sent: dict[int, list[float]] = {chat: [] for chat in chats}
        for call in bot_emulator.calls("sendMessage"):
            if str(call["params"].get("text", "")).startswith("<b>Digest"):
                sent[int(call["params"]["chat_id"])].append(call["time"])
        return sent

    def count() -> int:
        return sum(len(times) for times in digests().values())

    kills: list[float] = []
    for _ in range(10):  # each process is killed once it sent 0-2 more digests, plus 0-0.3 s: mid-send
        target = count() + rng.randint(0, 2)
        bot = bot_process([STORYBOT, "run"], env=env, timeout=60)
        wait_until(lambda: count() >= target, timeout=60, what=f"{target} digests sent")
        time.sleep(rng.uniform(0.0, 0.3))
        kills.append(time.time())
        os.killpg(bot.process.pid, signal.SIGKILL)
        bot.process.wait(timeout=10)

    last = bot_process([STORYBOT, "run"], env=env, timeout=60)
    wait_until(lambda: all(digests().values()), timeout=120, what="every chat's digest")
    time.sleep(5)  # a lease and a catch-up more: a late duplicate would show now
    last.stop()

    sent = digests()
    assert [chat for chat, times in sent.items() if not times] == []  # lost: none
    for chat, times in sent.items():
        for first, again in zip(times, times[1:]):  # each duplicate: its first copy's process died after sending it
            assert any(first < kill < again for kill in kills), (chat, times, kills)
    duplicates = sum(len(times) - 1 for times in sent.values())
    bounds = [0.0, *kills, float("inf")]
    per_process = [sum(lo < t < hi for times in sent.values() for t in times) for lo, hi in zip(bounds, bounds[1:])]
    print(
        f"\nreal processes: {len(kills)} SIGKILLs over {len(chats)} chats: lost 0, duplicates {duplicates}, each after a kill;"
        f" digests sent by each process in turn: {per_process}"
    )
