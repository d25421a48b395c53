"""The webhook server (bot/webhook.py) on 127.0.0.1: every body checked, every refusal one line.

Issue 11, defect 11: with PTB's own server a JSON list was logged as CRITICAL with a
traceback, bad JSON got 500 and a 20 MB body was read whole.
"""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest
from tornado.netutil import bind_sockets

from bot.webhook import MAX_BODY_BYTES, make_server
from tests.bot.recording import message

pytestmark = pytest.mark.slow

SECRET = "s3cret-Token_1"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


@pytest.fixture
async def hook(start_bot):
    bot = await start_bot()
    server = make_server(bot.app, "telegram/hook", SECRET)
    sockets = bind_sockets(0, "127.0.0.1")
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=10) as client:
        yield bot, client, port
    server.stop()
    await server.close_all_connections()


async def wait_for_reply(bot, chat_id: int = 42) -> list[str]:
    for _ in range(100):  # at most 10 s
        await bot.settle()
        if bot.request.texts(chat_id):
            return bot.request.texts(chat_id)
        await asyncio.sleep(0.1)
    return []


async def test_an_update_is_served(hook):
    bot, client, _ = hook
    update = message(bot.app, "/start").to_dict()

    response = await client.post("/telegram/hook", content=json.dumps(update), headers=HEADERS)

    assert response.status_code == 200
    assert (await wait_for_reply(bot))[0]  # the bot answered /start


@pytest.mark.parametrize(
    "body, status, reason",
    [
        (b"[1, 2, 3]", 400, "expected a JSON object, got list"),
        (b"{not json", 400, "malformed JSON"),
        (b"\xff\xfe{}", 400, "malformed JSON"),
        (b"\"a string\"", 400, "expected a JSON object, got str"),
        (b"{}", 400, "not an update"),
        (b'{"update_id": "x", "message": 5}', 400, "not an update"),
    ],
)
async def test_garbage_is_400_in_one_line_never_a_critical_traceback(hook, caplog, body, status, reason):
    bot, client, _ = hook
    with caplog.at_level(logging.DEBUG):
        response = await client.post("/telegram/hook", content=body, headers=HEADERS)

    assert response.status_code == status
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    refusals = [r.getMessage() for r in caplog.records if r.name == "bot.webhook"]
    assert len(refusals) == 1 and reason in refusals[0] and "\n" not in refusals[0]
    assert bot.app.update_queue.empty()


async def test_a_body_that_is_not_json_by_type_is_415(hook):
    _, client, _ = hook
    response = await client.post("/telegram/hook", content=b"{}", headers={**HEADERS, "Content-Type": "text/plain"})
    assert response.status_code == 415


async def test_a_wrong_secret_is_403_and_the_update_is_dropped(hook):
    bot, client, _ = hook
    update = message(bot.app, "/start").to_dict()
    response = await client.post("/telegram/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
    assert response.status_code == 403
    await asyncio.sleep(0.3)
    await bot.settle()
    assert bot.request.texts(42) == []


async def test_a_20_mb_body_is_refused_before_it_is_read(hook, caplog):
    _, _, port = hook
    with caplog.at_level(logging.WARNING):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = (
            f"POST /telegram/hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: 20000000\r\n\r\n"
        )
        writer.write(head.encode() + b"[" * 1000)  # the first kB of 20 MB: the answer comes without the rest
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
        writer.close()

    assert status_line.startswith(b"HTTP/1.1 413")
    assert [r.getMessage() for r in caplog.records if r.name == "bot.webhook"] == [
        f"webhook: 413 for a 20,000,000-byte body from 127.0.0.1: over {MAX_BODY_BYTES:,} bytes"
    ]


async def test_a_chunked_body_over_the_cap_is_refused(hook):
    bot, client, _ = hook

    async def chunks():
        for _ in range(40):  # 1.3 MB in 32 kB chunks, no Content-Length
            yield b" " * 32_768

    try:
        response = await client.post("/telegram/hook", content=chunks(), headers=HEADERS)
        outcome = response.status_code
    except httpx.HTTPError as exc:
        outcome = type(exc).__name__
    # tornado stops reading at the cap and hangs up on a client still sending (it saw ReadError here)
    assert outcome in ("ReadError", "RemoteProtocolError", 400, 413)
    assert bot.app.update_queue.empty()
