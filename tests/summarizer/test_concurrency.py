"""Processes sharing one store: opening a new database at once, ingesting the same inputs at once.

Each test runs on SQLite and on PostgreSQL (the `db_url` fixture).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from summarizer.ingest import Ingestor
from summarizer.settings import Settings
from summarizer.store.db import Store
from summarizer.store.models import Actor, Alias, Article
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parents[2]

# Each process waits for the start file, then opens the store (which migrates it) and says so.
OPEN_STORE = """
import sys, time
from pathlib import Path
go = Path(sys.argv[2])
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.005)
from summarizer.store.db import Store
store = Store(sys.argv[1])
store.close()
print("opened")
"""


@pytest.mark.parametrize("round_", range(3))
def test_processes_opening_a_new_database_at_once_all_migrate_it_and_succeed(db_url, tmp_path, round_):
    go = tmp_path / "go"
    # Imports done before the start signal, so the processes reach the schema together.
    procs = [
        subprocess.Popen([sys.executable, "-c", OPEN_STORE, db_url, str(go)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    time.sleep(2.0)  # bounded: the imports take about a second
    go.touch()
    results = [p.communicate(timeout=120) for p in procs]
    failures = [[line for line in err.splitlines() if "Error" in line][-1:] for (_, err), p in zip(results, procs) if p.returncode]
    assert failures == [], failures
    assert all(out.strip() == "opened" for out, _ in results)
    store = Store(db_url, migrate=False)
    try:
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() is not None
        assert {"articles", "sentences", "actors", "mentions"} <= set(inspect(store.engine).get_table_names())
    finally:
        store.close()


@pytest.fixture
def two_ingestors(db_url, nlp):
    """Two ingestors over one database, each with its own engine, as two processes have."""
    settings = Settings.load().replace(database_url=db_url)
    stores = [Store(db_url), Store(db_url)]
    yield [Ingestor(store, settings, FakeEncoder(), nlp=nlp) for store in stores]
    for store in stores:
        store.close()


def _race(loser: Ingestor, winner: Ingestor, loser_inputs: list[str], winner_inputs: list[str], *, after: str = "checked"):
    """Run `loser`, and let `winner` store its inputs at the loser's first `after` progress event.

    "checked": between the loser's duplicate check and its first write; "working": after its
    first article is stored, once its actor index is loaded.
    """
    ran = []

    def progress(event):
        if event.phase == after and not ran:
            ran.append(winner.ingest(winner_inputs))

    return loser.ingest(loser_inputs, progress=progress), ran[0]


@pytest.mark.slow
def test_an_article_another_ingest_stored_meanwhile_is_a_duplicate_not_an_error(two_ingestors, tmp_path):
    loser, winner = two_ingestors
    texts = {
        "one.txt": "Xi Jinping met Vladimir Putin in Moscow on Tuesday.",
        "two.txt": "Mao Ning said China maintains communication with Ukraine.",
        "three.txt": "Dmitry Peskov said on Wednesday that Russia welcomed the talks.",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    inputs = [str(tmp_path / name) for name in texts]

    lost, won = _race(loser, winner, inputs, inputs)

    assert won.summary() == "3 new, 0 duplicates, 0 rejected"
    assert lost.rejected == [] and lost.stored == []
    assert sorted(Path(d).name for d in lost.duplicates) == sorted(texts)
    with loser.store.session() as session:
        assert session.scalar(select(func.count(Article.id))) == 3


@pytest.mark.slow
def test_an_article_not_in_english_another_ingest_stored_meanwhile_is_a_duplicate_not_an_error(two_ingestors, tmp_path):
    loser, winner = two_ingestors
    texts = {
        "ru-1.txt": "Президент России встретился с председателем Китая в Москве во вторник и обсудил торговлю.",
        "ru-2.txt": "Министерство иностранных дел заявило в среду, что переговоры продолжатся на следующей неделе.",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    inputs = [str(tmp_path / name) for name in texts]

    lost, won = _race(loser, winner, inputs, inputs)

    assert len(won.unanalysed) == 2
    assert lost.rejected == [] and lost.stored == []
    assert sorted(Path(d).name for d in lost.duplicates) == sorted(texts)


@pytest.mark.slow
def test_actors_another_ingest_stored_meanwhile_are_shared_and_the_article_stored(two_ingestors, tmp_path):
    loser, winner = two_ingestors
    (tmp_path / "1.txt").write_text("Xi Jinping met Vladimir Putin in Moscow on Tuesday.")
    (tmp_path / "2.txt").write_text("Olena Kovalenko met Marek Novak in Warsaw on Tuesday. Novak said the talks went well.")
    (tmp_path / "theirs.txt").write_text("Marek Novak and Olena Kovalenko spoke again on Friday. Novak declined to comment.")

    # The winner stores the new actors (and their aliases) after the loser loaded its actor index.
    lost, won = _race(loser, winner, [str(tmp_path / "1.txt"), str(tmp_path / "2.txt")], [str(tmp_path / "theirs.txt")], after="working")

    assert len(won.stored) == 1
    assert lost.rejected == [] and [Path(s.origin).name for s in lost.stored] == ["1.txt", "2.txt"]
    with loser.store.session() as session:
        names = list(session.scalars(select(Actor.name).where(Actor.name.in_(["Olena Kovalenko", "Marek Novak"]))))
        keys = session.execute(select(Alias.actor_id, Alias.key)).all()
    assert sorted(names) == ["Marek Novak", "Olena Kovalenko"]  # one actor each, not two
    assert len(keys) == len(set(keys))
