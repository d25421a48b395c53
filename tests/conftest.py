"""Shared fixtures: all state in a temp dir, real models loaded once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    """Point every piece of state (database, data dir) at a temp dir."""
    monkeypatch.setenv("STORYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("STORYBOT_DATABASE_URL", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy English pipeline as ingestion loads it, once for the whole run."""
    from summarizer.analysis import load_pipeline

    return load_pipeline("en_core_web_sm")
