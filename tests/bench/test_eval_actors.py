"""The actor-precision figure of `make eval`: judged lists well formed, unjudged never counted."""

from __future__ import annotations

import sqlite3

from bench.eval.actors import JUDGED, load_judged, precision, top_actors


def test_every_judgement_is_yes_or_no_with_what_it_should_be():
    judged = load_judged(JUDGED)
    assert {"seeds", "H1N1_bbc", "SyrianCrisis_bbc", "bpoil_bbc", "haiti_bbc"} <= set(judged)
    for store, verdicts in judged.items():
        assert len(verdicts) >= 30, store
        for name, verdict in verdicts.items():
            assert verdict in {"yes", "yes as person", "yes as place", "yes as organisation"} or (
                verdict.startswith("no: ") and len(verdict) > 5
            ), (store, name, verdict)


def test_an_actor_not_yet_judged_is_reported_and_counted_neither_way():
    top = [("Xi Jinping", "person", 9), ("Staff", "person", 5), ("Nobody Judged", "person", 1)]
    result = precision("seeds", top, {"Xi Jinping": "yes", "Staff": "no: not an actor"})
    assert (result.right, result.wrong, result.unjudged) == (1, ["Staff"], ["Nobody Judged"])
    assert result.judged == 2 and result.share == 0.5


def test_the_top_actors_are_read_by_mention_count(tmp_path):
    db = tmp_path / "s.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE actors (id INTEGER PRIMARY KEY, name TEXT, kind TEXT)")
        conn.execute("CREATE TABLE mentions (id INTEGER PRIMARY KEY, actor_id INTEGER)")
        conn.executemany("INSERT INTO actors VALUES (?, ?, ?)", [(1, "A", "person"), (2, "B", "place")])
        conn.executemany("INSERT INTO mentions (actor_id) VALUES (?)", [(2,), (2,), (1,)])
    assert top_actors(db, 2) == [("B", "place", 2), ("A", "person", 1)]


def test_a_verdict_with_a_kind_counts_only_under_that_kind():
    judged = {"Homs": "yes as place", "Acme": "yes as organisation"}
    result = precision("t", [("Homs", "person", 9), ("Acme", "organisation", 5)], judged)
    assert (result.right, result.wrong) == (1, ["Homs"])
