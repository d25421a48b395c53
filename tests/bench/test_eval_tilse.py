"""The scorer against tilse itself: a timeline scored against itself is perfect, a shifted one is not.

Marked `eval`: they need the eval extra (tilse), which `make test` does not install, so the default
run deselects them (pyproject addopts) and `make eval` runs them before it measures anything.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from bench.eval.gold import TIMELINE17, load_gold, topics
from bench.eval.scoring import score_timeline

pytestmark = pytest.mark.eval

D = date.fromisoformat
GOLD = [
    (D("2010-04-20"), ["An explosion on the Deepwater Horizon rig kills 11 workers.", "The rig burns for two days."]),
    (D("2010-04-22"), ["The rig sinks, and oil starts leaking from the well."]),
    (D("2010-05-02"), ["President Obama visits the Gulf coast and calls the spill a massive disaster."]),
]


def test_tilse_is_installed_from_the_eval_extra():
    from importlib import metadata

    assert metadata.version("tilse") == "0.2.1"


def test_the_gold_scored_against_itself_is_perfect():
    s = score_timeline(GOLD, GOLD)
    assert (s.date_p, s.date_r, s.date_f) == (1.0, 1.0, 1.0)
    assert s.r1_f == pytest.approx(1.0) and s.r2_f == pytest.approx(1.0)


def test_every_timeline17_gold_scored_against_itself_is_perfect():
    assert TIMELINE17.is_dir(), f"make eval reads Timeline17 from {TIMELINE17}"
    for topic in topics():
        gold = load_gold(topic.gold_path)
        s = score_timeline(gold, gold)
        assert (topic.label, s.date_f, round(s.r1_f, 9), round(s.r2_f, 9)) == (topic.label, 1.0, 1.0, 1.0)


PTB_BRACKETS = re.compile(r"-[LR][RSC]B-")


def test_normal_text_and_the_tokenised_source_score_alike():
    """The gold's normal text (what we score) against its Penn-Treebank-tokenised source: tokenising
    both sides the same way makes the detokenisation invisible to ROUGE (the source's bracket
    tokens, "-LRB-", aside)."""
    for topic in topics():
        entries = json.loads(topic.gold_path.read_text())
        text = load_gold(topic.gold_path)
        source: dict[date, list[str]] = {}  # the same dates, merged as load_gold merges them
        for e in entries:
            source.setdefault(D(e["date"]), []).extend(PTB_BRACKETS.sub(" ", t) for t in e["sentences"])
        s = score_timeline(text, sorted(source.items()))
        assert (s.date_f, round(s.r1_f, 9), round(s.r2_f, 9)) == (1.0, 1.0, 1.0), (topic.label, s)


def test_a_timeline_one_day_off_loses_its_dates_and_half_its_rouge():
    shifted = [(d + timedelta(days=1), sents) for d, sents in GOLD]
    s = score_timeline(shifted, GOLD)
    assert s.date_f == 0.0
    assert s.r1_f == pytest.approx(0.5)  # content matched, weighted by 1 / (1 + days apart)


def test_missing_content_lowers_rouge_but_not_the_dates():
    partial = [(d, sents[:1]) for d, sents in GOLD]
    s = score_timeline(partial, GOLD)
    assert s.date_f == 1.0 and s.r1_p == pytest.approx(1.0) and 0.5 < s.r1_r < 1.0


def test_an_empty_timeline_scores_zero():
    s = score_timeline([], GOLD)
    assert (s.date_f, s.r1_f, s.r2_f) == (0.0, 0.0, 0.0)
    assert score_timeline([(D("2010-04-20"), ["", "..."])], GOLD).date_f == 0.0
