"""Which stored sentences are the story: headings, captions, bylines, credits, datelines, links,
page furniture and readers' comments are recognised by their form alone, once, at ingestion.

Every cue is structural or a word of page layout ("photo by", "read more", "updated"), never a
word of any story: a sentence that ends without a full stop, a line of title-case words, a
credit "Name/Agency", a time stamp, a line that addresses the reader. A sentence repeated word
for word across many otherwise different articles of one outlet is that outlet's boilerplate
(`repeated_boilerplate`, judged over the store, after ingestion and on rescore). Readers'
comments are judged per article (`comment_kinds`): a comment's header ("Added: <date and time>",
"At <time>, someone wrote:") or its sign-off ("Name, Town, Country" before the next reader's words)
marks the comments of a page, which run on to its end; a post a live page quotes from a reader or
social media ("Name, Town, e-mails: ...", "Name tweets: ...") is a comment too, header and post.

Pure functions over plain text; the kinds are stored per sentence and briefings, timelines
and digests read only the "story" ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from summarizer.page_prefixes import is_stamp
from summarizer.vocabulary import CLOSERS, MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAY_NAMES, alternation

STORY = "story"
COMMENT = "comment"
KINDS = (STORY, "heading", "caption", "byline", "credit", "dateline", "link", "boilerplate", COMMENT)

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
    r"|house rules|not available in your (?:territory|country|region)|newsletter|all rights reserved|copyright ©?"
    # a live page or a programme speaking of itself
    r"|running order is subject to change|unable to offer transcripts|discontinuing this (?:live )?(?:update )?page"
    r"|(?:we will|we'll|we are|we're) (?:be )?updating this page|keep refreshing this page"
    r"|for the latest (?:developments|news|updates),? (?:please )?(?:go|see|visit|head) to)\b",
    re.IGNORECASE,
)
# A page introducing itself or what follows: "The following is a timeline of key events ...",
# "Here is a summary of what we know so far ...", "This article lists ...".
PAGE_TALK = re.compile(
    r"^(?:the following|below) (?:is|are)\b"
    r"|^here (?:is|are) (?:a|an|some|our) (?:selection|summary|look|list|timeline|chronology|guide|round-?up)\b"
    r"|\bthis (?:article|page|timeline|chronology|guide|blog|feature) (?:lists|charts|looks at|explains|sets out|tracks|outlines)\b",
    re.IGNORECASE,
)
# "Please" outside quotation marks: the page (or a reader) asking the reader something ("From
# Monday please welcome our new blog hostess"); "as they please" asks nothing.
PLEASE = re.compile(r"(?<!\bas they )(?<!\bas you )(?<!\bas we )(?<!\bas he )(?<!\bas she )\bplease\b", re.IGNORECASE)
# The header of a reader's comment, wherever the sentence splitting left it: "At 21:58 5th Mar
# 2021, someone wrote: ...", "... Added: Friday, 5 March, 2021, 18:32 GMT ...". The second
# needs a whole stamp, a date and a time, after its label: "He added: ..." is a quotation.
_TIME = r"\d{1,2}[:.]\d{2}"
_WEEKDAY = alternation([d.lower() for d in WEEKDAY_NAMES])
_MONTH = alternation([m.lower() for m in MONTH_NAMES] + [m.lower() for m in MONTH_ABBREVIATIONS])
WROTE_HEADER = re.compile(
    rf"(?:^|(?<=[\s.!?\"”]))At {_TIME}\b[^:]{{0,40}}?\b(?:19|20)\d\d,\s+[^\s:,]+(?:\s+[^\s:,]+){{0,3}}\s+wrote\s*:"
)
STAMP_HEADER = re.compile(
    rf"\b(?:added|posted|submitted)\s*:\s*(?:(?:{_WEEKDAY})\s*,?\s*)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\b\.?,?"
    rf"\s+\d{{4}}\s*,?\s*(?:at\s+)?{_TIME}",
    re.IGNORECASE,
)
# A reader's sign-off, "Name Surname, Town, Country": a whole sentence, or run into the next
# reader's words when those start in the first person ("..., Lyon, France We will be ...").
_CAP = r"[A-Z][\w'’.-]*"
_NAME = rf"{_CAP}(?:\s+(?:{_CAP}|and|de|da|del|la|van|von|bin))*"
_PLACE = rf"{_CAP}(?:\s+(?:{_CAP}|of|de|del|la))*"
FIRST_PERSON_START = r"(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|We|We're|We’re|We've|We’ve|My|Our)\b"
SIGN_OFF = re.compile(rf"^(?P<sig>{_NAME},\s+{_PLACE}(?:,\s+{_PLACE}){{0,3}})(?:\s*\.?\s*$|\s+(?={FIRST_PERSON_START}))")
SIGN_OFF_WORDS = 12  # a longer run of capitalised words is a list or a heading, not a signature
# A live page's title run into its standfirst ("As it happened: ... Live coverage following ...")
# and the page speaking of itself ("Welcome to our live coverage of ...").
# What follows the label is a title and a line saying what the page is; longer, the line reports
# what happened ("... in which thousands are feared dead") and the sentence stays.
PAGE_TITLE_WORDS = 2 * HEADING_WORDS
PAGE_LABEL = re.compile(r"^(?:as it happened|live(?:\s+(?:coverage|updates?|text|blog|reporting))?)\s*:", re.IGNORECASE)
LIVE_NOTICE = re.compile(
    r"^(?:welcome to\s+)?(?:our|this)\s+(?:\w+\s+){0,2}live (?:coverage|page|text|updates|blog)\b", re.IGNORECASE
)


# A post a live page quotes from a reader or from social media: "1135 Name, Town, Country,
# e-mails: ...", "jwilson3 tweets: ...", "Name, Place, texts: ...". The channel's verb in the
# present tense and a colon, after at most a live page's time and a few words naming who, at the
# sentence's start: a header run on after the page's own words leaves that sentence the page's.
# "tweeted:" in a report is an actor's statement and stays; "texts" needs a capitalised word
# before it, as a name or a place has ("The draft texts: ..." is a noun).
POST_HEADER = re.compile(
    r"^(?:\d{4}:?\s+)?(?:(?!\s\d{4}:?\s)[^.!?:\"“”]){0,100}?"  # who: no other entry's time inside
    r"(?:\S\s+(?:e-?mails|tweets)|\b[A-Z][\w'’.-]*,?\s+texts)\s*:\s*\S"
)
POST_SENTENCES = 6  # sentences a post may run on after its header's
LIVE_ENTRY = re.compile(r"^\d{4}:?(?:\s|$)")  # a live page's next entry starts with its time: "1135 ...", or is it, split off
NEXT_ENTRY = re.compile(r"[.!?\"”]\s+\d{4}:?\s+[A-Z]")  # ... or follows the end of the last, unsplit


@dataclass(frozen=True)
class CommentTuning:
    # Sign-offs a page needs before it is a page of readers' accounts: one or two "Name, Place"
    # lines are as often a correspondent's byline or a quoted witness.
    min_sign_offs: int = 3
    # Headers a page needs before everything after the first is comments; a lone header is one comment line.
    min_headers: int = 2
    # Sentences at a page's top searched for a line saying that readers' accounts follow.
    intro_sentences: int = 6


# A page introducing its readers' accounts: "Readers ... have been sending their accounts",
# "The following people have been sending us their diaries", "Here are some of their stories",
# "We asked readers to submit their ideas", "Have your say". Said of readers, viewers or "you", never of
# residents or witnesses, whose words a report quotes.
ACCOUNTS_INTRO = re.compile(
    r"\b(?:readers|viewers|listeners|you)\b.{0,80}?\b(?:have been|are|were)\s+"
    r"(?:describing|sending|sharing|talking|telling|writing|emailing|submitting)\b"
    r"|\b(?:have been|are)\s+sending us\b"
    r"|\basked (?:readers|viewers|listeners|you)\b.{0,40}?\bto (?:send|submit|share|tell|describe)\b"
    r"|^here are some of (?:their|your|the) (?:stories|accounts|experiences|comments|views|emails|messages)\b"
    # a page asking for its readers' views: "Have your say", "What are your thoughts on ...?"
    r"|\bhave your say\b|\bwhat are your (?:thoughts|views)\b|\btell us what you think\b",
    re.IGNORECASE,
)
READER = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)
# Quotations, double or single curly ("...", “...”, ‘...’): a source's words, not the page's.
QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]|‘[^‘’]*’")
# The first person: the page or a reader speaking. Case matters: "US" is a country, "us" a
# speaker; a capital starts a sentence ("We ...", "My ...", "Our ..."). "Mine" is left out:
# it is as often the pit.
FIRST_PERSON = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Ww]e|us|[Oo]ur|ours)\b")


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
    if DATELINE.match(body) or is_stamp(body):  # is_stamp: "Name | 10:35 UK time, Friday, 5 March 2021"
        return "dateline"
    if comment_header(stripped):
        return COMMENT
    label = PAGE_LABEL.match(stripped)
    if label and len(stripped[label.end():].split()) <= PAGE_TITLE_WORDS:
        return "heading"
    if FURNITURE.search(stripped) or LIVE_NOTICE.match(stripped) or PAGE_TALK.search(stripped) or _asks_reader(stripped):
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


def _asks_reader(text: str) -> bool:
    """Whether the sentence says "please" to the reader, outside any quotation."""
    return _unquoted(PLEASE, text)


def addresses_reader(text: str) -> bool:
    """Whether the sentence speaks to the reader ("Are you in ...?"), outside any quotation."""
    return _unquoted(READER, text)


def _unquoted(pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` occurs outside quotation marks in a sentence that does not open with one."""
    return not text.lstrip()[:1] in "\"“‘'" and bool(pattern.search(QUOTED.sub(" ", text)))


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
    return comment_kinds(sentences, kinds)


# -- readers' comments -------------------------------------------------------------------------


def comment_header(text: str) -> bool:
    """Whether the sentence holds a comment's header ("At 21:58 5th Mar 2021, someone wrote:")."""
    return bool(WROTE_HEADER.search(text) or STAMP_HEADER.search(text))


def signs_off(text: str) -> bool:
    """Whether the sentence is, or starts with, a reader's sign-off ("Name Surname, Town, Country")."""
    found = SIGN_OFF.match(" ".join(text.split()))
    if not found:
        return False
    sig = found.group("sig")
    # Capitals alone are a heading ("NAME, ROLE"); a signature is written as names are.
    return len(sig.split()) <= SIGN_OFF_WORDS and any(ch.islower() for ch in sig)


def comment_kinds(sentences: Sequence[str], kinds: Sequence[str], tuning: CommentTuning = CommentTuning()) -> list[str]:
    """The kinds with an article's readers' comments marked: the story sentences of its comments become "comment".

    Comments sit below what the page reports and run on to its end. A page with `min_headers`
    comment headers has its comments from the first header on; a page with `min_sign_offs`
    sign-offs is a page of readers' accounts, from the first statement in the first person (what
    comes before it is the page's own introduction, which may ask its readers "How can we ...?").
    So is a page whose top says that readers' accounts follow (`accounts_intro`): that line is
    the page's boilerplate, and the accounts start at the first statement in the first person.
    """
    out = list(kinds)
    headers = [i for i, s in enumerate(sentences) if comment_header(" ".join(s.split()))]
    intros = [i for i, s in enumerate(sentences[: tuning.intro_sentences]) if accounts_intro(s)]
    for i in intros:  # the page speaking of itself
        out[i] = "boilerplate" if out[i] == STORY else out[i]
    start = None
    if len(headers) >= tuning.min_headers:
        start = headers[0]
    elif intros or sum(signs_off(s) for s in sentences) >= tuning.min_sign_offs:
        after = intros[0] + 1 if intros else 0
        start = next((i for i in range(after, len(sentences)) if _first_person_statement(sentences[i])), None)
    for i in headers:
        out[i] = COMMENT if out[i] == STORY else out[i]
    if start is not None:
        out[start:] = [COMMENT if k == STORY else k for k in out[start:]]
    for i in post_sentences(sentences):
        out[i] = COMMENT if out[i] == STORY else out[i]
    return out


def post_sentences(sentences: Sequence[str]) -> list[int]:
    """The sentences of the posts a page quotes from readers or social media (`POST_HEADER`):
    each header's sentence, and the post's next sentences while a quotation it opened is still
    open or, unquoted, while they speak in the first person; at most `POST_SENTENCES` of them,
    and never into the next live entry ("1140 ..."), even where it is run on after the post's end."""
    marked: list[int] = []
    for i, text in enumerate(sentences):
        text = " ".join(text.split())
        found = POST_HEADER.match(text)
        if not found:
            continue
        marked.append(i)
        words = text[found.end() - 1 :]
        quoted = words[:1] in "\"“"
        open_quote = quoted and not QUOTED.match(words)
        for j in range(i + 1, min(i + 1 + POST_SENTENCES, len(sentences))):
            nxt = " ".join(sentences[j].split())
            if LIVE_ENTRY.match(nxt) or POST_HEADER.match(nxt) or not (open_quote or (not quoted and first_person(nxt))):
                break
            if NEXT_ENTRY.search(nxt):  # the post's end run into the page's next entry: the page's
                break
            marked.append(j)
            if open_quote and any(q in nxt for q in "\"”"):
                break
    return marked


def accounts_intro(text: str) -> bool:
    """Whether the sentence introduces readers' accounts ("Readers have been describing ...")."""
    return bool(ACCOUNTS_INTRO.search(" ".join(text.split())))


def first_person(text: str) -> bool:
    """Whether the sentence speaks in the first person outside quotation marks ("Last night we
    could smell ..."), as a reader or a blog does and a report of the news does not."""
    return bool(FIRST_PERSON.search(QUOTED.sub(" ", text)))


def _first_person_statement(text: str) -> bool:
    """Whether the sentence says something in the first person and is no question."""
    body = " ".join(text.split()).rstrip(CLOSERS)
    return not body.endswith("?") and first_person(body)
