"""What handlers and jobs see as `context.bot_data`: the services, built once in main()."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.settings import BotSettings
from summarizer.settings import Settings
from summarizer.chats import ChatService

if TYPE_CHECKING:
    from summarizer.briefings import BriefingService
    from summarizer.store.db import Store
    from summarizer.ingest import Ingestor


@dataclass
class BotServices:
    """The bot's services and settings; one instance per application."""

    settings: Settings
    bot_settings: BotSettings  # the [bot] keys: digest defaults, workers, feeds, operators
    store: Store  # closed in post_shutdown
    briefings: BriefingService
    chats: ChatService
    ingestor: Ingestor | None = None  # None: feeds are not polled
    warming: asyncio.Task | None = field(default=None, repr=False)


Context: TypeAlias = CallbackContext[ExtBot[None], dict, dict, BotServices]


def context_types(services: BotServices) -> ContextTypes:
    """Context types whose bot_data is `services` (PTB builds bot_data by calling its type)."""

    class Bound(BotServices):
        def __new__(cls) -> BotServices:  # type: ignore[misc]
            return services

    return ContextTypes(bot_data=Bound)
