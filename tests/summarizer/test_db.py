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
