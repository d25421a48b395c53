"""Ingestion progress in the CLI: lines on stderr without a terminal, a bar with a steady ETA on one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot import cli
from bot.ingest_progress import EtaColumn, describe
from summarizer.ingest import IngestReport
from summarizer.progress import IngestProgress

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_forced_terminal(monkeypatch):
    """Whatever the CI says about colour, stderr here is not a terminal."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_ingestor(monkeypatch, nlp):
    """The CLI's Ingestor with the shared spaCy pipeline and the fake encoder."""
    from summarizer import ingest
    from tests.fakes import FakeEncoder

    real = ingest.Ingestor
    monkeypatch.setattr(ingest, "Ingestor", lambda store, settings: real(store, settings, nlp=nlp, encoder=FakeEncoder()))


@pytest.mark.slow
def test_ingest_without_a_terminal_prints_progress_lines_on_stderr(fake_ingestor, no_forced_terminal, tmp_path, capsys):
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
def test_quiet_or_nothing_new_prints_no_progress(fake_ingestor, no_forced_terminal, capsys):
    assert cli.main(["ingest", "--quiet", str(ROOT / "seeds")]) == 0
    assert capsys.readouterr().err == ""
    assert cli.main(["ingest", str(ROOT / "seeds")]) == 0
    out, err = capsys.readouterr()
    assert (out.strip(), err) == ("0 new, 5 duplicates, 0 rejected", "")


class ScriptedIngestor:
    """Plays a fixed event sequence to the progress callback, as a run of 32 new articles would."""

    class settings:
        max_article_bytes = 1_000_000

    def __init__(self) -> None:
        self.seen_progress = False

    def ingest_items(self, items, progress=None, report=None):
        self.seen_progress = progress is not None
        if progress:
            progress(IngestProgress("checked", total=32, duplicates=2))
            progress(IngestProgress("loading", total=32, duplicates=2))
            for done in range(1, 33):
                progress(IngestProgress("working", done, 32, 2, 0, 10 * done, done // 16, 8.0 * (1 + (done - 1) // 16)))
            progress(IngestProgress("done", 32, 32, 2, 0, 320, 2, 16.0))
        return IngestReport()


def test_on_a_terminal_the_bar_runs_over_the_new_articles(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("FORCE_COLOR", "1")
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"Article {name}.")
    ingestor = ScriptedIngestor()
    report = cli._run_ingest(ingestor, [str(tmp_path)], quiet=False)
    assert isinstance(report, IngestReport) and ingestor.seen_progress
    err = capsys.readouterr().err
    assert "ingest:" not in err  # a bar, not log lines
    assert "2 duplicates skipped" in err and "32/32" in err


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
