"""The event date of a sentence: its temporal expressions, each read with its verb's tense.

spaCy objects come in from the analysis; the calendar arithmetic is summarizer/dates.py.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from summarizer.dates import MAX_EVENT_DAYS, DateSpan, Tense, resolve_expression
from summarizer.vocabulary import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    WEEKDAY_NAMES,
    alternation,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_DAYNUM = r"(?:\d{1,2})(?:st|nd|rd|th)?"


# --- tense from the parse --------------------------------------------------------------

_OWN_PAST = re.compile(r"\b(?:last|ago|yesterday|previous|earlier|past)\b", re.I)
_OWN_FUTURE = re.compile(r"\b(?:next|upcoming|coming|tomorrow|later)\b", re.I)
_FUTURE_AUX = {"will", "'ll", "’ll", "shall", "wo", "would"}  # "would": future of a report
_FUTURE_HEADS = {"set", "expect", "slate", "schedule", "due", "plan", "intend", "go", "poise"}
_FUTURE_HEAD_FORMS = {"expected", "slated", "scheduled", "planned", "plans", "intends", "going", "poised"}
_PAST_AUX = {"have", "has", "had", "'ve", "’ve", "was", "were", "did"}
_CLAUSE_LINKS = {"xcomp", "advcl", "ccomp", "acl", "relcl", "pcomp", "conj", "prep"}


def sentence_tense(span: Span) -> Tense:
    """Decide from the parse whether a date expression points back or forward.

    The expression's own words ("last", "next", "ago") win; then the governing verb:
    future under "will", "is set to", "expected to", "scheduled for" and kin, past for a
    past tag (VBD, or VBN with "have"), else "unknown".
    """
    if _OWN_PAST.search(span.text):
        return "past"
    if _OWN_FUTURE.search(span.text):
        return "future"
    verb = _governing_verb(span.root)
    return _verb_tense(verb, 0) if verb is not None else "unknown"


def _governing_verb(token: Token) -> Token | None:
    """The nearest verb at or above `token` in the dependency tree."""
    while token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "auxpass"):
        if token.head.i == token.i:
            return None
        token = token.head
    return token


def _aux_words(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}


def _is_future_head(token: Token) -> bool:
    """"is set to", "expected to", "scheduled for", "plans to", "is due to", "is going to"."""
    lemma = token.lemma_.lower()
    if (lemma not in _FUTURE_HEADS and token.lower_ not in _FUTURE_HEAD_FORMS) or token.tag_ == "VBD":
        return False  # the forms catch lemmatizer slips: "slated" -> "slat"
    if lemma == "go" and token.tag_ != "VBG":
        return False
    aux = _aux_words(token) | ({token.head.lower_} if token.pos_ == "ADJ" else set())
    if aux & _PAST_AUX:
        return False
    return any(c.dep_ == "xcomp" or (c.dep_ == "prep" and c.lower_ in ("for", "to")) for c in token.children)


def _verb_tense(verb: Token, hops: int) -> Tense:
    aux = _aux_words(verb)
    if aux & _FUTURE_AUX or _is_future_head(verb):
        return "future"
    if verb.tag_ == "VBD" or (aux & _PAST_AUX and verb.tag_ in ("VBN", "VBG")):
        return "past"
    nonfinite = verb.tag_ in ("VB", "VBG", "VBN") and not aux - {"to"}
    if nonfinite and verb.dep_ in _CLAUSE_LINKS and hops < 6:
        head = verb.head
        if _is_future_head(head):
            return "future"
        above = _governing_verb(head)
        if above is not None and above.i != verb.i:
            return _verb_tense(above, hops + 1)
    return "unknown"


# --- public: the event date of a sentence ----------------------------------------------

_WD_CAP = alternation(WEEKDAY_NAMES)
_ABBR_CAP = alternation("Sept?" if a == "Sep" else a for a in MONTH_ABBREVIATIONS if a not in MONTH_NAMES)
_MON_CAP = "(?:" + "|".join(MONTH_NAMES) + rf"|{_ABBR_CAP}\.?)"
_MD_CAP = rf"(?:{_MON_CAP}\s+{_DAYNUM}(?:,?\s+\d{{4}})?|{_DAYNUM}\s+{_MON_CAP}(?:,?\s+\d{{4}})?)"
_POINT_CAP = rf"(?:{_MD_CAP}|{_WD_CAP})"
_SENTENCE_DATES = re.compile(
    rf"\b(?:{_POINT_CAP}(?:\s+(?:to|through|until)\s+|\s*[-–]\s*){_POINT_CAP}"
    rf"|between\s+{_POINT_CAP}\s+and\s+{_POINT_CAP}"
    rf"|\d{{1,2}}\s*[-–]\s*{_MD_CAP}"
    rf"|{_POINT_CAP}"
    r"|(?i:yesterday|today|tomorrow|tonight|last\s+night|a\s+day\s+earlier"
    r"|(?:earlier|later)\s+this\s+(?:week|month)"
    r"|(?:last|this|next)\s+(?:week(?:end)?|month|spring|summer|autumn|fall|winter)))\b"
)
_NAMED_LABELS = {"EVENT", "WORK_OF_ART", "LAW", "ORG", "FAC", "PRODUCT", "PERSON"}
_NAMED_DAYS = {"black", "good", "cyber", "super", "bloody", "ash", "easter", "holy", "palm", "maundy"}


def event_span(sent: Span, published: date) -> tuple[DateSpan, str] | None:
    """The most specific date a sentence gives for its event, with the words that gave it.

    Candidates are the sentence's DATE/TIME entities plus a regex pass for weekdays and
    "Month D" forms the small model misses; each resolves with its own tense. The shortest
    span wins (ties: first in the sentence); spans over MAX_EVENT_DAYS do not count, and an
    expression inside a longer one that resolves ("Monday" in "Monday to Wednesday") yields.
    """
    found: list[tuple[Span, DateSpan]] = []
    for cand in _candidates(sent):
        span = resolve_expression(cand.text, published, sentence_tense(cand))
        if span is not None and span.days <= MAX_EVENT_DAYS:
            found.append((cand, span))
    kept = [(c, s) for c, s in found if not any(_inside(c, other) for other, _ in found)]
    if not kept:
        return None
    cand, span = min(kept, key=lambda p: (p[1].days, p[0].start_char))
    return span, cand.text


def _candidates(sent: Span) -> list[Span]:
    """DATE/TIME entities and regex matches, one per character range, in sentence order."""
    doc = sent.doc
    found = {(e.start_char, e.end_char): e for e in sent.ents if e.label_ in ("DATE", "TIME")}
    for m in _SENTENCE_DATES.finditer(sent.text):
        start, end = sent.start_char + m.start(), sent.start_char + m.end()
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and (span.start_char, span.end_char) not in found and not _named(span, sent):
            found[(span.start_char, span.end_char)] = span
    return [found[k] for k in sorted(found)]


def _named(span: Span, sent: Span) -> bool:
    """Part of a name or title: an ORG or EVENT entity, "Black Friday", "USA Today"."""
    if any(t.ent_type_ in _NAMED_LABELS for t in span):
        return True
    before = span.doc[span.start - 1] if span.start > sent.start else None
    return before is not None and before.is_title and before.lower_ in _NAMED_DAYS


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.start_char <= inner.start_char and inner.end_char <= outer.end_char
            and (outer.start_char, outer.end_char) != (inner.start_char, inner.end_char))
