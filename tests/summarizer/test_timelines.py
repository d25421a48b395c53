"""Timelines: days chosen by how much refers to them, each told by its most central facts."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.store.rows import Candidates
from summarizer.timelines import TimelineTuning, day_candidates, day_importance, seen_share, summarise_day, top_days

D0 = date(2010, 4, 20)


def columns(rows: list[tuple[int, int, int | None, int | None, int]]) -> Candidates:
    """Rows of (article, position, event start offset, event end offset, published offset)."""
    day = lambda k: None if k is None else D0 + timedelta(days=k)  # noqa: E731
    return Candidates(
        ids=list(range(1, len(rows) + 1)),
        articles=[r[0] for r in rows],
        positions=[r[1] for r in rows],
        texts=[f"Sentence {i} about the spill." for i in range(len(rows))],
        event_start=[day(r[2]) for r in rows],
        event_end=[day(r[3]) for r in rows],
        published=[day(r[4]) for r in rows],
        quality=[0.5] * len(rows),
        named=[1] * len(rows),
    )


def test_a_day_referred_to_by_many_outranks_a_day_with_much_published():
    rows = [(a, 3, 0, 0, 5) for a in range(1, 5)]  # four articles of day 5 refer to day 0
    rows += [(a, 0, None, None, 5) for a in range(5, 8)]  # three more published on day 5, undated
    importance = day_importance(columns(rows))
    assert importance[D0] > importance[D0 + timedelta(days=5)]  # seven published there, four refer here
    assert top_days(importance, 1) == [D0]


def test_a_prediction_refers_to_no_day_that_happened():
    c = columns([(a, 3, 5, 5, 0) for a in range(1, 5)])  # four articles expect something on day 5
    c.expected = [True] * 4
    importance = day_importance(c)
    assert D0 + timedelta(days=5) not in importance and set(importance) == {D0}
    assert day_candidates(c, [D0 + timedelta(days=5)]) == {D0 + timedelta(days=5): []}


def test_a_period_refers_to_no_single_day():
    importance = day_importance(columns([(1, 0, 0, 30, 40)]))
    assert D0 not in importance and set(importance) == {D0 + timedelta(days=40)}


rows = st.lists(
    st.tuples(st.integers(1, 6), st.integers(0, 9), st.one_of(st.none(), st.integers(0, 60)), st.integers(0, 3), st.integers(0, 60)),
    min_size=1, max_size=60,
).map(lambda rs: [(a, p, s, None if s is None else s + e, pub) for a, p, s, e, pub in rs])


@settings(max_examples=80, deadline=None)
@given(rows, st.integers(1, 12), st.integers(1, 3))
def test_days_and_facts_within_the_asked_lengths(rs, n, k):
    c = columns(rs)
    rng = np.random.default_rng(len(rs))
    v = rng.normal(size=(len(c), 16)).astype(np.float32)
    c.vectors = v / np.linalg.norm(v, axis=1, keepdims=True)
    days = top_days(day_importance(c), n)
    assert len(days) <= n and days == sorted(days) and len(set(days)) == len(days)
    per_day = day_candidates(c, days, TimelineTuning())
    for day, members in per_day.items():
        for i in members:  # about that day: referring to it, or an undated lead published on it
            assert c.event_start[i] == c.event_end[i] == day or (c.event_start[i] is None and c.published[i] == day)
        facts = summarise_day(members, c, c.texts, k)
        assert len(facts) <= k
        for group in facts:
            assert len({c.articles[i] for i in group}) == len(group)  # one sentence per article


def test_the_newest_days_references_are_scaled_by_the_share_of_reports_still_to_come():
    """Day 0 is reported on one to three days later (six articles); day 10, the newest stored
    day, by three articles that day. Only a third of what refers to a day comes out that day,
    so day 10 weighs as the 18 references it will likely have, above day 0's 12."""
    rows = [(a, 3, 0, 0, 1 + (a - 1) // 2) for a in range(1, 7)]  # day 0, told on days 1, 1, 2, 2, 3, 3
    rows += [(a, 3, 10, 10, 10) for a in range(7, 10)]  # day 10, told on day 10 by three articles
    c, newest, old = columns(rows), D0 + timedelta(days=10), D0
    raw = day_importance(c, TimelineTuning(late_prior=0))
    assert raw[old] == 12 and raw[newest] == 6 + 1.5  # without as_of: as counted
    late = day_importance(c, TimelineTuning(late_prior=0), as_of=newest)
    assert late[old] == 12 and late[newest] == 6 / (3 / 9) + 1.5  # 3 of the 9 references came at once
    assert top_days(late, 1) == [newest] and top_days(raw, 1) == [old]
    # Seen from a month on, every day's reports are in: nothing is scaled.
    assert day_importance(c, TimelineTuning(late_prior=0), as_of=newest + timedelta(days=30)) == raw
    # The prior (references of no delay added) keeps few observations from scaling much.
    damped = day_importance(c, TimelineTuning(late_prior=20), as_of=newest)[newest]
    assert raw[newest] < damped < late[newest]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=60), st.floats(0, 50), st.integers(0, 60), st.integers(0, 60))
def test_the_share_seen_is_a_share_that_grows_with_age_and_is_whole_past_every_delay(delays, prior, age, more):
    seen = seen_share(delays, prior)
    assert 0 < seen(age) <= 1 and seen(age) <= seen(age + more)
    assert seen(max(delays, default=0) + more) == 1
    assert seen(-1 - more) == 1  # a day after as_of: nothing of it is still to come


@settings(max_examples=80, deadline=None)
@given(rows, st.integers(0, 90), st.floats(0, 50))
def test_scaling_the_newest_days_never_lowers_a_day_and_leaves_old_days_alone(rs, after, prior):
    c = columns(rs)
    tuning = TimelineTuning(late_prior=prior)
    as_of = max(c.published) + timedelta(days=after)
    raw, late = day_importance(c, tuning), day_importance(c, tuning, as_of=as_of)
    assert set(raw) == set(late)
    delays = [(p - s).days for s, p in zip(c.event_start, c.published) if s is not None and p >= s]
    for day in raw:
        assert late[day] >= raw[day] - 1e-9
        if (as_of - day).days >= max(delays, default=0):  # every delay seen is shorter than its age
            assert late[day] == raw[day]


def test_a_day_named_in_any_clause_counts_for_the_timeline_but_a_prediction_does_not():
    c = columns([(1, 2, None, None, 9), (2, 2, None, None, 9), (3, 2, 9, 9, 9)])
    c.mentioned_days = [(D0,), (D0, D0 + timedelta(days=1)), ()]
    c.expected = [False, False, False]
    importance = day_importance(c)
    assert importance[D0] > importance[D0 + timedelta(days=1)] > 0
    c.expected = [True, True, False]  # "... will meet on Monday": not what happened
    assert D0 not in day_importance(c)


def test_the_analysis_keeps_every_day_a_sentence_names(nlp):
    from summarizer.analysis import analyse_doc

    monday = date(2012, 5, 28)
    text = "Activists said the army shelled the town on Friday, before the monitors arrived on Saturday."
    info = analyse_doc(nlp(text), monday).sentences[0]
    assert set(info.days) >= {date(2012, 5, 25), date(2012, 5, 26)}


def test_a_day_with_nothing_showable_gives_its_place_to_the_next(tmp_path):
    """The most important day is told only by sentences that lean on one not stored ("He said
    ..." opening an article): the timeline shows the next day instead of fewer days, or none."""
    from datetime import UTC, datetime

    from summarizer.briefings import BriefingService
    from summarizer.store.articles import add_article
    from summarizer.store.db import Store
    from summarizer.store.rows import NewArticle, NewSentence
    from tests.fakes import FakeEncoder

    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path / 'lean.db'}")
    busy, quiet = date(2024, 3, 1), date(2024, 3, 9)
    stories = [(busy, f"He said the bridge would reopen within {k + 2} weeks.") for k in range(3)]
    stories.append((quiet, "Engineers reopened the old bridge to traffic after a month of repairs."))
    with store.session() as session:
        for k, (day, text) in enumerate(stories):
            (vector,) = encoder.encode([text])
            sentence = NewSentence(0, text, day, day, "on day", vector, 0.9, 1)
            add_article(session, NewArticle(f"T{k}", f"O{k}", None, day, "feed", None, f"o{k}", text, f"h{k}", datetime(2026, 1, 1, tzinfo=UTC), [sentence]))
    timeline = BriefingService(store, encoder).timeline("", dates=1, per_date=1)
    assert [(item.date, item.text) for item in timeline.items] == [(quiet, stories[-1][1])]
    store.close()


def test_one_speakers_statement_in_other_words_is_one_fact_of_the_day():
    """Two outlets tell one statement in other words (cosine 0.65, a third of the words shared): one fact
    citing both when its speaker is known; another speaker's alike sentence stays its own fact."""
    c = columns([(1, 0, 0, 0, 0), (2, 0, 0, 0, 1), (3, 0, 0, 0, 0)])
    c.texts = [
        "Asked about the invitation at a news conference, foreign ministry spokeswoman Lin said she had no information to provide",
        "Spokeswoman Lin was asked whether the leader would accept the offer to visit",
        "Heavy rain closed schools in the capital for two days",
    ]
    c.vectors = np.array([[1, 0, 0], [0.65, (1 - 0.65**2) ** 0.5, 0], [0, 0, 1]], dtype=np.float32)
    assert len(summarise_day([0, 1, 2], c, c.texts, 3)) == 3  # speakers unknown: the repeat rules alone
    c.speakers = [7, 7, None]
    assert sorted(map(sorted, summarise_day([0, 1, 2], c, c.texts, 3))) == [[0, 1], [2]]
    c.speakers = [7, 8, None]
    assert len(summarise_day([0, 1, 2], c, c.texts, 3)) == 3


def test_a_days_fact_is_told_by_its_fullest_report_when_the_scores_nearly_tie():
    """Two outlets' leads report one fact; the one that adds a detail is shown, citing both."""
    c = columns([(1, 0, 0, 0, 0), (2, 0, 0, 0, 0)])
    c.texts = [
        "The company said the well was capped on the day.",
        "The company said the well was capped on the day, and that pressure tests would run for two days.",
    ]
    c.vectors = np.array([[1, 0], [0.99, (1 - 0.99**2) ** 0.5]], dtype=np.float32)
    (fact,) = summarise_day([0, 1], c, c.texts, 2)
    assert fact == [1, 0]


def test_a_timeline_scales_the_days_next_to_the_newest_stored_article(tmp_path):
    """Four articles report an old day over the two days after it; three report the newest stored
    day that day. The newest day leads a one-day timeline, since its reports are not all in; once
    an article a month later is stored, its reports are, and the old day leads."""
    from datetime import UTC, datetime

    from summarizer.briefings import BriefingService
    from summarizer.store.articles import add_article
    from summarizer.store.db import Store
    from summarizer.store.rows import NewArticle, NewSentence
    from tests.fakes import FakeEncoder

    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path / 'late.db'}")
    old, new = date(2024, 3, 1), date(2024, 3, 9)
    texts = ["Engineers closed the old bridge after cracks were found in its main span.",
             "Divers inspected the piers of the old bridge for damage.",
             "The council said repairs to the old bridge would cost two million pounds.",
             "Ferries carried commuters across the river while the old bridge stayed shut.",
             "Engineers reopened the old bridge to traffic after a month of repairs.",
             "Buses crossed the reopened old bridge for the first time in a month.",
             "The mayor thanked the engineers who reopened the old bridge."]
    reports = [(old, old + timedelta(days=1 + k // 2), t) for k, t in enumerate(texts[:4])]
    reports += [(new, new, t) for t in texts[4:]]

    def add(k: int, day: date | None, published: date, text: str) -> None:
        (vector,) = encoder.encode([text])
        sentence = NewSentence(0, text, day, day, "on day" if day else None, vector, 0.9, 1)
        with store.session() as session:
            add_article(session, NewArticle(f"T{k}", f"O{k}", None, published, "feed", None, f"o{k}", text, f"h{k}", datetime(2026, 1, 1, tzinfo=UTC), [sentence]))

    for k, (day, published, text) in enumerate(reports):
        add(k, day, published, text)
    assert [item.date for item in BriefingService(store, encoder).timeline("", dates=1).items] == [new]
    add(99, None, new + timedelta(days=30), "The river authority published its yearly report on water quality.")
    assert [item.date for item in BriefingService(store, encoder).timeline("", dates=1).items] == [old]
    store.close()


DATE_FIELDS = ("ids", "articles", "positions", "event_start", "event_end", "published", "expected", "mentioned_days", "clusters", "copied")


def test_a_timeline_reads_the_date_columns_of_the_full_rows_and_the_full_rows_of_the_few_it_keeps(seeded_store):
    """A timeline weighs days on date columns only, counts lead places for the rows that need
    them, then reads the full rows of the sentences it keeps: each step gives what reading every
    full row gave (the seeds hold headings above leads, so lead places differ from positions)."""
    from summarizer.store import actors as actor_store
    from summarizer.store import sentences as corpus

    with seeded_store.session() as session:
        full = corpus._collect(session, corpus._sentences())
        narrow = corpus.story_dates(session)
        for name in DATE_FIELDS:
            assert getattr(narrow, name) == getattr(full, name), name
        assert not narrow.texts and not narrow.leads
        assert full.leads != full.positions  # furniture above some leads: the check below means something
        assert corpus.with_leads(session, narrow, range(len(narrow))).leads == full.leads
        some = {i for i, (lead, p) in enumerate(zip(full.leads, full.positions)) if lead != p}
        some |= {0, 1}
        part = corpus.with_leads(session, corpus.story_dates(session), some).leads
        assert part == [full.leads[i] if i in some else full.positions[i] for i in range(len(full))]
        articles = sorted(set(full.articles))[:2]
        by_article = corpus.story_dates(session, articles)
        assert by_article.ids == [sid for sid, a in zip(full.ids, full.articles) if a in articles]
        xi = next(a for a in actor_store.catalog(session).names if a[1].name == "Xi Jinping")[1]
        mentions = corpus.actor_candidates(session, xi.id)
        assert corpus.actor_dates(session, xi.id).ids == mentions.ids and mentions.ids
        asked = [full.ids[9], full.ids[2], full.ids[9], full.ids[40]]  # any order, one twice
        rows = corpus.rows_by_id(session, asked)
        index = {sid: i for i, sid in enumerate(full.ids)}
        expected = corpus.subset(full, [index[s] for s in asked])
        for name in (*DATE_FIELDS, "texts", "quality", "named", "leads"):
            assert getattr(rows, name) == getattr(expected, name), name
