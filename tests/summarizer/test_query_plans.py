"""A briefing's queries find their rows by index on SQLite, whatever the store's size.

SQLite's planner, without statistics, read the whole sentences table for a join conditioned on
the article ("one day's sentences") and for a list of (article, position) pairs: one day of a
10,000-article store took 1.3 s to brief. This test asks SQLite how it would run every statement
of a warm briefing (its plan, not its time) and fails on a full read of the sentences table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial

import pytest
from sqlalchemy import event, text

from summarizer.briefings import BriefingService
from summarizer.store import Store
from summarizer.store.articles import add_article
from summarizer.store.rows import NewArticle, NewSentence
from tests.fakes import FakeEncoder

QUERIES = ["21 March 2023", "2023-03-17..2023-03-22", "May 2025", "xi", "peace plan", "what did putin say"]


def _statements(store, run) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    return seen


def _asks(service: BriefingService) -> dict[str, Callable[[], object]]:
    asks: dict[str, Callable[[], object]] = {q: partial(service.brief, q, long=True) for q in QUERIES}
    asks["digest"] = partial(service.digest, datetime(2000, 1, 1, tzinfo=UTC), follow=["xi"], long=True)
    return asks


@pytest.mark.parametrize("ask", [*QUERIES, "digest"])
def test_a_warm_briefing_never_reads_the_whole_sentences_table(seeded_store, ask):
    service = BriefingService(seeded_store, FakeEncoder())
    run = _asks(service)[ask]
    run()  # the first call reads the store's catalog, once per version
    service.clear_cache()
    statements = _statements(seeded_store, run)
    assert statements, "the briefing ran no query"
    scans = []
    with seeded_store.engine.connect() as conn:
        for statement, parameters in statements:
            plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            if any(step.startswith("SCAN sentences") for step in plan):
                scans.append((" ".join(statement.split())[:300], plan))
    assert scans == []


def test_the_plan_check_sees_a_full_read(seeded_store):
    """The check above can fail: a condition no index serves reads the whole table."""
    with seeded_store.engine.connect() as conn:
        plan = [row[3] for row in conn.execute(text("EXPLAIN QUERY PLAN SELECT id FROM sentences WHERE quality > 0.5"))]
    assert any(step.startswith("SCAN sentences") for step in plan)


def _reads_catalog(statements: list[tuple[str, object]]) -> bool:
    """Whether these statements count every actor's mentions: the catalog, read once per version."""
    return any("count(distinct(mentions.article_id))" in " ".join(st.lower().split()) for st, _ in statements)


@pytest.mark.parametrize("refreshed", [True, False])
def test_after_a_refresh_the_next_query_does_not_read_the_catalog(tmp_path, refreshed):
    """Stored articles change the catalog; `refresh` (called after a feed poll stores some) reads
    it then, so the next reader's query does not."""
    encoder = FakeEncoder()
    store = Store(f"sqlite:///{tmp_path}/refresh.db")
    day = date(2024, 5, 6)

    def add(n: int) -> None:
        text_ = f"The council opened bridge number {n} on Monday."
        sentence = NewSentence(0, text_, day, day, "on Monday", encoder.encode([text_])[0], 0.5, 0)
        with store.session() as session:
            add_article(session, NewArticle(f"Report {n}", "Outlet", f"https://example.org/{n}", day, "front matter",
                                            None, f"a{n}", text_, f"hash-{n}", datetime(2026, 1, 1, tzinfo=UTC), [sentence]))

    service = BriefingService(store, encoder)
    add(1)
    service.brief("6 May 2024")
    add(2)
    if refreshed:
        service.refresh()
    statements = _statements(store, lambda: service.brief("6 May 2024"))
    assert _reads_catalog(statements) is not refreshed
    store.close()

