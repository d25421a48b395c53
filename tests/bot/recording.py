"""Offline Telegram for handler tests: a recording request object and update builders.

As PTB tests itself: the real Application and Bot, with a `BaseRequest` that records every
Bot API call and answers canned JSON, and updates fed through `process_update`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

TOKEN = "123456:TEST-abcdefghijklmnopqrstuvwxyz0123"
BOT = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Story",
    "username": "StoryTestBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
ADMIN_RIGHTS = dict.fromkeys(
    [
        "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
        "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
        "can_post_stories", "can_edit_stories", "can_delete_stories",
    ],
    False,
)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool = True


@dataclass
class RecordingRequest(BaseRequest):
    """Record each Bot API call; answer canned results, or errors queued per method."""

    calls: list[Call] = field(default_factory=list)
    errors: dict[str, list[tuple[str | None, int, dict[str, Any]]]] = field(default_factory=dict)
    members: dict[tuple[str, str], str] = field(default_factory=dict)  # (chat, user) -> status
    chats: dict[str, dict[str, Any]] = field(default_factory=dict)  # getChat answers by id or @name
    _ids: Any = field(default_factory=lambda: itertools.count(1000))

    def __hash__(self) -> int:
        return id(self)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def fail(self, method: str, code: int, description: str, *, chat_id: int | None = None, **parameters: Any) -> None:
        """Make the next call of `method` (to `chat_id`, when given) fail as Telegram would."""
        answer = {"ok": False, "error_code": code, "description": description}
        if parameters:
            answer["parameters"] = parameters
        chat = None if chat_id is None else str(chat_id)
        self.errors.setdefault(method, []).append((chat, code, answer))

    def set_member(self, chat_id: int | str, user_id: int, status: str) -> None:
        self.members[(str(chat_id), str(user_id))] = status

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_timeouts: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        call = Call(name, params)
        self.calls.append(call)
        await asyncio.sleep(0)
        queued = self.errors.get(name, [])
        match = next((e for e in queued if e[0] in (None, str(params.get("chat_id")))), None)
        if match is not None:
            queued.remove(match)
            call.ok = False
            return match[1], json.dumps(match[2]).encode()
        if name == "getChat" and str(params["chat_id"]) not in self.chats:
            return 400, json.dumps({"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}).encode()
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT
        if name == "sendMessage":
            chat_id = int(params["chat_id"])
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group", "title": "G", "first_name": "U"}
            return {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": BOT, "text": params["text"]}
        if name == "getChatMember":
            status = self.members.get((str(params["chat_id"]), str(params["user_id"])), "member")
            user = BOT if str(params["user_id"]) == str(BOT["id"]) else {"id": int(params["user_id"]), "is_bot": False, "first_name": "U"}
            extra = ADMIN_RIGHTS if status == "administrator" else {"is_anonymous": False} if status == "creator" else {}
            return {"status": status, "user": user, **extra}
        if name == "getChat":
            return self.chats[str(params["chat_id"])]
        if name == "getUpdates":
            return []
        return True

    # -- reading what the bot did -----------------------------------------------------------

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The parameters of the messages sent (not refused), oldest first, to `chat_id` or anywhere."""
        return [
            c.params for c in self.calls
            if c.method == "sendMessage" and c.ok and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [p["text"] for p in self.sent(chat_id)]


_update_ids = itertools.count(1)


def message(app: Application, text: str, *, chat_id: int = 42, user_id: int | None = None, chat_type: str = "private") -> Update:
    """A user's text message (a command when it starts with "/")."""
    uid = user_id if user_id is not None else (chat_id if chat_type == "private" else 7)
    user = {"id": uid, "is_bot": False, "first_name": "Tess"}
    chat = {"id": chat_id, "type": chat_type, **({"first_name": "Tess"} if chat_type == "private" else {"title": "Group"})}
    n = next(_update_ids)
    data: dict[str, Any] = {"message_id": n, "date": int(time.time()), "chat": chat, "from": user, "text": text}
    if text.startswith("/"):
        data["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return Update.de_json({"update_id": n, "message": data}, app.bot)


def inline_query(app: Application, query: str, *, user_id: int = 42) -> Update:
    n = next(_update_ids)
    data = {"id": str(n), "from": {"id": user_id, "is_bot": False, "first_name": "Tess"}, "query": query, "offset": ""}
    return Update.de_json({"update_id": n, "inline_query": data}, app.bot)


def button_press(app: Application, data: str, message: dict[str, Any], *, user_id: int = 42) -> Update:
    """A user's press of an inline button with `data` under the bot's `message` (a sendMessage result)."""
    n = next(_update_ids)
    user = {"id": user_id, "is_bot": False, "first_name": "Tess"}
    press = {"id": str(n), "from": user, "chat_instance": "c", "data": data, "message": message}
    return Update.de_json({"update_id": n, "callback_query": press}, app.bot)
