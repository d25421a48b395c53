"""The English words the analysis keys on, in one place: months, weekdays, speech verbs, roles.

Each list exists once; modules build their patterns from it. None of it knows a story:
these are words of the language, not of the news.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable

# What may close a sentence after its last word: spaces, closing quotation marks and brackets.
CLOSERS = " \t”\"'’»)]"

# Months by name and abbreviation ("march", "mar", "sept"), lower case -> number.
MONTH_NAMES = tuple(calendar.month_name[i] for i in range(1, 13))  # "January", ...
MONTH_ABBREVIATIONS = tuple(calendar.month_abbr[i] for i in range(1, 13))  # "Jan", ...
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)}
MONTHS.update({abbr.lower(): i for i, abbr in enumerate(MONTH_ABBREVIATIONS, 1)})
MONTHS["sept"] = 9

# Weekdays, Monday first ("Monday", ...); lower case -> 0..6.
WEEKDAY_NAMES = tuple(calendar.day_name[i] for i in range(7))
WEEKDAYS = {name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)}

# Verbs that report speech, by lemma (spaCy's `lemma_`): their subject speaks.
SPEECH_VERBS = frozenset({
    "say", "tell", "add", "speculate", "suggest", "write", "announce", "ask", "warn", "note",
    "insist", "claim", "state", "explain", "argue", "reply", "respond", "urge", "declare",
    "confirm", "deny", "hail", "invite", "speak", "stress", "emphasize", "emphasise",
})
# Verbs whose subject is the one quoted or reported: the speaker of the sentence.
REPORTING_VERBS = SPEECH_VERBS - {"invite", "speak"}
# Inflected forms, for plain-text patterns where no parse is at hand (ranking signals).
SAID = ("said", "told", "added", "wrote")  # reported in the past: ", he said"
SAYS = ("said", "says", "told", "added", "wrote")  # the plain reporting verbs
SPEAKS = (*SAYS, "speculated", "suggested", "warned", "stressed", "emphasized", "announced", "invited", "called")
ATTRIBUTES = (*SAYS, "asked", "according to")  # a quotation that says whose it is

# Words that make a time the bound of a duration or a comparison, not the time of the event:
# "since 13 April", "until mid-February", "in addition to last month's visit".
NOT_EVENT_TIME_WORDS = frozenset({"since", "until", "till", "despite", "addition", "unlike", "besides"})

# Words for an office or a role, written before a name or in its place ("Kremlin spokesman").
ROLE_WORDS = frozenset({
    "president", "leader", "spokesman", "spokeswoman", "spokesperson", "minister", "adviser",
    "advisor", "secretary", "chancellor", "premier", "mayor", "commander", "ambassador",
    "envoy", "director", "chief", "general", "head", "chairman", "chairwoman", "king", "queen",
    "pope", "governor", "senator", "prosecutor", "counterpart",
})
# Forms of address written before a name, dropped from it ("Mr", "President").
HONORIFICS = (
    "mr", "mrs", "ms", "dr", "sir", "president", "prime minister", "premier", "chancellor",
    # ranks, written out or cut short ("Adm Allen", "Gen. Petraeus", "Rep. Smith")
    "admiral", "adm", "general", "gen", "colonel", "col", "lieutenant", "lt", "sergeant", "sgt",
    "captain", "capt", "major", "maj", "commander", "cmdr", "rev", "sen", "rep", "gov", "prof",
)


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of `words`, tried in the order given."""
    return "(?:" + "|".join(words) + ")"

# Openings that point back to the sentence before: a connective ("But", "Furthermore"), a time
# counted from it ("Days later"), or "The" + a noun that names what was just told ("The move").
CONNECTIVES = (
    "but", "and", "so", "yet", "also", "furthermore", "moreover", "however", "nevertheless",
    "nonetheless", "meanwhile", "instead", "still", "besides", "likewise", "similarly", "therefore",
    "thus", "hence", "otherwise", "then", "later", "in addition", "in turn", "as a result",
    "in response", "by contrast", "in contrast", "on the other hand", "at the same time", "even so",
    "after that", "afterwards", "by then", "until then", "since then",
)
TIME_BACK = r"(?:(?:a|one|two|three|four|five|six|seven|several|a few|few|\d+)\s+)?(?:days?|weeks?|months?|years?|hours?|minutes?)\s+(?:later|earlier|afterwards?)"
SHELL_NOUNS = (
    "move", "plan", "decision", "announcement", "remarks", "comments", "statement", "step", "proposal",
    "idea", "measure", "measures", "deal", "agreement", "offer", "request", "claim", "claims", "report",
    "reports", "news", "development", "incident", "attack", "visit", "trip", "meeting", "talks", "call",
    "letter", "document", "effort", "initiative", "warning", "gesture", "response", "change", "changes",
    "two", "latter", "former", "same", "pair", "couple",
)
