"""Temporal expressions: the pure grammar first, then real seed sentences through spaCy."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from summarizer.dates import DateSpan, parse_date_query, resolve_expression
from summarizer.event_dates import event_span, sentence_tense

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FRI = date(2023, 3, 17)  # seed 003: Friday
WED = date(2023, 3, 29)  # seeds 000 and 001: Wednesday
TODAY = date(2025, 6, 1)  # a Sunday


def span(text: str) -> DateSpan:
    """"2023-03-20" or "2023-03-20..2023-03-22", as `str(DateSpan)` writes them."""
    first, sep, last = text.strip().partition("..")
    start = date.fromisoformat(first.strip())
    return DateSpan(start, date.fromisoformat(last.strip()) if sep else start)


# --- DateSpan --------------------------------------------------------------------------


def test_datespan_days_and_contains():
    s = span("2023-03-20..2023-03-22")
    assert s.days == 3
    assert date(2023, 3, 20) in s and date(2023, 3, 22) in s
    assert date(2023, 3, 23) not in s and date(2023, 3, 19) not in s
    assert datetime(2023, 3, 21, 15, 0) in s
    assert "2023-03-21" not in s


@pytest.mark.parametrize("text", ["2023-03-20", "2023-03-20..2023-03-22", "2022-12-21..2022-12-31"])
def test_datespan_str_is_iso(text):
    assert str(span(text)) == text


def test_datespan_one_day_and_rejects():
    assert span("2023-03-20").days == 1
    with pytest.raises(ValueError):
        DateSpan(date(2023, 3, 22), date(2023, 3, 20))


# --- resolve_expression ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, anchor, tense, expected",
    [
        # weekdays: past and unknown look back (the anchor itself included), future forward
        ("on Wednesday", WED, "past", "2023-03-29"),
        ("Tuesday", WED, "past", "2023-03-28"),
        ("Tuesday", WED, "unknown", "2023-03-28"),
        ("Tuesday", WED, "future", "2023-04-04"),
        ("early Wednesday", WED, "past", "2023-03-29"),
        ("late Tuesday", WED, "past", "2023-03-28"),
        ("Wednesday morning", FRI, "past", "2023-03-15"),
        ("Friday's", date(2025, 5, 7), "future", "2025-05-09"),
        ("Friday’s", date(2025, 5, 7), "unknown", "2025-05-02"),
        ("on Thursday", date(2025, 5, 7), "future", "2025-05-08"),
        ("Thursday", FRI, "past", "2023-03-16"),
        ("last Friday", FRI, "unknown", "2023-03-10"),
        ("next Friday", FRI, "unknown", "2023-03-24"),
        ("next Monday", FRI, "unknown", "2023-03-20"),
        # ranges
        ("from Monday to Wednesday", FRI, "future", "2023-03-20..2023-03-22"),
        ("Monday to Wednesday", FRI, "future", "2023-03-20..2023-03-22"),
        ("Monday through Wednesday", FRI, "future", "2023-03-20..2023-03-22"),
        ("Monday-Wednesday", FRI, "future", "2023-03-20..2023-03-22"),
        ("Monday to Wednesday", FRI, "past", "2023-03-13..2023-03-15"),
        ("September 9 to September 10", date(2023, 3, 14), "future", "2023-09-09..2023-09-10"),
        ("20-22 March", FRI, "future", "2023-03-20..2023-03-22"),
        ("March 20-22", FRI, "future", "2023-03-20..2023-03-22"),
        ("March 20 to 22", FRI, "future", "2023-03-20..2023-03-22"),
        ("between March 3 and March 5", FRI, "past", "2023-03-03..2023-03-05"),
        ("December 30 to January 2", date(2023, 1, 10), "past", "2022-12-30..2023-01-02"),
        # days relative to the anchor
        ("yesterday", WED, "past", "2023-03-28"),
        ("today", WED, "unknown", "2023-03-29"),
        ("tomorrow", WED, "future", "2023-03-30"),
        ("last night", WED, "past", "2023-03-28"),
        ("a day earlier", WED, "past", "2023-03-28"),
        ("two days ago", FRI, "past", "2023-03-15"),
        # weeks, months, years, seasons
        ("last week", WED, "past", "2023-03-20..2023-03-26"),
        ("Last week", date(2023, 3, 14), "past", "2023-03-06..2023-03-12"),
        ("this week", WED, "unknown", "2023-03-27..2023-04-02"),
        ("earlier this week", WED, "past", "2023-03-27..2023-03-29"),
        ("later this week", WED, "future", "2023-03-29..2023-04-02"),
        ("next week", date(2023, 3, 14), "future", "2023-03-20..2023-03-26"),
        ("as early as next week", date(2023, 3, 14), "future", "2023-03-20..2023-03-26"),
        ("over the weekend", FRI, "past", "2023-03-11..2023-03-12"),
        ("last month", WED, "past", "2023-02-01..2023-02-28"),
        ("this month", WED, "unknown", "2023-03-01..2023-03-31"),
        ("earlier this month", WED, "past", "2023-03-01..2023-03-29"),
        ("next month", date(2023, 12, 5), "future", "2024-01-01..2024-01-31"),
        ("last year", WED, "past", "2022-01-01..2022-12-31"),
        ("this year's", WED, "unknown", "2023-01-01..2023-12-31"),
        ("last summer", WED, "past", "2022-06-01..2022-08-31"),
        ("last summer", date(2023, 10, 2), "past", "2023-06-01..2023-08-31"),
        ("this winter", date(2023, 1, 15), "unknown", "2022-12-01..2023-02-28"),
        ("next spring", WED, "future", "2024-03-01..2024-05-31"),
        # month names
        ("in January", WED, "past", "2023-01-01..2023-01-31"),
        ("in January", WED, "future", "2024-01-01..2024-01-31"),
        ("late December", FRI, "past", "2022-12-21..2022-12-31"),
        ("early March", WED, "past", "2023-03-01..2023-03-10"),
        ("mid-February", WED, "past", "2023-02-11..2023-02-20"),
        ("late February", date(2024, 3, 5), "past", "2024-02-21..2024-02-29"),
        ("last December", date(2023, 12, 20), "past", "2022-12-01..2022-12-31"),
        # day and month without a year: the tense picks the year ...
        ("March 21", date(2023, 3, 25), "past", "2023-03-21"),
        ("21 March", date(2023, 3, 25), "future", "2024-03-21"),
        ("the 21st of March", date(2023, 3, 25), "unknown", "2023-03-21"),
        ("December 30", date(2023, 1, 10), "unknown", "2022-12-30"),
        ("on March 21", date(2023, 3, 14), "future", "2023-03-21"),
        # ... but a past date a year back yields to one due within two months
        ("March 21", date(2023, 3, 14), "unknown", "2023-03-21"),
        ("May 9", date(2025, 5, 7), "past", "2025-05-09"),
        ("May 9", date(2025, 1, 7), "past", "2024-05-09"),
        # full dates and years
        ("17 March 2023", WED, "future", "2023-03-17"),
        ("2023-03-17", date(2025, 1, 1), "future", "2023-03-17"),
        ("March 17, 2023", WED, "unknown", "2023-03-17"),
        ("Friday, March 17, 2023", WED, "unknown", "2023-03-17"),
        ("Mar. 17th, 2023", WED, "unknown", "2023-03-17"),
        ("17.03.2023", WED, "unknown", "2023-03-17"),  # by dateparser
        ("2022", WED, "past", "2022-01-01..2022-12-31"),
        ("in 2022", WED, "future", "2022-01-01..2022-12-31"),
        ("March 2023", date(2025, 1, 1), "past", "2023-03-01..2023-03-31"),
    ],
)
def test_resolve_expression(text, anchor, tense, expected):
    assert resolve_expression(text, anchor, tense) == span(expected)


@pytest.mark.parametrize(
    "text",
    [
        "more than a year",
        "for more than six months",
        "recent months",
        "recent weeks",
        "in recent years",
        "many decades",
        "daily",
        "the end of the day",
        "80 years",
        "weeks",
        "days",
        "all this year",
        "more than one year",
        "the week",
        "just hours",
        "Days later",
        "the third consecutive day",
        "five-year",
        "one-year",
        "",
        "   ",
        "February 30",
        "2023-02-30",
        "30 February 2023",
        "Xi Jinping",
    ],
)
def test_resolve_expression_rejects_durations_and_vague_periods(text):
    for tense in ("past", "future", "unknown"):
        assert resolve_expression(text, WED, tense) is None


def test_unknown_tense_reads_as_past():
    for text in ("Monday", "in January", "March 1", "summer"):
        assert resolve_expression(text, WED, "unknown") == resolve_expression(text, WED, "past")
        assert resolve_expression(text, WED, "future") != resolve_expression(text, WED, "past")


def test_importing_the_module_leaves_spacy_and_dateparser_unloaded():
    code = "import sys, summarizer.dates; print('spacy' in sys.modules, 'dateparser' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.split() == ["False", "False"]


# --- parse_date_query ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("2023-03-17", "2023-03-17"),
        ("17 March 2023", "2023-03-17"),
        ("21 march 2023", "2023-03-21"),
        ("March 17, 2023", "2023-03-17"),
        ("  MARCH   17,  2023 ", "2023-03-17"),
        ("17/03/2023", "2023-03-17"),
        ("March 2023", "2023-03-01..2023-03-31"),
        ("may 2025", "2025-05-01..2025-05-31"),
        ("2023", "2023-01-01..2023-12-31"),
        ("2023-03-20..2023-03-22", "2023-03-20..2023-03-22"),
        ("2023-03-20 .. 2023-03-22", "2023-03-20..2023-03-22"),
        ("2023-03-20 to 2023-03-22", "2023-03-20..2023-03-22"),
        ("20-22 March 2023", "2023-03-20..2023-03-22"),
        ("20 March - 22 March 2023", "2023-03-20..2023-03-22"),
        ("20 March – 22 March 2023", "2023-03-20..2023-03-22"),
        ("March 2023 to April 2023", "2023-03-01..2023-04-30"),
        ("yesterday", "2025-05-31"),
        ("Today", "2025-06-01"),
        ("last week", "2025-05-19..2025-05-25"),
        ("this week", "2025-05-26..2025-06-01"),
        ("last month", "2025-05-01..2025-05-31"),
        ("may 9", "2025-05-09"),
        ("March 21", "2025-03-21"),
        ("December 30", "2024-12-30"),
    ],
)
def test_parse_date_query(query, expected):
    assert parse_date_query(query, TODAY) == span(expected)


@pytest.mark.parametrize(
    "query, latest, expected",
    [
        ("March 21", date(2023, 3, 29), "2023-03-21"),
        ("March 30", date(2023, 3, 29), "2022-03-30"),
        ("21 march", date(2025, 5, 7), "2025-03-21"),
        ("20-22 March", date(2023, 3, 29), "2023-03-20..2023-03-22"),
        ("December 30 to January 2", date(2023, 3, 29), "2022-12-30..2023-01-02"),
        ("last week", date(2023, 3, 29), "2025-05-19..2025-05-25"),  # relative words count from today
        ("17 March 2023", date(2025, 5, 7), "2023-03-17"),
    ],
)
def test_parse_date_query_without_a_year_counts_back_from_latest(query, latest, expected):
    assert parse_date_query(query, TODAY, latest) == span(expected)


@pytest.mark.parametrize(
    "query",
    [
        "xi", "mao ning", "bakhmut", "peace plan", "nuclear weapons", "may", "march", "May",
        "late march", "", "   ", "xi 2023", "covid 19", "g20", "20", "2023-02-30", "30 February 2023",
        "2023-03-22..2023-03-20", "this war",
    ],
)
def test_parse_date_query_returns_none_for_non_dates(query):
    assert parse_date_query(query, TODAY) is None
    assert parse_date_query(query, TODAY, date(2023, 3, 29)) is None


# --- with the real pipeline ------------------------------------------------------------


def _seed(prefix: str) -> tuple[str, date]:
    """A seed article's body (no front matter, no dateline) and its publication date."""
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    text = path.read_text(encoding="utf-8")
    meta, _, body = text.partition("\n---\n") if text.startswith("---") else ("", "", text)
    published = date.fromisoformat(re.search(r"^published:\s*(\S+)", meta, re.M).group(1))
    return re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", body), published


@pytest.fixture(scope="module")
def seed_docs(nlp):
    return {prefix: (nlp(body), published) for prefix in ("000", "001", "002", "003", "004") for body, published in [_seed(prefix)]}


def _sentence(seed_docs, prefix: str, needle: str):
    doc, published = seed_docs[prefix]
    found = [s for s in doc.sents if needle in s.text]
    assert len(found) == 1, f"{needle!r} in {len(found)} sentences of seed {prefix}"
    return found[0], published


@pytest.mark.slow
@pytest.mark.parametrize(
    "prefix, needle, expected, expression",
    [
        ("003", "Putin invited Xi to visit Russia in late December", "2022-12-21..2022-12-31", "late December"),
        ("003", "called his Ukrainian counterpart, Dmytro Kuleba, on Thursday", "2023-03-16", "Thursday"),
        ("004", "Xi Jinping arrived in Moscow on Wednesday", "2025-05-07", "Wednesday"),
        ("004", "Xi is set to hold formal talks with Putin on Thursday", "2025-05-08", "Thursday"),
        ("004", "most prominent global figure at Friday’s military parade", "2025-05-09", "Friday"),
        ("001", "Zelenskyy told The Associated Press on Tuesday", "2023-03-28", "Tuesday"),
        ("001", "Xi's Russia visit last week raised the prospect", "2023-03-20..2023-03-26", "last week"),
        ("001", "during his daily conference call with reporters Wednesday", "2023-03-29", "Wednesday"),
        ("002", "Xi would travel to the Russian capital on March 21", "2023-03-06..2023-03-12", "Last week"),
        ("002", "as early as next week", "2023-03-20..2023-03-26", "next week"),
        ("002", "scheduled for September 9 to September 10", "2023-03-13", "Monday"),
        ("000", "Grossi said earlier this week that he would go", "2023-03-27..2023-03-29", "earlier this week"),
        ("000", "The Russian offensive on Bahmut intensified in January", "2023-01-01..2023-01-31", "January"),
    ],
)
def test_event_span_on_seed_sentences(seed_docs, prefix, needle, expected, expression):
    sent, published = _sentence(seed_docs, prefix, needle)
    found = event_span(sent, published)
    assert found is not None
    assert found[0] == span(expected)
    assert found[1] == expression


@pytest.mark.slow
@pytest.mark.parametrize(
    "prefix, needle",
    [
        ("000", "for more than six months"),
        ("000", "But for more than a year, we have not been in touch"),
        ("000", "whose relations with Russia have grown rapidly in recent years"),
        ("000", "At the end of the day, China is more interested"),
        ("000", "this year’s World Economic Forum in Davos"),  # a year is no event date
        ("001", "But during all this year, more than one year"),
        ("001", "across many decades"),
        ("001", "we've been saying that for weeks"),
        ("003", "Xi has refused to condemn Moscow’s invasion"),
        ("004", "Russia maintains it targets only military sites"),
        # the time is in a clause below the main one: a complement, a relative clause, a duration
        ("004", "military delegations to the May 9 parade"),
        ("000", "since the Russian army began its offensive in the area last summer"),
        ("003", "which passed the one-year mark last month"),
        ("000", "when he visited Moscow last week"),
    ],
)
def test_event_span_is_none_without_a_specific_date(seed_docs, prefix, needle):
    sent, published = _sentence(seed_docs, prefix, needle)
    assert event_span(sent, published) is None


@pytest.mark.slow
def test_event_span_prefers_the_most_specific_expression(seed_docs):
    # "on Tuesday" (one day) beats "last week" (seven) and "the week" (none).
    sent, published = _sentence(seed_docs, "001", "the week after Xi visited Russian President Vladimir Putin last week")
    assert event_span(sent, published) == (span("2023-03-28"), "Tuesday")
    # The main clause's "Last week" beats "March 21", which is in a relative clause below it.
    sent, published = _sentence(seed_docs, "002", "Last week, the Kremlin refused to comment")
    assert event_span(sent, published) == (span("2023-03-06..2023-03-12"), "Last week")
    # Ties go to the first: "early Wednesday" before "a day earlier".
    sent, published = _sentence(seed_docs, "000", "its gunners shot down a Russian Su-24")
    assert event_span(sent, published) == (span("2023-03-29"), "early Wednesday")


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chinese President Xi Jinping arrived in Moscow on Wednesday.", "2025-05-07"),
        ("Xi will arrive in Moscow on Wednesday.", "2025-05-07"),
        ("Xi visited Moscow on Monday.", "2025-05-05"),
        ("Xi has visited Moscow on Monday.", "2025-05-05"),
        ("Xi will visit Moscow on Monday.", "2025-05-12"),
        ("Xi is expected to visit Moscow on Monday.", "2025-05-12"),
        ("Xi is due to visit Moscow on Monday.", "2025-05-12"),
        ("Xi plans to visit Moscow on Monday.", "2025-05-12"),
        ("Xi is going to visit Moscow on Monday.", "2025-05-12"),
        ("Xi will arrive on Monday and meet Putin on Tuesday.", "2025-05-12"),
        ("Xi visits Moscow on Monday.", "2025-05-05"),  # present: unknown, read as past
        ("The summit is scheduled for May 9.", "2025-05-09"),
        ("Officials met between March 3 and March 5 in Geneva.", "2025-03-03..2025-03-05"),
        ("Xi will travel on Monday-Wednesday next week.", "2025-05-12..2025-05-14"),
        ("Xi met Putin on Tuesday, May 6.", "2025-05-06"),
        ("The talks ended over the weekend.", "2025-05-03..2025-05-04"),
        ("He spoke to reporters on 21 March 2022.", "2022-03-21"),
    ],
)
def test_event_span_on_constructed_sentences(nlp, text, expected):
    sent = next(nlp(text).sents)
    found = event_span(sent, date(2025, 5, 7))
    assert found is not None and found[0] == span(expected)


@pytest.mark.slow
@pytest.mark.parametrize("text", ["Shoppers crowded the stores on Black Friday.", "USA Today reported the story.", "Xi met Putin."])
def test_event_span_ignores_names_and_dateless_sentences(nlp, text):
    assert event_span(next(nlp(text).sents), date(2025, 5, 7)) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "dated"),
    [
        ("Each Friday we will give an answer and ask you to suggest the question.", None),
        ("The council meets every Monday to review the figures.", None),
        ("Every Tuesday since March, the families have gathered outside the court.", None),
        ("The ministers met on Friday to discuss the crisis.", date(2009, 5, 1)),
        ("Each side accused the other on Monday of breaking the truce.", date(2009, 4, 27)),
    ],
)
def test_a_time_that_comes_round_again_dates_nothing(nlp, text, dated):
    """Regression: "Each Friday we will give an answer" was dated to the Friday it was published."""
    found = event_span(next(nlp(text).sents), date(2009, 5, 1))
    assert (found[0].start if found else None) == dated


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "To mark the awards, the Today program is playing extracts of the shortlisted poems.",
        "He told BBC Radio 4's Today programme that the aid was arriving.",
        "Speaking on the Today programme, the minister defended the plan.",
    ],
)
def test_a_day_word_written_as_a_programme_name_dates_nothing(nlp, text):
    """Regression: "the Today programme" dated a sentence to the day it was published."""
    assert event_span(next(nlp(text).sents), date(2010, 1, 15)) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    "text", ["Today, the minister said troops would stay.", '"Today we start rebuilding," the mayor said.', "The minister said today that troops would stay."]
)
def test_a_day_word_that_opens_a_sentence_or_quotation_still_dates_it(nlp, text):
    found = event_span(next(nlp(text).sents), date(2010, 1, 15))
    assert found is not None and found[0] == span("2010-01-15")


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expression, expected",
    [
        ("China has announced that President Xi Jinping will visit Russia from Monday to Wednesday.", "Monday to Wednesday", "future"),
        ("Despite the ongoing attacks, Xi is set to hold formal talks with Putin on Thursday.", "Thursday", "future"),
        ("Xi is set to be the most prominent global figure at Friday’s military parade.", "Friday", "future"),
        ("Xi is slated to attend the parade on Friday.", "Friday", "future"),
        ("Putin invited Xi to visit Russia in late December.", "late December", "past"),
        ("Xi arrived in Moscow on Wednesday.", "Wednesday", "past"),
        ("Xi has arrived in Moscow on Wednesday.", "Wednesday", "past"),
        ("Xi arrives in Moscow on Wednesday.", "Wednesday", "unknown"),
        ("Reports said Xi would travel to the Russian capital on March 21.", "March 21", "future"),
        # the expression's own words win over the verb
        ("Xi met Putin in Moscow last week.", "last week", "past"),
        ("Xi will visit Moscow next week.", "next week", "future"),
        ("Xi meets Putin next week.", "next week", "future"),
    ],
)
def test_sentence_tense(nlp, text, expression, expected):
    doc = nlp(text)
    start = doc.text.index(expression)
    target = doc.char_span(start, start + len(expression), alignment_mode="expand")
    assert sentence_tense(target) == expected


# --- anaphora: "that year", "the same day", "days later" -----------------------------------


@pytest.mark.parametrize(
    "text, reference, expected",
    [
        ("that year", "2009-04-01..2009-04-30", "2009-01-01..2009-12-31"),
        ("later that year", "2009-04-01..2009-04-30", "2009-01-01..2009-12-31"),
        ("the same day", "2010-04-16", "2010-04-16"),
        ("later on the same day", "2010-04-16", "2010-04-16"),
        ("on that day", "2010-04-16", "2010-04-16"),
        ("that month", "2010-04-16", "2010-04-01..2010-04-30"),
        ("the next day", "2010-04-16", "2010-04-17"),
        ("the following day", "2010-04-16", "2010-04-17"),
        ("a day later", "2009-05-06", "2009-05-07"),
        ("the day before", "2010-04-16", "2010-04-15"),
        ("the following week", "2010-04-16", "2010-04-19..2010-04-25"),
        ("six days later", "2012-03-21", "2012-03-27"),
        ("two weeks later", "2012-03-21", "2012-04-04"),
        ("five days later", "2009-04-08", "2009-04-13"),
        ("three days earlier", "2009-04-08", "2009-04-05"),
        ("days later", "2023-03-20..2023-03-26", "2023-03-22..2023-03-29"),  # two to six days, up to the anchor
        ("a few days later", "2011-03-15", "2011-03-17..2011-03-21"),
    ],
)
def test_anaphora_count_from_the_time_named_before(text, reference, expected):
    assert resolve_expression(text, WED if "2023" in reference else date(2012, 7, 18), "past", span(reference)) == span(expected)


@pytest.mark.parametrize(
    "text, reference",
    [
        ("that year", None), ("days later", None), ("six days later", None), ("the same day", None),
        ("the same day", "2023-03-20..2023-03-26"),  # a week holds no one day
        ("the next day", "2023-03-20..2023-03-26"),
        ("that month", "2023-03-20..2023-04-02"),
    ],
)
def test_anaphora_without_a_fitting_reference_stay_unresolved(text, reference):
    assert resolve_expression(text, WED, "past", span(reference) if reference else None) is None


def test_the_day_before_without_a_reference_counts_back_from_the_anchor():
    assert resolve_expression("the day before", WED) == span("2023-03-28")
    assert resolve_expression("a day earlier", WED) == span("2023-03-28")
    # "next week" is no anaphor: it counts from the anchor whatever was named before
    assert resolve_expression("next week", WED, "future", span("2010-04-16")) == span("2023-04-03..2023-04-09")


# --- the event date of a sentence: its main clause ------------------------------------------


def _event(nlp, text: str, published: date = date(2023, 3, 17), reference: str | None = None):
    from summarizer.event_dates import sentence_event

    return sentence_event(next(nlp(text).sents), published, span(reference) if reference else None)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, published, expected",
    [
        # the cases: a clause below the main one never dates the sentence
        ("Zelensky also invited Chinese leader Xi Jinping to visit Ukraine and said Xi did not express full "
         "support for Russia's war on Ukraine when he visited Moscow last week.", WED, None),
        ("Last week, the Kremlin refused to comment on several reports that said Xi would travel to the "
         "Russian capital on March 21.", date(2023, 3, 14), "2023-03-06..2023-03-12"),
        # ... unless what is reported is a plan that names its date and the report names none
        ("China has announced that President Xi Jinping will visit Russia from Monday to Wednesday.", FRI, "2023-03-20..2023-03-22"),
        ("The LCC said Rastan had come under fierce bombing on Tuesday morning.", WED, None),
        # the speech act dates reported speech
        ("Zelensky told AP on Tuesday that Xi visited Moscow last week.", WED, "2023-03-28"),
        ("Twenty people were killed in the city on Tuesday, activists said.", WED, "2023-03-28"),
        ("Twenty people were killed on Tuesday, the health minister said on Wednesday.", WED, "2023-03-29"),
        ("Speaking on television on Sunday, the director vowed the company would learn.", WED, "2023-03-26"),
        # a when-clause on the main verb says when it happened; other adverbial clauses do not
        ("Eleven workers died when the rig exploded and sank six weeks ago.", WED, "2023-02-13..2023-02-19"),
        ("The well began leaking after the rig exploded on 20 April.", WED, None),
        ("A huge relief effort was launched following Tuesday's earthquake.", WED, "2023-03-28"),  # "following": a preposition
        # durations, relative clauses, names of kinds
        ("More than 1,300 people have been admitted to hospital since 13 April.", WED, None),
        ("The woman, who travelled on 30 March, is in hospital.", WED, None),
        ("The virus seems to prefer cooler winter temperatures.", WED, None),
        # vague periods stay spans
        ("The offensive intensified in late December.", WED, "2022-12-21..2022-12-31"),
        ("Xi visited Moscow last summer.", WED, "2022-06-01..2022-08-31"),
    ],
)
def test_the_main_clause_dates_the_sentence(nlp, text, published, expected):
    event = _event(nlp, text, published)
    assert event.span == (span(expected) if expected else None)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, published, expected_span, expected",
    [
        ("Chinese President Xi Jinping is set to meet with Putin as early as next week.", date(2023, 3, 14), "2023-03-20..2023-03-26", True),
        ("Mr Annan is to address the UN Security Council on Thursday.", date(2012, 6, 5), "2012-06-07", True),
        ("Another specialist team is due to fly out on Sunday.", date(2010, 1, 16), "2010-01-17", True),
        ("She plans to return home in March.", date(2010, 1, 15), "2010-03-01..2010-03-31", True),
        ("A referendum could be held in March, he said.", date(2012, 1, 10), "2012-03-01..2012-03-31", True),
        ('"Syria will not bow down," he said.', date(2011, 11, 20), None, True),
        ("Xi is expected to visit Moscow.", date(2023, 3, 14), None, True),
        ("China has announced that Xi will visit Russia from Monday to Wednesday.", FRI, "2023-03-20..2023-03-22", True),
        ("Grossi said earlier this week that he would go to the plant.", WED, "2023-03-27..2023-03-29", False),
        # a reported plan is a statement: not expected
        ("He said Europe would strengthen sanctions against Syria.", date(2012, 2, 6), None, False),
        ("Alleyn's has said it will be shut for at least seven days.", date(2009, 5, 4), None, False),
        ("Xi was set to meet Putin on Monday.", date(2023, 3, 17), "2023-03-13", False),
        ("Xi met Putin on Monday.", date(2023, 3, 17), "2023-03-13", False),
        # "could not": an attempt that failed, told of the past; "may not" still predicts
        ("On Monday he could not leave the city.", date(2010, 1, 14), "2010-01-11", False),
        ("The UN could not confirm that its top officials were dead.", date(2010, 1, 14), None, False),
        ("The deal may not survive the winter.", date(2010, 1, 14), "2009-12-01..2010-02-28", True),
        # "should", "must": a forecast or a deadline with a time, a duty or an exhortation without
        ("By Monday, they should have enough virus to begin the next stage.", date(2009, 5, 1), "2009-05-04", True),
        ("Officials said aid should arrive on Tuesday.", date(2009, 4, 25), "2009-04-28", True),
        ("The vote must be held by Friday.", date(2012, 2, 6), "2012-02-10", True),
        ("He should have resigned on Monday.", date(2009, 4, 25), "2009-04-20", False),
        ("On Monday, ministers said the bank should cut rates.", date(2009, 4, 25), "2009-04-20", False),
        ('"China and Russia must stand firm," Xi wrote.', date(2025, 5, 7), None, False),
        # a past-tense verb the parser joins to a "should" of a fact box run into the report
        ("You should stay at home and take advice by telephone, in order to minimize the risk of infection "
         "President Felipe Calderon went on national TV on Sunday night to say the shutdown had helped.",
         date(2009, 5, 4), "2009-05-03", False),
    ],
)
def test_predictions_and_plans_are_expected(nlp, text, published, expected_span, expected):
    event = _event(nlp, text, published)
    assert (event.span, event.expected) == ((span(expected_span) if expected_span else None), expected)


@pytest.mark.slow
def test_anaphora_read_the_time_the_article_named_last(nlp):
    from summarizer.analysis import analyse_doc

    doc = nlp(
        "On 27 March 2012, Mr Annan said the government had agreed to accept the plan.\n"
        "Six days later, he told the Security Council that the army would withdraw.\n"
        "The mission was approved the same day.\n"
        "In April 2009 the first case was found.\n"
        "That year the virus spread."
    )
    sentences = analyse_doc(doc, date(2012, 7, 18)).sentences
    assert [str(s.event) if s.event else None for s in sentences] == [
        "2012-03-27", "2012-04-02", "2012-04-02", "2009-04-01..2009-04-30", None,  # a year is no event date
    ]
    first = analyse_doc(nlp("Days later, Putin announced a deployment."), date(2023, 3, 29)).sentences[0]
    assert first.event is None  # nothing named before: no reference
