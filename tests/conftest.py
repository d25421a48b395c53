"""Shared fixtures: all state in a temp dir, real models loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.databases import REQUIRE_ENV, REQUIRED, Backend, PostgresServer, SqliteBackend, driver_missing, postgres_bin_dir

ROOT = Path(__file__).resolve().parent.parent
# The suite's own settings (a database to test against, say), which are not the user's bot settings.
KEPT = ("STORYBOT_TEST_",)


def _users_settings() -> list[str]:
    """The user's storybot and Telegram settings in this environment (never the suite's own)."""
    return [n for n in os.environ if (n.startswith("STORYBOT_") and not n.startswith(KEPT)) or n.startswith("TELEGRAM_")]


@pytest.fixture(scope="session", autouse=True)
def _no_users_environment(tmp_path_factory):
    """Before any other fixture, session-scoped ones included: no setting of the user's, state in a temp dir.

    An autouse session fixture runs first of all; the function-scoped isolation below comes too
    late for session fixtures, which once wrote the seeds into the user's STORYBOT_DATABASE_URL.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in _users_settings():
            patch.delenv(name)
        patch.setenv("STORYBOT_DATA_DIR", str(tmp_path_factory.mktemp("session-data")))
        yield


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """Prepared models (the ONNX encoder) for the whole run: exported once, not once per test."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch, model_dir):
    """Point every piece of state (database, data dir) at a temp dir; no STORYBOT_* setting of the user's leaks in."""
    for name in _users_settings() + ["STORYBOT_DATA_DIR"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STORYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STORYBOT_MODEL_DIR", str(model_dir))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """A throw-away PostgreSQL cluster on 127.0.0.1 for the session; skipped (failed under CI) when missing."""
    bin_dir = postgres_bin_dir()
    missing = "no PostgreSQL server binaries (initdb, pg_ctl)" if bin_dir is None else driver_missing()
    if missing:
        how = "install Debian's postgresql package to run the PostgreSQL half"
        if REQUIRED:
            pytest.fail(f"{REQUIRE_ENV} is set but {missing}; {how}", pytrace=False)
        pytest.skip(f"PostgreSQL half skipped: {missing}; {how}")
    server = PostgresServer(bin_dir).start()
    yield server
    server.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory) -> Backend:
    """The database a store test runs on: each such test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return SqliteBackend(tmp_path_factory.mktemp("sqlite"))
    return request.getfixturevalue("postgres_server")


@pytest.fixture
def db_url(backend) -> str:
    """An empty database of its own for this test, on each backend in turn."""
    url = backend.new_url()
    yield url
    backend.drop(url)


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy English pipeline as ingestion loads it, once for the whole run."""
    from summarizer.analysis import load_pipeline

    return load_pipeline("en_core_web_sm")


@pytest.fixture(scope="session")
def real_encoder(model_dir):
    """The genuine MiniLM encoder as configured (ONNX Runtime, int8), prepared and loaded once."""
    from summarizer.embeddings import make_encoder
    from summarizer.settings import Settings

    encoder = make_encoder(Settings.load(env={}).replace(model_dir=str(model_dir)))
    encoder.load()
    return encoder


@pytest.fixture(scope="session")
def real_seeded_store(tmp_path_factory, nlp, real_encoder):
    """A store holding the five seeds, analysed with the real spaCy pipeline and MiniLM."""
    from summarizer.store.db import Store
    from summarizer.ingest import Ingestor
    from summarizer.settings import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('real-seeds') / 'store.db'}"
    settings = Settings.load(env={}).replace(database_url=url)
    store = Store(url)
    report = Ingestor(store, settings, real_encoder, nlp=nlp).ingest([str(ROOT / "seeds")])
    assert len(report.stored) == 5, report.rejected
    yield store
    store.close()


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory, nlp):
    """A store holding the five seeds, analysed with the real spaCy pipeline and the fake encoder."""
    from summarizer.store.db import Store
    from summarizer.ingest import Ingestor
    from summarizer.settings import Settings
    from tests.fakes import FakeEncoder

    url = f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'store.db'}"
    settings = Settings.load(env={}).replace(database_url=url)
    store = Store(url)
    report = Ingestor(store, settings, FakeEncoder(), nlp=nlp).ingest([str(ROOT / "seeds")])
    assert len(report.stored) == 5, report.rejected
    yield store
    store.close()


@pytest.fixture
def database_url(db_url) -> str:
    """A fresh, empty store for one test, by URL: on SQLite, then on PostgreSQL (see db_url)."""
    return db_url


@pytest.fixture
def store(database_url):
    """A fresh, empty store for one test, opened: on SQLite, then on PostgreSQL (see db_url)."""
    from summarizer.store.db import Store

    s = Store(database_url)
    yield s
    s.close()
