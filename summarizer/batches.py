"""Analyse a batch of articles with spaCy: plain `Analysis` data out, one rejection per bad article."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from summarizer.analysis import Analysis, analyse_doc
from summarizer.sources import RawArticle, Rejected

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

Analysed = list[Analysis | Rejected]


def analyse_batch(nlp: Language, raws: Sequence[RawArticle], seconds: dict[str, float]) -> Analysed:
    """Parse the batch with nlp.pipe; an article that breaks the pipeline is rejected alone.

    `seconds` accumulates "spacy", "analysis" (sentences, entities, titles) and "dates".
    """
    started = time.perf_counter()
    try:
        docs = list(nlp.pipe([r.text for r in raws]))
    except Exception:  # noqa: BLE001 - isolate the culprit below
        log.warning("batch parse failed; parsing one by one", exc_info=True)
        docs = [_parse_one(nlp, r) for r in raws]
    seconds["spacy"] = seconds.get("spacy", 0.0) + time.perf_counter() - started
    out: Analysed = []
    for raw, doc in zip(raws, docs, strict=True):
        if isinstance(doc, Rejected):
            out.append(doc)
            continue
        started = time.perf_counter()
        dates_before = seconds.get("dates", 0.0)
        try:
            analysis = analyse_doc(doc, raw.published, seconds)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the run
            log.debug("analysis failed for %s", raw.origin, exc_info=True)
            out.append(Rejected(raw.origin, f"analysis failed: {exc}"))
        else:
            out.append(analysis if analysis.sentences else Rejected(raw.origin, "no sentences found"))
        # "analysis" is sentences, entities and titles; event dates are counted apart.
        spent = time.perf_counter() - started - (seconds.get("dates", 0.0) - dates_before)
        seconds["analysis"] = seconds.get("analysis", 0.0) + spent
    return out


def _parse_one(nlp: Language, raw: RawArticle):
    try:
        return nlp(raw.text)
    except Exception as exc:  # noqa: BLE001
        return Rejected(raw.origin, f"could not parse: {exc}")
