"""Settings: where each value comes from, and one line naming the key when one is wrong."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from summarizer.settings import Settings, SettingsError


def _config(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "storybot.toml").write_text(text)
    return folder


def test_each_value_comes_from_the_highest_source_that_has_it(tmp_path) -> None:
    folder = _config(tmp_path / "conf", '[models]\nembedding_threads = 2\nembedding_batch_size = 4\nspacy_model = "toml"\n')
    env = {"STORYBOT_EMBEDDING_THREADS": "3", "STORYBOT_EMBEDDING_BATCH_SIZE": "5"}

    settings = Settings.load(env=env, config_dir=folder, embedding_threads=7)

    assert settings.embedding_threads == 7  # given to load()
    assert settings.embedding_batch_size == 5  # the environment, over the file
    assert settings.spacy_model == "toml"  # the file, over the default
    assert settings.ingest_batch == 16  # the field default
    assert settings.config_dir == folder


def test_without_storybot_config_dir_the_packaged_defaults_are_read() -> None:
    settings = Settings.load(env={})

    assert settings.config_dir == Path(str(resources.files("summarizer.defaults")))
    assert (settings.config_dir / "storybot.toml").is_file() and settings.actors_path.is_file()


def test_a_tree_run_without_installing_is_told_how_to_find_the_defaults(monkeypatch) -> None:
    def not_installed(package: str):
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(resources, "files", not_installed)
    with pytest.raises(SettingsError, match="STORYBOT_CONFIG_DIR"):
        Settings.load(env={})


def test_env_names_the_config_folder_unless_the_caller_does(tmp_path) -> None:
    folder = _config(tmp_path / "conf", '[ingest]\ningest_batch = 3\n')

    assert Settings.load(env={"STORYBOT_CONFIG_DIR": str(folder)}).ingest_batch == 3
    assert Settings.load(env={"STORYBOT_CONFIG_DIR": "/nowhere"}, config_dir=folder).config_dir == folder


def test_a_folder_without_storybot_toml_runs_on_the_defaults(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    settings = Settings.load(env={}, config_dir=tmp_path / "empty")
    assert settings.embedding_backend == "onnx" and settings.actors_path == tmp_path / "empty" / "actors.toml"


def test_the_field_defaults_are_the_shipped_defaults() -> None:
    """Running without storybot.toml must mean what the shipped file says."""
    shipped = Settings.load(env={})
    with (shipped.config_dir / "storybot.toml").open("rb") as fh:
        sections = tomllib.load(fh)
    keys = {k for section in sections.values() for k in section if k in Settings.model_fields}
    assert keys  # the file names this class's keys
    bare = Settings(config_dir=shipped.config_dir)
    assert {k: getattr(bare, k) for k in keys} == {k: getattr(shipped, k) for k in keys}


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"STORYBOT_EMBEDDING_THREADS": "x"}, "setting embedding_threads: expected int, got 'x'"),
        ({"STORYBOT_EMBEDDING_BACKEND": "tensorflow"}, "setting embedding_backend: expected one of onnx, torch, got 'tensorflow'"),
        ({"STORYBOT_EMBEDDING_PRECISION": "fp16"}, "setting embedding_precision: expected one of int8, fp32, got 'fp16'"),
    ],
)
def test_a_malformed_value_is_one_line_naming_the_key(env, line) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.load(env=env)
    assert str(caught.value) == line


def test_a_malformed_file_is_one_line_naming_it(tmp_path) -> None:
    folder = _config(tmp_path / "conf", "[models\n")
    with pytest.raises(SettingsError, match="storybot.toml"):
        Settings.load(env={}, config_dir=folder)


def test_replace_validates_and_leaves_the_original_alone() -> None:
    settings = Settings.load(env={})

    assert settings.replace(embedding_backend="torch").embedding_backend == "torch"
    assert settings.embedding_backend == "onnx"
    with pytest.raises(SettingsError, match="setting ingest_batch: expected int"):
        settings.replace(ingest_batch="many")
    with pytest.raises(ValueError):  # frozen
        settings.ingest_batch = 1  # type: ignore[misc]


def test_the_process_environment_is_read_only_when_asked(monkeypatch) -> None:
    monkeypatch.setenv("STORYBOT_INGEST_BATCH", "2")

    assert Settings.load().ingest_batch == 2
    assert Settings.load(env={}).ingest_batch == 16
    assert Settings(config_dir=Path(".")).ingest_batch == 16  # the constructor reads nothing
