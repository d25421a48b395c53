"""Open the story store: engine, sessions, and Alembic migrations applied on start."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = "summarizer.store:migrations"
SIGNALS_REVISION = "0003"  # the first revision whose rows carry ranking signals
SPEAKERS_REVISION = "0008"  # the first revision whose sentences carry their speaker
KINDS_REVISION = "0009"  # the first revision whose sentences carry their kind (story, heading, ...)
# pg_advisory_xact_lock key held while migrating ("storybot" in ASCII): one process migrates, the others wait.
MIGRATION_LOCK_KEY = int.from_bytes(b"storybot", "big") & 0x7FFF_FFFF_FFFF_FFFF
MIGRATION_LOCK_SECONDS = 600  # how long a process waits for another's migration before giving up
WAL_SWITCH_SECONDS = 10.0  # how long a connection retries turning a new SQLite file to WAL


class Store:
    """The database: one engine per process, one session per request or job."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.migrated_from: str | None = upgrade(self.engine) if migrate else None

    @property
    def needs_rescore(self) -> bool:
        """Whether rows stored before the ranking signals, sentence speakers or sentence kinds existed
        were just migrated: their values are defaults (every sentence a story sentence) until a rescore."""
        return self.migrated_from is not None and self.migrated_from < max(
            SIGNALS_REVISION, SPEAKERS_REVISION, KINDS_REVISION
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    """Create the engine; for SQLite, make the folder and turn on WAL and foreign keys."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # busy_timeout waits instead of failing, so it comes first.
    cur.execute("PRAGMA busy_timeout=10000")
    # WAL lets the bot read while an ingest job writes.
    _switch_to_wal(cur)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _switch_to_wal(cur, seconds: float = WAL_SWITCH_SECONDS) -> None:
    """Turn the file to WAL, retrying while another connection does the same.

    Switching a new file to WAL writes its header, and two processes doing so at once can find
    each other's locks in a way SQLite answers "database is locked" at once, without waiting on
    busy_timeout (it would be a deadlock). The other switch ends within milliseconds; after it
    this one is a no-op.
    """
    deadline = time.monotonic() + seconds
    pause = 0.005
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema up to `revision`; a no-op when it is already there.

    Migrating runs under a lock, so processes that start on a new or old database at once all
    succeed: one migrates, the others wait, then find the schema current. PostgreSQL takes a
    transaction-level advisory lock; SQLite a file lock beside the database file (its DDL
    does not run in one transaction that could hold the lock instead).

    Returns:
        The revision the database was at before, when it held a schema and was migrated; else None.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if revision == "head" and current_revision(engine) == head:
        return None  # the common case takes no lock
    with _file_lock(engine):
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            current = _revision(conn)
            if revision == "head" and current == head:
                return None  # another process migrated while this one waited
            log.info("migrating database from %s to %s", current, revision)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            return current


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision(conn)


def _revision(conn) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _file_lock(engine: Engine):
    """A lock file beside a SQLite database file; nothing for other databases or :memory:."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return nullcontext()
    from filelock import FileLock

    return FileLock(f"{database}.migrate.lock", timeout=MIGRATION_LOCK_SECONDS)
