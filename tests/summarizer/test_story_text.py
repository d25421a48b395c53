"""Which sentences are the story: headings, captions, credits, links and boilerplate by form alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.scoring import needs_context
from summarizer.story_text import COMMENT, KINDS, STORY, article_kinds, repeated_boilerplate, sentence_kind, signs_off


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
        ("At 21:58 29th Apr 2009, someone wrote: cover this story, and do it well.", COMMENT),
        ("At 8:27 pm on 04 Mar 2011, a reader wrote: I disagree.", COMMENT),
        ("Ends here. Added: Friday, 5 March, 2021, 09:12 GMT 09:12 UK My street is flooded.", COMMENT),
        ('He added: "Friday, 5 March, 2021 was the worst day."', STORY),
        ('At 10:30 on Monday the minister wrote: "The bridge will reopen."', STORY),
        ("As it happened: River floods 5 Mar Live coverage following the floods in the north.", "heading"),
        ("As it happened: River floods 6 Mar Live coverage following Friday's floods in the north, in which "
         "hundreds of homes are feared to have been lost and two bridges closed.", STORY),
        ("Live: Summit talks go into a second day as leaders arrive.", "heading"),
        ("Welcome to our live coverage of the summit in the capital.", "boilerplate"),
        ("Our live coverage ends now - but you can keep up with the latest developments here.", "boilerplate"),
        ("Live coverage of the summit drew record audiences, the broadcaster said.", STORY),
        ("Today is broadcast live and the running order is subject to change.", "boilerplate"),
        ("PLEASE NOTE: We are unable to offer transcripts for our program interviews.", "boilerplate"),
        ("The network is discontinuing this live update page for the night.", "boilerplate"),
        ("We will be updating this page throughout the day, bringing you reports from the towns.", "boilerplate"),
        ("For the latest developments, please go to our main news page.", "boilerplate"),
        # a page introducing itself or what follows, not the story
        ("The following is a timeline of key events in the conflict.", "boilerplate"),
        ("Here is a summary of what we know so far about the spill, and the questions still open.", "boilerplate"),
        ("Below are some of the main logistical challenges.", "boilerplate"),
        ("This article lists some of the points raised.", "boilerplate"),
        ("From Monday please welcome our new blog hostess.", "boilerplate"),
        ("Governments do as they please within their borders.", STORY),
        ('"Please help us," she said.', STORY),
        ("The following day, troops entered the city.", STORY),
        ("Here is a man who knows the risks, his colleagues said.", STORY),
        ("The report lists 40 sites that were shelled on Monday.", STORY),
        ("The running order of the parade was changed on Tuesday, organisers said.", STORY),
        ("The ministry said it was updating its page of travel advice every hour.", STORY),
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


# -- readers' comments -------------------------------------------------------------------------

BLOG_POST = [
    "Ana Ruiz | 10:35 UK time, Friday, 5 March 2021 The river rose two metres overnight.",
    "Engineers opened the sluice gates at dawn.",
    "The council has asked residents of the lower town to leave.",
]


def _kinds(sentences: list[str]) -> list[str]:
    return article_kinds(" ".join(sentences), sentences)


def test_comments_under_a_post_run_from_the_first_header_to_the_end():
    comments = [
        "At 11:02 am on 05 Mar 2021, riverwatcher wrote: They should have opened the gates a week ago.",
        "Nobody listens to the people who live here.",
        "The same thing happened ten years ago.",
        "At 11:40 am on 05 Mar 2021, Kay_B wrote: Stay safe everyone.",
        "My sister had to leave her house at midnight.",
    ]
    assert _kinds(BLOG_POST + comments) == [STORY] * 3 + [COMMENT] * 5


def test_a_debate_page_with_added_stamps_is_comments_below_its_introduction():
    page = [
        "This debate is now closed.",
        "Should the city build a higher flood wall?",
        "The council voted on Monday to spend 40 million on new defences.",
        "Published: Friday, 5 March, 2021, 15:33 GMT 15:33 UK Added: Saturday, 6 March, 2021, 18:32 GMT 18:32 UK "
        "A wall only moves the water downstream.",
        "Added: Saturday, 6 March, 2021, 18:16 GMT 18:16 UK The money would be better spent on drains.",
        "Drains clog every autumn.",
    ]
    assert _kinds(page) == [STORY] * 3 + [COMMENT] * 3


def test_one_header_alone_marks_only_its_own_sentence():
    sentences = [*BLOG_POST, "At 11:02 am on 05 Mar 2021, riverwatcher wrote: Stay safe.", "The water fell by noon."]
    assert _kinds(sentences) == [STORY] * 3 + [COMMENT, STORY]


def test_a_page_of_readers_accounts_is_comments_after_its_introduction():
    page = [
        "Readers in the flooded towns have been sending their accounts.",
        "How can we prepare for the next flood?",
        "I woke at three to water coming under the door.",
        "The ground floor was gone within an hour.",
        "Maria Lopez, Riverside, Northshire We moved everything upstairs and waited for the boats.",
        "The boats came at six.",
        "Tom Berry, Lower Town",
        "Our school is now a shelter for 200 people.",
        "Jo Kemp and Sam Kemp, Old Mill, Northshire I'm a volunteer at the shelter.",
    ]
    # A sign-off on a line of its own was a heading by its form already, and stays one; the line
    # saying what the page holds is the page's own.
    assert _kinds(page) == ["boilerplate", STORY] + [COMMENT] * 4 + ["heading"] + [COMMENT] * 2


@pytest.mark.parametrize(
    "intro",
    [
        "Readers in the flooded towns have been sending their accounts to us.",
        "News website readers around the world have been talking to us about their search for relatives.",
        "The following people have been sending us their diaries.",
        "We asked readers to submit their ideas on how the flood should have been stopped.",
        # a page asking for its readers' views, whose sign-offs were lost with the line breaks
        "Have your say and let us know.",
        "Also, what are your thoughts on the plight of the flooded towns?",
    ],
)
def test_a_page_that_says_readers_accounts_follow_is_comments_from_the_first_account(intro):
    page = [
        "Floods in the north: your stories",
        "Thousands of homes were flooded on Monday.",
        intro,
        "ANN LEE, RIVERSIDE",  # signed in capitals: no sign-off counts, the introduction decides
        "I woke at three to water coming under the door.",
        "The ground floor was gone within an hour.",
        "We moved everything upstairs and waited for the boats.",
    ]
    kinds = _kinds(page)
    assert kinds[1] == STORY and kinds[2] == "boilerplate"
    assert kinds[4:] == [COMMENT] * 3


@pytest.mark.parametrize(
    "intro",
    [
        "Residents have been describing the moment the water arrived.",
        "Witnesses have been sharing videos of the collapse on social media.",
        "Emergency crews said they were sending more boats to the town.",
    ],
)
def test_a_report_that_quotes_residents_is_no_page_of_accounts(intro):
    page = [
        "Thousands of homes were flooded on Monday.",
        intro,
        "“I woke at three to water coming under the door,” one resident said.",
        "Officials said 200 people had been moved to the school.",
        "We will keep reporting as the water falls.",
    ]
    assert COMMENT not in _kinds(page) and "boilerplate" not in _kinds(page)


@pytest.mark.parametrize(
    "signature",
    [
        "Maria Lopez, Riverside, Northshire We moved everything upstairs.",
        "Tom Berry, Lower Town",
        "Dr Ann Lee, Old Mill I'm a doctor at the clinic.",
        "Jo Kemp and Sam Kemp, Old Mill, Northshire.",
    ],
)
def test_a_sign_off_is_a_name_and_a_place(signature):
    assert signs_off(signature)


@pytest.mark.parametrize(
    "text",
    [
        "On Monday, King Ralf of Eastland became the first leader to speak.",
        "Meanwhile, Mr Berry has said the gates were opened too late.",
        "PROFESSOR ANN LEE, CHIEF ENGINEER",
        "The mayor, the police chief and the fire chief met at noon.",
    ],
)
def test_a_story_sentence_is_no_sign_off(text):
    assert not signs_off(text)


def test_two_sign_offs_are_a_byline_or_a_witness_not_a_page_of_comments():
    page = [
        "Jan Holm BBC News, Riverside",
        "I have seen the water rise in this town before.",
        "Officials said 200 people had been moved to the school.",
        "Maria Lopez, Riverside, Northshire We moved everything upstairs.",
    ]
    assert COMMENT not in _kinds(page)


def test_experts_signed_in_capitals_are_not_readers():
    page = [
        "We asked three experts what the floods mean.",
        "ANN LEE, CHIEF ENGINEER, RIVER AUTHORITY",
        "I think the gates held as designed.",
        "TOM BERRY, PROFESSOR OF HYDROLOGY",
        "We will see more floods like this one.",
        "JO KEMP, CITY PLANNER",
        "Our plans assumed a smaller river.",
    ]
    assert COMMENT not in _kinds(page)


def test_a_post_a_live_page_quotes_is_a_comment_header_and_post():
    """Readers' e-mails and social-media posts on a live page, each after its entry's time: the
    header's sentence and the post's own (quoted, or unquoted in the first person) are comments;
    the page's reporting between them stays story."""
    page = [
        "0914 The river burst its banks overnight, the fire service says.",
        '0930 Anna Berg, Leeds, UK, e-mails: "My street is under a metre of water.',
        "We moved the children upstairs at 3am.",
        'The neighbours have a boat."',
        "0945 Police closed the bridge on the ring road.",
        "1002 floodwatch99 tweets: Sandbags are being handed out at the town hall.",
        "1010 Tom Ray, Selby, texts: I have lived here for 40 years.",
        "I have never seen anything like it.",
        "The council opened two rest centres on Tuesday.",
        '1020 Ann Lee, York, e-mails: "We lost power at midnight.',
        'It was very frightening." 1025 The fire chief tells local radio: "Crews rescued 40 people."',
    ]
    assert _kinds(page) == [STORY, COMMENT, COMMENT, COMMENT, STORY, COMMENT, COMMENT, COMMENT, STORY, COMMENT, STORY]


@pytest.mark.parametrize(
    "text",
    [
        'The minister tweeted: "We will rebuild every home."',  # an actor's statement, as a report tells it
        "The draft texts: one from the council, one from the government.",
        "The mayor said she e-mails residents every week about the repairs.",
        # The page's own words before a glued entry keep the sentence the page's.
        "The bridge will stay shut until engineers have checked it 1002 floodwatch99 tweets: Sandbags are out.",
    ],
)
def test_a_report_that_names_a_post_or_an_email_is_no_post(text):
    assert _kinds([text, "Repairs will take a month."]) == [STORY, STORY]


_WORD = st.from_regex(r"[a-z]{2,9}", fullmatch=True)
_SENTENCE = st.lists(_WORD, min_size=3, max_size=20).map(lambda ws: " ".join([ws[0].capitalize(), *ws[1:]]) + ".")


@given(st.lists(_SENTENCE, min_size=1, max_size=40))
def test_ordinary_sentences_of_random_words_are_never_comments(sentences):
    assert COMMENT not in _kinds(sentences)


@given(st.lists(st.text(max_size=120), max_size=30))
def test_the_article_kinds_of_any_texts_are_kinds_one_per_sentence(sentences):
    kinds = _kinds(sentences)
    assert len(kinds) == len(sentences) and set(kinds) <= set(KINDS)


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
