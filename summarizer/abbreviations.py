"""Abbreviations a text defines as "Full Name (ABBR)": the Schwartz & Hearst (2003) algorithm.

Schwartz, A. S. and Hearst, M. A., "A simple algorithm for identifying abbreviation definitions
in biomedical text", PSB 2003: the short form is the bracketed word; its long form is the
shortest run of words before the bracket whose letters hold the short form's characters in
order, the first at the start of a word. The PyPI port (`abbreviations`, last released 2019)
is unmaintained, and the algorithm is twenty lines.
"""

from __future__ import annotations

import re

# A bracketed short form: two to ten characters, starting with a capital, at least two capitals.
_SHORT = re.compile(r"\(\s*([A-Z][A-Za-z.&-]{1,9})\s*\)")
_WORD = re.compile(r"\S+")


def best_long_form(short: str, long: str) -> str | None:
    """The shortest ending of `long` whose characters hold `short`'s letters in order, the
    first letter at the start of a word; None when there is none."""
    s, l = len(short) - 1, len(long) - 1
    start = -1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        while l >= 0 and (long[l].lower() != char or (s == 0 and l > 0 and long[l - 1].isalnum())):
            l -= 1
        if l < 0:
            return None
        start = l
        l -= 1
        s -= 1
    return long[start:].strip() if start >= 0 else None


def definitions(text: str) -> dict[str, str]:
    """Each short form the text defines -> its long form as written ("HPA" -> "Health
    Protection Agency", "BOP" -> "blowout preventer")."""
    found: dict[str, str] = {}
    for match in _SHORT.finditer(text):
        short = match.group(1).rstrip(".")
        if sum(ch.isupper() for ch in short) < 2:
            continue
        before = _WORD.findall(text[: match.start()])
        # At most min(|A| + 5, 2|A|) words, as Schwartz & Hearst bound the window.
        window = before[-min(len(short) + 5, 2 * len(short)) :]
        # Only up to the nearest clause break: a comma or a bracket ends the long form's search.
        for i in range(len(window) - 1, -1, -1):
            if window[i][-1] in ",;:()" and i < len(window) - 1:
                window = window[i + 1 :]
                break
        long = best_long_form(short, " ".join(window).strip("\"“”‘’'"))
        if long and len(long.split()) > 1 and short.lower() not in long.lower().split():
            found.setdefault(short, long)
    return found


def is_common(long: str, skip: set[str]) -> bool:
    """Whether a long form is a common noun phrase ("blowout preventer"): no word capitalised
    beside the little words in `skip`."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", long) if w.lower() not in skip]
    return bool(words) and all(w[0].islower() for w in words)
