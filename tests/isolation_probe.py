"""Run by tests/test_isolation.py only, in a child pytest whose environment names a user's database.

Not collected by default (not a test_*.py file). Its session fixture opens and writes the store
the settings name, as tests/e2e's seeded_dir does through the CLI: it must be a temp store.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from summarizer.chats import ChatService
from summarizer.settings import Settings
from summarizer.store.db import Store


@pytest.fixture(scope="session")
def store_the_settings_name():
    """Open and write the store that Settings.load() names, at session scope."""
    url = Settings.load().resolved_database_url
    store = Store(url)
    ChatService(store, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC)).subscribe(1, "08:00", "UTC")
    store.close()
    return url


def test_session_fixtures_see_no_setting_of_the_user(store_the_settings_name) -> None:
    assert not [n for n in os.environ if n.startswith("STORYBOT_") and n not in ("STORYBOT_DATA_DIR", "STORYBOT_MODEL_DIR")]
    assert "user-owned" not in store_the_settings_name
