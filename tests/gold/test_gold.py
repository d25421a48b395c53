"""The gold set holds: briefings on the seeds keep their facts, their subject and their length."""

from __future__ import annotations

import pytest

from summarizer.briefings import SHORT, BriefingService
from summarizer.settings import Settings
from tests.gold.evaluate import evaluate, load_gold, table

pytestmark = pytest.mark.slow

# Thresholds, and why:
# - mean fact recall 0.8: a short briefing of six points cannot hold every fact of five
#   articles, but it must hold most of the ones a reader of these seeds would name first;
#   the ranker reaches 1.00 today, so 0.8 leaves room for tuning without letting it rot.
# - per query recall 0.5: no single briefing may lose most of its key facts.
# - on-subject 0.8 per query: at most one point in six may be about something else
#   (a quotation naming the subject only in passing).
# - length: the short budget (6 items, 1,200 characters of item text) is a hard limit.
MEAN_RECALL = 0.8
MIN_RECALL = 0.5
MIN_ON_SUBJECT = 0.8


@pytest.fixture(scope="module")
def scores(real_seeded_store, real_encoder):
    settings = Settings.load().replace(database_url=real_seeded_store.url)
    service = BriefingService(real_seeded_store, real_encoder)
    result = evaluate(service)
    print("\n" + table(result))
    return result


def test_every_query_gets_the_right_kind_of_answer(scores):
    wrong = [(s.query, s.expected, s.kind, s.items) for s in scores if not s.kind_ok]
    assert wrong == []


def test_fact_recall_holds(scores):
    graded = [s for s in scores if s.recall is not None]
    assert sum(s.recall for s in graded) / len(graded) >= MEAN_RECALL
    assert [(s.query, s.recall) for s in graded if s.recall < MIN_RECALL] == []


def test_items_stay_on_subject(scores):
    graded = [s for s in scores if s.on_subject is not None]
    assert [(s.query, s.on_subject) for s in graded if s.on_subject < MIN_ON_SUBJECT] == []


def test_short_briefings_stay_short(scores):
    assert all(s.items <= SHORT.max_items and s.chars <= SHORT.max_chars for s in scores)


def test_the_gold_set_has_none_queries():
    assert sum(1 for case in load_gold() if case["kind"] == "none") >= 3
