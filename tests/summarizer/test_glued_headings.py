"""A heading or caption run into an article's first sentence becomes a sentence of its own, at ingestion.

Pages that lost their line breaks (Timeline17's BBC pages) glue the page's heading and a photo's
caption onto the lead: "Floods close city schools A storm has flooded ...". The heading and the
caption are split off and judged as what they are (never story); the lead stands alone. Real
sentences that hold a capitalised opener inside ("the plan The Herald reported") stay whole, and
so does every sentence but the first.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from summarizer.analysis import analyse_doc, vector_text
from summarizer.page_prefixes import lead_starts
from summarizer.story_text import STORY, article_kinds, sentence_kind
from tests.summarizer.pages import page_texts, squeezed

PUBLISHED = date(2010, 6, 1)

SPLIT = [
    (  # heading | lead, after a lower-case word
        "Floods close city schools A storm has flooded dozens of homes in the north of the country, officials say.",
        ["Floods close city schools", "A storm has flooded dozens of homes in the north of the country, officials say."],
    ),
    (  # heading | caption | lead, the heading ending in a quotation
        "River town braced for 'worst yet' A barrier is raised along the quay to hold back the water "
        "The river is expected to peak on Friday, the agency has said.",
        ["River town braced for 'worst yet'", "A barrier is raised along the quay to hold back the water",
         "The river is expected to peak on Friday, the agency has said."],
    ),
    (  # a quoted caption holding a final mark inside its quotation
        "Town hit by storm \"Everything was just falling apart... there was nowhere to go\" "
        "A powerful storm has struck the coastal town, destroying hundreds of homes.",
        ["Town hit by storm \"Everything was just falling apart... there was nowhere to go\"",
         "A powerful storm has struck the coastal town, destroying hundreds of homes."],
    ),
    (  # a caption quoting someone after a colon: any capitalised word opens the lead
        "Talks end without deal Minister Jo Park: \"We will keep talking\" "
        "Negotiators from both sides left the capital on Tuesday without an agreement.",
        ["Talks end without deal Minister Jo Park: \"We will keep talking\"",
         "Negotiators from both sides left the capital on Tuesday without an agreement."],
    ),
    (  # a heading ending in a name, a lead opening with a preposition
        "Aid workers are reaching Riverton With up to 500 people feared dead, charities are racing to deliver aid.",
        ["Aid workers are reaching Riverton", "With up to 500 people feared dead, charities are racing to deliver aid."],
    ),
    (  # a word of quantity opens the lead
        "Storm leaves city in darkness Thousands of homes have been without power since Monday, the company says.",
        ["Storm leaves city in darkness", "Thousands of homes have been without power since Monday, the company says."],
    ),
    (  # after a stamp: the caption and the lead, each on its own
        "Page last updated at 16:51 GMT, Tuesday, 19 January 2010 Volunteers in the city have been told to "
        "prepare for the worst The United Nations says it is sending an extra 3,500 troops to the region.",
        ["Page last updated at 16:51 GMT, Tuesday, 19 January 2010",
         "Volunteers in the city have been told to prepare for the worst",
         "The United Nations says it is sending an extra 3,500 troops to the region."],
    ),
    (  # heading | byline | caption | lead
        "In hiding with a family By Jo Kemp BBC News, Riverton Only men join the marches after attacks on women "
        "His mother grabs him before he can run into the street.",
        ["In hiding with a family", "By Jo Kemp BBC News, Riverton", "Only men join the marches after attacks on women",
         "His mother grabs him before he can run into the street."],
    ),
]

WHOLE = [
    # A capitalised determiner that opens a title inside a sentence, after a verb or a relative pronoun.
    "The minister said the plan The Times reported was dead.",
    "She told reporters in the capital The Herald had been wrong about the figures.",
    "Blogger Jo Kemp who runs the blog The Kemp Report was in the city when the storm struck.",
    # Names in title case.
    "He spent the day at the Asset Management Round The Island Race, which starts off the coast.",
    "Singers join the Hope For Tomorrow benefit concert held in the city on Friday evening.",
    # "I" is always a capital.
    "Officials said that I was free to go and the police agreed with them.",
    # An unbalanced quotation before the opener.
    "An old saying tells us,\" The person who taught me a letter deserves my respect\".",
    # The lead would be too short to stand.
    "Rain returns to the valley A relief at last.",
    # Unsure: a verb just before "The" and a capitalised word ("help end the fighting The Red ...").
    "Rebels help end the fighting The Red Cross says it has reached the town at last.",
]


def sentences(nlp, text: str):
    return [s.text for s in analyse_doc(nlp(text), PUBLISHED).sentences]


@pytest.mark.parametrize("text, expected", SPLIT, ids=[e[1][-1][:40] for e in SPLIT])
def test_a_heading_or_caption_run_into_the_lead_is_a_sentence_of_its_own(nlp, text, expected):
    got = sentences(nlp, text)
    assert got == expected
    kinds = article_kinds(text, got)
    assert kinds[-1] == STORY  # the lead, standing alone
    assert all(k != STORY for k in kinds[:-1]), list(zip(got, kinds))  # heading, caption, byline: never shown


@pytest.mark.parametrize("text", WHOLE, ids=[t[:40] for t in WHOLE])
def test_a_sentence_that_only_looks_glued_stays_whole(nlp, text):
    assert sentences(nlp, text) == [text]


def test_only_the_first_sentence_is_searched(nlp):
    second = "Floods close city schools A storm has flooded dozens of homes in the north, officials say."
    text = "Rescuers worked through the night in the flooded valley. " + second
    assert sentences(nlp, text) == ["Rescuers worked through the night in the flooded valley.", second]


def test_a_heading_on_its_own_line_is_left_to_the_line_break(nlp):
    text = "Floods close city schools\nA storm has flooded dozens of homes in the north, officials say."
    assert sentences(nlp, text) == ["Floods close city schools", "A storm has flooded dozens of homes in the north, officials say."]


def test_the_lead_keeps_its_own_event_date(nlp):
    got = analyse_doc(nlp("Floods close city schools A storm flooded dozens of homes on Monday, officials say."), PUBLISHED)
    heading, lead = got.sentences
    assert heading.event is None
    assert lead.event is not None and lead.event.start == date(2010, 5, 31)


def test_the_lead_is_embedded_with_the_heading_cut_off_it(nlp):
    text = ("River town braced for 'worst yet' A barrier is raised along the quay to hold back the water "
            "The river is expected to peak on Friday, the agency has said. Schools will stay closed.")
    heading, caption, lead, later = analyse_doc(nlp(text), PUBLISHED).sentences
    assert lead.heading == "River town braced for 'worst yet' A barrier is raised along the quay to hold back the water"
    assert vector_text(lead) == f"{lead.heading} {lead.text}"
    assert lead.text == "The river is expected to peak on Friday, the agency has said."  # shown without it
    assert [vector_text(s) for s in (heading, caption, later)] == [heading.text, caption.text, later.text]


def test_a_lead_with_nothing_cut_off_is_embedded_alone(nlp):
    for text in (*WHOLE, "Floods close city schools\nA storm has flooded dozens of homes in the north, officials say."):
        assert all(s.heading == "" and vector_text(s) == s.text for s in analyse_doc(nlp(text), PUBLISHED).sentences)


def test_a_stamp_above_the_heading_is_no_part_of_the_leads_vector(nlp):
    *_, lead = analyse_doc(nlp(SPLIT[6][0]), PUBLISHED).sentences
    assert lead.heading == "Volunteers in the city have been told to prepare for the worst"


# -- properties ------------------------------------------------------------------------------------

PIECES = [
    "Floods close city schools", "A storm has flooded homes", "The river is rising", "'worst yet'", "\"nowhere to go\"",
    "Minister Jo Park:", "By Jo Kemp BBC News, Riverton", "Thousands of homes", "With up to 500 people", "the plan",
    "The Times reported", "officials say.", "I was told", "Some", "The", "A", "As", "...", "\"", "'", ",", ".", "?",
    "03 February 12 17:03 GMT",
]
TEXTS = page_texts(PIECES, 14, [" ", " ", " ", "  ", "\n"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(TEXTS)
def test_splitting_never_loses_or_reorders_text(nlp, text):
    assert squeezed("".join(sentences(nlp, text))) == squeezed(text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(TEXTS)
def test_every_part_cut_off_before_the_lead_is_no_story(nlp, text):
    doc = nlp(text)
    start = next((t.i for t in doc if not t.is_space), None)
    if start is None:
        return
    cuts = lead_starts(doc, start)
    assert cuts == sorted(set(cuts)) and all(start < k < len(doc) for k in cuts)
    points = [start, *cuts]
    for a, b in zip(points, points[1:]):
        part = doc[a:b].text.strip()
        assert sentence_kind(part) != STORY, part


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(TEXTS)
def test_only_the_lead_carries_a_heading_and_it_is_the_text_cut_off_it(nlp, text):
    got = analyse_doc(nlp(text), PUBLISHED).sentences
    carrying = [k for k, s in enumerate(got) if s.heading]
    assert len(carrying) <= 1
    for k in carrying:
        assert squeezed("".join(s.text for s in got[:k])).endswith(squeezed(got[k].heading))  # the parts just above
        assert squeezed(vector_text(got[k])) in squeezed(text)  # heading and lead, as the page wrote them
