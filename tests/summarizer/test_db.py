"""Migrations build the schema the models describe, from an empty database."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from summarizer.db import Store, alembic_config, upgrade
from summarizer.models import Base


def test_migrations_upgrade_an_empty_database_to_the_models(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'empty.db'}")
    tables = set(inspect(store.engine).get_table_names())
    assert {"articles", "sentences", "actors", "actor_aliases", "mentions", "alembic_version"} <= tables
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], f"models and migrations disagree: {diffs}"
    store.close()


def test_upgrade_is_a_no_op_when_current_and_survives_a_round_trip(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
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


def test_the_ranking_signals_migration_backfills_stored_rows(tmp_path):
    from sqlalchemy import text

    store = Store(f"sqlite:///{tmp_path / 'old.db'}", migrate=False)
    upgrade(store.engine, "0002")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO actors (id, name, kind, origin) VALUES (1, 'Xi Jinping', 'person', 'learned'), (2, 'Vladimir Putin', 'person', 'learned')"))
        conn.execute(text("INSERT INTO articles (id, origin, text, content_hash, ingested_at) VALUES (1, 'a.txt', 't', 'h', '2024-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO sentences (id, article_id, position, text) VALUES (1, 1, 0, 'Xi Jinping said he met Vladimir Putin in Moscow on Tuesday.'), (2, 1, 1, 'Subheading')"))
        conn.execute(text("INSERT INTO mentions (id, actor_id, sentence_id, article_id, surface, label) VALUES (1, 1, 1, 1, 'Xi Jinping', 'PERSON'), (2, 2, 1, 1, 'Vladimir Putin', 'PERSON')"))
    upgrade(store.engine)
    with store.engine.connect() as conn:
        quality = dict(conn.execute(text("SELECT id, quality FROM sentences")).all())
        named = conn.execute(text("SELECT named FROM sentences WHERE id = 1")).scalar()
        mentions = {m: (p, s) for m, p, s in conn.execute(text("SELECT id, prominence, speaker FROM mentions"))}
    store.close()
    assert quality[1] > 0.5 > quality[2]  # a heading stands alone badly
    assert named == 2
    assert mentions[1] == (1.0, 1) and mentions[2][0] < 1.0 and mentions[2][1] == 0
