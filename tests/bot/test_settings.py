"""The bot's settings: typed lists from TOML arrays or environment text, checks at load, kept apart from the domain's."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import run
from bot.settings import BotSettings
from summarizer.settings import Settings, SettingsError
from tests.bot.recording import TOKEN

URLS = st.lists(st.from_regex(r"https?://[a-z0-9-]{1,20}(\.[a-z0-9-]{1,20}){0,3}(/[A-Za-z0-9._~%?=&/-]{0,40})?", fullmatch=True))
USER_IDS = st.lists(st.integers(min_value=-(2**53), max_value=2**53))


@given(URLS)
def test_any_list_of_urls_round_trips_through_the_environment(urls) -> None:
    for text in (" ".join(urls), ",".join(urls), "\n".join(urls), json.dumps(urls)):
        assert BotSettings.load(env={"STORYBOT_FEEDS": text}).feeds == urls


@given(st.lists(st.text()))
def test_a_json_list_keeps_any_item_whole(items) -> None:
    assert BotSettings.load(env={"STORYBOT_FEEDS": json.dumps(items)}).feeds == items


@given(USER_IDS)
def test_any_list_of_user_ids_round_trips_through_the_environment(ids) -> None:
    for text in (" ".join(map(str, ids)), ", ".join(map(str, ids)), json.dumps(ids)):
        assert BotSettings.load(env={"STORYBOT_BOT_ADMINS": text}).bot_admins == ids


def test_lists_in_storybot_toml_are_arrays(tmp_path) -> None:
    (tmp_path / "storybot.toml").write_text('[bot]\nfeeds = ["a feed.xml", "https://x.example/rss"]\nbot_admins = [7, 8]\n')
    bot = BotSettings.load(env={}, config_dir=tmp_path)
    assert (bot.feeds, bot.bot_admins) == (["a feed.xml", "https://x.example/rss"], [7, 8])


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"STORYBOT_BOT_ADMINS": "12 alice"}, "setting bot_admins: expected int, got 'alice'"),
        ({"STORYBOT_FEEDS": '["unclosed"'}, "setting feeds: expected a JSON list or items separated by spaces, got '[\"unclosed\"'"),
        ({"STORYBOT_DIGEST_WHEN_EMPTY": "loud"}, "setting digest_when_empty: expected one of say, silent, got 'loud'"),
        ({"STORYBOT_DIGEST_TIME": "25:00"}, "setting digest_time: “25:00” is not a time from 00:00 to 23:59"),
        ({"STORYBOT_WEBHOOK_PORT": "https"}, "setting webhook_port: expected int, got 'https'"),
    ],
)
def test_a_malformed_bot_value_is_one_line_naming_the_key(env, line) -> None:
    with pytest.raises(SettingsError) as caught:
        BotSettings.load(env=env)
    assert str(caught.value) == line


def test_the_domain_and_the_bot_read_their_own_keys_from_one_file() -> None:
    settings, bot = Settings.load(env={}), BotSettings.load(env={})

    assert settings.config_dir == bot.config_dir
    assert "feeds" not in Settings.model_fields and "ingest_batch" not in BotSettings.model_fields
    with (bot.config_dir / "storybot.toml").open("rb") as fh:
        shipped = tomllib.load(fh)["bot"]
    assert BotSettings(config_dir=bot.config_dir).model_dump(include=set(shipped)) == shipped  # defaults = the file


def test_the_bot_reads_the_config_folder_the_domain_settings_came_from(tmp_path, capsys) -> None:
    (tmp_path / "storybot.toml").write_text('[bot]\ndigest_timezone = "Mars/Base"\n')

    assert run(Settings.load(env={}, config_dir=tmp_path), env={"TELEGRAM_BOT_TOKEN": TOKEN}) == 2
    assert capsys.readouterr().err.startswith("storybot: bad configuration: setting digest_timezone:")
