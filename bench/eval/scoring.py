"""Scores: tilse's Date-F1 and alignment-based ROUGE (AR1-F, AR2-F), and date briefings' fact coverage.

tilse (the `eval` extra) is imported inside `score_timeline` only, so the rest of this module
and its tests need nothing beyond the runtime dependencies.

ROUGE is tilse's own reimplementation (`rouge_computation="reimpl"`: Porter stems, ROUGE's stop
words, no Perl), which its docs call an approximation of the Perl ROUGE-1.5.5 behind the
published figures. tilse splits sentences on whitespace, so predicted and gold sentences are
both tokenised here the same way first: lowercase word tokens, punctuation dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from spacy.lang.en.stop_words import STOP_WORDS

from bench.eval.gold import Timeline
from summarizer.scoring import STOPWORDS, fold_words
from summarizer.vocabulary import SAYS

WORD = re.compile(r"[^\W_]+")
# A fact is covered when at least this share of its content words appear in the briefing.
COVERED = 0.5


def tokenise(text: str) -> str:
    """Lowercase word tokens joined by spaces: "Jackson's 1.45m" -> "jackson s 1 45m"."""
    return " ".join(WORD.findall(text.lower()))


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F of the dates and of alignment-based ROUGE-1 and -2 (many-to-one)."""

    date_p: float = 0.0
    date_r: float = 0.0
    date_f: float = 0.0
    r1_p: float = 0.0
    r1_r: float = 0.0
    r1_f: float = 0.0
    r2_p: float = 0.0
    r2_r: float = 0.0
    r2_f: float = 0.0


def score_timeline(predicted: Timeline, gold: Timeline) -> Scores:
    """Date P/R/F (tilse.evaluation.dates) and AR1/AR2 (align_date_content_costs_many_to_one) of one timeline."""
    from tilse.data.timelines import GroundTruth
    from tilse.data.timelines import Timeline as TilseTimeline
    from tilse.evaluation import dates as tilse_dates
    from tilse.evaluation import rouge

    predicted = [(d, [t for t in map(tokenise, sents) if t]) for d, sents in predicted]
    predicted = [(d, sents) for d, sents in predicted if sents]
    if not predicted:
        return Scores()  # tilse divides by the number of predicted dates
    pred = TilseTimeline({d: sents for d, sents in predicted})
    truth = GroundTruth([TilseTimeline({d: [t for t in map(tokenise, sents) if t] for d, sents in gold})])
    evaluator = rouge.TimelineRougeEvaluator(measures={"rouge_1", "rouge_2"}, rouge_computation="reimpl")
    ar = evaluator.evaluate_align_date_content_costs_many_to_one(pred, truth)
    dates = tilse_dates.evaluate_dates(pred, truth)
    return Scores(
        dates["precision"], dates["recall"], dates["f_score"],
        ar["rouge_1"]["precision"], ar["rouge_1"]["recall"], ar["rouge_1"]["f_score"],
        ar["rouge_2"]["precision"], ar["rouge_2"]["recall"], ar["rouge_2"]["f_score"],
    )  # fmt: skip


def mean_scores(scores: Sequence[Scores]) -> Scores:
    """The mean over timelines as news-tls reports it: mean precision and recall, F of those means."""
    if not scores:
        return Scores()
    mean = {f.name: sum(getattr(s, f.name) for s in scores) / len(scores) for f in fields(Scores)}
    for part in ("date", "r1", "r2"):
        p, r = mean[f"{part}_p"], mean[f"{part}_r"]
        mean[f"{part}_f"] = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(**mean)


# -- fact coverage of date briefings ------------------------------------------------------------

# The project's STOPWORDS are made for short queries; prose needs spaCy's full English list too,
# and the plain reporting verbs ("said", "told"), which say who spoke, not what happened.
FACT_STOPWORDS = frozenset(STOP_WORDS) | STOPWORDS | frozenset(SAYS)


def content_words(text: str) -> set[str]:
    """Lowercase words of two characters or more, less stop words, folded as summarizer.scoring
    folds them ("cases" -> "case"): the words a fact is checked by."""
    words = (w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 1 and w not in FACT_STOPWORDS)
    return set(fold_words(" ".join(words)))


def is_covered(fact: str, words: set[str], share: float = COVERED) -> bool | None:
    """Whether at least `share` of the fact's content words are in `words`; None for a fact without any."""
    needed = content_words(fact)
    if not needed:
        return None
    return len(needed & words) >= share * len(needed)


def coverage(facts: Iterable[str], briefing: Iterable[str]) -> float | None:
    """The share of the facts (the gold sentences of one date) that the briefing's texts cover."""
    words = set().union(*(content_words(t) for t in briefing))
    verdicts = [v for v in (is_covered(f, words) for f in facts) if v is not None]
    return sum(verdicts) / len(verdicts) if verdicts else None
