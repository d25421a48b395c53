"""Build the one settings object: config/storybot.toml, then STORYBOT_* environment variables."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


CHOICES = {
    "embedding_backend": ("onnx", "torch"),
    "embedding_precision": ("int8", "fp32"),
}


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once in main() and passed down."""

    config_dir: Path
    database_url: str = ""
    data_dir: str = ""
    spacy_model: str = "en_core_web_sm"
    embedding_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    embedding_backend: str = "onnx"  # "onnx" (ONNX Runtime) or "torch" (transformers)
    embedding_precision: str = "int8"  # the ONNX weights: "int8" (dynamic, per channel) or "fp32"
    embedding_batch_size: int = 8
    embedding_threads: int = 0
    model_dir: str = ""
    max_article_bytes: int = 1_000_000
    ingest_batch: int = 16
    actors_file: str = "actors.toml"
    # [bot]
    digest_time: str = "08:00"
    digest_timezone: str = "UTC"
    digest_when_empty: str = "say"  # "say" so in one line, or stay "silent"
    bot_workers: int = 4
    feeds: str = ""  # URLs or paths separated by spaces
    feed_poll_seconds: int = 900
    feed_posts_per_poll: int = 5
    bot_admins: str = ""  # Telegram user ids separated by spaces: who may /feeds add
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"setting {name}: expected one of {', '.join(allowed)}, got {getattr(self, name)!r}")

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, config_dir: Path | None = None) -> Settings:
        """Read config/storybot.toml and apply STORYBOT_* overrides from the environment."""
        env = os.environ if env is None else env
        config_dir = Path(env.get("STORYBOT_CONFIG_DIR") or config_dir or DEFAULT_CONFIG_DIR)
        values: dict[str, object] = {}
        path = config_dir / "storybot.toml"
        if path.exists():
            try:
                with path.open("rb") as fh:
                    data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise SettingsError(f"{path}: {exc}") from exc
            for section in data.values():
                if isinstance(section, dict):
                    values.update(section)
        known = {f.name: f for f in fields(cls) if f.name != "config_dir"}
        for name, field in known.items():
            raw = env.get(f"STORYBOT_{name.upper()}")
            if raw is not None:
                values[name] = raw
        kwargs = {name: _coerce(name, values[name], known[name].type) for name in known if name in values}
        return cls(config_dir=config_dir, **kwargs)

    @property
    def data_path(self) -> Path:
        """The folder for the embedded database and other state."""
        if self.data_dir:
            return Path(self.data_dir).expanduser()
        from platformdirs import user_data_dir

        return Path(user_data_dir("storybot"))

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_path / 'storybot.db'}"

    @property
    def model_path(self) -> Path:
        """The folder for prepared models (the ONNX encoder), by default inside the data directory."""
        return Path(self.model_dir).expanduser() if self.model_dir else self.data_path / "models"

    @property
    def actors_path(self) -> Path:
        path = Path(self.actors_file).expanduser()
        return path if path.is_absolute() else self.config_dir / path

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, value: object, type_name: object) -> object:
    """Turn a TOML or environment value into the field's type, or say which key is wrong."""
    target = {"int": int, "str": str}.get(str(type_name), str)
    try:
        return target(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name}: expected {target.__name__}, got {value!r}") from exc
