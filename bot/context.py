"""What every handler and job is given: a CallbackContext with typed access to the services.

`context.bot_data` is a `BotData` holding the one `Services` built by
`summarizer.services.build` in main(); `context.briefings`, `context.chats`,
`context.ingest` and `context.settings` read from it (PTB examples/contexttypesbot.py).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ContextTypes, ExtBot

if TYPE_CHECKING:
    from summarizer.briefings import BriefingService
    from summarizer.chats import ChatService
    from summarizer.ingest import Ingestor
    from summarizer.services import Services
    from summarizer.settings import Settings


class BotData:
    """`context.bot_data`: the process's services and the model warm-up.

    PTB makes it with no arguments; bot/app.py sets `services` before the bot starts.
    """

    services: Services

    def __init__(self) -> None:
        self.warming: asyncio.Task[None] | None = None  # started in post_init


class CustomContext(CallbackContext[ExtBot[None], dict, dict, BotData]):
    """The `context` of every handler, error handler and job."""

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def settings(self) -> Settings:
        return self.bot_data.services.settings

    @property
    def briefings(self) -> BriefingService:
        return self.bot_data.services.briefings

    @property
    def chats(self) -> ChatService:
        return self.bot_data.services.chats

    @property
    def ingest(self) -> Ingestor:
        return self.bot_data.services.ingest

    @property
    def query(self) -> str:
        """The command's arguments as one string ("" when there are none)."""
        return " ".join(self.args or ())


CONTEXT_TYPES = ContextTypes(context=CustomContext, bot_data=BotData)
