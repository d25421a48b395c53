"""The bot's own settings: the [bot] section of storybot.toml, overridable as STORYBOT_<KEY>."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from summarizer.settings import LayeredSettings, TextList, split_list
from summarizer.schedule import load_zone, parse_time


IntList = Annotated[list[int], BeforeValidator(split_list)]


class BotSettings(LayeredSettings):
    """Digest defaults, worker threads, feeds, operators and the webhook address; read in bot.app.run."""

    digest_time: str = "08:00"  # /subscribe defaults: HH:MM in digest_timezone
    digest_timezone: str = "UTC"
    digest_when_empty: Literal["say", "silent"] = "say"  # say so in one line, or stay silent
    bot_workers: int = 4
    feeds: TextList = []  # URLs or paths polled every feed_poll_seconds (0: never)
    feed_poll_seconds: int = 900
    feed_posts_per_poll: int = 5
    # Stored articles another version of storybot analysed are analysed again in the background,
    # this many at a time (the feeds wait between passes, never longer); 0: only `storybot reanalyse`.
    reanalyse_batch: int = Field(50, ge=0)
    bot_admins: IntList = []  # Telegram user ids who may /feeds add
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    # How long a claimed digest or post stays claimed without renewal: how long a dead process's
    # claim blocks the next run. Keep it well above one send attempt (PTB's timeouts: about 16 s).
    delivery_lease_seconds: int = Field(60, ge=1)

    @field_validator("digest_time")
    @classmethod
    def _a_time(cls, value: str) -> str:
        parse_time(value)  # its ScheduleError (a ValueError) becomes the one-line SettingsError
        return value

    @field_validator("digest_timezone")
    @classmethod
    def _a_zone(cls, value: str) -> str:
        load_zone(value)
        return value
