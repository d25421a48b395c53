"""Which stored sentences are the story: headings, captions, bylines, credits, datelines, links
and page furniture are recognised by their form alone, once, at ingestion.

Every cue is structural or a word of page layout ("photo by", "read more", "updated"), never a
word of any story: a sentence that ends without a full stop, a line of title-case words, a
credit "Name/Agency", a time stamp, a line that addresses the reader. A sentence repeated word
for word across many otherwise different articles of one outlet is that outlet's boilerplate
(`repeated_boilerplate`, judged over the store, after ingestion and on rescore).

Pure functions over plain text; the kinds are stored per sentence and briefings, timelines
and digests read only the "story" ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from summarizer.vocabulary import MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAY_NAMES, alternation

STORY = "story"
KINDS = (STORY, "heading", "caption", "byline", "credit", "dateline", "link", "boilerplate")

CLOSERS = " \t”\"'’»)]"
FINAL = (".", "!", "?", "…")
HEADING_WORDS = 12  # a line without a full stop this short is a heading; longer, a caption
SMALL_WORDS = frozenset("a an and as at but by for from in into of on or over the to under up via vs with".split())

CREDIT = re.compile(
    r"\b(?:photo(?:graph)?s?|pictures?|images?|video|illustration|graphic|footage)\s*(?:by|credit(?:s|ed)?|courtesy)\b"
    r"|[(\[]\s*(?:photo|picture|image|credit)s?\s*:"
    r"|^(?:photo|picture|image|credit|source)s?\s*:",
    re.IGNORECASE,
)
# A credit line "Lintao Zhang/Getty Images": capitalised words either side of a slash, at the end.
NAME_SLASH = re.compile(r"\b[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*\s*/\s*[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*$")
LINK = re.compile(
    r"^(?:read|see|watch|listen|click|related|more on this|more from|also read|share|follow us|sign up|subscribe|explore)\b"
    r"[^.!?]{0,100}?(?::|\bhere\b|\bmore\b|\balso\b|$)"
    r"|\s[-–]\s\d+\s*(?:hrs?|mins?|hours?|minutes?)\s+ago\b",  # a list of links: "Headline - 2 hrs ago"
    re.IGNORECASE,
)
BYLINE = re.compile(r"^by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\b", re.IGNORECASE)
STAMP_WORDS = alternation(
    [m.lower() for m in MONTH_NAMES] + [m.lower() for m in MONTH_ABBREVIATIONS] + [d.lower() for d in WEEKDAY_NAMES]
    + ["gmt", "bst", "utc", "et", "est", "edt", "pst", "cet", "am", "pm", "a\\.m\\.", "p\\.m\\.", "local time"]
)
DATELINE = re.compile(
    rf"^(?:(?:published|updated|posted|last updated|first published)\b[^.!?]*"
    rf"|[\d\s:.,/\-–]*(?:(?:{STAMP_WORDS})\b[\d\s:.,/\-–]*)*)$",
    re.IGNORECASE,
)
# Words of the page, not the story: players, comment forms, the reader addressed.
FURNITURE = re.compile(
    r"\b(?:javascript|flash player|cookies|your browser|your comments?|send us|e-?mail us|terms and conditions"
    r"|house rules|not available in your (?:territory|country|region)|newsletter|all rights reserved|copyright ©?)\b",
    re.IGNORECASE,
)
# A reader's comment under the article: "At 21:58 29th Apr 2009, someone wrote: ...".
COMMENT = re.compile(r"^at \d{1,2}[:.]\d{2}\b[^:]{0,60}\bwrote\s*:", re.IGNORECASE)
READER = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)
QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def sentence_kind(text: str, line: str | None = None) -> str:
    """What a sentence is on its page: "story", or the kind of text around a story.

    Args:
        text: the sentence.
        line: the whole line (paragraph) the sentence stands on, when known: a short line
            without a full stop is a heading, every sentence of it ("Drone Barrage Hits" and
            the "Moscow" spaCy split off it).
    """
    stripped = " ".join(text.split())
    if sum(ch.isalpha() for ch in stripped) < 2:
        return "dateline" if any(ch.isdigit() for ch in stripped) else "heading"
    body = stripped.rstrip(CLOSERS)
    credit = CREDIT.search(body)
    if credit and (not body.endswith(FINAL) or (credit.start() == 0 and len(body.split()) <= HEADING_WORDS)):
        return "credit"
    if NAME_SLASH.search(body):
        return "credit"
    if LINK.search(stripped):
        return "link"
    if DATELINE.match(body):
        return "dateline"
    if FURNITURE.search(stripped) or COMMENT.match(stripped):
        return "boilerplate"
    if line is not None:
        whole = " ".join(line.split()).rstrip(CLOSERS)
        if whole and not whole.endswith(FINAL) and len(whole.split()) <= HEADING_WORDS:
            return _unpunctuated(whole)
    if body.endswith(FINAL):
        return STORY
    return _unpunctuated(body)


def _unpunctuated(body: str) -> str:
    """A line with no full stop: a byline, a heading, or a caption."""
    words = body.split()
    if BYLINE.match(body) and len(words) <= 8:
        return "byline"
    parts = [p.strip() for p in body.split(",")]
    if len(parts) >= 3 and len(words) <= 10 and all(_title_words(p) for p in parts if p):
        return "byline"  # "NICK DAVIS, BBC NEWS, PORT AU PRINCE"
    if len(words) <= HEADING_WORDS or _title_words(body):
        return "heading"
    return "caption"


def _title_words(text: str) -> bool:
    """Whether every word but the small ones starts upper case ("Drone Barrage Hits Moscow")."""
    words = [w.strip("\"“”‘’'()[]:;-–") for w in text.split()]
    words = [w for w in words if w and w.lower() not in SMALL_WORDS]
    return bool(words) and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def addresses_reader(text: str) -> bool:
    """Whether the sentence speaks to the reader ("Are you in ...?"), outside any quotation."""
    return bool(READER.search(QUOTED.sub(" ", text))) and not text.lstrip()[:1] in "\"“‘'"


# -- boilerplate repeated across the articles of one outlet ------------------------------------


@dataclass(frozen=True)
class RepeatTuning:
    # Distinct articles repeating a sentence before it can be boilerplate: in fewer, a line
    # addressing the reader is as often a quotation split from its speaker ("You can see ...").
    min_articles: int = 5
    copy_overlap: float = 0.5  # articles sharing this share of their sentences are copies of one story
    outlet_share: float = 0.2  # repeated in this share of an outlet's articles: boilerplate whatever it says


def repeated_boilerplate(
    holders: Mapping[str, Sequence[int]],
    article_texts: Mapping[int, frozenset[str]],
    outlet_articles: int,
    tuning: RepeatTuning = RepeatTuning(),
) -> set[str]:
    """Which repeated sentences of one outlet are boilerplate.

    Args:
        holders: each sentence text repeated in the outlet -> the ids of the articles holding it.
        article_texts: each of those articles' sentence texts.
        outlet_articles: how many articles the outlet has in the store.

    A sentence counts as repeated only across articles that are not copies of one another:
    a wire story republished, or a copy with a line changed, repeats every sentence and
    none of them is boilerplate. Repeated in `min_articles` distinct articles, it is
    boilerplate when it addresses the reader or when it is in `outlet_share` of them all.
    """
    out: set[str] = set()
    for text, ids in holders.items():
        distinct = _distinct_articles(sorted(set(ids)), article_texts, tuning.copy_overlap)
        if distinct < tuning.min_articles:
            continue
        if addresses_reader(text) or distinct >= tuning.outlet_share * outlet_articles:
            out.add(text)
    return out


def _distinct_articles(ids: Iterable[int], texts: Mapping[int, frozenset[str]], overlap: float) -> int:
    """How many of the articles are not copies of an earlier one (Jaccard of their sentences)."""
    kept: list[frozenset[str]] = []
    for i in ids:
        mine = texts.get(i, frozenset())
        if all(len(mine & other) / max(len(mine | other), 1) < overlap for other in kept):
            kept.append(mine)
    return len(kept)


def article_kinds(article_text: str, sentences: Sequence[str]) -> list[str]:
    """The kind of each of an article's sentences, in order, each judged with the line it stands on.

    The sentences are the article's own, in order (substrings of its text, as the analysis
    splits it); one that cannot be found is judged alone.
    """
    kinds = []
    cursor = 0
    for sentence in sentences:
        at = article_text.find(sentence, cursor)
        line = None
        if at >= 0:
            cursor = at + len(sentence)
            start = article_text.rfind("\n", 0, at) + 1
            end = article_text.find("\n", cursor)
            line = article_text[start : end if end >= 0 else len(article_text)]
        kinds.append(sentence_kind(sentence, line))
    return kinds
