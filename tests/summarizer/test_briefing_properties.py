"""Briefings on stores of random shape: every query returns, a "no coverage" answer never
lists stored coverage that contains the day it asked about, and every reply fits its medium
(one Telegram message, an inline result, the CLI's budget) however many copies and outlets the
store holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.briefings import BriefingService
from summarizer.dates import DateSpan, parse_date_query, resolve_expression
from summarizer.store import Store
from summarizer.store.articles import add_article
from summarizer.store.rows import NewArticle, NewSentence
from tests.fakes import FakeEncoder

START = date(2009, 4, 1)
TODAY = date(2026, 11, 24)
WORDS = ["flu", "vaccine", "outbreak", "minister", "talks", "oil", "spill", "quake", "aid", "protest"]

# Store shapes: (articles, copies of each, days between articles, share of sentences with long events)
SHAPES = {
    "empty": (0, 1, 1, 0.0),
    "one article": (1, 1, 1, 0.0),
    "many copies": (3, 12, 2, 0.2),
    "spread over years": (24, 1, 40, 0.3),
    "dense days": (30, 2, 0, 0.5),
    "every few weeks": (40, 1, 20, 0.2),  # one episode of coverage with empty days inside
}
# Stores of copies: (stories, copies of each, whether the copies are one syndicated story): a wire
# story republished 60 times with one line changed, or one fact told by 60 outlets of their own.
COPIES = {
    "syndicated": (4, 60, True),
    "many outlets": (3, 60, False),
}
LONG_TEXT = "word " * 60


@lru_cache(maxsize=None)
def service(shape: str, folder: str) -> BriefingService:
    """A store of this shape, built once per test session (rows written directly, no models)."""
    if shape in COPIES:
        return copies_service(shape, folder)
    articles, copies, step, long_share = SHAPES[shape]
    rng = np.random.default_rng(len(shape))
    encoder = FakeEncoder()
    store = Store(f"sqlite:///{folder}/{shape.replace(' ', '_')}.db")
    with store.session() as session:
        for a in range(articles):
            published = START + timedelta(days=a * step)
            texts = [" ".join(rng.choice(WORDS, 6)) + f" on day {a} part {k}." for k in range(int(rng.integers(1, 6)))]
            vectors = encoder.encode(texts)
            for copy in range(copies):
                sentences = []
                for k, (text, vector) in enumerate(zip(texts, vectors)):
                    dated = rng.random() < 0.6
                    start = published - timedelta(days=int(rng.integers(0, 5)))
                    days = int(rng.integers(30, 400)) if rng.random() < long_share else int(rng.integers(0, 3))
                    sentences.append(
                        NewSentence(k, text, start if dated else None, start + timedelta(days=days) if dated else None,
                                    "some day" if dated else None, vector, float(rng.random()), 1)
                    )
                add_article(session, NewArticle(
                    f"Title {a}", "Outlet", f"https://example.org/{a}/{copy}", published, "front matter", None,
                    f"a{a}c{copy}", " ".join(texts), f"hash-{a}-{copy}", datetime(2026, 1, 1, tzinfo=UTC), sentences,
                ))
    return BriefingService(store, encoder, today=lambda: TODAY)


def copies_service(shape: str, folder: str) -> BriefingService:
    """Stories each stored many times over, each copy with one line of its own, long URLs and titles."""
    stories, copies, syndicated = COPIES[shape]
    encoder = FakeEncoder()
    store = Store(f"sqlite:///{folder}/{shape.replace(' ', '_')}.db")
    with store.session() as session:
        for a in range(stories):
            published = START + timedelta(days=a * 3)
            texts = [f"The {w} minister said on day {a} that {LONG_TEXT}talks on part {k} went on." for k, w in enumerate(WORDS[:8])]
            first = None
            for copy in range(copies):
                own = [*texts, f"Copy {copy} of story {a} adds a line of its own about the {WORDS[copy % len(WORDS)]}."]
                sentences = [
                    NewSentence(k, t, published, published, "on day", v, 0.9, 1, copied=syndicated and first is not None and k < len(texts))
                    for k, (t, v) in enumerate(zip(own, encoder.encode(own)))
                ]
                new = NewArticle(
                    f"A long title of story {a} " + "x" * 300, f"Outlet {copy} " + "y" * 150,
                    f"https://outlet{copy}.example.org/{a}/" + "p" * 400, published, "front matter", None,
                    f"s{a}c{copy}", " ".join(own), f"hash-{shape}-{a}-{copy}", datetime(2026, 1, 1, tzinfo=UTC), sentences,
                    cluster_id=first if syndicated else None,
                )
                article_id = add_article(session, new)
                first = first or article_id
    return BriefingService(store, encoder, today=lambda: TODAY)


days = st.dates(min_value=date(2008, 1, 1), max_value=date(2012, 12, 31))


@st.composite
def date_queries(draw) -> str:
    first = draw(days)
    kind = draw(st.sampled_from(["iso", "span", "words", "month"]))
    if kind == "iso":
        return first.isoformat()
    if kind == "span":
        return f"{first.isoformat()}..{(first + timedelta(days=draw(st.integers(0, 60)))).isoformat()}"
    if kind == "month":
        return f"{first:%B %Y}"
    return f"{first.day} {first:%B %Y}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return str(tmp_path_factory.mktemp("shapes"))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(sorted(SHAPES)), query=date_queries(), long=st.booleans())
def test_a_date_briefing_returns_and_never_contradicts_its_coverage(folder, shape, query, long):
    b = service(shape, folder).brief(query, long=long)
    asked = parse_date_query(query, TODAY)
    assert b.kind in ("date", "none")
    if b.kind == "date":
        assert b.items and all(asked.start <= (it.end or it.date) and it.date <= asked.end for it in b.items if it.basis == "event")
        return
    for suggestion in b.suggestions:
        listed = parse_date_query(suggestion, TODAY)
        assert listed is not None, f"the suggested coverage {suggestion!r} cannot be asked for"
        inside = listed.start <= asked.end and asked.start <= listed.end
        assert not inside, f"no coverage of {query!r}, yet coverage {suggestion!r} is listed"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(sorted(SHAPES)), query=st.text(max_size=40), long=st.booleans())
def test_any_text_gets_a_briefing(folder, shape, query, long):
    b = service(shape, folder).brief(query, long=long)
    assert b.kind in ("actor", "date", "topic", "none")
    assert b.items or b.note
    # "More" promises exactly what the long briefing adds, and a long one promises nothing.
    fuller = service(shape, folder).brief(query, long=True)
    assert b.more == (0 if long else max(len(fuller.items) - len(b.items), 0))


numbers = st.one_of(st.integers(-10**12, 10**12), st.sampled_from([0, 1, 7000, 10**6, 2**63]))
units = st.sampled_from(["day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "century"])


@st.composite
def temporal_expressions(draw) -> str:
    n, unit = draw(numbers), draw(units)
    month = draw(st.sampled_from(["January", "February", "March", "Sept", "dec", "Smarch"]))
    return draw(st.sampled_from([
        f"{n} {unit} ago", f"in {n} {unit}", f"{n} {unit} later", f"{n} {unit} earlier", f"the year {n}",
        f"{n} {month}", f"{month} {n}", f"{month} {n}, {n}", f"{n}-{n}-{n}", f"{n}/{n}/{n}", f"{n} {month} {n}",
        f"last {unit}", f"next {unit}", f"{n}s", f"the {n}th century", f"{n} BC", f"{month} {n} to {month} {n}",
        f"between {n} and {n} {month}", f"late {month}", f"{n}", f"week {n}",
    ]))


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(temporal_expressions(), st.text(max_size=30)), anchor=st.dates(), tense=st.sampled_from(["past", "future", "present", "unknown"]))
def test_the_date_resolver_never_raises(text, anchor, tense):
    span = resolve_expression(text, anchor, tense)
    assert span is None or isinstance(span, DateSpan)
    query = parse_date_query(text, anchor)
    assert query is None or isinstance(query, DateSpan)


def test_a_day_whose_every_sentence_is_already_an_event_item(tmp_path):
    """Regression: once the events took every sentence published that day, nothing is left to rank."""
    day = date(2025, 5, 8)
    texts = ["Talks on a ceasefire opened in the capital.", "The minister met the envoy for the talks."]
    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path / 'one.db'}")
    with store.session() as session:
        sentences = [NewSentence(k, t, day, day, "today", v, 0.9, 1) for k, (t, v) in enumerate(zip(texts, encoder.encode(texts)))]
        add_article(session, NewArticle("Talks", "Outlet", None, day, "feed", None, "rss", " ".join(texts), "h", datetime(2026, 1, 1, tzinfo=UTC), sentences))
    b = BriefingService(store, encoder, today=lambda: TODAY).brief("8 May 2025", long=True)
    assert b.kind == "date" and {it.text for it in b.items} == set(texts)
    store.close()


def test_an_expression_the_calendar_cannot_hold_leaves_the_sentence_undated(nlp):
    from summarizer.analysis import analyse_doc

    text = "Officials met on Tuesday. REMEMBER WHAT OUR PHARAOH DID TO YOU 7000 YEARS AGO."
    analysis = analyse_doc(nlp(text), date(2011, 2, 3))
    assert len(analysis.sentences) == 2 and analysis.sentences[0].event is not None
    assert analysis.sentences[1].event is None


def test_a_sentence_naming_more_days_than_the_column_holds_keeps_whole_dates(tmp_path):
    """Regression: the days were cut at 400 characters, half a date included, which no read could parse."""
    from summarizer.store import sentences as corpus
    from summarizer.store.articles import MAX_MENTIONED_DAYS

    named = tuple(START + timedelta(days=k) for k in range(60))
    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path / 'many.db'}")
    with store.session() as session:
        sentence = NewSentence(0, "A calendar.", None, None, None, encoder.encode(["A calendar."])[0], 0.5, 1, mentioned_days=named)
        add_article(session, NewArticle(None, None, None, START, "feed", None, "cal", "A calendar.", "h", datetime(2026, 1, 1, tzinfo=UTC), [sentence]))
    with store.session() as session:
        stored = corpus.story_dates(session).mentioned_days[0]
    assert stored == named[:MAX_MENTIONED_DAYS] and len(stored) == 36
    store.close()


# -- every reply fits its medium ------------------------------------------------------------------

INLINE_DESCRIPTION = 100  # what bot/handlers.py shows of an inline result's first item


def replies(b, timeline, digest) -> dict[str, str]:
    """Everything the bot and the CLI would send for these three answers."""
    from bot import render

    since = datetime(2026, 1, 1, tzinfo=UTC)
    out = {"text": render.to_text(b), "timeline text": render.timeline_text(timeline)}
    for name, messages in (
        ("html", render.to_html(b)),
        ("timeline html", render.timeline_html(timeline)),
        ("digest html", render.digest_html(digest, since=since, zone="UTC", quiet=False)),
    ):
        assert len(messages) == 1, f"{name}: {len(messages)} messages"
        out[name] = messages[0]
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    shape=st.sampled_from(sorted(COPIES) + ["many copies", "dense days"]),
    query=st.one_of(date_queries(), st.sampled_from(["minister talks", "day", "story", "outlet"]), st.text(max_size=20)),
    long=st.booleans(),
)
def test_every_reply_fits_one_message_however_many_copies(folder, shape, query, long):
    from bot.render import TELEGRAM_LIMIT

    svc = service(shape, folder)
    b = svc.brief(query, long=long)
    out = replies(b, svc.timeline(query), svc.digest(None, long=long))
    for name, text in out.items():
        assert 0 < len(text) <= TELEGRAM_LIMIT, f"{name}: {len(text)} characters"
        assert "unknown outlet" not in text
    if shape == "syndicated" and b.items:
        # A story's copies are one source: never the same story cited twice in an item.
        for item in b.items:
            stories = [min([s.article_id, *(c.article_id for c in s.copies)]) for s in item.sources]
            assert len(stories) == len(set(stories))
        assert all(len(s.copies) == COPIES[shape][1] - 1 for s in b.sources)
