"""The built wheel: every module, the default config as package data, and settings that find it anywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "bot", "summarizer", "config")

pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    """The process environment without the user's STORYBOT_* or PYTHON* variables."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("STORYBOT_", "PYTHON", "PIP_"))}
    return keep | extra


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project built as a wheel, offline, from a copy (the build leaves build/ and egg-info behind)."""
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, src / name)
    command = [sys.executable, "-m", "pip", "wheel", "--isolated", "--disable-pip-version-check", "--no-index",
               "--no-deps", "--no-build-isolation", "--no-cache-dir", "--quiet", "--wheel-dir", str(out), str(src)]
    subprocess.run(command, check=True, env=_env(), timeout=120, capture_output=True)
    (built,) = out.glob("storybot-*.whl")
    return built


def test_the_wheel_ships_every_module_and_the_default_config(wheel) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in ("storybot.toml", "actors.toml"):
            assert archive.read(f"summarizer/defaults/{name}") == (ROOT / "config" / name).read_bytes()
    sources = [p for package in ("bot", "summarizer") for pattern in ("*.py", "*.mako") for p in (ROOT / package).rglob(pattern)]
    shipped = {p.relative_to(ROOT).as_posix() for p in sources}
    assert shipped - names == set()  # a new package must be added to [tool.setuptools] packages


def test_the_installed_wheel_finds_its_default_config_outside_the_repository(wheel, tmp_path) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere.mkdir()
    probe = (
        "import json; from summarizer.settings import Settings; from bot.settings import BotSettings\n"
        "s, b = Settings.load(env={}), BotSettings.load(env={})\n"
        "print(json.dumps({'module': __import__('summarizer').__file__, 'config_dir': str(s.config_dir),\n"
        "    'files': [(s.config_dir / 'storybot.toml').is_file(), s.actors_path.is_file()], 'bot': str(b.config_dir)}))"
    )
    # PYTHONPATH comes before site-packages, so the unpacked wheel wins over the editable install.
    done = subprocess.run([sys.executable, "-s", "-c", probe], cwd=elsewhere, env=_env(PYTHONPATH=str(site)),
                          capture_output=True, text=True, timeout=120, check=True)
    found = json.loads(done.stdout)

    assert Path(found["module"]).is_relative_to(site)
    assert Path(found["config_dir"]) == Path(found["bot"]) == site / "summarizer" / "defaults"
    assert found["files"] == [True, True]
