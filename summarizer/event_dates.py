"""The event date of a sentence: the time of what it reports, read from its main clause.

spaCy objects come in from the analysis; the calendar arithmetic is summarizer/dates.py.

What dates a sentence, in order (a rank; within a rank the shortest span wins, then the first):

1. The main clause's own time: a time expression attached to the root verb, to the verbs it
   continues into ("refused to comment", "is set to meet": xcomp) or to a participle without
   a subject of its own that describes the same act ("Speaking on Sunday, X said",
   "Asked about ... on Wednesday, X said"), directly or through a noun ("in Friday's
   editorial"). When the main clause reports speech, this is the time of the speech act:
   "Zelensky told AP on Tuesday that ... last week" is Tuesday.
2. The time of a main clause conjoined to it ("took off on Wednesday and landed ...").
3. For an attribution written after its content ("X happened on Tuesday, officials said"),
   the content is the main clause: its time, when the attribution has none of its own.
4. A when- or while-clause on the main verb: it says when the main clause happened
   ("Eleven workers died when the rig exploded six weeks ago").
5. When the main clause reports a plan or prediction and neither it nor anything above names
   a time, the date the plan names, as an expected date: "China has announced that Xi will
   visit Russia from Monday to Wednesday" is expected 20-22 March, shown apart from what
   happened; with no date of its own the plan leaves the report undated and not expected.

Nothing else dates a sentence: not a relative or reduced relative clause ("reports that said
Xi would travel on March 21", "officials named by the EU on 9 May"), not what a reporting verb
written before it reports, unless a plan as in 5 ("the LCC said Rastan had come under
bombing on Tuesday" reports the statement), not another adverbial clause ("after the rig
exploded on 20 April"), and not a time that bounds a duration ("since 13 April",
"until mid-February", "for the winter"). A sentence whose main clause has no time is
undated; a briefing then shows it at its article's publication date, when it was reported.

A sentence is `expected` when that clause is a prediction or a plan: "will", "shall",
"is set to", "is expected to", "is due to", "plans to", "intends to", "is to", "is going to",
or "could", "may", "might" (without "have"; "could not" tells of a failed attempt). Its date, if it names one, is the expected date,
read forward. A reported prediction ("X said Y will ...") is a statement, not expected, unless
it is dated by the plan's own date (5).

Vague periods stay vague: a month, a season, "late December" or "last week" is a span, never a
day. Anaphora ("that year", "the same day", "days later", "six days later") count from the last
time the article named, passed in as `reference`.
"""

from __future__ import annotations

import re
from datetime import date
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer.dates import MAX_EVENT_DAYS, SEASONS, DateSpan, Tense, resolve_expression
from summarizer.vocabulary import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    NOT_EVENT_TIME_WORDS,
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
    """The nearest verb at or above `token` in the dependency tree ("following" as a preposition is none)."""
    while token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "auxpass", "prep"):
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


@dataclass(frozen=True)
class SentenceEvent:
    """What a sentence says about time: its event date, whether it is expected, what it named."""

    span: DateSpan | None = None
    expression: str | None = None
    expected: bool = False
    # The last time the sentence names, in any clause: what "that day" in the next one means.
    mentioned: DateSpan | None = None
    # Every single day the sentence names, in any clause: how much a day is talked about.
    days: tuple[date, ...] = ()


_MAIN, _CONJOINED, _CONTENT, _WHEN, _PLANNED = range(5)


def sentence_event(sent: Span, published: date, reference: DateSpan | None = None) -> SentenceEvent:
    """The event date of a sentence by what it reports, and whether it is a prediction or plan.

    Args:
        sent: the sentence, parsed.
        published: the article's publication date, which relative expressions count from.
        reference: the last time the article named before this sentence, for anaphora.
    """
    root = sent.root
    found: list[tuple[int, Span, DateSpan, bool]] = []  # rank, expression, span, expected
    mentioned = reference
    days: list[date] = []
    for cand in _candidates(sent):
        place = _place_in_sentence(cand, root)
        expected = place is not None and _expected(place[1], dated=True)
        tense = sentence_tense(cand)
        if tense == "unknown" and expected:
            tense = "future"
        span = resolve_expression(cand.text, published, tense, mentioned)
        if span is None:
            continue
        mentioned = span
        if span.days == 1 and span.start not in days:
            days.append(span.start)
        if place is not None and span.days <= MAX_EVENT_DAYS:
            found.append((place[0], cand, span, expected))
    kept = [f for f in found if not any(_inside(f[1], other[1]) for other in found)]
    if not kept:
        return SentenceEvent(expected=_expected(_content_clause(root) or root), mentioned=mentioned, days=tuple(days))
    _, cand, span, expected = min(kept, key=lambda f: (f[0], f[2].days, f[1].start_char))
    return SentenceEvent(span, cand.text, expected, span, tuple(days))


def event_span(sent: Span, published: date) -> tuple[DateSpan, str] | None:
    """The event date of a sentence with the words that gave it (see `sentence_event`)."""
    event = sentence_event(sent, published)
    return (event.span, event.expression) if event.span is not None and event.expression else None


# --- where an expression stands: main clause, conjoined, content, when-clause, or below ---

_REPORTED = {"ccomp", "parataxis"}


def _place_in_sentence(cand: Span, root: Token) -> tuple[int, Token] | None:
    """The rank of the clause an expression belongs to and that clause's verb; None below them.

    A verbless heading ("Your stories Wednesday 13 January") counts as a main clause.
    """
    verb = _governing_verb(cand.root)
    if _bounds_a_duration(cand.root, verb) or _season_as_modifier(cand):
        return None
    if verb is None:
        return _MAIN, root
    rank, clause = _MAIN, verb
    while verb.dep_ != "ROOT":  # a merged quotation may hold more than one root
        dep, above = verb.dep_, _governing_verb(verb.head)
        if above is None or above.i == verb.i:
            return None
        if dep in ("xcomp", "acomp") or (dep == "advcl" and _same_act(verb)):
            pass  # the same clause goes on ("is set to meet"), or the same act ("Speaking on Sunday")
        elif dep == "conj":
            rank = max(rank, _CONJOINED)
        elif dep in _REPORTED and verb.i < verb.head.i and above.dep_ == "ROOT":
            rank = max(rank, _CONTENT)  # "X happened on Tuesday, officials said"
        elif dep == "advcl" and verb.left_edge.lower_ in ("when", "while") and rank < _CONTENT:
            rank, clause = _WHEN, above
        elif dep in _REPORTED and verb.i > verb.head.i and above.dep_ == "ROOT" and rank < _CONTENT \
                and _expected(verb, dated=True):
            rank, clause = _PLANNED, verb  # "China has announced that Xi will visit ... from Monday"
        else:
            return None  # a relative, complement, adverbial or prepositional clause
        verb = above
    return rank, clause


def _same_act(verb: Token) -> bool:
    """A participle with no subject of its own: "Speaking on Sunday, ...", "Asked about ..."."""
    return verb.tag_ in ("VBG", "VBN") and not any(
        c.dep_ in ("nsubj", "nsubjpass", "mark", "aux", "auxpass") for c in verb.children
    )


def _bounds_a_duration(token: Token, verb: Token | None) -> bool:
    """"since 13 April", "until mid-February", "for the winter", "in addition to last month's visit"."""
    while token is not None and (verb is None or token.i != verb.i):
        word = token.lower_
        if word in NOT_EVENT_TIME_WORDS:
            return True
        if word == "for" and token.dep_ == "prep" and not _plan_word(token.head):
            return True  # "scheduled for May 9" names the day; "for two days" does not
        if token.head.i == token.i:
            break
        token = token.head
    return False


def _season_as_modifier(cand: Span) -> bool:
    """"winter temperatures", "the summer holidays": a season naming a kind, not a time."""
    return len(cand) == 1 and cand.root.lower_ in SEASONS and cand.root.dep_ in ("compound", "amod", "nmod")


def _plan_word(token: Token) -> bool:
    return token.lemma_.lower() in _FUTURE_HEADS or token.lower_ in _FUTURE_HEAD_FORMS


def _content_clause(root: Token) -> Token | None:
    """The content of an attribution written after it ("'...,' he said"), or None."""
    return next((c for c in root.children if c.dep_ in _REPORTED and c.i < root.i), None)


_WILL = _FUTURE_AUX - {"would"}  # "would" reports a future, or supposes one: no prediction
_POSSIBLE = {"could", "may", "might"}
# "should", "must": a duty or an exhortation ("China and Russia must stand firm"), but a forecast
# or a deadline when they carry a time ("should have enough virus by Monday", "must be held by Friday").
_OBLIGED = {"should", "must"}


def _expected(verb: Token, dated: bool = False) -> bool:
    """Whether a clause tells of what is to come: "will", "is set to", "plans to", "could";
    "should" and "must" too when the clause is `dated`."""
    while True:
        if verb.tag_ == "VBD":
            return False  # a verb in the past tense reports the past, whatever it is joined to
        aux = _aux_words(verb)
        if aux & _WILL:
            return True
        possible = aux & ((_POSSIBLE | _OBLIGED) if dated else _POSSIBLE)
        if possible and not aux & {"have", "'ve", "’ve"} and not _could_not(verb, possible):
            return True
        if _is_future_head(verb) or _is_to(verb):
            return True
        if any(c.dep_ == "acomp" and _is_future_head(c) for c in verb.children):
            return True  # "is due to fly out"
        own = any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children)
        if verb.dep_ in ("xcomp", "acomp") or (verb.dep_ == "conj" and not own):
            verb = verb.head
            continue
        return False


def _could_not(verb: Token, possible: set[str]) -> bool:
    """"could not give", "couldn't confirm": an ability that failed, told of the past, as news
    tells it ("officials could not confirm the toll"); "may not", "might not" still predict."""
    return possible == {"could"} and any(c.dep_ == "neg" for c in verb.children)


def _is_to(verb: Token) -> bool:
    """"is to address", "are to receive": a plan, from "be" and a to-infinitive."""
    if verb.lemma_.lower() != "be" or verb.dep_ in ("aux", "auxpass"):
        return False
    aux = _aux_words(verb)
    if aux & _PAST_AUX or verb.tag_ == "VBD":
        return False
    return any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux") for c in verb.children)


def _candidates(sent: Span) -> list[Span]:
    """DATE/TIME entities and regex matches, one per character range, in sentence order."""
    doc = sent.doc
    found = {(e.start_char, e.end_char): e for e in sent.ents if e.label_ in ("DATE", "TIME") and not _title_word(e, sent)}
    for m in _SENTENCE_DATES.finditer(sent.text):
        start, end = sent.start_char + m.start(), sent.start_char + m.end()
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and (span.start_char, span.end_char) not in found and not _named(span, sent):
            found[(span.start_char, span.end_char)] = span
    return [found[k] for k in sorted(found) if not _recurring(found[k], sent)]


_EVERY = {"every", "each"}


def _recurring(span: Span, sent: Span) -> bool:
    """A time that comes round again ("each Friday", "every Monday"): no one day happened."""
    before = span.doc[span.start - 1] if span.start > sent.start else None
    return span[0].lower_ in _EVERY or (before is not None and before.lower_ in _EVERY)


_DAY_WORDS = {"Today", "Tonight", "Tomorrow", "Yesterday"}


def _title_word(span: Span, sent: Span) -> bool:
    """A day word written as a name, inside the sentence after a word: "the Today programme",
    "Radio 4's Today", "USA Today". As a time, it is lower case there, or opens the sentence or a
    quotation ("Today, ...", '"Today we ..."')."""
    if span.text not in _DAY_WORDS or span.start <= sent.start:
        return False
    before = span.doc[span.start - 1]
    return before.is_alpha or before.lower_ in ("'s", "’s")


def _named(span: Span, sent: Span) -> bool:
    """Part of a name or title: an ORG or EVENT entity, "Black Friday", "USA Today", "the Today programme"."""
    if any(t.ent_type_ in _NAMED_LABELS for t in span) or _title_word(span, sent):
        return True
    before = span.doc[span.start - 1] if span.start > sent.start else None
    return before is not None and before.is_title and before.lower_ in _NAMED_DAYS


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.start_char <= inner.start_char and inner.end_char <= outer.end_char
            and (outer.start_char, outer.end_char) != (inner.start_char, inner.end_char))
