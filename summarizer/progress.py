"""Ingestion progress: the events an ingestion run emits, its rate and time left, and log lines."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Phase = Literal["checked", "loading", "working", "done"]


@dataclass(frozen=True)
class IngestProgress:
    """Where one ingestion run stands. `done` and `total` count new articles only.

    Phases, in order: "checked" once the duplicate check is over (`total` is known), "loading"
    just before the models load (only when there is something new), "working" after each new
    article is stored or rejected, and "done" at the end.
    """

    phase: Phase
    done: int = 0  # new articles analysed so far, stored or rejected
    total: int = 0  # new articles to analyse
    duplicates: int = 0  # inputs skipped as already stored, or repeated within the run
    rejected: int = 0  # inputs rejected before analysis (empty, binary, unreachable, ...)
    sentences: int = 0  # sentences stored so far
    batches: int = 0  # batches finished; the event of a batch's last article carries the new count
    work_seconds: float = 0.0  # analysis time since the models were ready: loading is not in it

    @property
    def skipped(self) -> int:
        return self.duplicates + self.rejected


class RateEstimator:
    """Articles per second of analysis, and the time left, measured at batch boundaries only.

    Articles finish in bursts (a batch is parsed and embedded, then all of it is stored), so a
    rate read at any article swings with the burst: after the first article of the first batch it
    is a sixteenth of the truth. Here the rate is the articles of the finished batches over the
    work seconds up to the last of them, and the time left is the projected work time of the
    whole run less the work time spent, which counts down evenly instead of jumping.
    """

    def __init__(self) -> None:
        self.total = 0
        self.work_seconds = 0.0
        self._batches = 0
        self._sample: tuple[int, float] | None = None  # (articles, work seconds) at the last boundary

    def update(self, event: IngestProgress) -> None:
        """Take in one event; only an event that closes a batch changes the rate."""
        self.total = event.total
        self.work_seconds = event.work_seconds
        if event.batches > self._batches and event.done > 0 and event.work_seconds > 0:
            self._batches = event.batches
            self._sample = (event.done, event.work_seconds)

    @property
    def rate(self) -> float | None:
        """Articles per work second; None until a batch is finished."""
        if self._sample is None:
            return None
        done, seconds = self._sample
        return done / seconds

    def eta(self, work_seconds: float | None = None) -> float | None:
        """Seconds left once `work_seconds` of work have passed (default: as of the last event).

        None until a batch is finished.
        """
        rate = self.rate
        if rate is None:
            return None
        spent = self.work_seconds if work_seconds is None else work_seconds
        return max(self.total / rate - spent, 0.0)


class ProgressLines:
    """Report progress as occasional lines, for runs with no terminal (cron, CI, a service).

    One line when the duplicate check is over, then one every `every` articles or every
    `interval` seconds, whichever comes first (checked as articles finish), and a final line.
    Nothing is written for a run with nothing new. Pass an instance as the `progress` callback.

    Args:
        write: where a line goes, e.g. a print to stderr or a logger's `info`.
        every: articles between lines; by default a twentieth of the run, at least 50.
        interval: seconds between lines at most, while articles keep finishing.
        clock: monotonic seconds; tests pass a fake.
        name: the run's name at the start of each line ("ingest", "reanalyse").
        which: which articles it analyses, in the first line ("new", "stored").
    """

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        every: int | None = None,
        interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        name: str = "ingest",
        which: str = "new",
    ) -> None:
        self.write = write
        self.name, self.which = name, which
        self.every = every
        self.interval = interval
        self.clock = clock
        self.estimator = RateEstimator()
        self._step = 1
        self._last_done = 0
        self._last_time = 0.0

    def __call__(self, event: IngestProgress) -> None:
        self.estimator.update(event)
        if event.phase == "checked":
            self._step = max(1, self.every or max(50, math.ceil(event.total / 20)))
            self._last_done, self._last_time = 0, self.clock()
            if event.total:
                self.write(f"{self.name}: {event.total:,} {self.which} {_articles(event.total)} to analyse{_skipped(event)}")
        elif event.phase == "working" and event.done < event.total:
            now = self.clock()
            if event.done - self._last_done >= self._step or now - self._last_time >= self.interval:
                self._last_done, self._last_time = event.done, now
                self.write(self.line(event))
        elif event.phase == "done" and event.total:
            self.write(self.line(event))

    def line(self, event: IngestProgress) -> str:
        """E.g. `ingest: 200/774 articles, 9,512 sentences, 3.1 articles/s, about 3 min left`."""
        head = f"{self.name}: {event.done:,}/{event.total:,} articles, {event.sentences:,} sentences"
        if event.phase == "done":
            rate = event.done / event.work_seconds if event.work_seconds > 0 else None
            took = f", done in {format_duration(event.work_seconds)}"
            return head + (f", {format_rate(rate)}" if rate else "") + took
        rate, eta = self.estimator.rate, self.estimator.eta()
        if rate is None or eta is None:
            return head + ", rate not known yet"
        return f"{head}, {format_rate(rate)}, about {format_duration(eta)} left"


def format_rate(rate: float) -> str:
    """Articles per second with the digits that matter: 12 articles/s, 3.1, 0.42."""
    digits = 0 if rate >= 10 else 1 if rate >= 1 else 2
    return f"{rate:.{digits}f} articles/s"


def format_duration(seconds: float) -> str:
    """A rough human duration: 8 s, 40 s, 3 min, 1 h 5 min."""
    seconds = max(0.0, seconds)
    if seconds < 10:
        return f"{math.ceil(seconds)} s"
    if seconds < 57.5:
        return f"{round(seconds / 5) * 5} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def _articles(n: int) -> str:
    return "article" if n == 1 else "articles"


def _skipped(event: IngestProgress) -> str:
    parts = [f"{event.duplicates:,} duplicate" + ("" if event.duplicates == 1 else "s")] if event.duplicates else []
    if event.rejected:
        parts.append(f"{event.rejected:,} rejected")
    return f" ({', '.join(parts)} skipped)" if parts else ""
