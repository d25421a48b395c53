"""What a briefing is: frozen data that the CLI prints and the bot renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Kind = Literal["actor", "date", "topic", "story", "digest", "none", "said", "who"]


@dataclass(frozen=True)
class Source:
    """A stored article cited by number in one briefing."""

    number: int
    article_id: int
    title: str | None
    outlet: str | None
    published: date | None
    url: str | None
    # The other stored copies of the same story (syndication): cited once, by this source's number.
    copies: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.number,
            "article_id": self.article_id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
        }
        if self.copies:
            out["copies"] = [{k: v for k, v in c.to_dict().items() if k != "id"} for c in self.copies]
        return out


@dataclass(frozen=True)
class Item:
    """One point: stored sentences verbatim, their date and every article that reported them."""

    text: str
    date: date | None
    end: date | None  # last day when the event spans several
    sources: tuple[Source, ...]
    # "event": dated by what the text says happened; "published": by its article's date.
    basis: Literal["event", "published"] = "event"
    sentence_ids: tuple[int, ...] = ()
    # A prediction or plan ("will", "is set to"): its date, if an event date, is when it is expected.
    expected: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "end": self.end.isoformat() if self.end and self.end != self.date else None,
            "basis": self.basis,
            "expected": self.expected,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class Card:
    """Who an actor is, as the stored articles tell it: for "who is X"."""

    name: str
    kind: str  # person | organisation | place
    roles: tuple[str, ...]  # titles and roles the articles write beside the name
    mentions: int
    articles: int
    first: date | None  # first and last publication dates of articles naming it
    last: date | None
    statements: int  # sentences it says (quotations and reported statements)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "roles": list(self.roles),
            "mentions": self.mentions,
            "articles": self.articles,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "statements": self.statements,
        }


@dataclass(frozen=True)
class Briefing:
    """The answer to one query."""

    query: str
    kind: Kind
    subject: str
    items: tuple[Item, ...] = ()
    # Said in place of items, or beside them: "no coverage ...", "did you mean ...".
    note: str = ""
    suggestions: tuple[str, ...] = ()
    span: tuple[date, date] | None = None  # the asked dates, for date briefings
    card: Card | None = None  # "who is X": the actor's card, beside its top items
    more: int = 0  # items the long briefing of the same query adds to a short one (a "More" button)

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every cited article once, by citation number."""
        seen: dict[int, Source] = {}
        for item in self.items:
            for source in item.sources:
                seen.setdefault(source.number, source)
        return tuple(sorted(seen.values(), key=lambda s: s.number))

    def to_dict(self, text: str) -> dict[str, Any]:
        return {
            "query": self.query,
            "kind": self.kind,
            "subject": self.subject,
            "items": [i.to_dict() for i in self.items],
            "note": self.note or None,
            "suggestions": list(self.suggestions),
            **({"card": self.card.to_dict()} if self.card else {}),
            **({"more": self.more} if self.more else {}),
            "text": text,
        }
