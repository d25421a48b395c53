"""Start the Bot API emulator on loopback and play a Telegram user against a real bot process.

`Emulator` starts `server.js` (next to this file; see README.md) with Node.js and talks to it over
HTTP: it posts user messages, callback and inline queries, and reads what the bot sent and which
Bot API methods it called. `BotProcess` runs any bot command with its output in a log file and
always kills it at the end.

Every wait here is bounded by a deadline; no process outlives `stop()`.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import httpx

SERVER = Path(__file__).resolve().with_name("server.js")
HOST = "127.0.0.1"
# The username the emulator's getMe gives every bot (for commands like /start@TestNameBot).
BOT_USERNAME = "TestNameBot"
POLL_INTERVAL = 0.05

Predicate = Callable[[dict[str, Any]], bool]


class EmulatorError(RuntimeError):
    """The emulator could not be started, or asked something."""


def new_token() -> str:
    """Return a fresh, well-formed bot token, so each test has its own bot on the emulator."""
    unique = uuid.uuid4()
    return f"{unique.int % 10**9 + 10**9}:E2E-{unique.hex}"


def wait_until(
    check: Callable[[], Any], *, timeout: float, interval: float = POLL_INTERVAL, what: str
) -> Any:
    """Call `check` until it returns something truthy, then return that; raise TimeoutError.

    The loop is bounded both by the deadline and by a count (timeout / interval + 1), so a slow
    `check` cannot stretch it much past `timeout`.
    """
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / interval) + 1):
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what}")


class BotProcess:
    """A bot (or any) subprocess with stdout and stderr in a log file, killed by `stop()`."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        log_path: Path,
        cwd: Path | str | None = None,
    ) -> None:
        self.args = list(args)
        self.log_path = log_path
        # A file, not a pipe: a chatty bot can never block on a full pipe nobody reads.
        self._log = log_path.open("wb")
        # Its own process group, so stop() also reaches any child it starts, and only those.
        self.process = subprocess.Popen(
            self.args,
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def output(self) -> str:
        """Return everything the process has written so far (stdout and stderr interleaved)."""
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, pattern: str, *, timeout: float = 10.0) -> re.Match[str]:
        """Wait until the output matches the regex `pattern`; fail early if the process exits."""

        def check() -> re.Match[str] | None:
            match = re.search(pattern, self.output())
            if match is None and not self.alive:
                raise EmulatorError(self.describe(f"exited before printing {pattern!r}"))
            return match

        return wait_until(check, timeout=timeout, what=f"{pattern!r} in the output of {self.args}")

    def describe(self, problem: str) -> str:
        """Return `problem` with the exit status and the tail of the output, for error messages."""
        status = self.process.poll()
        return f"{self.args} {problem} (exit {status}); output:\n{self.output()[-4000:]}"

    def stop(self, timeout: float = 10.0) -> int:
        """Ask the process group to stop (SIGTERM), kill it if it lingers; return the exit code."""
        if self.alive:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=timeout)
        self._log.close()
        return self.process.returncode

    def _signal(self, signum: int) -> None:
        """Send `signum` to the process group we created; it may have just exited."""
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass


class Emulator:
    """The Bot API emulator on 127.0.0.1, plus the user side of a conversation with a bot.

    Use as a context manager, or call `start()` and `stop()`. Its methods speak for the bot
    `self.token`; `for_bot(token)` speaks for another. Give each bot under test its own token (see
    `new_token`): bots on one emulator never share a chat.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        port: int = 0,
        log_path: Path | None = None,
        start_timeout: float = 20.0,
    ) -> None:
        self.token = token or new_token()
        self.port = port
        self.log_path = log_path or Path(tempfile.mkdtemp(prefix="storybot-e2e-")) / "emulator.log"
        self.start_timeout = start_timeout
        self.url = ""
        self._server: BotProcess | None = None
        self._owns_http = True
        # trust_env=False: a proxy from the environment must never see loopback traffic.
        self._http = httpx.Client(timeout=10.0, trust_env=False)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Start the server with Node.js and wait for its READY line."""
        node = shutil.which("node")
        if node is None:
            raise EmulatorError("the Bot API emulator needs Node.js 18 or later: no `node` on PATH")
        args = [node, str(SERVER), str(self.port)]
        self._server = BotProcess(args, env=os.environ, log_path=self.log_path)
        try:
            ready = self._server.wait_for_output(
                r"READY (http://127\.0\.0\.1:(\d+))", timeout=self.start_timeout
            )
        except (TimeoutError, EmulatorError) as exc:
            # server.js says why it cannot start in one line (an old Node.js, a bad port).
            said = self._server.output().strip().splitlines() or ["nothing"]
            self.stop()
            raise EmulatorError(
                f"the Bot API emulator did not start: {said[-1]} (log: {self.log_path})"
            ) from exc
        self.url, self.port = ready.group(1), int(ready.group(2))
        return self

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and close the HTTP client; views do nothing."""
        if self._server is not None:
            self._server.stop(timeout=5.0)
            self._server = None
        if self._owns_http:
            self._http.close()

    def for_bot(self, token: str) -> Emulator:
        """Return a view of this running emulator whose methods speak for the bot `token`."""
        view = copy.copy(self)
        view.token = token
        view._server = None  # the view neither owns nor stops the server...
        view._owns_http = False  # ...nor the shared HTTP client
        return view

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The PTB `base_url` for bots on this emulator (PTB appends the token and method)."""
        return f"{self.url}/bot"

    def bot_env(self) -> dict[str, str]:
        """Return the environment variables that point a bot process at this emulator."""
        return {
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_BASE_URL": self.base_url,
            # httpx honours proxy variables; loopback must bypass any proxy.
            "NO_PROXY": f"{HOST},localhost",
            "no_proxy": f"{HOST},localhost",
        }

    def start_bot(
        self,
        args: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
    ) -> BotProcess:
        """Start a bot process with TELEGRAM_BOT_TOKEN and TELEGRAM_BASE_URL set for this emulator.

        The caller owns the returned process and must `stop()` it (the `bot_process` fixture does).
        """
        full_env = {**os.environ, **self.bot_env(), **(env or {})}
        return BotProcess(args, env=full_env, log_path=log_path, cwd=cwd)

    def wait_until_polling(self, bot: BotProcess | None = None, *, timeout: float = 20.0) -> None:
        """Wait for the bot's first getUpdates call, i.e. until it is ready for messages."""

        def check() -> bool:
            if bot is not None and not bot.alive:
                raise EmulatorError(bot.describe("exited before polling"))
            return bool(self.calls("getUpdates"))

        try:
            wait_until(check, timeout=timeout, what="the bot's first getUpdates call")
        except TimeoutError as exc:
            if bot is not None:
                raise TimeoutError(bot.describe(f"did not poll within {timeout:.0f}s")) from exc
            raise

    # -- the user side ----------------------------------------------------------------------

    def send_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Tess",
        username: str = "tess_tester",
        chat_title: str = "E2E group",
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send `text` from a user to the bot, as a command if it starts with "/".

        In a private chat the user is the chat (`user_id` defaults to `chat_id`); in a group
        give a negative `chat_id` and a `user_id`. `extra` is merged into the Message.
        Returns `{"message_id": ..., "update_id": ...}` of the user's message.
        """
        uid = user_id if user_id is not None else (chat_id if chat_type == "private" else 1)
        user = {"id": uid, "is_bot": False, "first_name": first_name, "username": username}
        message: dict[str, Any] = {
            "from": user,
            "chat": _chat(chat_id, chat_type, user, chat_title),
            "date": int(time.time()),
            "text": text,
            **(extra or {}),
        }
        command = re.match(r"/\S+", text)
        if command:
            # PTB's CommandHandler needs a bot_command entity at offset 0, as Telegram sends.
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        return self._post("/harness/message", {"token": self.token, "message": message})

    def send_callback_query(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        first_name: str = "Tess",
    ) -> dict[str, Any]:
        """Press an inline button with callback `data` under a message the bot sent to `chat_id`."""
        uid = user_id if user_id is not None else chat_id
        user = {"id": uid, "is_bot": False, "first_name": first_name}
        body = {
            "token": self.token,
            "from": user,
            "chat_id": chat_id,
            "message_id": message_id,
            "data": data,
        }
        return self._post("/harness/callbackQuery", body)

    def send_inline_query(
        self,
        query: str,
        *,
        user_id: int,
        offset: str = "",
        chat_type: str | None = None,
        first_name: str = "Tess",
    ) -> dict[str, Any]:
        """Type `@bot query` as a user; returns `{"update_id", "inline_query_id"}`."""
        body: dict[str, Any] = {
            "token": self.token,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "query": query,
            "offset": offset,
        }
        if chat_type is not None:
            body["chat_type"] = chat_type
        return self._post("/harness/inlineQuery", body)

    def set_chat_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Make getChatMember answer `status` ("creator", "administrator", "member", ...)."""
        body = {"token": self.token, "chat_id": chat_id, "user_id": user_id, "status": status}
        self._post("/harness/chatMember", body)

    # -- what the bot did -------------------------------------------------------------------

    def replies(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Return the messages the bot sent (to `chat_id`, or anywhere), oldest first.

        Each is the Message as Telegram returned it to the bot (text without HTML tags, current
        after edits), plus "request": the fields the bot sent (raw text, parse_mode, reply_markup).
        """
        body: dict[str, Any] = {"token": self.token}
        if chat_id is not None:
            body["chat_id"] = chat_id
        return self._post("/harness/sent", body)

    def wait_for_reply(
        self,
        chat_id: int,
        predicate: Predicate | None = None,
        *,
        after: int = 0,
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """Wait for the first bot message to `chat_id` after message `after` matching `predicate`.

        Pass `after=sent["message_id"]` of the user's message to skip replies to earlier ones.
        """

        def check() -> dict[str, Any] | None:
            for reply in self.replies(chat_id):
                if reply["message_id"] > after and (predicate is None or predicate(reply)):
                    return reply
            return None

        try:
            return wait_until(check, timeout=timeout, what=f"a bot reply in chat {chat_id}")
        except TimeoutError as exc:
            seen = [r["request"].get("text") for r in self.replies(chat_id)]
            raise TimeoutError(f"{exc}; the bot sent to that chat: {seen!r}") from exc

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Return the Bot API calls the bot made, oldest first: {"method", "params", "time"}."""
        body: dict[str, Any] = {"token": self.token}
        if method is not None:
            body["method"] = method
        return self._post("/harness/calls", body)

    def wait_for_call(
        self,
        method: str,
        predicate: Predicate | None = None,
        *,
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """Wait for a call of `method` whose record matches `predicate`; return that record."""

        def check() -> dict[str, Any] | None:
            calls = self.calls(method)
            return next((c for c in calls if predicate is None or predicate(c)), None)

        return wait_until(check, timeout=timeout, what=f"a {method} call")

    def bot_api(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a Bot API method as the bot would; return the raw JSON answer (ok or not)."""
        response = self._http.post(f"{self.base_url}{self.token}/{method}", json=params)
        return response.json()

    def _post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POST JSON to the emulator and return `result`; raise EmulatorError unless ok."""
        if not self.url:
            raise EmulatorError("the emulator is not started")
        response = self._http.post(f"{self.url}{path}", json=dict(body))
        answer = response.json()
        if not answer.get("ok"):
            raise EmulatorError(f"POST {path} failed: {answer}")
        return answer["result"]


def _chat(chat_id: int, chat_type: str, user: Mapping[str, Any], title: str) -> dict[str, Any]:
    """Return the Chat a user writes from: the user itself in private, else a titled group."""
    if chat_type == "private":
        names = {"first_name": user["first_name"], "username": user["username"]}
        return {"id": chat_id, "type": "private", **names}
    return {"id": chat_id, "type": chat_type, "title": title}
