"""Migration 0008: sentences carry their speaker; rows stored before get it on the rescore."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from summarizer.store.db import Store, alembic_config, upgrade

VERSIONS = Path(__file__).parents[2] / "summarizer/store/migrations/versions"


def _store_at_0005(path) -> None:
    """A database at revision 0005 holding one article, two sentences and two mentions."""
    store = Store(f"sqlite:///{path}", migrate=False)
    upgrade(store.engine, "0005")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO actors (id, name, kind, origin) VALUES (1, 'Dmitry Peskov', 'person', 'learned'), (2, 'Kyiv', 'place', 'learned')"))
        conn.execute(text("INSERT INTO articles (id, origin, text, content_hash, ingested_at) VALUES (1, 'a.txt', 't', 'h', '2024-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO sentences (id, article_id, position, text) VALUES "
            "(1, 1, 0, 'Talks in Kyiv were useful, Peskov said.'), (2, 1, 1, 'Kyiv is a city.')"
        ))
        conn.execute(text(
            "INSERT INTO mentions (id, actor_id, sentence_id, article_id, surface, label) VALUES "
            "(1, 1, 1, 1, 'Peskov', 'PERSON'), (2, 2, 1, 1, 'Kyiv', 'GPE'), (3, 2, 2, 1, 'Kyiv', 'GPE')"
        ))
    store.close()


def test_the_speaker_migration_keeps_every_row_and_the_rescore_fills_speakers(tmp_path):
    from summarizer import services
    from summarizer.settings import Settings
    from tests.fakes import FakeEncoder

    source = (VERSIONS / "0008_sentence_speakers.py").read_text()
    assert "import summarizer" not in source and "from summarizer" not in source
    _store_at_0005(tmp_path / "old.db")
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    assert store.migrated_from == "0005" and store.needs_rescore
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM mentions")).scalar() == 3  # altered in place
        assert conn.execute(text("SELECT speaker_id FROM sentences ORDER BY id")).scalars().all() == [None, None]
    settings = Settings.load(env={}).replace(database_url=f"sqlite:///{tmp_path / 'old.db'}")
    with services.build(settings, store=store, encoder=FakeEncoder()):
        with store.engine.connect() as conn:
            speakers = conn.execute(text("SELECT speaker_id FROM sentences ORDER BY id")).scalars().all()
    assert speakers == [1, None]  # Peskov says the first; nobody says the second
    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    assert "speaker_id" not in {c["name"] for c in inspect(store.engine).get_columns("sentences")}
    store.close()
