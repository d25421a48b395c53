"""Which language an article is written in, and which script a query is typed in.

The language comes from py3langid (a naive Bayes model over byte n-grams that ships inside the
package: nothing is downloaded), its name from Babel's CLDR data. Storybot analyses English;
an article in another language is stored, marked with its language, and not analysed.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from functools import lru_cache

ANALYSED = "en"
SAMPLE_CHARS = 3000  # enough text for a firm answer; the rest of a long article adds nothing
MIN_LETTERS = 40  # below this the model guesses; such a short text is taken as English
MIN_ENGLISH = 0.10  # English this likely is analysed: an unsure guess never costs an English article

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> str:
    """The ISO 639 code of the language `text` is written in; "en" when unsure."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return ANALYSED
    with _lock:  # the identifier keeps no state per call, but loading it must happen once
        identifier = _identifier()
    ranked = identifier.rank(sample)  # (code, probability), best first
    if dict(ranked).get(ANALYSED, 0.0) >= MIN_ENGLISH:
        return ANALYSED
    return ranked[0][0]


def language_name(code: str) -> str:
    """The language's English name ("ru" -> "Russian"), or the code when CLDR has none."""
    from babel import Locale

    return Locale("en").languages.get(code, code)


def foreign_script(text: str) -> str | None:
    """The script most letters of `text` are written in, when it is not Latin ("CJK", "Cyrillic")."""
    scripts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            scripts[name.split(" ")[0] if name else "UNKNOWN"] += 1
    if not scripts:
        return None
    script, _ = scripts.most_common(1)[0]
    if script == "LATIN":
        return None
    return {"CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean"}.get(
        script, script.title()
    )
