"""No test reads or writes a database named by the user's environment (issue 11, defect 12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_run_in_a_shell_naming_a_real_database_never_touches_it(tmp_path) -> None:
    """A child pytest with STORYBOT_DATABASE_URL (and a data dir) set: its session fixtures use temp stores."""
    user = tmp_path / "user-owned"
    env = {
        **os.environ,
        "STORYBOT_DATABASE_URL": f"sqlite:///{user / 'storybot.db'}",
        "STORYBOT_DATA_DIR": str(user / "data"),
        "STORYBOT_MODEL_DIR": str(user / "models"),
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/isolation_probe.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )

    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert not user.exists()  # nothing read, nothing written there: not even the folder was made
