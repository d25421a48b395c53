"""Ingestion progress on a terminal: a rich bar over the new articles, with a steady ETA."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.table import Column
from rich.text import Text

from summarizer.progress import IngestProgress, RateEstimator


class EtaColumn(ProgressColumn):
    """The time left from `RateEstimator`, counting down between events; blank until known."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(table_column=Column(no_wrap=True))
        self.clock = clock
        self.estimator = RateEstimator()
        self._working = False
        self._seen_at = 0.0  # the clock when the last event came

    def update(self, event: IngestProgress) -> None:
        self.estimator.update(event)
        self._working = event.phase == "working"
        self._seen_at = self.clock()

    def render(self, task: Task) -> Text:
        if not self._working:
            return Text("")
        eta = self.estimator.eta(self.estimator.work_seconds + self.clock() - self._seen_at)
        if eta is None:
            return Text("ETA estimating", style="progress.remaining")
        minutes, seconds = divmod(round(eta), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"ETA {hours}:{minutes:02d}:{seconds:02d}", style="progress.remaining")


def describe(event: IngestProgress) -> str:
    """The bar's label: what is happening, and what was skipped beside it."""
    doing = "loading models" if event.phase == "loading" else "analysing"
    skipped = []
    if event.duplicates:
        skipped.append(f"{event.duplicates:,} duplicate{'' if event.duplicates == 1 else 's'} skipped")
    if event.rejected:
        skipped.append(f"{event.rejected:,} rejected")
    return ", ".join([doing, *skipped])


@contextmanager
def progress_bar(console: Console) -> Iterator[Callable[[IngestProgress], None]]:
    """Show a transient bar on `console` while the block runs; yields the `progress` callback."""
    eta = EtaColumn()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), eta)
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("checking duplicates", total=None)

        def show(event: IngestProgress) -> None:
            eta.update(event)
            bar.update(task, description=describe(event), total=event.total or None, completed=event.done)

        yield show
