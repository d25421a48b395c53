"""`storybot run` in webhook mode, fed garbage on 127.0.0.1: each body refused in one line, none CRITICAL.

Issue 11, defect 11, against the real process: with PTB's own webhook server a JSON list
was logged as CRITICAL with a traceback, bad JSON got 500, a 20 MB body was read whole.
"""

from __future__ import annotations

import httpx

from emulator.client import wait_until
from tests.e2e.test_bot_e2e import SECRET, STORYBOT, _free_port, _post, _update
from tests.e2e.test_bot_e2e import data_env, seeded_dir  # noqa: F401 - the fixtures


def test_webhook_bodies_are_checked(bot_emulator, bot_process, data_env) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env = {**data_env, "STORYBOT_WEBHOOK_URL": url, "STORYBOT_WEBHOOK_SECRET": SECRET, "STORYBOT_WEBHOOK_PORT": str(port)}
    bot = bot_process([STORYBOT, "run"], env=env, wait_polling=False)
    bot_emulator.wait_for_call("setWebhook", timeout=20)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    with httpx.Client(trust_env=False, timeout=30) as client:
        wait_until(lambda: _post(client, url, _update(6161, "/start"), "wrong"), timeout=10, what="the webhook server")
        statuses = {
            "list": client.post(url, content=b"[1, 2, 3]", headers=headers).status_code,
            "bad json": client.post(url, content=b"{not json", headers=headers).status_code,
            "object, no update": client.post(url, content=b'{"hello": 1}', headers=headers).status_code,
        }
        try:
            statuses["20 MB"] = client.post(url, content=b"{" + b" " * 20_000_000 + b"}", headers=headers).status_code
        except httpx.HTTPError as exc:  # hung up on while sending: refused before the body was read
            statuses["20 MB"] = type(exc).__name__
        accepted = client.post(url, json=_update(6161, "/brief xi"), headers=headers)
    reply = bot_emulator.wait_for_reply(6161, timeout=30)  # still serving after all that

    assert statuses["list"] == statuses["bad json"] == statuses["object, no update"] == 400
    assert statuses["20 MB"] in (413, "WriteError", "RemoteProtocolError", "ReadError")
    assert accepted.status_code == 200 and reply["text"].startswith("Xi Jinping: ")
    log = bot.output()
    assert "CRITICAL" not in log and "Traceback" not in log
    refusals = [line for line in log.splitlines() if "bot.webhook" in line]
    assert len(refusals) == 4, refusals
