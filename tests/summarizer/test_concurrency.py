"""Processes sharing one store: opening a new database at once, ingesting the same inputs at once.

Each test runs on SQLite and on PostgreSQL (the `db_url` fixture).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from summarizer.ingest import Ingestor
from summarizer.settings import Settings
from summarizer.store.db import Store, _sqlite_pragmas, _switch_to_wal
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
from summarizer.store.db import Store, _sqlite_pragmas, _switch_to_wal
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
    # The error and the statement it came from (SQLAlchemy's "[SQL: ...]" line), to tell which step failed.
    failures = [[line for line in err.splitlines() if "Error" in line or "[SQL:" in line][-2:] for (_, err), p in zip(results, procs) if p.returncode]
    assert failures == [], failures
    assert all(out.strip() == "opened" for out, _ in results)
    store = Store(db_url, migrate=False)
    try:
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() is not None
        assert {"articles", "sentences", "actors", "mentions"} <= set(inspect(store.engine).get_table_names())
    finally:
        store.close()


def test_connections_turning_a_new_file_to_wal_at_once_all_succeed(tmp_path):
    """SQLite answers "database is locked" at once, past busy_timeout, to one of several
    connections switching a new file to WAL together (about one round in three fails without
    the retry). Threads race as processes do: SQLite's file locks are per connection."""
    failed_rounds = []
    for round_ in range(60):
        path = tmp_path / f"{round_}.db"
        start = threading.Barrier(6)
        errors: list[str] = []

        def connect(path: Path, start: threading.Barrier, errors: list[str]) -> None:
            conn = sqlite3.connect(path, check_same_thread=False)
            try:
                start.wait(timeout=10)
                _sqlite_pragmas(conn, None)
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    errors.append("not in WAL")
            except Exception as exc:  # noqa: BLE001 - any error fails the round
                errors.append(repr(exc))
            finally:
                conn.close()

        threads = [threading.Thread(target=connect, args=(path, start, errors)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        if errors:
            failed_rounds.append((round_, errors))
    assert failed_rounds == []


class _LockedCursor:
    """A cursor whose WAL switch fails `times` times with `message`."""

    def __init__(self, times: int, message: str = "database is locked") -> None:
        self.times, self.message, self.calls = times, message, 0

    def execute(self, sql: str) -> None:
        self.calls += 1
        if self.calls <= self.times:
            raise sqlite3.OperationalError(self.message)


def test_the_wal_switch_retries_a_lock_and_gives_up_on_other_errors_and_after_its_deadline():
    cursor = _LockedCursor(times=3)
    _switch_to_wal(cursor)
    assert cursor.calls == 4
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        _switch_to_wal(_LockedCursor(times=1, message="disk I/O error"))
    stuck = _LockedCursor(times=10**6)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _switch_to_wal(stuck, seconds=0.1)
    assert 1 < stuck.calls < 50


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
