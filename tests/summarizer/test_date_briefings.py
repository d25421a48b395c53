"""Date briefings on small hand-made stores: what other articles report about the day leads, and
a thin day is filled with what was published the day after."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.briefings import BriefingService, Tuning
from summarizer.dates import DateSpan
from summarizer.ranking import Context, Weights, rank
from summarizer.selection import support
from summarizer.store import Store
from summarizer.store.actors import catalog
from summarizer.store.articles import add_article
from summarizer.store.models import Actor
from summarizer.store.rows import Candidates, NewArticle, NewMention, NewSentence
from summarizer.store.sentences import load_reach, published_candidates
from summarizer.story_text import STORY, first_person
from tests.fakes import FakeEncoder

DAY = date(2011, 5, 3)
TODAY = date(2026, 11, 24)


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs + (0.0,) * (4 - len(xs)), dtype=np.float32)
    return v / np.linalg.norm(v)


# -- support, pure -----------------------------------------------------------------------------


def test_a_sentence_other_articles_report_has_more_support_than_one_only_its_page_carries():
    vectors = np.stack([unit(1, 0), unit(0.98, 0.1), unit(0.97, 0.15), unit(0, 0, 1), unit(0, 1)])
    s = support(vectors, [1, 2, 3, 1, 1], k=2)
    assert s[0] > 0.9 and s[3] < 0.2
    # its own article never vouches: 4 is alike only to 3 and 0, which share its article
    assert s[4] < 0.2


def test_one_long_article_cannot_vouch_for_a_sentence_alone():
    vectors = np.stack([unit(1, 0), unit(1, 0.01), unit(1, 0.02), unit(1, 0.03), unit(0, 1)])
    # three echoes, all in article 2: they count once, and the other two of k=3 count 0
    s = support(vectors, [1, 2, 2, 2, 3], k=3)
    assert s[0] == pytest.approx(1 / 3, abs=0.01)


@given(st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(0.01, 1), st.integers(0, 4)), max_size=30),
       st.integers(1, 5))
def test_support_is_one_share_per_sentence_in_0_to_1(rows, k):
    vectors = np.stack([unit(a, b, c) for a, b, c, _ in rows]) if rows else np.zeros((0, 4), dtype=np.float32)
    s = support(vectors, [source for *_, source in rows], k)
    assert s.shape == (len(rows),)
    assert np.all((s >= 0) & (s <= 1 + 1e-6))
    if len({source for *_, source in rows}) == 1:  # one source alone: nobody else vouches
        assert np.all(s == 0)


# -- the date path on a hand-made store -------------------------------------------------------

def test_what_other_articles_report_outranks_what_one_page_says_many_times():
    """A live page's five alike lines pull the pool's centroid to them; the day's news, one line in
    each of three other articles, is what other articles vouch for, and leads with support."""
    page = [unit(1, 0.1 * k, 0, 0.3) for k in range(5)]
    news = [unit(0.2, 0, 1), unit(0.25, 0, 1, 0.05), unit(0.2, 0.05, 1)]
    vectors = np.stack(page + news)
    articles = [0] * 5 + [1, 2, 3]
    c = Candidates(
        ids=list(range(8)), articles=articles, positions=list(range(8)), texts=["x"] * 8,
        event_start=[DAY] * 8, event_end=[DAY] * 8, quality=[0.5] * 8, vectors=vectors,
    )
    ctx = Context(span=DateSpan(DAY, DAY), support=dict(enumerate(float(x) for x in support(vectors, articles, 3))))
    with_support = rank("event", c, ctx)
    centrality_only = rank("event", c, ctx, replace(Weights(), event_central=0.3, event_support=0.0))
    assert with_support[5:].min() > with_support[:5].max()
    assert centrality_only[:5].max() > centrality_only[5:].max()  # the page's lines would lead


NEWS = "Rebels seized the northern port city after heavy fighting overnight."


def sentence(position: int, text: str, day: date | None, encoder: FakeEncoder, quality: float = 0.5) -> NewSentence:
    return NewSentence(position, text, day, day, "on Tuesday" if day else None, encoder.encode([text])[0], quality, 0)


def article(n: int, published: date, sentences: list[NewSentence]) -> NewArticle:
    return NewArticle(
        f"Report {n}", "Outlet", f"https://example.org/{n}", published, "front matter", None, f"a{n}",
        " ".join(s.text for s in sentences), f"hash-{n}", datetime(2026, 1, 1, tzinfo=UTC), sentences,
    )


PEOPLE = ["minister", "general", "mayor", "envoy", "judge", "bishop", "senator", "doctor"]
DEEDS = ["opened", "closed", "visited", "inspected", "blessed", "sold", "bought", "painted"]
THINGS = ["bridge", "harbour", "school", "airport", "factory", "museum", "stadium", "library"]


def thin_store(tmp_path, next_day: list[str], day_after: list[str]) -> Store:
    """A day with one short article, then articles published on each of the three days after."""
    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path}/thin.db")
    later = [next_day, day_after, ["Three days later the talks on a ceasefire opened in the capital."]]
    with store.session() as session:
        add_article(session, article(0, DAY, [sentence(0, NEWS, DAY, encoder)]))
        for n, texts in enumerate(later, start=1):
            lines = [sentence(k, t, None, encoder, quality=0.5 + 0.1 * n) for k, t in enumerate(texts)]
            add_article(session, article(n, DAY + timedelta(days=n), lines))
    return store


def test_a_thin_day_is_filled_with_what_was_published_the_days_after(tmp_path):
    store = thin_store(tmp_path, ["Thousands fled the port city as the army prepared a counter-attack.",
                                  "Aid agencies said food and water were running out in the city."],
                       ["Foreign ministers met to discuss sanctions against the rebel leaders."])
    days = Tuning().date_fill_days
    assert days == 2
    filled = BriefingService(store, FakeEncoder(), today=lambda: TODAY).brief(DAY.isoformat())
    alone = BriefingService(store, FakeEncoder(), today=lambda: TODAY, tuning=replace(Tuning(), date_fill_days=0))
    assert [i.text for i in alone.brief(DAY.isoformat()).items] == [NEWS]
    assert len(filled.items) == 4 and filled.items[0].text == NEWS
    # shown as published, with the date they were published, never as events of the asked day
    assert [(i.basis, i.date) for i in filled.items[1:]] == [("published", DAY + timedelta(days=1))] * 2 + [
        ("published", DAY + timedelta(days=2))]
    # no further than the fill reaches: the article three days on stays out
    assert not any("ceasefire" in i.text for i in filled.items)


def test_the_nearest_day_fills_first(tmp_path):
    next_day = [f"The {who} {did} the {what}." for who, did, what in zip(PEOPLE[:5], DEEDS, THINGS)]
    store = thin_store(tmp_path, next_day, ["Foreign ministers met to discuss sanctions against the rebel leaders."])
    items = BriefingService(store, FakeEncoder(), today=lambda: TODAY).brief(DAY.isoformat()).items
    # the day and the next fill the six items; the later, better-written report waits its turn
    assert len(items) == 6 and max(i.date for i in items) == DAY + timedelta(days=1)


def test_a_full_day_takes_nothing_from_the_day_after(tmp_path):
    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path}/full.db")
    with store.session() as session:
        for n, (who, did, what) in enumerate(zip(PEOPLE, DEEDS, THINGS)):
            text = f"{who.capitalize()} {did} {what}."
            add_article(session, article(n, DAY, [sentence(0, text, DAY, encoder)]))
        add_article(session, article(99, DAY + timedelta(days=1), [sentence(0, NEWS, None, encoder)]))
    items = BriefingService(store, encoder, today=lambda: TODAY).brief(DAY.isoformat()).items
    assert len(items) == 6 and all(i.date == DAY for i in items)


@pytest.mark.parametrize(("text", "personal"), [
    ("Last night we could smell that horrible smell from the ruins.", True),
    ("At one camp I visited today volunteers guard the most vulnerable.", True),
    ("Officials told us nothing about the convoy.", True),
    ("\"We will rebuild this city,\" the president said.", False),
    ("He said: “I am sorry for my mistakes.”", False),
    ("The US said it would send another 4,000 troops.", False),
    ("Rescuers pulled a woman alive from the rubble of a hotel.", False),
    ("We were told to leave the building at once.", True),
    ("Our correspondent saw the first convoy arrive.", True),
    ("He said: ‘We are not leaving.’", False),
    ("The mine collapsed on Tuesday, trapping 33 men.", False),
])
def test_the_first_person_counts_only_outside_quotation_marks(text, personal):
    assert first_person(text) == float(personal)


def test_a_line_told_in_the_first_person_ranks_below_the_same_news_reported():
    texts = ["Last night we saw the army enter the city.", "The army entered the city overnight, witnesses said."]
    c = Candidates(
        ids=[0, 1], articles=[0, 1], positions=[3, 3], texts=texts, event_start=[DAY] * 2, event_end=[DAY] * 2,
        published=[DAY] * 2, quality=[0.8] * 2, vectors=np.stack([unit(1, 0), unit(1, 0)]),
    )
    ctx = Context(span=DateSpan(DAY, DAY), support={0: 0.5, 1: 0.5})
    for name in ("event", "published"):
        scores = rank(name, c, ctx)
        assert scores[1] > scores[0], name
    plain = replace(Weights(), event_personal=0.0, published_personal=0.0)
    assert rank("event", c, ctx, plain)[0] == pytest.approx(rank("event", c, ctx, plain)[1])


def test_the_lead_is_the_story_s_first_sentence_whatever_furniture_stands_above_it(tmp_path):
    encoder = FakeEncoder()
    texts = ["Floods in the north", "By Ana Ruiz Science reporter", "The river burst its banks overnight.",
             "Two bridges were closed.", "Pictured: the lower town", "Schools stay shut on Monday."]
    kinds = ["heading", "byline", STORY, STORY, "caption", STORY]
    sentences = [replace(sentence(i, t, None, encoder), kind=k) for i, (t, k) in enumerate(zip(texts, kinds))]
    store = Store(f"sqlite:///{tmp_path}/leads.db")
    with store.session() as session:
        add_article(session, article(0, DAY, sentences))
    with store.session() as session:
        c = published_candidates(session, DAY, DAY)
    assert c.texts == [texts[2], texts[3], texts[5]]
    assert c.positions == [2, 3, 5] and c.leads == [0, 1, 2]
    # so the story's opening sentence ranks as the lead it is
    ranked = rank("published", c, Context(span=DateSpan(DAY, DAY)))
    assert ranked[0] > ranked[1] > ranked[2]


def test_a_sentence_naming_the_story_s_main_actor_reaches_further_and_ranks_above_a_passer_by_s(tmp_path):
    """Reach is the share of stored articles naming a sentence's most widely named actor."""
    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path}/reach.db")
    with store.session() as session:
        main, passer = Actor(name="Ana Ruiz", kind="person", origin="text"), Actor(name="Ben Stokes", kind="person", origin="text")
        session.add_all([main, passer])
        session.flush()
        ids = (main.id, passer.id)
    texts = ["Ana Ruiz opened the new bridge.", "Ben Stokes sold his bakery.", "The river rose again."]

    def mention(actor_id: int, position: int) -> NewMention:
        return NewMention(actor_id, position, "someone", "PERSON", 0.8, False)

    with store.session() as session:
        # the day's article names both; three earlier ones name only the main actor
        add_article(session, replace(article(0, DAY, [sentence(i, t, None, encoder) for i, t in enumerate(texts)]),
                                     mentions=[mention(ids[0], 0), mention(ids[1], 1)]))
        for n in (1, 2, 3):
            before = [sentence(0, f"Ana Ruiz spoke in town number {n}.", None, encoder)]
            add_article(session, replace(article(n, DAY - timedelta(days=n), before), mentions=[mention(ids[0], 0)]))
    with store.session() as session:
        c = load_reach(session, published_candidates(session, DAY, DAY), catalog(session).reach)
    assert c.texts == texts
    assert c.reach == [pytest.approx(4 / 4), pytest.approx(1 / 4), 0.0]
    # the same sentence otherwise: the main actor's line leads, then the passer-by's, then no one's
    same = replace(c, positions=[3, 3, 3], leads=[3, 3, 3], quality=[0.5] * 3)
    scores = rank("published", same, Context(span=DateSpan(DAY, DAY)))
    assert scores[0] > scores[1] > scores[2]
    assert len(set(rank("published", same, Context(span=DateSpan(DAY, DAY)), replace(Weights(), published_reach=0.0)))) == 1

