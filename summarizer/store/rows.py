"""The plain values the store reads out and takes in: one row type per thing.

Reads return `ArticleRow`, `ActorRow` and `Candidates` (columns of sentences); writes take
`NewArticle` (with its `NewSentence`s and `NewMention`s), whose ranking signals the analysis
computed before handing them over. Nothing here knows how a signal is computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np


@dataclass(frozen=True)
class ArticleRow:
    """A stored article, without its text."""

    id: int
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    published_how: str | None
    date_clue: str | None
    origin: str
    sentences: int
    ingested_at: datetime


@dataclass(frozen=True)
class ActorRow:
    """A canonical actor; the listings fill in its other names and how often it is mentioned."""

    id: int
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    mentions: int = 0
    articles: int = 0


@dataclass
class Candidates:
    """Parallel columns of candidate sentences (row i of every field is one sentence)."""

    ids: list[int] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    # Each sentence's place among its article's story sentences (0: the story's first), the
    # headings, bylines and stamps above it not counted: how early the news puts it.
    leads: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    event_start: list[date | None] = field(default_factory=list)
    event_end: list[date | None] = field(default_factory=list)
    expected: list[bool] = field(default_factory=list)  # a prediction or plan, not what happened
    mentioned_days: list[tuple[date, ...]] = field(default_factory=list)  # every day named, any clause
    published: list[date | None] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)  # each sentence's story of copies (its article's cluster)
    copied: list[bool] = field(default_factory=list)  # a copy's sentence its story already holds (read for weighing only)
    quality: list[float] = field(default_factory=list)  # ranking signals stored at ingestion
    named: list[int] = field(default_factory=list)
    surfaces: list[str] = field(default_factory=list)  # how the subject is named there, if it is
    labels: list[str] = field(default_factory=list)
    prominence: list[float] = field(default_factory=list)
    speaker: list[bool] = field(default_factory=list)
    # Whose statement each sentence is, or None (load_speakers fills it).
    speakers: list[int | None] = field(default_factory=list)
    # How widely the story names whom each sentence names: the share of stored articles naming
    # its most widely named actor (Catalog.reach), 0 for none; load_reach fills it, for date briefings.
    reach: list[float] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def __len__(self) -> int:
        return len(self.ids)

    def dates(self) -> list[date | None]:
        """Each sentence's date: its event date, else its article's publication date."""
        return [e or p for e, p in zip(self.event_start, self.published)]

    def lead_places(self) -> list[int]:
        """How early each sentence stands in its article's story: `leads` where the store counted
        them, else the positions (rows built by hand)."""
        return self.leads or self.positions


@dataclass(frozen=True)
class Catalog:
    """What the store holds, for reading queries: name keys, mention counts, dates.

    It changes only when an article is stored, so callers keep one per corpus version.
    """

    names: list[tuple[str, ActorRow]]
    mentions: dict[int, int]
    dates: list[date]
    # Per actor id, the share of the stored articles that name it: the story's main actors near 1.
    reach: dict[int, float] = field(default_factory=dict)
    newest: date | None = None  # the newest publication day stored


@dataclass(frozen=True)
class NewMention:
    """An actor named in a sentence, with the signals ranking reads."""

    actor_id: int
    position: int  # the sentence's position in its article
    surface: str
    label: str
    prominence: float
    speaker: bool


@dataclass(frozen=True)
class NewSentence:
    position: int
    text: str
    event_start: date | None
    event_end: date | None
    date_expression: str | None
    vector: np.ndarray
    quality: float
    named: int  # actors other than places named in it
    expected: bool = False  # a prediction or plan: its event date is when it is expected
    mentioned_days: tuple[date, ...] = ()  # every single day it names, in any clause
    copied: bool = False  # the same text is stored in an earlier copy of its story
    speaker_id: int | None = None  # the actor who says it, for a quotation or reported statement
    kind: str = "story"  # or a heading, caption, byline, ...: never shown


@dataclass(frozen=True)
class NewArticle:
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    published_how: str | None
    date_clue: str | None
    origin: str
    text: str
    content_hash: str
    ingested_at: datetime
    sentences: list[NewSentence]
    mentions: list[NewMention] = field(default_factory=list)
    # Syndication (summarizer/syndication.py): the story it copies (None: its own), its signature, band keys.
    cluster_id: int | None = None
    signature: bytes | None = None
    bands: tuple[int, ...] = ()
    language: str | None = None  # ISO 639; an article not in English comes without sentences
    analysis: str | None = None  # the stamp of the analysis that made its rows


@dataclass(frozen=True)
class StoredInput:
    """A stored article as it was given, for analysing its text again (`storybot reanalyse`)."""

    id: int
    origin: str
    text: str
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    published_how: str | None
    date_clue: str | None
    content_hash: str
    cluster_id: int | None


@dataclass(frozen=True)
class ActorCard:
    """What the store knows of one actor, for "who is X"."""

    roles: tuple[str, ...]  # titles and roles written beside its name, first seen first
    mentions: int
    articles: int
    first: date | None  # first and last publication dates of articles naming it
    last: date | None
    statements: int  # sentences it is the speaker of
