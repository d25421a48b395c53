"""Ingestion progress in the CLI: lines on stderr without a terminal, a bar with a steady ETA on one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot import cli
from bot.ingest_progress import EtaColumn, describe
from summarizer.progress import IngestProgress, ProgressLines

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_forced_terminal(monkeypatch):
    """Whatever the CI says about colour, stderr here is not a terminal."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.slow
def test_ingest_without_a_terminal_prints_progress_lines_on_stderr(fake_models, no_forced_terminal, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert cli.main(["ingest", str(ROOT / "seeds"), str(bad)]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out.strip() == "5 new, 0 duplicates, 1 rejected"
    assert lines[0] == "ingest: 5 new articles to analyse (1 rejected skipped)"
    final = re.fullmatch(r"ingest: 5/5 articles, ([\d,]+) sentences, [\d.]+ articles/s, done in \d+ s", lines[1])
    assert final, lines
    assert lines[2].startswith(f"rejected {bad}: malformed JSON") and len(lines) == 3
    assert cli.main(["articles", "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert int(final[1].replace(",", "")) == sum(a["sentences"] for a in stored)


@pytest.mark.slow
def test_quiet_or_nothing_new_prints_no_progress(fake_models, no_forced_terminal, capsys):
    assert cli.main(["ingest", "--quiet", str(ROOT / "seeds")]) == 0
    assert capsys.readouterr().err == ""
    assert cli.main(["ingest", str(ROOT / "seeds")]) == 0
    out, err = capsys.readouterr()
    assert (out.strip(), err) == ("0 new, 5 duplicates, 0 rejected", "")


def play_run(progress) -> None:
    """The events a run of 32 new articles (2 duplicates) sends, in two batches of 16."""
    progress(IngestProgress("checked", total=32, duplicates=2))
    progress(IngestProgress("loading", total=32, duplicates=2))
    for done in range(1, 33):
        progress(IngestProgress("working", done, 32, 2, 0, 10 * done, done // 16, 8.0 * (1 + (done - 1) // 16)))
    progress(IngestProgress("done", 32, 32, 2, 0, 320, 2, 16.0))


def test_on_a_terminal_the_bar_runs_over_the_new_articles(monkeypatch, capsys):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    with cli._progress(quiet=False) as progress:
        assert not isinstance(progress, ProgressLines)
        play_run(progress)
    err = capsys.readouterr().err
    assert "ingest:" not in err  # a bar, not log lines
    assert "2 duplicates skipped" in err and "32/32" in err


def test_quiet_means_no_progress_callback():
    with cli._progress(quiet=True) as progress:
        assert progress is None


def test_the_bar_label_says_what_is_happening_and_what_was_skipped():
    assert describe(IngestProgress("loading", total=9, duplicates=12)) == "loading models, 12 duplicates skipped"
    assert describe(IngestProgress("working", 3, 9, duplicates=1, rejected=2)) == "analysing, 1 duplicate skipped, 2 rejected"
    assert describe(IngestProgress("working", 3, 9)) == "analysing"


def test_the_eta_column_waits_for_a_batch_then_counts_down_between_events():
    now = [0.0]
    column = EtaColumn(clock=lambda: now[0])
    column.update(IngestProgress("loading", total=64))
    assert column.render(None).plain == ""
    column.update(IngestProgress("working", 1, 64, batches=0, work_seconds=8.0))
    assert column.render(None).plain == "ETA estimating"
    column.update(IngestProgress("working", 16, 64, batches=1, work_seconds=8.0))
    assert column.render(None).plain == "ETA 0:00:24"
    now[0] += 10.0  # no event for 10 s: the next batch is being analysed
    assert column.render(None).plain == "ETA 0:00:14"
    column.update(IngestProgress("working", 17, 64, batches=1, work_seconds=16.0))  # its burst begins
    assert column.render(None).plain == "ETA 0:00:16"
