"""The pure pieces of `make eval` (bench/eval/): gold parsing, the protocol, the baseline's choices,
tokenising, fact coverage, the store cache key. No dataset, no models, no tilse."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.eval.gold import parse_gold, protocol, topics
from bench.eval.scoring import Scores, content_words, coverage, is_covered, mean_scores, tokenise
from bench.eval.stores import cache_key, cached_store
from bench.eval import systems
from bench.eval.systems import baseline_briefing, lead_timeline, oracle_briefing, round_robin, top_dates

D = date.fromisoformat


def test_gold_entries_become_dated_sentences_oldest_first_and_a_repeated_date_is_merged():
    gold = parse_gold(
        [
            {"date": "2009-05-04", "sentences": ["x ."], "text": ["Fifth case. ", " "]},
            {"date": "2009-05-01", "sentences": ["a ."], "text": ["Probable case."]},
            {"date": "2009-05-01", "sentences": ["b ."], "text": ["First human-to-human transfer."]},
        ]
    )
    assert gold == [
        (D("2009-05-01"), ["Probable case.", "First human-to-human transfer."]),
        (D("2009-05-04"), ["Fifth case."]),
    ]


@pytest.mark.parametrize(
    ("per_date", "expected"),
    [
        ([2, 2, 3], (3, 2)),  # 2.33 -> 2
        ([8, 8, 7], (3, 8)),  # 7.67 -> 8
        ([1], (1, 1)),
        ([2, 3], (2, 2)),  # 2.5 rounds to even, as Python's round (and so news-tls) does
        ([3, 4], (2, 4)),  # 3.5 -> 4
    ],
)
def test_protocol_takes_as_many_dates_as_the_gold_and_its_rounded_mean_sentences(per_date, expected):
    gold = [(date(2010, 1, 1) + timedelta(days=i), ["s"] * n) for i, n in enumerate(per_date)]
    assert protocol(gold) == expected


def test_protocol_refuses_an_empty_gold():
    with pytest.raises(ValueError):
        protocol([])


def test_topics_are_the_folders_with_articles_one_row_per_gold(tmp_path):
    for name, golds in (("b_topic", ["bbc"]), ("a_topic", ["one", "two"]), ("notes", [])):
        (tmp_path / name / "gold").mkdir(parents=True)
        for g in golds:
            (tmp_path / name / "gold" / f"{g}.json").write_text("[]")
        if golds:
            (tmp_path / name / "articles.jsonl").write_text("")
    assert [(t.name, t.label) for t in topics(tmp_path)] == [
        ("a_topic", "a_topic/one"),
        ("a_topic", "a_topic/two"),
        ("b_topic", "b_topic"),
    ]


def test_top_dates_keeps_the_busiest_dates_in_date_order_and_the_first_k_items_of_each():
    items = [
        (D("2010-01-03"), "c1"),
        (D("2010-01-01"), "a1"),
        (D("2010-01-03"), "c2"),
        (D("2010-01-02"), "b1"),
        (D("2010-01-03"), "c3"),
        (D("2010-01-02"), "b2"),
    ]
    assert top_dates(items, T=2, K=2) == [(D("2010-01-02"), ["b1", "b2"]), (D("2010-01-03"), ["c1", "c2"])]
    # a tie in counts goes to the earlier date
    assert top_dates(items, T=2, K=1)[0] == (D("2010-01-02"), ["b1"])
    assert top_dates([(D("2010-01-05"), "x"), (D("2010-01-04"), "y")], T=1, K=1) == [(D("2010-01-04"), ["y"])]
    assert top_dates([], T=3, K=2) == []


def test_the_baseline_takes_the_days_with_most_articles_and_their_leads_first():
    by_day = {
        D("2010-04-20"): [["A1", "A2", "A3"], ["B1"]],
        D("2010-04-21"): [["C1", "C2"], ["D1", "D2"], ["E1"]],
        D("2010-04-22"): [["F1"]],
        D("2010-04-23"): [],
    }
    assert lead_timeline(by_day, T=2, K=4) == [
        (D("2010-04-20"), ["A1", "B1", "A2", "A3"]),
        (D("2010-04-21"), ["C1", "D1", "E1", "C2"]),
    ]
    assert lead_timeline(by_day, T=9, K=1) == [
        (D("2010-04-20"), ["A1"]),
        (D("2010-04-21"), ["C1"]),
        (D("2010-04-22"), ["F1"]),
    ]


def test_round_robin_keeps_to_the_item_and_character_budget():
    articles = [["a" * 10, "b" * 10], ["c" * 30, "d" * 5]]
    assert round_robin(articles, 3) == ["a" * 10, "c" * 30, "b" * 10]
    # the 30-character lead does not fit in 25 characters; the next sentences still do
    assert round_robin(articles, 6, max_chars=25) == ["a" * 10, "b" * 10, "d" * 5]
    assert round_robin([], 6) == []


def test_the_baseline_briefing_keeps_to_the_short_or_the_long_budget(monkeypatch):
    day = D("2010-04-20")
    articles = [[f"{n:03d} " + "x" * 196] for n in range(30)]  # 30 leads of 200 characters
    monkeypatch.setattr(systems, "leads_by_day", lambda built, asked: {asked: articles})
    short, long = baseline_briefing(None, day), baseline_briefing(None, day, True)
    assert short == [a[0] for a in articles[:6]]
    assert long == [a[0] for a in articles[:15]] and sum(map(len, long)) <= 3600


def test_the_oracle_covers_a_fact_from_two_sentences_words_within_the_budget():
    facts = ["Rescuers pulled a girl alive from the ruined school.", "The port reopened for aid ships."]
    sentences = [
        "Heavy rain fell on the capital.",
        "Rescuers worked at the school.",  # a third of the first fact's words: half with the next one
        "A girl was pulled from the rubble.",
        "Aid ships docked after the port reopened.",
    ]
    chosen = oracle_briefing(facts, sentences, 6, 1200)
    assert coverage(facts, chosen) == 1.0 and set(sentences[1:]) <= set(chosen)
    assert not any(coverage(facts[:1], [s]) for s in sentences)  # no one sentence covers the first fact
    assert sentences[0] not in chosen  # it brings no word of any fact: never taken
    assert oracle_briefing(facts, sentences, 1, 1200) == [sentences[3]]  # one item: the one that covers a fact
    assert oracle_briefing(facts, sentences, 6, 29) == []  # nothing fits 29 characters
    assert oracle_briefing([], sentences, 6, 1200) == []


def test_tokenise_keeps_lowercase_words_and_drops_punctuation():
    assert tokenise("Jackson's 1.45m masks -- \"said\" BP's CEO, Tony Hayward.") == "jackson s 1 45m masks said bp s ceo tony hayward"
    assert tokenise("Health Secretary Nicola Sturgeon said") == tokenise("Health Secretary Nicola Sturgeon said .")
    assert tokenise("-LRB- , . --") == "lrb"


def test_content_words_drop_stop_words_reporting_verbs_and_single_letters_and_fold_plurals():
    assert content_words("The first two cases of swine flu in the UK were confirmed.") == {"case", "swine", "flu", "uk", "confirmed"}
    assert content_words("He said that it was not there.") == set()
    assert content_words("BP's well was sealed.") == {"bp", "sealed"}


def test_a_fact_is_covered_when_half_its_content_words_are_in_the_briefing():
    words = content_words("Swine flu cases were confirmed in Scotland on Monday.")
    assert is_covered("The first two cases of swine flu in the UK were confirmed.", words)  # 4 of 5: all but "uk"
    assert not is_covered("Newly-wed couple Iain and Dawn Askham tested positive.", words)
    assert is_covered("It was there, he said.", words) is None
    assert is_covered("Swine flu in Mexico and the US.", words)  # 2 of 4: half is enough


def test_coverage_is_the_share_of_facts_covered_and_skips_facts_without_content_words():
    facts = ["Swine flu was confirmed in Scotland.", "BP's well was sealed.", "It was."]
    assert coverage(facts, ["Doctors confirmed swine flu in Scotland on Monday."]) == 0.5
    assert coverage(facts, []) == 0.0
    assert coverage(["It was."], ["anything"]) is None


def test_mean_scores_average_precision_and_recall_then_take_f():
    a = Scores(date_p=1.0, date_r=0.5, r1_p=0.2, r1_r=0.2)
    b = Scores(date_p=0.0, date_r=0.5, r1_p=0.0, r1_r=0.0)
    mean = mean_scores([a, b])
    assert mean.date_p == 0.5 and mean.date_r == 0.5 and mean.date_f == pytest.approx(0.5)
    assert mean.r1_f == pytest.approx(0.1)
    assert mean.r2_f == 0.0
    assert mean_scores([]) == Scores()


def test_the_cache_key_follows_the_data_the_code_and_nothing_else(tmp_path):
    data, code = tmp_path / "articles.jsonl", tmp_path / "code"
    code.mkdir()
    data.write_text('{"id": 1}\n')
    (code / "analysis.py").write_text("x = 1\n")
    key = cache_key([data], [code], packages=())
    assert cache_key([data], [code], packages=()) == key
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "analysis.cpython-311.pyc").write_bytes(b"\0")
    (code / "notes.txt").write_text("not code")
    assert cache_key([data], [code], packages=()) == key
    (code / "analysis.py").write_text("x = 2\n")
    assert cache_key([data], [code], packages=()) != key
    (code / "analysis.py").write_text("x = 1\n")
    data.write_text('{"id": 2}\n')
    assert cache_key([data], [code], packages=()) != key


def test_a_cached_store_is_built_once_per_key_and_a_stale_one_is_replaced(tmp_path):
    import sqlite3

    calls: list[str] = []

    def ingest(url: str, inputs: list[Path]) -> tuple[int, int]:
        calls.append(url)
        Path(url.removeprefix("sqlite:///") + ".migrate.lock").touch()  # as the store's migration lock leaves it
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute("CREATE TABLE articles (id INTEGER)")
            conn.executemany("INSERT INTO articles VALUES (?)", [(1,), (2,)])
        conn.close()
        return 2, 0

    first = cached_store("topic", [], ingest, folder=tmp_path, key="k1")
    assert first.built and first.articles == 2 and first.path.name == "topic-k1.db"
    again = cached_store("topic", [], ingest, folder=tmp_path, key="k1")
    assert not again.built and again.articles == 2 and len(calls) == 1
    changed = cached_store("topic", [], ingest, folder=tmp_path, key="k2")
    assert changed.built and len(calls) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["topic-k2.db"]  # no stale store, no lock files


def test_an_interrupted_build_leaves_no_store_that_looks_finished(tmp_path):
    def broken(url: str, inputs: list[Path]) -> tuple[int, int]:
        Path(url.removeprefix("sqlite:///")).write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cached_store("topic", [], broken, folder=tmp_path, key="k1")
    assert not (tmp_path / "topic-k1.db").exists()


def test_the_modules_left_out_of_the_cache_key_are_not_on_the_ingestion_path():
    """A query-time module must not decide stored content, or a cached store would go stale unseen."""
    from bench.eval.stores import QUERY_TIME, ROOT
    from tests.test_layout import imported_modules

    seen: set[str] = set()
    todo = ["summarizer.ingest"]
    while todo:
        module = todo.pop()
        path = ROOT / (module.replace(".", "/") + ".py")
        if module in seen or not path.exists():
            continue
        seen.add(module)
        todo += [m for m in imported_modules(path) if m.startswith("summarizer")]
    on_path = {m.replace(".", "/") + ".py" for m in seen}
    assert QUERY_TIME.isdisjoint(on_path), sorted(QUERY_TIME & on_path)
    assert "summarizer/writes.py" in on_path  # the walk does reach the writes
