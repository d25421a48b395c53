"""Which sentences are the story: headings, captions, credits, links and boilerplate by form alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.scoring import needs_context
from summarizer.story_text import KINDS, STORY, article_kinds, repeated_boilerplate, sentence_kind


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Drone Barrage Hits", "heading"),
        ("Moscow", "heading"),
        ("Diplomatic Visits", "heading"),
        ("Photo by Lintao Zhang/Getty Images", "credit"),
        ("Ana Lopez/Example Agency", "credit"),
        ("Some homes on hillsides collapsed on to the ones below (Photo: A Relief Group)", "credit"),
        ("By Jane Smith", "byline"),
        ("JANE SMITH, EXAMPLE NEWS, CAPITAL CITY", "byline"),
        ("Read more: the week in review", "link"),
        ("Headline one - 2 hrs ago Another headline - 7 hrs ago", "link"),
        ("The agency says 132 people have been rescued since the quake 11 days ago.", STORY),
        ("More and more aid groups are arriving in the city.", STORY),
        ("A picture by a local artist is called The Dictator.", STORY),
        ("Updated 14:32 GMT", "dateline"),
        ("Last updated: 1 May, 2009 - 17:54 GMT Officials closed the offices for five days.", STORY),
        ("1325", "dateline"),
        ("7 May 2025", "dateline"),
        ("To play this content JavaScript must be turned on and the latest Flash player installed.", "boilerplate"),
        ("Your comments may be published on any media worldwide.", "boilerplate"),
        ("At 21:58 29th Apr 2009, someone wrote: cover this story, and do it well.", "boilerplate"),
        ("At 8:27 pm on 04 Mar 2011, a reader wrote: I disagree.", "boilerplate"),
        ("Officials said the bridge reopened on Tuesday after repairs.", STORY),
        ("The U.S./Mexico border crossing reopened on Monday.", STORY),
        ("He said: “We will see.”", STORY),
        ("Is the ceasefire holding?", STORY),
    ],
)
def test_each_kind_is_recognised_by_its_form(text, kind):
    assert sentence_kind(text) == kind


def test_every_sentence_of_a_short_line_without_a_full_stop_is_a_heading():
    text = "The talks went on late into the night.\nDrone Barrage Hits Moscow\nThe mayor said 14 drones were downed."
    kinds = article_kinds(text, ["The talks went on late into the night.", "Drone Barrage Hits", "Moscow",
                                 "The mayor said 14 drones were downed."])
    assert kinds == [STORY, "heading", "heading", STORY]


@given(st.text(max_size=300))
def test_the_kind_of_any_text_is_one_of_the_kinds(text):
    assert sentence_kind(text) in KINDS


@given(st.lists(st.from_regex(r"[A-Za-z][a-z]{1,9}", fullmatch=True), min_size=1, max_size=30))
def test_a_line_that_ends_without_a_full_stop_is_never_a_story_sentence(words):
    assert sentence_kind(" ".join(words)) != STORY


# -- boilerplate repeated across an outlet's articles ------------------------------------------


def _article(i: int, *extra: str) -> frozenset[str]:
    return frozenset({f"Fact {i} one.", f"Fact {i} two.", f"Fact {i} three.", *extra})


def test_a_line_addressing_the_reader_in_five_different_articles_is_boilerplate():
    line = "Have you been affected by these events?"
    texts = {i: _article(i, line) for i in range(5)}
    assert repeated_boilerplate({line: [0, 1, 2, 3, 4]}, texts, outlet_articles=50) == {line}
    assert repeated_boilerplate({line: [0, 1, 2, 3]}, texts, outlet_articles=50) == set()


def test_a_fact_repeated_in_a_few_articles_is_kept_but_one_in_most_of_them_is_not():
    fact = "The bridge reopened on Tuesday."
    texts = {i: _article(i, fact) for i in range(6)}
    assert repeated_boilerplate({fact: list(range(6))}, texts, outlet_articles=50) == set()
    assert repeated_boilerplate({fact: list(range(6))}, texts, outlet_articles=20) == {fact}


@given(st.lists(st.text(min_size=1, max_size=40), min_size=5, max_size=30, unique=True), st.integers(3, 40))
def test_copies_of_one_article_never_make_boilerplate(sentences, copies):
    """A story republished (each copy with one of its four or more lines changed) repeats every
    other line: none is boilerplate."""
    texts = {i: frozenset(sentences[1:]) | {f"changed line {i}."} for i in range(copies)}
    holders = {s: list(range(copies)) for s in sentences[1:]}
    assert repeated_boilerplate(holders, texts, outlet_articles=copies) == set()


# -- items that lean on the sentence before ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The move comes in an apparent show of support for its ally.",
        "Furthermore, the plan called for a stop to sanctions.",
        "But the trip ended without any such announcement.",
        "Days later, the president announced a truce.",
        "Two weeks later the army withdrew.",
        "However, the ministry did not comment.",
        "The two leaders met for three hours.",
    ],
)
def test_a_sentence_that_points_back_needs_its_context(text):
    assert needs_context(text)


@pytest.mark.parametrize(
    "text",
    [
        "The plan to end the war was published on Friday.",
        "The meeting between the two presidents took place in the capital.",
        "So far, 30 people have died.",
        "Then-president Smith signed the bill.",
        "Officials said the bridge reopened on Tuesday.",
    ],
)
def test_a_sentence_that_names_what_it_is_about_stands_alone(text):
    assert not needs_context(text)
