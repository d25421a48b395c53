"""The progress estimator and the line reporter, driven by made-up events and a fake clock."""

from __future__ import annotations

import pytest

from summarizer.progress import IngestProgress, ProgressLines, RateEstimator, format_duration


def burst_run(total: int, batch: int, batch_seconds: float) -> list[IngestProgress]:
    """Events as the ingestor emits them: each batch is slow, then its articles are stored at once."""
    events = [IngestProgress("checked", total=total, duplicates=3), IngestProgress("loading", total=total, duplicates=3)]
    done = batches = 0
    while done < total:
        size = min(batch, total - done)
        work_before = batches * batch_seconds
        for j in range(1, size + 1):
            done += 1
            batches += j == size
            work = work_before + batch_seconds + 0.001 * j  # storing takes a millisecond an article
            events.append(IngestProgress("working", done, total, 3, 0, 10 * done, batches, work))
    events.append(IngestProgress("done", done, total, 3, 0, 10 * done, batches, events[-1].work_seconds))
    return events


def test_there_is_no_rate_or_eta_before_the_first_batch_is_finished():
    estimator = RateEstimator()
    for event in burst_run(total=64, batch=16, batch_seconds=8.0)[:17]:  # checked, loading, 15 articles
        estimator.update(event)
        assert estimator.rate is None and estimator.eta() is None
    estimator.update(burst_run(total=64, batch=16, batch_seconds=8.0)[17])  # the first batch's last article
    assert estimator.rate == pytest.approx(2.0, rel=0.01)
    assert estimator.eta() == pytest.approx(24.0, rel=0.01)


def test_the_eta_counts_down_through_bursts_instead_of_jumping():
    estimator = RateEstimator()
    etas = []
    for event in burst_run(total=160, batch=16, batch_seconds=8.0):
        estimator.update(event)
        if estimator.eta() is not None:
            etas.append((event.work_seconds, estimator.eta()))
    # 0.5 s an article: the truth is 80 s of work in all, whatever burst an event falls in.
    assert all(eta == pytest.approx(80.0 - work, abs=0.2) for work, eta in etas)
    assert all(later <= earlier + 1e-9 for (_, earlier), (_, later) in zip(etas, etas[1:], strict=False))
    assert etas[-1][1] == 0.0


def test_the_eta_counts_down_between_events_given_the_work_time_now():
    estimator = RateEstimator()
    for event in burst_run(total=64, batch=16, batch_seconds=8.0)[:18]:
        estimator.update(event)
    assert estimator.eta(work_seconds=10.0) == pytest.approx(22.0, rel=0.01)
    assert estimator.eta(work_seconds=1000.0) == 0.0


def test_model_loading_is_outside_the_rate_because_work_time_starts_after_it():
    # Loading took ages but the events' work clock starts after it: the rate is the analysis rate.
    estimator = RateEstimator()
    estimator.update(IngestProgress("loading", total=4))
    estimator.update(IngestProgress("working", 2, 4, batches=1, work_seconds=1.0))
    assert estimator.rate == pytest.approx(2.0)
    assert estimator.eta() == pytest.approx(1.0)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def steady_run(total: int, per_article: float = 0.5, batch: int = 2) -> list[IngestProgress]:
    events = [IngestProgress("checked", total=total, duplicates=12, rejected=1), IngestProgress("loading", total=total, duplicates=12, rejected=1)]
    for done in range(1, total + 1):
        batches = done // batch
        events.append(IngestProgress("working", done, total, 12, 1, 10 * done, batches, per_article * done))
    events.append(IngestProgress("done", total, total, 12, 1, 10 * total, total // batch, per_article * total))
    return events


def test_lines_come_every_n_articles_and_at_the_end():
    lines: list[str] = []
    report = ProgressLines(lines.append, every=4, interval=30.0, clock=FakeClock())
    for event in steady_run(total=10):
        report(event)
    assert lines == [
        "ingest: 10 new articles to analyse (12 duplicates, 1 rejected skipped)",
        "ingest: 4/10 articles, 40 sentences, 2.0 articles/s, about 3 s left",
        "ingest: 8/10 articles, 80 sentences, 2.0 articles/s, about 1 s left",
        "ingest: 10/10 articles, 100 sentences, 2.0 articles/s, done in 5 s",
    ]


def test_lines_come_every_interval_when_articles_are_slow():
    clock = FakeClock()
    lines: list[str] = []
    report = ProgressLines(lines.append, every=1000, interval=30.0, clock=clock)
    for event in steady_run(total=10):
        if event.phase == "working":
            clock.now += 10.0  # an article every 10 s: a line every third one
        report(event)
    progress = [line.split()[1] for line in lines[1:-1]]
    assert progress == ["3/10", "6/10", "9/10"]
    assert lines[-1].startswith("ingest: 10/10 articles")


def test_a_line_before_the_first_batch_says_the_rate_is_not_known_yet():
    lines: list[str] = []
    report = ProgressLines(lines.append, every=1, clock=FakeClock())
    for event in steady_run(total=4, batch=3)[:3]:
        report(event)
    assert lines[-1] == "ingest: 1/4 articles, 10 sentences, rate not known yet"


def test_a_run_with_nothing_new_writes_nothing():
    lines: list[str] = []
    report = ProgressLines(lines.append, clock=FakeClock())
    report(IngestProgress("checked", total=0, duplicates=5))
    report(IngestProgress("done", total=0, duplicates=5))
    assert lines == []


@pytest.mark.parametrize("total, step", [(10, 50), (100, 50), (2000, 100)])
def test_by_default_a_line_every_twentieth_of_the_run_and_at_least_50_articles(total, step):
    lines: list[str] = []
    report = ProgressLines(lines.append, clock=FakeClock())
    for event in steady_run(total=total):
        report(event)
    counts = [int(line.split()[1].split("/")[0].replace(",", "")) for line in lines[1:-1]]
    assert counts == list(range(step, total, step))


@pytest.mark.parametrize(
    "seconds, text",
    [(0.2, "1 s"), (8, "8 s"), (42, "40 s"), (58, "1 min"), (190, "3 min"), (3900, "1 h 5 min")],
)
def test_durations_read_roughly(seconds, text):
    assert format_duration(seconds) == text
