"""The story-text figures of `make eval`: the judged samples are complete, and the counting is right."""

from __future__ import annotations

import sqlite3
import tomllib

from bench.eval import story_text


def test_every_judged_item_has_a_judgement_for_the_form_it_is_shown_in():
    items = tomllib.loads(story_text.ITEMS.read_text())["item"]
    assert len(items) >= 100
    for item in items:
        assert isinstance(item["alone"], bool) and isinstance(item["dated"], bool) and item["sentence"]
        if story_text.shown_as(item) == "paired":
            assert isinstance(item.get("with_previous"), bool), item["sentence"]
        if not item["alone"]:
            assert item.get("why"), item["sentence"]


def test_items_are_shown_alone_paired_left_out_or_hidden():
    def way(sentence, previous="", dated=False):
        return story_text.shown_as({"sentence": sentence, "previous": previous, "dated": dated})

    assert way("Officials said the bridge reopened on Tuesday.") == "alone"
    assert way("The move comes as talks stall.", "The minister resigned on Monday.") == "paired"
    assert way("The move comes as talks stall.", "But he resigned.") == "left out"
    assert way("Days later, the army withdrew from the town.", "But he resigned.", dated=True) == "alone"
    assert way("Photo by Ana Lopez/Example Agency") == "hidden"


def test_the_share_counts_the_items_shown(tmp_path, monkeypatch):
    path = tmp_path / "items.toml"
    path.write_text(
        '[[item]]\nsentence = "Officials said the bridge reopened."\nprevious = ""\ndated = false\nalone = true\n'
        '[[item]]\nsentence = "The move comes as talks stall."\nprevious = "The minister quit."\ndated = false\n'
        'alone = false\nwith_previous = true\n'
        '[[item]]\nsentence = "Moscow"\nprevious = ""\ndated = false\nalone = false\n'
        '[[item]]\nsentence = "He left."\nprevious = "He came."\ndated = false\nalone = false\n'
    )
    s = story_text.standalone(path)
    assert (s.items, s.shown, s.stand, s.paired, s.left_out, s.hidden, s.lost) == (4, 2, 2, 1, 1, 1, 0)
    assert s.share == 1.0 and s.before == 0.25


def test_precision_counts_only_what_the_store_still_marks(tmp_path):
    db = tmp_path / "t.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE sentences (text TEXT, kind TEXT)")
        con.executemany("INSERT INTO sentences VALUES (?, ?)", [("Moscow", "heading"), ("A fact.", "story"), ("Read more", "link")])
    marked = tmp_path / "marked.toml"
    marked.write_text(
        '[[marked]]\ntopic = "t"\ntext = "Moscow"\ncorrect = true\n'
        '[[marked]]\ntopic = "t"\ntext = "Read more"\ncorrect = false\n'
        '[[marked]]\ntopic = "t"\ntext = "A fact."\ncorrect = false\n'
        '[[marked]]\ntopic = "other"\ntext = "Moscow"\ncorrect = true\n'
    )
    assert story_text.precision({"t": db}, marked) == (1, 2)
    total, kinds = story_text.marked_counts(db)
    assert total == 3 and kinds == {"heading": 1, "link": 1}


def test_an_item_with_a_heading_run_in_is_judged_on_the_sentence_left_when_it_is_split_off(tmp_path):
    path = tmp_path / "items.toml"
    path.write_text(
        '[[item]]\nsentence = "Bridge shut after storm Officials closed the bridge on Monday."\nprevious = ""\n'
        'dated = true\nalone = false\nlead = "Officials closed the bridge on Monday."\nlead_alone = true\n'
    )

    def split(text):
        return ["Bridge shut after storm", "Officials closed the bridge on Monday."]

    def split_elsewhere(text):
        return ["Bridge shut after", "storm Officials closed the bridge on Monday."]

    assert story_text.standalone(path).stand == 0
    judged = story_text.standalone(path, split=split)
    assert (judged.shown, judged.unglued, judged.stand) == (1, 1, 1)
    assert story_text.standalone(path, split=split_elsewhere).stand == 0  # a cut nobody judged counts as not
