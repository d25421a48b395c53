"""The composition root: every service built once, from one settings object, over one store.

The bot (`bot/app.py`) and the command line (`bot/cli.py`) both call `build(settings)`; no
service builds its own store or encoder, so one process holds one model and one engine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from summarizer.settings import Settings

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from spacy.language import Language

    from summarizer.briefings import BriefingService
    from summarizer.chats import ChatService
    from summarizer.embeddings import Encoder
    from summarizer.ingest import Ingestor
    from summarizer.store import Store


@dataclass
class Services:
    """The services of one process. Close it (or use it as a context manager) to close the store."""

    settings: Settings
    store: Store
    encoder: Encoder
    briefings: BriefingService
    ingest: Ingestor
    chats: ChatService

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build(
    settings: Settings,
    *,
    store: Store | None = None,
    encoder: Encoder | None = None,
    nlp: Language | None = None,
    quiet_by_default: bool = False,
    clock: Callable[[], datetime] | None = None,
    today: Callable[[], date] = date.today,
    lease: timedelta | None = None,
) -> Services:
    """Open the store (migrating it) and build the services over it, sharing one encoder.

    Args:
        settings: the one settings object.
        store, encoder, nlp: ready-made parts (tests pass fakes); built from settings when None.
            Nothing loads a model here: the encoder and spaCy load on first use.
        quiet_by_default: whether a digest with nothing new stays silent unless a chat says otherwise.
        clock, today: the time sources of the chat and briefing services.
        lease: how long the chat service's delivery claims hold unrenewed (summarizer/chats.py LEASE when None).
    """
    from summarizer.briefings import BriefingService
    from summarizer.chats import ChatService
    from summarizer.embeddings import make_encoder
    from summarizer.ingest import Ingestor
    from summarizer.store import Store

    store = store or Store(settings.resolved_database_url)
    encoder = encoder or make_encoder(settings)
    built = Services(
        settings=settings,
        store=store,
        encoder=encoder,
        briefings=BriefingService(store, encoder, today=today),
        ingest=Ingestor(store, settings, encoder, nlp=nlp),
        chats=ChatService(store, quiet_by_default=quiet_by_default, clock=clock, **({"lease": lease} if lease else {})),
    )
    if store.needs_rescore:
        sentences, mentions = built.ingest.rescore()
        log.warning("rescored %d sentences and %d mentions stored before the ranking signals existed", sentences, mentions)
    return built
