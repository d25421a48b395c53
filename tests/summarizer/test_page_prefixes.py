"""Page furniture run into an article's first sentence becomes a sentence of its own, at ingestion.

The examples are lines stored by `make eval` before the split (Timeline17's BBC pages, which lost
their line breaks); the sentences that must stay whole are real sentences opening with "By" or
holding a time with its zone.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.analysis import analyse_doc
from summarizer.page_prefixes import entry_times, sentence_starts, stamps
from summarizer.story_text import STORY, article_kinds, sentence_kind
from tests.summarizer.pages import WORDS, page_texts, squeezed

PUBLISHED = date(2010, 6, 1)

SPLIT = [
    (
        "21 December 2011 Last updated at 04:27 GMT Help Scores of people have been killed in Syria, "
        "opposition activists say, in a second day of heavy bloodshed.",
        ["21 December 2011 Last updated at 04:27 GMT Help",
         "Scores of people have been killed in Syria, opposition activists say, in a second day of heavy bloodshed."],
    ),
    (
        "03 February 12 17:03 GMT Russia's deputy foreign minister says his country \"can not support\" a draft resolution.",
        ["03 February 12 17:03 GMT", "Russia's deputy foreign minister says his country \"can not support\" a draft resolution."],
    ),
    (
        "Gavin Hewitt | 10:35 UK time, Monday, 18 January 2010 At every disaster you find emergency teams from Europe.",
        ["Gavin Hewitt | 10:35 UK time, Monday, 18 January 2010", "At every disaster you find emergency teams from Europe."],
    ),
    (
        "Host | 12:20 UK time, Monday, 14 June 2010 Commentators reflect on the implications of the spill for pensions.",
        ["Host | 12:20 UK time, Monday, 14 June 2010", "Commentators reflect on the implications of the spill for pensions."],
    ),
    (
        "09:27 UK time, Friday, 28 May 2010 The amount has risen since Saturday, and implies more than half is now captured.",
        ["09:27 UK time, Friday, 28 May 2010", "The amount has risen since Saturday, and implies more than half is now captured."],
    ),
    (
        "Page last updated at 07:41 GMT, Wednesday, 9 June 2010 08:41 UK Meet a 22-year-old waiter who works at a local restaurant.",
        ["Page last updated at 07:41 GMT, Wednesday, 9 June 2010 08:41 UK",
         "Meet a 22-year-old waiter who works at a local restaurant."],
    ),
    (
        "Last updated: 14 January, 2010 - 17:26 GMT Expatriates fear for their relatives after the quake.",
        ["Last updated: 14 January, 2010 - 17:26 GMT", "Expatriates fear for their relatives after the quake."],
    ),
    (  # a title run into the stamp: the title, the stamp and the story, each on its own
        "Envoy briefs UN on peace mission 16 March 2012 Last updated at 14:51 GMT Help The envoy is briefing the Security Council.",
        ["Envoy briefs UN on peace mission", "16 March 2012 Last updated at 14:51 GMT Help",
         "The envoy is briefing the Security Council."],
    ),
    (
        "By Anthony Reuben Business reporter, BBC News London Mayor Boris Johnson has expressed concern about the rhetoric.",
        ["By Anthony Reuben Business reporter, BBC News",
         "London Mayor Boris Johnson has expressed concern about the rhetoric."],
    ),
    (
        "By Jonathan Marcus BBC Diplomatic Correspondent The three men were taking part in a meeting of ministers.",
        ["By Jonathan Marcus BBC Diplomatic Correspondent", "The three men were taking part in a meeting of ministers."],
    ),
    (
        "By Joe Lynam, BBC business correspondent BP's shareholders would probably prefer a few quiet years.",
        ["By Joe Lynam, BBC business correspondent", "BP's shareholders would probably prefer a few quiet years."],
    ),
    (
        "By Jim Muir BBC News, Beirut The scars of the conflict are plain to see on the streets.",
        ["By Jim Muir BBC News, Beirut", "The scars of the conflict are plain to see on the streets."],
    ),
    (
        "By Mike Wooldridge World Affairs correspondent, BBC News, London Syrian sympathisers have held rallies in support.",
        ["By Mike Wooldridge World Affairs correspondent, BBC News, London", "Syrian sympathisers have held rallies in support."],
    ),
    (
        "By Jamie Robertson Presenter, BBC World News With its chief executive under fire, it has been a hard week.",
        ["By Jamie Robertson Presenter, BBC World News", "With its chief executive under fire, it has been a hard week."],
    ),
    (  # the byline after a headline that ends in a question mark
        "Can the mission succeed? By Jim Muir BBC News, Beirut The mission is seen by many as the last throw of the dice.",
        ["Can the mission succeed?", "By Jim Muir BBC News, Beirut", "The mission is seen by many as the last throw of the dice."],
    ),
]

WHOLE = [
    "By Monday, they should have enough virus to begin the next stage.",
    "By 13 January, the day after the quake, rescuers had reached the capital.",
    "By Friday they had made it into the country.",
    "By Wednesday, the team was on a plane out to the island.",
    "The tremor hit at 1653 (2153 GMT) on Tuesday, the survey said.",
    "BP began pumping mud into the well at 2000 GMT on Tuesday.",
    "The ceasefire came into effect at 06:00 (03:00 GMT), activists said.",
    "14:00 GMT Tuesday is the deadline for the talks.",
    "By Christmas Eve President Smith had signed the order.",
    # Bylines whose end the words do not show: left whole rather than cut in the wrong place.
    "By Lina Sinjab BBC News, Damascus Women have been involved in the uprising since its beginning.",
    "By Laura Trevelyan BBC News, New Orleans Laura Trevelyan describes the atmosphere at the commission.",
]


def sentences(nlp, text: str, published: date = PUBLISHED):
    return analyse_doc(nlp(text), published).sentences


@pytest.mark.parametrize("text, expected", SPLIT, ids=[e[1][-2][:40] for e in SPLIT])
def test_furniture_run_into_a_sentence_is_a_sentence_of_its_own(nlp, text, expected):
    got = [s.text for s in sentences(nlp, text)]
    assert got == expected
    kinds = article_kinds(text, got)
    assert kinds[-1] == STORY  # the story sentence, standing alone
    assert kinds[-2] != STORY, list(zip(got, kinds))  # the furniture, never shown


@pytest.mark.parametrize("text", WHOLE, ids=[t[:40] for t in WHOLE])
def test_a_sentence_that_only_looks_like_furniture_stays_whole(nlp, text):
    assert [s.text for s in sentences(nlp, text)] == [text]


@pytest.mark.parametrize("stamp", [e[1][-2] for e in SPLIT if not e[1][-2].startswith("By ")])
def test_a_stamp_split_off_is_a_dateline(stamp):
    assert sentence_kind(stamp) == "dateline"


def test_a_story_sentence_that_holds_a_stamp_is_no_dateline():
    assert sentence_kind("Gavin Hewitt | 10:35 UK time, Monday, 18 January 2010 At every disaster you find teams.") == STORY
    assert sentence_kind("Rescue teams arrived at 10:35 UK time, Monday, 18 January 2010.") == STORY


def test_the_same_text_later_in_a_paragraph_stays_whole(nlp):
    text = "Rescuers searched all week. By Monday, they had found 20 survivors. By Friday they had stopped."
    assert [s.text for s in sentences(nlp, text)] == [
        "Rescuers searched all week.", "By Monday, they had found 20 survivors.", "By Friday they had stopped.",
    ]


def test_a_byline_on_its_own_line_is_judged_as_a_byline(nlp):
    text = "By Jonathan Marcus BBC Diplomatic Correspondent\nThe talks ended without a deal."
    got = [s.text for s in sentences(nlp, text)]
    assert got == ["By Jonathan Marcus BBC Diplomatic Correspondent", "The talks ended without a deal."]
    assert sentence_kind(got[0]) == "byline"


class TestEventDates:
    """A stamp of the publication day dates the page, not what its first sentence reports: that
    sentence is dated by its own words, or left to the publication date, as the hand-checked
    event-date set rules ("the byline's date is the publication"). A stamp of another day (a live
    page's entry, a later post of a blog) dates the sentence after it when its words do not, as
    it did while the two were one sentence. Either way the stamp is the time that "that day"
    after it refers to."""

    def test_after_a_stamp_of_the_publication_day_the_sentence_is_dated_by_its_own_words(self, nlp):
        stamp, story, later = sentences(
            nlp,
            "Gavin Hewitt | 10:35 UK time, Monday, 18 January 2010 At every disaster you find emergency teams "
            "from Europe. The first of them arrived on Sunday.",
            date(2010, 1, 18),
        )
        assert stamp.event is not None and stamp.event.start == date(2010, 1, 18)
        assert story.event is None
        assert later.event is not None and later.event.start == date(2010, 1, 17)

    def test_a_stamp_of_another_day_dates_the_undated_sentence_after_it_and_no_other(self, nlp):
        heading, stamp, entry, after = sentences(
            nlp,
            "Live coverage of the quake\n12 January 2010 16:53 GMT A powerful earthquake strikes near the capital. "
            "Buildings collapse across the city.",
            date(2010, 1, 20),
        )
        assert stamp.text == "12 January 2010 16:53 GMT"
        assert entry.event is not None and (entry.event.start, entry.event.end) == (date(2010, 1, 12), date(2010, 1, 12))
        assert after.event is None

    def test_a_two_digit_year_in_a_stamp_is_this_century_s(self, nlp):
        _, story = sentences(nlp, "03 February 12 17:03 GMT The minister says his country will not support the draft.", date(2012, 2, 2))
        assert story.event is not None and story.event.start == date(2012, 2, 3)

    def test_the_stamp_is_the_day_an_anaphor_after_it_refers_to(self, nlp):
        stamp, story = sentences(
            nlp,
            "21 December 2011 Last updated at 04:27 GMT Help Scores of people were killed on that day, activists say.",
            date(2011, 12, 21),
        )
        assert stamp.event is not None and stamp.event.start == date(2011, 12, 21)
        assert story.event is not None and (story.event.start, story.event.end) == (date(2011, 12, 21), date(2011, 12, 21))

    def test_a_date_the_story_sentence_names_is_its_own(self, nlp):
        _, story = sentences(
            nlp,
            "30 August 11 11:00 GMT I argued in May that the president would probably survive.",
            date(2011, 9, 2),
        )
        assert story.event is not None and (story.event.start, story.event.end) == (date(2011, 5, 1), date(2011, 5, 31))


# -- properties ------------------------------------------------------------------------------------

PIECES = [
    "21 December 2011 Last updated at 04:27 GMT Help", "Gavin Hewitt | 10:35 UK time, Monday, 18 January 2010",
    "03 February 12 17:03 GMT", "By Jonathan Marcus BBC Diplomatic Correspondent", "By Monday,",
    "By Jim Muir BBC News, Beirut", "Page last updated at 07:41 GMT, Wednesday, 9 June 2010 08:41 UK",
    "Scores of people have been killed.", "The talks ended at 2000 GMT on Tuesday.", "London Mayor Boris Johnson said",
    "\"We will stay,\" he said.", "they should have enough virus", "Help", "|", "GMT", "By", "The", "13 January 2010",
    "1616 UN envoy Ban says aid is coming.", "0905 The first planes landed.", "2003 US troops invade Iraq.",
]
TEXTS = page_texts(PIECES, 10, [" ", " ", "\n", "  ", "\n\n"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(TEXTS)
def test_splitting_never_loses_or_reorders_text(nlp, text):
    got = sentences(nlp, text)
    assert squeezed("".join(s.text for s in got)) == squeezed(text)


@given(st.lists(st.one_of(st.sampled_from(PIECES), WORDS), max_size=12).map(" ".join))
def test_stamps_are_in_order_apart_and_inside_the_text(text):
    found = stamps(text)
    assert found == sorted(found)
    assert all(0 <= a < b <= len(text) for a, b in found)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(found, found[1:]))
    assert all(0 <= at < len(text) for at in sentence_starts(text))


LIVE_PAGE = (
    "As it happened: floods 14 Jan Live coverage of the floods. "
    "2358 The UN says at least 14 of its staff have died. "
    "2021: President Ana Ruiz says the head of the UN mission was killed. "
    "1135 Jo Kemp, Leeds, e-mails: My sister is safe, thank God. "
    "0905 The first aid planes landed at the airport."
)


def test_a_live_pages_entry_times_are_datelines_of_their_own(nlp):
    """"2021 President Ana Ruiz says ..." shows the entry, not the page's clock; a reader's post
    after its time is still a comment."""
    got = [s.text for s in sentences(nlp, LIVE_PAGE)]
    kinds = dict(zip(got, article_kinds(LIVE_PAGE, got)))
    for time in ("2358", "2021:", "1135", "0905"):
        assert kinds[time] == "dateline", kinds
    assert kinds["The UN says at least 14 of its staff have died."] == STORY
    assert kinds["President Ana Ruiz says the head of the UN mission was killed."] == STORY
    assert kinds["The first aid planes landed at the airport."] == STORY
    assert [k for t, k in kinds.items() if t.startswith("Jo Kemp")] == ["comment"]


@pytest.mark.parametrize(
    "text",
    [
        # A chronology: its years are no times of day before noon.
        "Key dates. 2003 US troops invade Iraq. 2006 Saddam Hussein is executed. 2011 The last US troops leave.",
        # Two entries are no live page.
        "Updates. 1135 The first planes landed. 0905 Rescue teams reached the town.",
    ],
)
def test_four_figures_that_open_sentences_are_no_entry_times_off_a_live_page(text):
    assert entry_times(text) == []
