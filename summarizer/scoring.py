"""Per-sentence signals for ranking: how much a sentence is about its subject, how well it reads.

Plain string arithmetic, computed once at ingestion and stored; queries combine the numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from summarizer.vocabulary import ATTRIBUTES, CLOSERS, CONNECTIVES, SAID, SHELL_NOUNS, SPEAKS, TIME_BACK, alternation

# A sentence opening like this leans on the one before it for its subject.
NEEDS_CONTEXT = re.compile(
    r"^[\"“‘']?(?:but |and |so |yet |also )?(?:he|she|they|it|his|her|their|its|this|these|those|that|i|we|our|my)\b",
    re.IGNORECASE,
)
# ... or opens with a connective, a time counted from the last one, or "the move", "the plan"
# (a noun naming what was just told) followed by its verb rather than by what it is of.
POINTS_BACK = re.compile(
    rf"^[\"“‘']?(?:{alternation(CONNECTIVES)}\b(?![-’'])(?!\s+(?:of|than|far)\b)|{TIME_BACK}\b"
    rf"|(?:the|such|both)\s+{alternation(SHELL_NOUNS)}\b(?!\s+(?:of|to|between|by|on|in|with|for|from|that|which|at|over|under|against)\b)(?![-’'])"
    rf"|such\b|both\b)",
    re.IGNORECASE,
)
COUNTS_BACK = re.compile(rf"^[\"“‘']?(?:and\s+)?{TIME_BACK}\b", re.IGNORECASE)
ATTRIBUTION = re.compile(rf"\b{alternation(ATTRIBUTES)}\b", re.IGNORECASE)
PRONOUN_SPEAKER = re.compile(rf"[,”\"]\s+(?:he|she|they)\s+{alternation(SAID)}\b", re.IGNORECASE)
SPEECH = alternation(SPEAKS)


def needs_context(text: str) -> bool:
    """Whether the sentence leans on the one before: it opens with a pronoun or connective
    that refers back, or quotes someone it names only as "he" or "she"."""
    if PRONOUN_SPEAKER.search(text):
        return True
    if text[:1] in "“\"‘" and ATTRIBUTION.search(text):
        return False  # “We are ready ...,” Zelensky told reporters: the speaker is named
    return bool(NEEDS_CONTEXT.match(text) or POINTS_BACK.match(text))


# Where a quotation closing at a sentence's end opened, by its closing mark.
_OPENING = {"”": "“", "’": "‘", "»": "«", '"': '"', "'": "'"}


def asks(text: str) -> bool:
    """Whether the sentence is a question: a headline's, a debate's, a reader's or a teaser's
    ("How can we avoid a pandemic?", "... but could the callers have the answer?"). It reports
    nothing, so it never leads an item. A question someone is reported asking
    ('Survivors asked: "Where is the aid?"') is a report; a bare quoted one is not."""
    body = text.rstrip()
    inner = body.rstrip(CLOSERS)
    if not inner.endswith("?"):
        return False
    tail = body[len(inner):].strip(" \t)]")
    if tail and tail[0] in _OPENING:
        opened = inner.rfind(_OPENING[tail[0]])
        return opened <= 0  # quoted from its first word: nobody is reported asking
    return True


def counts_back(text: str) -> bool:
    """Whether the sentence opens with a time counted from an earlier one ("Days later, ...")."""
    return bool(COUNTS_BACK.match(text))


def prominence(text: str, surface: str, label: str) -> float:
    """How early in the sentence an actor is named, in [0, 1]: 1 for its first words.

    Named early, the sentence is about them; named late, in passing. A title ("the
    Chinese leader") counts a little less than a name.
    """
    at = text.find(surface) if surface else -1
    early = 1.0 - min((at / max(len(text), 1)) / 0.6, 1.0) if at >= 0 else 0.5
    return early * (0.8 if label == "title" else 1.0)


def focus(prominence: np.ndarray, named: np.ndarray) -> np.ndarray:
    """How much each sentence is about its actor, in [0, 1], from the stored signals.

    Meeting other leaders is news: a second name costs little, a crowd more.
    """
    return 0.6 * prominence + 0.4 / np.sqrt(np.maximum(named, 1))


def speaks(text: str, surface: str) -> bool:
    """Whether the named actor is the one saying or doing the reported act ("Xi said", "said Xi")."""
    return bool(surface) and bool(_speaker_pattern(surface).search(text))


@lru_cache(maxsize=1024)
def _speaker_pattern(surface: str) -> re.Pattern[str]:
    name = re.escape(surface)
    return re.compile(rf"{name}\W{{1,3}}(?:\w+\W+)?{SPEECH}\b|{SPEECH}\W+{name}\b")


def quality(text: str) -> float:
    """How well a sentence stands alone as a briefing point, in [0, 1]."""
    n = len(text)
    score = 1.0
    if not text.rstrip(" ”\"'’)").endswith((".", "!", "?")):
        return 0.1  # a heading or caption, not a sentence
    if n < 50:
        score *= max(n / 50, 0.2)
    elif n > 300:
        score *= max(300 / n, 0.3)
    if text.rstrip(" ”\"'").endswith("?"):
        score *= 0.5
    if text[:1] in "“\"‘'" and not ATTRIBUTION.search(text):
        score *= 0.6  # an unattributed quotation: who said it?
    if needs_context(text):
        score *= 0.6  # "He said ...", "..., he said": the reader needs the sentence before
    return score


def lexical_overlap(query_words: set[str], text: str) -> float:
    """Share of the query's content words that the sentence contains (folded), in [0, 1]."""
    if not query_words:
        return 0.0
    words = set(fold_words(text))
    return sum(1 for w in query_words if w in words) / len(query_words)


STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the to was were will with what who "
    "about into over than then there this those these".split()
)


def fold_words(text: str) -> list[str]:
    """Lower-case word stems, crudely: enough to match "weapons" with "weapon"."""
    return [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in re.findall(r"[a-z0-9]+", text.lower())]


def content_words(query: str) -> set[str]:
    return {w for w in fold_words(query) if w not in STOPWORDS}
