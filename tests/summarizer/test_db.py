"""Migrations build the schema the models describe, from an empty database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from summarizer.store.db import Store, alembic_config, upgrade
from summarizer.store.models import Base


def test_migrations_upgrade_an_empty_database_to_the_models(db_url):
    store = Store(db_url)
    tables = set(inspect(store.engine).get_table_names())
    assert {"articles", "sentences", "actors", "actor_aliases", "mentions", "alembic_version"} <= tables
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], f"models and migrations disagree: {diffs}"
    store.close()


def test_upgrade_is_a_no_op_when_current_and_survives_a_round_trip(db_url):
    store = Store(db_url)
    upgrade(store.engine)  # already at head: nothing to do, nothing breaks
    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert "articles" not in inspect(store.engine).get_table_names()
    upgrade(store.engine)
    assert "articles" in inspect(store.engine).get_table_names()
    store.close()


def test_the_default_database_lives_in_the_data_dir(tmp_path, monkeypatch):
    from summarizer.settings import Settings

    monkeypatch.setenv("STORYBOT_DATA_DIR", str(tmp_path / "state"))
    settings = Settings.load()
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'state' / 'storybot.db'}"
    monkeypatch.setenv("STORYBOT_DATABASE_URL", "postgresql+psycopg://u:p@localhost/story")
    assert Settings.load().resolved_database_url == "postgresql+psycopg://u:p@localhost/story"


def _store_from_before_the_signals(path):
    """A database at revision 0002 holding one article, two sentences and two mentions."""
    from sqlalchemy import text

    store = Store(f"sqlite:///{path}", migrate=False)
    upgrade(store.engine, "0002")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO actors (id, name, kind, origin) VALUES (1, 'Xi Jinping', 'person', 'learned'), (2, 'Vladimir Putin', 'person', 'learned')"))
        conn.execute(text("INSERT INTO articles (id, origin, text, content_hash, ingested_at) VALUES (1, 'a.txt', 't', 'h', '2024-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO sentences (id, article_id, position, text) VALUES (1, 1, 0, 'Xi Jinping said he met Vladimir Putin in Moscow on Tuesday.'), (2, 1, 1, 'Subheading')"))
        conn.execute(text("INSERT INTO mentions (id, actor_id, sentence_id, article_id, surface, label) VALUES (1, 1, 1, 1, 'Xi Jinping', 'PERSON'), (2, 2, 1, 1, 'Vladimir Putin', 'PERSON')"))
    store.close()


def _signals(store):
    from sqlalchemy import text

    with store.engine.connect() as conn:
        quality = dict(conn.execute(text("SELECT id, quality FROM sentences")).all())
        named = dict(conn.execute(text("SELECT id, named FROM sentences")).all())
        mentions = {m: (p, s) for m, p, s in conn.execute(text("SELECT id, prominence, speaker FROM mentions"))}
    return quality, named, mentions


def test_the_signals_migration_imports_no_live_code_and_the_services_rescore_what_it_migrated(tmp_path):
    from summarizer import services
    from summarizer.settings import Settings
    from tests.fakes import FakeEncoder

    source = (Path(__file__).parents[2] / "summarizer/store/migrations/versions/0003_ranking_signals.py").read_text()
    assert "import summarizer" not in source and "from summarizer" not in source
    _store_from_before_the_signals(tmp_path / "old.db")
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    assert store.migrated_from == "0002" and store.needs_rescore
    assert _signals(store)[0] == {1: 0.5, 2: 0.5}  # the migration's neutral defaults
    settings = Settings.load(env={}).replace(database_url=f"sqlite:///{tmp_path / 'old.db'}")
    with services.build(settings, store=store, encoder=FakeEncoder()):
        quality, named, mentions = _signals(store)
    assert quality[1] > 0.5 > quality[2]  # a heading stands alone badly
    assert named == {1: 2, 2: 1}
    assert mentions[1] == (1.0, 1) and mentions[2][0] < 1.0 and mentions[2][1] == 0
    reopened = Store(f"sqlite:///{tmp_path / 'old.db'}")
    assert reopened.migrated_from is None and not reopened.needs_rescore  # once only
    reopened.close()


def test_rescore_recomputes_what_scoring_says_now(tmp_path, monkeypatch):
    from summarizer import writes

    _store_from_before_the_signals(tmp_path / "old.db")
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    monkeypatch.setattr(writes, "quality", lambda text: len(text) / 100)
    with store.session() as session:
        assert writes.rescore(session) == (2, 2)
    assert _signals(store)[0] == {1: len("Xi Jinping said he met Vladimir Putin in Moscow on Tuesday.") / 100, 2: 0.1}
    store.close()


def test_the_expected_migration_keeps_every_row_and_marks_old_sentences_not_expected(tmp_path):
    from sqlalchemy import text

    source = (Path(__file__).parents[2] / "summarizer/store/migrations/versions/0004_expected_sentences.py").read_text()
    assert "import summarizer" not in source and "from summarizer" not in source
    _store_from_before_the_signals(tmp_path / "old.db")
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    with store.engine.connect() as conn:
        # sentences altered in place: the mentions that reference them survive
        assert conn.execute(text("SELECT count(*) FROM mentions")).scalar() == 2
        assert conn.execute(text("SELECT id, expected FROM sentences ORDER BY id")).all() == [(1, 0), (2, 0)]
    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    assert "expected" not in {c["name"] for c in inspect(store.engine).get_columns("sentences")}
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM mentions")).scalar() == 2
    store.close()


def test_stored_dates_hold_days_and_short_spans_never_the_first_day_of_a_month_or_season(tmp_path):
    from datetime import date

    from sqlalchemy import text

    from summarizer.store.articles import stored_dates

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO articles (id, origin, text, content_hash, ingested_at, published) VALUES (1, 'a.txt', 't', 'h', '2024-01-01 00:00:00', '2023-03-29')"))
        conn.execute(text(
            "INSERT INTO sentences (id, article_id, position, text, event_start, event_end) VALUES "
            "(1, 1, 0, 'On Tuesday.', '2023-03-28', '2023-03-28'), "
            "(2, 1, 1, 'Monday to Wednesday.', '2023-03-20', '2023-03-22'), "
            "(3, 1, 2, 'Last summer.', '2022-06-01', '2022-08-31'), "
            "(4, 1, 3, 'In January.', '2023-01-01', '2023-01-31')"
        ))
    with store.session() as session:
        days = stored_dates(session)
    assert days == [date(2023, 3, 20), date(2023, 3, 21), date(2023, 3, 22), date(2023, 3, 28), date(2023, 3, 29)]
    store.close()
