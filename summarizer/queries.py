"""Decide what a query asks about: an actor, a date or span, or a topic."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from summarizer.actors import name_key
from summarizer.dates import DateSpan, parse_date_query
from summarizer.languages import foreign_script
from summarizer.store.rows import ActorRow
from summarizer.vocabulary import MONTH_ABBREVIATIONS, alternation

MONTH = re.compile(rf"\b{alternation(a.lower() for a in MONTH_ABBREVIATIONS)}[a-z]*\b", re.IGNORECASE)
YEAR = re.compile(r"\b\d{4}\b")
# Questions about one actor: "What did Xi say about Ukraine?", "who is Kuleba".
SAID_QUESTION = re.compile(
    r"^(?:what|how)\s+(?:did|does|do|has|have)\s+(?P<who>.+?)\s+(?:say|said|tell|told|think|thought)"
    r"(?:\s+(?:about|on|of|regarding)\s+(?P<about>.+?))?[\s?.!]*$",
    re.IGNORECASE,
)
WHO_QUESTION = re.compile(r"^(?:who|what)\s+(?:is|was|are|were)\s+(?P<who>.+?)[\s?.!]*$", re.IGNORECASE)
RESOLVE_SCORE = 85  # a near miss this close to one name is that name ("zelenksy")
SUGGEST_SCORE = 60  # close enough to offer as "did you mean"
ACTOR_KINDS = {"person", "organisation"}  # near misses: a place is read only when written exactly


@dataclass(frozen=True)
class Plan:
    # "story": everything stored; "said": an actor's own words; "who": a card on an actor.
    kind: Literal["actor", "date", "topic", "story", "none", "said", "who"]
    subject: str
    actor: ActorRow | None = None
    span: DateSpan | None = None
    suggestions: tuple[str, ...] = ()
    corrected_from: str | None = None  # the query, when a near miss was resolved
    about: str | None = None  # "said": the topic asked about, if any
    script: str | None = None  # kind "none": the query is written in this script, not in English letters


def plan(
    query: str,
    names: Sequence[tuple[str, ActorRow]],
    mentions: Mapping[int, int],
    today: date,
    stored: Sequence[date] = (),
) -> Plan:
    """Classify `query`: a date first, then an actor (exact, then near miss), else a topic.

    Args:
        query: what the user typed after /brief.
        names: every (name key, actor) in the store.
        mentions: actor id -> mention count, to prefer the better-known of two namesakes.
        today: the date relative expressions ("yesterday") count from.
        stored: the dates the store covers, oldest first: a date written without a year
            ("March 21") is the most recent such date among them.
    """
    text = " ".join(query.split())
    if not text:
        return Plan("none", "")
    script = foreign_script(text)
    if script is not None:  # only English coverage is analysed: nothing to search in another script
        return Plan("none", "", script=script)
    question = _question(text, names, mentions, today, stored)
    if question is not None:
        return question
    span = parse_date_query(text, today, stored[-1] if stored else None)
    if span is not None:
        if MONTH.search(text) and not YEAR.search(text):
            span = _covered_year(span, stored)
        return Plan("date", describe_span(span), span=span)
    key = name_key(text)
    # Any stored actor written exactly, places too: "bakhmut" is an actor query.
    actors = [a for k, a in names if k == key]
    if actors:
        actor = max(actors, key=lambda a: mentions.get(a.id, 0))
        return Plan("actor", actor.name, actor=actor)
    near = near_names(key, names, mentions)
    if near and near[0][1] >= RESOLVE_SCORE and (len(near) == 1 or near[1][0].id == near[0][0].id or near[0][1] - near[1][1] >= 5):
        return Plan("actor", near[0][0].name, actor=near[0][0], corrected_from=text)
    suggestions = tuple(dict.fromkeys(a.name for a, score in near if score >= SUGGEST_SCORE))[:3]
    return Plan("topic", text, suggestions=suggestions)


def _question(
    text: str, names: Sequence[tuple[str, ActorRow]], mentions: Mapping[int, int], today: date, stored: Sequence[date]
) -> Plan | None:
    """A question about a stored actor: what it said (about something), or who it is."""
    for pattern, kind in ((SAID_QUESTION, "said"), (WHO_QUESTION, "who")):
        match = pattern.match(text)
        if match is None:
            continue
        found = plan(match["who"], names, mentions, today, stored)
        if found.kind != "actor":
            return None
        about = (match.groupdict().get("about") or "").strip() or None
        return Plan(kind, found.actor.name, actor=found.actor, corrected_from=found.corrected_from, about=about)
    return None


def resolve_actor(
    text: str, names: Sequence[tuple[str, ActorRow]], mentions: Mapping[int, int], today: date
) -> tuple[ActorRow | None, tuple[str, ...]]:
    """The stored actor `text` names, of any kind (places too: one can follow "Bakhmut"),
    by exact key first, else as a briefing query would read it; or None and suggestions."""
    key = name_key(text)
    exact = [a for k, a in names if k == key and key]
    if exact:
        return max(exact, key=lambda a: mentions.get(a.id, 0)), ()
    found = plan(text, names, mentions, today)
    return (found.actor, ()) if found.kind == "actor" else (None, found.suggestions)


def near_names(key: str, names: Sequence[tuple[str, ActorRow]], mentions: Mapping[int, int]) -> list[tuple[ActorRow, float]]:
    """Actors whose names are spelled close to `key`, best first (one entry per actor)."""
    if not key:
        return []
    from rapidfuzz import fuzz

    best: dict[int, tuple[ActorRow, float]] = {}
    for k, actor in names:
        if actor.kind not in ACTOR_KINDS:
            continue
        score = fuzz.ratio(key, k)
        if score > best.get(actor.id, (actor, -1.0))[1]:
            best[actor.id] = (actor, score)
    ranked = sorted(best.values(), key=lambda p: (-p[1], -mentions.get(p[0].id, 0)))
    return ranked[:5]


def _covered_year(span: DateSpan, stored: Sequence[date]) -> DateSpan:
    """Move a yearless span back, a year at a time, to the latest year the store covers it."""
    if not stored:
        return span
    candidate = span
    while candidate.end.year >= stored[0].year:
        if any(candidate.start <= d <= candidate.end for d in stored):
            return candidate
        try:
            candidate = DateSpan(_last_year(candidate.start), _last_year(candidate.end))
        except ValueError:
            break
    return span


def _last_year(d: date) -> date:
    return d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else d.replace(year=d.year - 1, day=28)


def describe_span(span: DateSpan) -> str:
    """A span as people write it: "21 March 2023", "March 2023", "20–22 March 2023"."""
    if span.start == span.end:
        return f"{span.start.day} {span.start:%B %Y}"
    if span.start.day == 1 and (span.end.replace(day=1) == span.start) and span.days >= 28:
        return f"{span.start:%B %Y}"
    if span.start.year == span.end.year and span.start.month == span.end.month:
        return f"{span.start.day}–{span.end.day} {span.start:%B %Y}"
    return f"{span.start.day} {span.start:%B %Y} – {span.end.day} {span.end:%B %Y}"
