"""The Bot API's reachability: one log line when it stops answering, one with a count when it answers again.

Every Bot API request goes through a `WatchedRequest`, which tells the application's `Outage`
whether the server answered. During an outage the polling loop, the error handler and the
delivery layer each fail again and again; they ask `Outage.down` and stay quiet, so a 15 s
outage is two lines in the log, not a traceback per failed poll or job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)


class Outage:
    """Whether the Bot API is unreachable now; logs the start of an outage once and its end with a count."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.since: float | None = None
        self.failures = 0

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, error: object) -> None:
        """A request got no answer (a network error or a 5xx from a proxy in front)."""
        self.failures += 1
        if self.since is None:
            self.since = self.clock()
            log.warning("Bot API unreachable (%s); retrying, quietly until it answers", error)

    def answered(self) -> None:
        """A request got an answer: an outage, if there was one, is over."""
        if self.since is None:
            return
        log.warning(
            "Bot API reachable again after %.1f s; %d requests failed meanwhile",
            self.clock() - self.since,
            self.failures,
        )
        self.since, self.failures = None, 0


class WatchedRequest(BaseRequest):
    """A Bot API request object that reports every answer, or the lack of one, to an Outage."""

    def __init__(self, inner: BaseRequest, outage: Outage) -> None:
        self.inner, self.outage = inner, outage

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any) -> tuple[int, bytes]:
        try:
            code, payload = await self.inner.do_request(url, method, request_data, **kwargs)
        except NetworkError as exc:  # TimedOut included
            self.outage.failed(exc)
            raise
        if code >= 500:
            self.outage.failed(f"HTTP {code}")
        else:
            self.outage.answered()
        return code, payload
