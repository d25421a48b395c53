"""Page furniture run into a line's first sentence: where a time stamp, a blog's stamp or a byline ends.

Pages that lose their line breaks glue the furniture above an article onto its first sentence:
"5 March 2021 Last updated at 04:27 GMT Help Dozens of homes were flooded ...",
"Jo Kemp | 10:35 UK time, Friday, 5 March 2021 At every flood ...", "By Tom
Berry Business reporter, BBC News London Mayor ...". The analysis ends a sentence where such a
prefix ends, so the story sentence after it stands alone and the prefix is judged as what it is.

Every rule is the form of a page's furniture (a stamp with a time zone, "Name | hh:mm UK time",
"By Name Surname <role>, <outlet>, <place>"), never a story's words. A byline's end is taken only
where the words say it plainly: after a journalist's role word ("correspondent", "reporter") or a
news outlet's name ("BBC News"), or where a run of proper nouns meets a word that opens sentences
("The", "Some", "There"). Where that is unclear ("BBC News, Riverside Women have ..."), the
sentence stays whole: a miss costs little, a wrong split costs a sentence.

Pages that lost their line breaks also glue the page's heading and a photo's caption onto the
lead ("Floods close city schools A storm has flooded ...", "Rivers burst banks 'no warning' A
boom is laid along the quay The water rose ..."). `lead_starts` finds where such a heading or
caption ends in an article's first sentence: a word that opens sentences, written with a capital
("The", "A", "Some", "As", "There", "Many"), right after a lower-case word, a name, a figure or a
closing quotation mark, with no full stop before it. A determiner before a capitalised word may
open a title inside a sentence ("the plan The Herald reported", "told reporters The Herald ..."):
there the cut needs no verb just before it, and no verb of saying or naming as the last verb
before it. When unsure, the sentence stays whole.

`stamps` is pure text; `byline_end` and `lead_starts` read spaCy tokens' text and fine-grained tags
(the tagger runs before the parser), so they never import spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Protocol

from summarizer.vocabulary import CLOSERS, MONTH_ABBREVIATIONS, MONTH_NAMES, SAYS, WEEKDAY_NAMES, alternation

_SP = r"[^\S\n]+"  # spaces within a line: a prefix never runs over a line break
_OPT_SP = r"[^\S\n]*"
_MONTH = "(?i:" + alternation(sorted({*MONTH_NAMES, *MONTH_ABBREVIATIONS, "Sept"}, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(?i:" + alternation(WEEKDAY_NAMES) + ")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# "5 March 2021", "05 March 21" (the year cut to two digits), "1 may, 2021", "June 1, 2021".
_DATE = rf"(?:{_DAY}{_SP}{_MONTH},?{_SP}(?:\d{{4}}|\d{{2}})|{_MONTH}{_SP}{_DAY},?{_SP}\d{{4}})\b"
_TIME = r"\d{1,2}[:.]\d{2}(?:[^\S\n]?(?i:[ap]\.?m\.?))?"
_ZONE = r"(?:GMT|UTC|BST|CET|CEST|EET|EEST|MSK|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|JST|AEST|AEDT|HKT|SGT)(?:[+-]\d{1,2})?\b"
_ZONED = rf"{_TIME}{_OPT_SP}(?:{_ZONE}|(?:UK|local){_SP}time\b)"  # "04:27 GMT", "10:35 UK time"
# A stamp: a date and a zoned time in either order, with an optional weekday; pages add the
# same time in another zone ("07:50 GMT, Friday, 5 March 2021 08:50 UK"). After a label ("Last
# updated at 04:27 GMT") the time alone is one; without a label a time needs its date, since a
# sentence may open with one ("14:00 GMT Tuesday is the deadline").
_ECHO = rf"(?:{_SP}{_TIME}{_SP}(?:UK|{_ZONE})\b)?"
_DATE_FIRST = rf"(?:{_WEEKDAY},?{_SP})?{_DATE},?{_OPT_SP}(?:[-–]{_OPT_SP})?(?:at{_SP})?{_ZONED}"
_STAMP = rf"(?:{_DATE_FIRST}|{_ZONED},?{_SP}(?:{_WEEKDAY},?{_SP})?{_DATE}){_ECHO}"
_LABELLED_STAMP = rf"(?:{_DATE_FIRST}|{_ZONED}(?:,?{_SP}(?:{_WEEKDAY},?{_SP})?{_DATE})?){_ECHO}"
_NAME = r"[A-Z][\w'’.-]*(?:[^\S\n]+[A-Z][\w'’.-]*){0,3}"
# What a sentence may open with, after a colon or a dash that ends the stamp: a capital, a figure,
# or a quotation mark before one.
_SENTENCE_AHEAD = rf"(?:{_OPT_SP}[:–—-])?(?={_SP}[\"“‘'(]?[A-Z0-9])"
# At a line's start: a stamp ("05 March 21 17:03 GMT"), or a blog post's ("Name | 10:35 UK
# time, Friday, 5 March 2021"), or a labelled one ("Published: ...").
_LINE_STAMP = (
    rf"(?:{_NAME}{_OPT_SP}\|{_OPT_SP})?"
    rf"(?:(?i:(?:page{_SP})?(?:last{_SP})?(?:updated|published|posted))(?:{_SP}(?:at|on))?{_OPT_SP}:?{_OPT_SP})?"
    rf"{_STAMP}"
)
# "Last updated at ..." is furniture wherever it stands, even after a title run into it ("Envoy
# briefs council 5 March 2021 Last updated at 14:51 GMT Help The envoy ..."); "Help" is the link the
# page sets beside its stamp.
_UPDATED_STAMP = (
    rf"(?:{_DATE}{_SP})?(?i:(?:page{_SP})?last{_SP}updated)(?:{_SP}at|{_OPT_SP}:){_OPT_SP}{_LABELLED_STAMP}"
    rf"(?:{_SP}Help\b)?"
)
LINE_STAMP = re.compile(rf"{_LINE_STAMP}{_SENTENCE_AHEAD}")
UPDATED_STAMP = re.compile(rf"(?<![\w,]){_UPDATED_STAMP}{_SENTENCE_AHEAD}")
WHOLE_STAMP = re.compile(rf"[^\S\n]*(?:{_LINE_STAMP}|{_UPDATED_STAMP})(?:{_OPT_SP}[:–—-])?\s*")
# Where a sentence may start: a line's start, or after a sentence's final mark.
_STARTS = re.compile(r"(?:^|\n|[.!?][\"”’')\]]*[^\S\n])[^\S\n]*")

# -- bylines -------------------------------------------------------------------------------------

# A journalist's role, the word that ends "BBC Diplomatic Correspondent", "Business reporter".
JOURNALIST_ROLES = frozenset({
    "correspondent", "reporter", "editor", "analyst", "presenter", "producer", "writer", "columnist",
    "journalist", "contributor", "commentator", "fellow", "blogger", "reporters", "correspondents",
})
NEWS_OUTLET_END = "news"  # "BBC News", "Sky News", "BBC World News"
# Words that open sentences and are no part of a name (fine-grained tags): "The", "Some", "There".
OPENER_TAGS = frozenset({"DT", "PDT", "PRP", "PRP$", "EX", "WP", "WP$", "WRB", "WDT", "MD", "IN", "CC"})
PROPER_TAGS = frozenset({"NNP", "NNPS"})
# Lower-case words a byline's place may hold: "BBC News, northern Eastland".
COMPASS = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "north-east", "north-west", "south-east", "south-west", "northeast", "northwest", "southeast", "southwest",
})
NOT_NAMES = frozenset(w.lower() for w in (*MONTH_NAMES, *MONTH_ABBREVIATIONS, *WEEKDAY_NAMES, "Sept"))
MAX_BYLINE = 16  # tokens after "By": a longer run of capitals is a title, not a byline
ROLE_REACH = 3  # a lower-case word belongs to a role when a role word follows within this many


class Token(Protocol):
    """What `byline_end` reads of a token (spaCy's Token has it)."""

    text: str
    tag_: str
    whitespace_: str

    @property
    def is_space(self) -> bool: ...


# A live page's entry opens with its time, four figures ("1616 UN Secretary General Ban Ki-moon
# says ..."). Four figures also open a year's line in a chronology ("2003 US troops invade Iraq"),
# so they are entry times only on a page with `MIN_ENTRIES` of them, every one a time of day and
# one at least before noon, which no year of the news is.
ENTRY_TIME = re.compile(r"(?P<hh>[0-2]\d)(?P<mm>[0-5]\d)(?=:?[^\S\n]+[\"“‘']?[A-Z])")
MIN_ENTRIES = 3


def entry_times(text: str) -> list[tuple[int, int]]:
    """The (start, end) characters of each live entry's time that a sentence follows, in order;
    [] unless the page is a live page by the rule above."""
    found = [m for m in (ENTRY_TIME.match(text, at) for at in sentence_starts(text)) if m]
    if len(found) < MIN_ENTRIES or any(int(m["hh"]) > 23 for m in found) or all(int(m["hh"]) >= 12 for m in found):
        return []
    return [(m.start(), m.end() + (1 if text[m.end() : m.end() + 1] == ":" else 0)) for m in found]


def stamps(text: str) -> list[tuple[int, int]]:
    """The (start, end) characters of each stamp that a sentence follows, in order, never
    overlapping: page stamps, and a live page's entry times (`entry_times`)."""
    found: list[tuple[int, int]] = []
    for m in UPDATED_STAMP.finditer(text):
        found.append((m.start(), m.end()))
    for at in sentence_starts(text):
        m = LINE_STAMP.match(text, at)
        if m and not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in found):
            found.append((m.start(), m.end()))
    for start, end in entry_times(text):
        if not any(a <= start < b or start <= a < end for a, b in found):
            found.append((start, end))
    return sorted(found)


def is_stamp(text: str) -> bool:
    """Whether the text is a stamp and nothing else: what `stamps` splits off a sentence."""
    return WHOLE_STAMP.fullmatch(text) is not None


_DATE_IN_STAMP = re.compile(_DATE)


def stamp_date(text: str) -> str | None:
    """The date a stamp writes, as a date expression with its year in full ("5 March 2021" of
    "05 March 21 17:03 GMT"), or None when the text is no stamp or names no date."""
    if not is_stamp(text):
        return None
    found = _DATE_IN_STAMP.search(text)
    if found is None:
        return None
    written = found.group(0)
    short = re.search(r"(?<![\d])(\d{2})$", written)
    if short and not re.search(r"\d{4}$", written):
        written = written[: short.start()] + "20" + short.group(1)  # a stamp's two-digit year is this century's
    return written


def sentence_starts(text: str) -> Iterator[int]:
    """Characters where a sentence may start: a line's first, or the first after a final mark."""
    seen = -1
    for m in _STARTS.finditer(text):
        if m.end() < len(text) and m.end() != seen:
            seen = m.end()
            yield m.end()


def byline_end(tokens: Sequence[Token], start: int) -> int | None:
    """The index of the token after the byline opening at `tokens[start]` ("By"), or None.

    A byline is "By", a name, and perhaps a role, an outlet and a place: capitalised words, role
    words and the lower-case words of a role ("business correspondent"), commas, "and", "of",
    "in". It ends at the first place where a sentence plainly starts: after a role word or "News"
    before a capital; after a proper noun before a word that opens sentences ("The"); after a
    place set off by a comma, once a role or an outlet was named, before a capitalised word that
    is no proper noun ("London Welsh supporters"). A role word followed by an outlet's name
    ("reporter BBC News") ends it after the outlet. No such place: None.
    """
    if tokens[start].text != "By" or start + 2 >= len(tokens):
        return None
    first = tokens[start + 1]
    if not _capitalised(first.text) or first.tag_ not in PROPER_TAGS or first.text.lower() in NOT_NAMES:
        return None
    anchored = False  # a role or an outlet has been named
    after_comma = False  # the current run of proper nouns follows a comma: a place
    last = min(len(tokens), start + 1 + MAX_BYLINE)
    for k in range(start + 1, last):
        tok = tokens[k]
        if not _in_byline(tokens, k):
            break
        word = tok.text.lower()
        if tok.text == ",":
            after_comma = True
            continue
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if nxt is not None and not nxt.is_space and k >= start + 2 and _opens(nxt.text):
            role = word in JOURNALIST_ROLES or (word == NEWS_OUTLET_END and _capitalised(tok.text))
            proper = tok.tag_ in PROPER_TAGS and _capitalised(tok.text)
            if (role and not _outlet_ahead(tokens, k + 1)) or (proper and nxt.tag_ in OPENER_TAGS) or (
                proper and anchored and after_comma and nxt.tag_ not in PROPER_TAGS
            ):
                return k + 1
        if word in JOURNALIST_ROLES or (word == NEWS_OUTLET_END and _capitalised(tok.text)):
            anchored = True
    return None


def _outlet_ahead(tokens: Sequence[Token], k: int) -> bool:
    """Whether a news outlet's name starts at token k: proper nouns up to "News" ("BBC World News")."""
    for tok in tokens[k : k + 4]:
        if tok.text.lower() == NEWS_OUTLET_END and _capitalised(tok.text):
            return True
        if tok.tag_ not in PROPER_TAGS:
            return False
    return False


def _in_byline(tokens: Sequence[Token], k: int) -> bool:
    """Whether token k can be part of a byline's name, role, outlet or place."""
    tok = tokens[k]
    if tok.is_space or not tok.text:
        return False
    text = tok.text
    if text == "," or (text in "-'’" and k > 0 and not tokens[k - 1].whitespace_):
        return True
    word = text.lower()
    if word in {"and", "of", "in"} or word in COMPASS or word in JOURNALIST_ROLES:
        return True
    if _capitalised(text) and text[:1].isalpha() and not any(ch.isdigit() for ch in text):
        return True
    if text.isalpha() and text.islower():  # "business" of "business correspondent"
        ahead = tokens[k + 1 : k + 1 + ROLE_REACH]
        return any(t.text.lower() in JOURNALIST_ROLES for t in ahead)
    return False


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


def _opens(text: str) -> bool:
    """Whether a token can open a sentence: a capital, a figure, or an opening quotation mark."""
    return text[:1].isupper() or text[:1].isdigit() or text in {'"', "“", "‘", "'"}


# -- headings and captions run into the lead -----------------------------------------------------

# Words that open sentences and, written with a capital inside a line, start one (fine-grained
# tags): "The", "A", "Some" (determiners), "As", "With", "By" (prepositions), "How", "What",
# "There", "It", "His".
LEAD_OPENER_TAGS = frozenset({"DT", "PDT", "IN", "WRB", "WP", "EX", "PRP", "PRP$"})
# Words of quantity that open a lead the same way: "Many feared ...", "Thousands have fled ...".
QUANTITY_OPENERS = frozenset({
    "Many", "Several", "Most", "More", "Few", "Thousands", "Hundreds", "Dozens", "Scores", "Millions", "Tens",
})
DETERMINER_TAGS = frozenset({"DT", "PDT"})
# A word before the cut that needs the words after it: "of", "the", "and", "his", "'s", "will", "who".
NEEDS_MORE_TAGS = frozenset({"DT", "PDT", "IN", "TO", "CC", "PRP$", "POS", "MD", "WDT", "WP", "WP$", "EX", "HYPH"})
# A verb or a relative pronoun shortly before "The" + a capitalised word: a title may be its object
# ("the plan The Herald reported", "who runs the blog The Daily Word").
REACHING_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "WP", "WDT"})
VERB_REACH = 3  # tokens before the cut searched for such a verb
# Verbs whose object may be a title however far it stands ("told reporters in the capital The
# Herald ..."): after one of them, with no verb since, "The" + a capitalised word is no cut.
TITLE_OBJECT_VERBS = frozenset({
    *SAYS, "say", "tell", "tells", "write", "writes", "report", "reports", "reported", "call", "calls", "called",
    "name", "names", "named", "read", "reads", "quote", "quotes", "quoted", "cite", "cites", "cited",
})
MIN_HEAD_WORDS = 3  # a heading or caption shorter than this is no heading to cut off
MIN_LEAD_WORDS = 6  # nor is a lead shorter than this a sentence to cut one from
MAX_GLUED_TOKENS = 200  # a longer run without a final mark is a list or a page's debris, left as it is
CLOSING_QUOTES = frozenset({'"', "”", "’", "'"})
SENTENCE_MARKS = frozenset(".!?…")


def lead_starts(tokens: Sequence[Token], start: int) -> list[int]:
    """The indices of the tokens where the parts of a heading, caption or byline run into the
    sentence at `tokens[start]` end, in order; the last is where its lead starts. [] when none.

    Only before the sentence's first final mark outside quotation marks, and only in a line:
    every part before the lead has no final mark of its own (it is a heading or a caption, never a
    story sentence) and balanced quotation marks and brackets, and the lead runs on to a final
    mark. A cut at "By" that opens a byline ("... family By Name Surname BBC News, Town Only ...")
    ends the byline too, where `byline_end` finds its end.
    """
    end = _first_final_mark(tokens, start)
    if end is None or end - start > MAX_GLUED_TOKENS:
        return []
    cuts: list[int] = []
    last = start
    k = start + 1
    while k < end:
        if _lead_opens(tokens, k) and _words(tokens, last, k) >= MIN_HEAD_WORDS and _heading_like(tokens, last, k):
            cuts.append(k)
            last = k
            after = byline_end(tokens, k) if tokens[k].text == "By" else None
            if after is not None and after < end:
                cuts.append(after)
                last = k = after
        k += 1
    while cuts and _words(tokens, cuts[-1], end) < MIN_LEAD_WORDS:
        cuts.pop()  # the lead too short to stand: the last part stays with it
    return cuts


def _first_final_mark(tokens: Sequence[Token], start: int) -> int | None:
    """The index of the first final mark outside quotation marks from `start`, within the line."""
    straight = curly = 0
    for k in range(start, len(tokens)):
        tok = tokens[k]
        if tok.is_space and "\n" in tok.text:
            return None
        if tok.text == '"':
            straight ^= 1
        elif tok.text == "“":
            curly += 1
        elif tok.text == "”":
            curly = max(curly - 1, 0)
        elif tok.text and set(tok.text) <= SENTENCE_MARKS and not straight and not curly:
            return k
    return None


def _lead_opens(tokens: Sequence[Token], k: int) -> bool:
    """Whether a sentence plainly starts at token k, inside a line."""
    if k < 2 or k + 1 >= len(tokens):
        return False
    tok, prev, nxt = tokens[k], tokens[k - 1], tokens[k + 1]
    text = tok.text
    if prev.is_space or not prev.whitespace_ or nxt.is_space or text == "I" or not _capitalised(text):
        return False
    closing = prev.text in CLOSING_QUOTES and not tokens[k - 2].whitespace_  # 'solution' A boom
    if closing and _quoted_caption(tokens, k - 1):
        return True  # Name: "We will stay" | Officials said ...: any capitalised word
    if len(text) > 1 and text.isupper():  # "THE", "US": capitals, not an opener
        return False
    if tok.tag_ not in LEAD_OPENER_TAGS and text not in QUANTITY_OPENERS:
        return False
    lower = prev.text.isalpha() and prev.text[:1].islower()
    proper = prev.tag_ in PROPER_TAGS and _capitalised(prev.text)
    figure = prev.tag_ == "CD"
    if not (closing or ((lower or proper or figure) and prev.tag_ not in NEEDS_MORE_TAGS)):
        return False
    if proper and tok.tag_ == "IN" and text != "By" and _capitalised(nxt.text) and not prev.text.isupper():
        return False  # a name in title case: "Hope For Tomorrow", "Made In Chelsea"
    if tok.tag_ in DETERMINER_TAGS and _capitalised(nxt.text):  # "The Herald", "The Island Race": a title?
        if lower and any(t.tag_ in REACHING_TAGS for t in tokens[max(k - VERB_REACH, 0) : k]):
            return False
        verbs = [t for t in tokens[:k] if t.tag_ in REACHING_TAGS]
        if verbs and verbs[-1].text.lower() in TITLE_OBJECT_VERBS:
            return False
        before = tokens[k - 2]
        if proper and before.tag_ in PROPER_TAGS and _capitalised(before.text) and before.whitespace_:
            return False  # inside a run of capitalised words: "Round The Island Race"
    return True


def _quoted_caption(tokens: Sequence[Token], close: int) -> bool:
    """Whether the double quotation closed at token `close` opens right after a colon and holds no
    final mark at its end: a caption quoting someone ("Name: "We will stay"")."""
    if tokens[close].text not in {'"', "”"} or tokens[close - 1].text[-1:] in SENTENCE_MARKS | {","}:
        return False
    for j in range(close - 1, 0, -1):
        if tokens[j].text in {'"', "“"}:
            return tokens[j - 1].text == ":"
    return False


def _heading_like(tokens: Sequence[Token], a: int, b: int) -> bool:
    """Whether tokens a..b can be a heading or a caption: no final mark at its end, quotation
    marks and brackets balanced."""
    texts = [t.text for t in tokens[a:b]]
    if texts.count('"') % 2 or texts.count("“") != texts.count("”") or texts.count("(") != texts.count(")"):
        return False
    body = "".join(t.text + t.whitespace_ for t in tokens[a:b]).rstrip(CLOSERS)
    return bool(body) and body[-1] not in SENTENCE_MARKS


def _words(tokens: Sequence[Token], a: int, b: int) -> int:
    return sum(1 for t in tokens[a:b] if any(ch.isalnum() for ch in t.text))
