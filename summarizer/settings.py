"""Build the settings: storybot.toml from the config folder, then STORYBOT_* environment variables.

The config folder is $STORYBOT_CONFIG_DIR when set, else the defaults shipped inside the package
(the repository's config/, installed as `summarizer.defaults`), so an installed wheel has them too.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
import json
import re
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import BeforeValidator, PositiveFloat, PositiveInt, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, InitSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

CONFIG_FILE = "storybot.toml"
ENV_PREFIX = "STORYBOT_"


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


def default_config_dir() -> Path:
    """The folder of the default storybot.toml and actors.toml, shipped as the package summarizer.defaults."""
    try:
        # Installed (wheel or editable), a package's files are plain files on disk.
        return Path(str(resources.files("summarizer.defaults")))
    except ModuleNotFoundError:  # a source tree run without installing: config/ is no package there
        raise SettingsError("the default config is not installed: pip install -e . or set STORYBOT_CONFIG_DIR") from None


def split_list(value: Any) -> Any:
    """Read a list given as text: a JSON list, or items separated by spaces, commas or newlines.

    The environment holds only text, and STORYBOT_FEEDS="url1 url2" predates the typed lists;
    a TOML array passes through untouched.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"expected a JSON list or items separated by spaces, got {value!r}") from None
    return [item for item in re.split(r"[\s,]+", text) if item]


TextList = Annotated[list[str], BeforeValidator(split_list)]


class LayeredSettings(BaseSettings):
    """Settings read from a config folder's storybot.toml and STORYBOT_<KEY> variables.

    Each key comes from, highest priority first: the values given to load() or replace(), the
    environment, storybot.toml (its sections only group the keys), the field's default.
    Subclasses declare the fields; keys meant for another subclass are ignored.
    """

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    config_dir: Path

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The constructor takes its arguments only: load() reads the file and the environment it is
        # given (tests pass env={}), so nothing reads os.environ behind a caller's back.
        return (init_settings,)

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, config_dir: Path | None = None, **values: Any) -> Self:
        """Read storybot.toml from the config folder, then STORYBOT_* overrides from `env` (default os.environ).

        The folder is `config_dir`, else $STORYBOT_CONFIG_DIR, else the packaged defaults.
        Raises SettingsError, one line naming the key, for a malformed value.
        """
        env = os.environ if env is None else env
        folder = Path(config_dir or env.get("STORYBOT_CONFIG_DIR") or default_config_dir())
        layers = _SectionedToml(cls, folder / CONFIG_FILE)(), _Environment(cls, env)(), values
        return cls._validated({key: value for layer in layers for key, value in layer.items()} | {"config_dir": folder})

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`, validated as a loaded one is."""
        return self._validated(self.model_dump() | changes)

    @classmethod
    def _validated(cls, values: dict[str, Any]) -> Self:
        try:
            return cls(**values)
        except ValidationError as exc:
            raise SettingsError("; ".join(_describe(cls, error) for error in exc.errors())) from None


class Settings(LayeredSettings):
    """The domain's settings ([storage], [models], [ingest]), read once in main() and passed down.

    The bot's keys ([bot]) are bot.settings.BotSettings, read from the same file and environment.
    """

    database_url: str = ""
    data_dir: str = ""
    spacy_model: str = "en_core_web_sm"
    embedding_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    embedding_backend: Literal["onnx", "torch"] = "onnx"  # ONNX Runtime, or transformers as it is
    embedding_precision: Literal["int8", "fp32"] = "int8"  # the ONNX weights: int8 (dynamic, per channel) or fp32
    embedding_batch_size: int = 8
    embedding_threads: int = 0
    model_dir: str = ""
    max_article_bytes: int = 1_000_000
    fetch_allow_hosts: TextList = []  # internal hosts an operator allows
    fetch_deadline_seconds: PositiveFloat = 30.0  # one page: connections, redirects, the whole body
    feed_deadline_seconds: PositiveFloat = 120.0  # one feed (or URL) with the pages its entries link to
    feed_max_bytes: PositiveInt = 20_000_000  # bytes read for one feed, its entries' pages included
    ingest_batch: int = 16
    actors_file: str = "actors.toml"
    outlets_file: str = "outlets.toml"

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

    @property
    def outlets_path(self) -> Path:
        path = Path(self.outlets_file).expanduser()
        return path if path.is_absolute() else self.config_dir / path


class _SectionedToml(InitSettingsSource):
    """The keys of storybot.toml, flattened: its sections ([storage], [models], ...) only group them."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        keys: dict[str, Any] = {}
        if path.exists():  # a folder without the file runs on the field defaults
            try:
                with path.open("rb") as fh:
                    data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise SettingsError(f"{path}: {exc}") from exc
            for section in data.values():
                if isinstance(section, dict):
                    keys.update(section)
        super().__init__(settings_cls, keys)


class _Environment(PydanticBaseSettingsSource):
    """STORYBOT_<KEY> variables from a mapping, which need not be os.environ; names are upper case."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self.env = env

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.env.get(ENV_PREFIX + field_name.upper()), field_name, False

    def __call__(self) -> dict[str, Any]:
        values = {}
        for name, field in self.settings_cls.model_fields.items():
            value, _, _ = self.get_field_value(field, name)
            if value is not None and name != "config_dir":  # load() resolves the folder itself
                values[name] = value
        return values


_EXPECTED = {"int_parsing": "int", "int_type": "int", "int_from_float": "int", "string_type": "str", "list_type": "a list"}


def _describe(cls: type[BaseSettings], error: Any) -> str:
    """One pydantic error as `setting KEY: expected TYPE, got VALUE`, the form the CLI prints."""
    name = str(error["loc"][0]) if error["loc"] else "?"
    if error["type"] == "value_error":  # a validator's own message says what is wrong
        return f"setting {name}: {error['ctx']['error']}"
    if error["type"] == "literal_error":
        detail = "expected one of " + ", ".join(get_args(cls.model_fields[name].annotation))
    elif error["type"] in _EXPECTED:
        detail = f"expected {_EXPECTED[error['type']]}"
    else:
        detail = error["msg"]
    return f"setting {name}: {detail}, got {error['input']!r}"
