"""What handlers and jobs see as `context.bot_data`: the services, built once in main()."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.settings import BotSettings
from summarizer import repository
from summarizer.settings import Settings
from summarizer.subscriptions import SubscriptionService

if TYPE_CHECKING:
    from summarizer.briefings import BriefingService
    from summarizer.db import Store
    from summarizer.ingest import Ingestor


@dataclass
class BotServices:
    """The bot's services and settings; one instance per application."""

    settings: Settings
    bot_settings: BotSettings  # the [bot] keys: digest defaults, workers, feeds, operators
    store: Store  # closed in post_shutdown
    briefings: BriefingService
    subscriptions: SubscriptionService
    ingestor: Ingestor | None = None  # None: feeds are not polled
    warming: asyncio.Task | None = field(default=None, repr=False)

    def actors(self) -> list[repository.ActorRow]:
        """Stored actors that are mentioned, most mentioned first (blocking: call in a thread)."""
        with self.store.session() as session:
            return [r for r in repository.actor_rows(session) if r.mentions]

    def articles(self) -> list[repository.ArticleRow]:
        """Stored articles, newest first (blocking: call in a thread)."""
        with self.store.session() as session:
            return repository.article_rows(session)


Context: TypeAlias = CallbackContext[ExtBot[None], dict, dict, BotServices]


def context_types(services: BotServices) -> ContextTypes:
    """Context types whose bot_data is `services` (PTB builds bot_data by calling its type)."""

    class Bound(BotServices):
        def __new__(cls) -> BotServices:  # type: ignore[misc]
            return services

    return ContextTypes(bot_data=Bound)
