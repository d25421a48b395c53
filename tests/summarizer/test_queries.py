"""Query planning: dates first, then actors (exact, near miss), else topics."""

from __future__ import annotations

from datetime import date

import pytest

from summarizer.store.rows import ActorRow
from summarizer.queries import describe_span, plan
from summarizer.dates import DateSpan

XI = ActorRow(1, "Xi Jinping", "person")
PUTIN = ActorRow(2, "Vladimir Putin", "person")
ZELENSKY = ActorRow(3, "Volodymyr Zelensky", "person")
MAO = ActorRow(4, "Mao Ning", "person")
BAKHMUT = ActorRow(5, "Bakhmut", "place")
NAMES = [("xi jinping", XI), ("xi", XI), ("vladimir putin", PUTIN), ("putin", PUTIN), ("volodymyr zelensky", ZELENSKY),
         ("zelensky", ZELENSKY), ("mao ning", MAO), ("bakhmut", BAKHMUT)]
MENTIONS = {1: 60, 2: 30, 3: 31, 4: 2, 5: 10}
TODAY = date(2026, 11, 22)
STORED = [date(2022, 12, 21), date(2023, 3, 14), date(2023, 3, 17), date(2023, 3, 21), date(2023, 3, 29), date(2025, 5, 7), date(2025, 5, 9)]


def run(q: str):
    return plan(q, NAMES, MENTIONS, TODAY, STORED)


@pytest.mark.parametrize("q, actor", [("xi", XI), ("Xi Jinping", XI), ("zelenskyy", ZELENSKY), ("ZELENSKY", ZELENSKY),
                                      ("Zelenskiy", ZELENSKY), ("mao ning", MAO), ("  putin  ", PUTIN)])
def test_actor_keys_resolve(q, actor):
    p = run(q)
    assert (p.kind, p.actor, p.corrected_from) == ("actor", actor, None)


@pytest.mark.parametrize("q, actor", [("zelenksy", ZELENSKY), ("xi jimping", XI), ("vladimr putin", PUTIN)])
def test_near_misses_resolve_and_say_so(q, actor):
    p = run(q)
    assert (p.kind, p.actor, p.corrected_from) == ("actor", actor, q)


def test_doubled_letters_fold_before_any_fuzzy_match():
    assert run("puttin").actor == PUTIN


def test_a_distant_miss_is_a_topic_with_suggestions():
    p = run("pution")
    assert p.kind in {"actor", "topic"}
    far = run("zelen")
    assert far.kind == "topic" and "Volodymyr Zelensky" in far.suggestions


@pytest.mark.parametrize(
    "q, span",
    [
        ("2023-03-17", DateSpan(date(2023, 3, 17), date(2023, 3, 17))),
        ("17 March 2023", DateSpan(date(2023, 3, 17), date(2023, 3, 17))),
        ("March 21", DateSpan(date(2023, 3, 21), date(2023, 3, 21))),  # the latest March 21 the store covers
        ("May 9", DateSpan(date(2025, 5, 9), date(2025, 5, 9))),
        ("May 2025", DateSpan(date(2025, 5, 1), date(2025, 5, 31))),
        ("2023-03-20..2023-03-22", DateSpan(date(2023, 3, 20), date(2023, 3, 22))),
        ("20-22 March 2023", DateSpan(date(2023, 3, 20), date(2023, 3, 22))),
        ("yesterday", DateSpan(date(2026, 11, 21), date(2026, 11, 21))),
    ],
)
def test_dates_and_spans_are_date_queries(q, span):
    p = run(q)
    assert (p.kind, p.span) == ("date", span)


def test_places_and_phrases_are_topics():
    assert run("bakhmut").kind == "topic"
    assert run("peace plan").kind == "topic"
    assert run("").kind == "none"


def test_spans_are_described_as_people_write_them():
    assert describe_span(DateSpan(date(2023, 3, 21), date(2023, 3, 21))) == "21 March 2023"
    assert describe_span(DateSpan(date(2025, 5, 1), date(2025, 5, 31))) == "May 2025"
    assert describe_span(DateSpan(date(2023, 3, 20), date(2023, 3, 22))) == "20–22 March 2023"
