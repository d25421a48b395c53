"""Webhook mode: a small tornado server that checks every body before the bot sees it.

PTB's own webhook server (run_webhook) parses whatever arrives: a 20 MB body is read whole
(tornado's default cap is 100 MB), bad JSON is a 500, and a JSON list is logged as CRITICAL
with a traceback. Its server takes no size limit and its handler no checks, so the bot runs
its own, as PTB's custom-webhook examples do: the application is started and stopped here,
and each update goes to `app.update_queue` as PTB's server would put it. Every refusal is
one status and at most one log line: 413 for a body over the cap, 415 for a body that is
not JSON, 400 for JSON that is not an update object, 403 for a wrong secret (checked before
anything is parsed).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
from http import HTTPStatus
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Telegram's updates are a few kB; a message is at most 4,096 characters
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST only: the size, the secret, then JSON, then an Update; each refusal in one line.

    The body is streamed in, so its size is checked before it is read, not after.
    """

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, app: Application, secret: str, max_body: int) -> None:
        self.app, self.secret, self.max_body = app, secret, max_body
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        declared = self.request.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"over {self.max_body:,} bytes", size=int(declared))
        # A chunked body has no length to check: tornado stops reading it at the cap.
        self.request.connection.set_max_body_size(self.max_body)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_body:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"over {self.max_body:,} bytes")
        self.chunks.append(chunk)

    async def post(self) -> None:
        # The secret is checked once the body is in (at most max_body bytes): answering before
        # it would close the connection on unread data, which can reset the answer itself.
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.debug("webhook: wrong or missing secret from %s", self.request.remote_ip)
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        data = self._json()
        try:
            update = Update.de_json(data, self.app.bot)
        except Exception as exc:  # noqa: BLE001 - whatever the object held, it is no update
            self._refuse(HTTPStatus.BAD_REQUEST, f"not an update: {type(exc).__name__}: {_first_line(exc)}")
        self.app.bot.insert_callback_data(update)
        await self.app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)
        self.finish({"ok": True})

    def _json(self) -> dict[str, Any]:
        ctype = self.request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if ctype != "application/json":
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"content type {ctype or 'missing'}")
        try:
            data = json.loads(b"".join(self.chunks))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._refuse(HTTPStatus.BAD_REQUEST, f"malformed JSON: {_first_line(exc)}")
        if not isinstance(data, dict):
            self._refuse(HTTPStatus.BAD_REQUEST, f"expected a JSON object, got {type(data).__name__}")
        return data

    def _refuse(self, status: HTTPStatus, reason: str, size: int | None = None) -> None:
        size = self.size if size is None else size
        log.warning("webhook: %d for a %s-byte body from %s: %s", status, f"{size:,}", self.request.remote_ip, reason)
        if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            self.set_header("Connection", "close")  # the rest of the body is never read
        raise tornado.web.HTTPError(status)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish({"ok": False, "error": HTTPStatus(status_code).phrase})

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # HTTPErrors raised above were logged in one line already; anything else is a bug: one line too.
        if not isinstance(value, tornado.web.HTTPError):
            log.error("webhook: %s: %s", type(value).__name__, value)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:160] if lines else ""


class WebhookApp(tornado.web.Application):
    def __init__(self, app: Application, path: str, secret: str, max_body: int) -> None:
        handler_args = {"app": app, "secret": secret, "max_body": max_body}
        super().__init__([(rf"/{re.escape(path)}/?", UpdateHandler, handler_args)])

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: refusals are logged once by the handler."""


def make_server(app: Application, path: str, secret: str, max_body: int = MAX_BODY_BYTES) -> HTTPServer:
    """The HTTP server for `app`'s updates at /`path`, refusing bodies over max_body bytes."""
    return HTTPServer(WebhookApp(app, path, secret, max_body), idle_connection_timeout=60, body_timeout=30)


def run_webhook(app: Application, *, listen: str, port: int, path: str, url: str, secret: str) -> None:
    """Run the bot on its own webhook server until SIGINT or SIGTERM, as Application.run_webhook would."""
    asyncio.run(_serve(app, listen=listen, port=port, path=path, url=url, secret=secret))


async def _serve(app: Application, *, listen: str, port: int, path: str, url: str, secret: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = make_server(app, path, secret)
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        server.listen(port, address=listen)
        await app.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await app.start()
        await stop.wait()
    finally:
        server.stop()
        await server.close_all_connections()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
