"""Abusive feeds against the reader, on 127.0.0.1: how long until it gives up, bytes read, the line.

    .venv/bin/python -m bench.fetch_abuse

Runs the servers of tests/summarizer/test_fetch_guard.py (a slow drip, headers that never
end, a 50 MB body, a redirect to an internal address, an internal page, a feed whose entries
link to the drip) through `iter_inputs` with the default limits, 127.0.0.1 allowed as an
operator would allow it (and once without, to show the refusal). Not part of `make bench`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from summarizer.sources import FetchLimits, RawArticle, iter_inputs
from tests.summarizer.test_fetch_guard import AbusiveServer, feed_file


def main() -> None:
    server = AbusiveServer()
    allow = FetchLimits(allow_hosts=("127.0.0.1",))
    by_name = FetchLimits(allow_hosts=("localhost",))
    feed_limits = FetchLimits(allow_hosts=("127.0.0.1",), feed_seconds=45.0)
    with tempfile.TemporaryDirectory() as tmp:
        feed = feed_file(Path(tmp), [server.url("/drip")] * 5)
        cases = [
            ("slow drip (1 byte / 0.2 s)", server.url("/drip"), allow, "/drip"),
            ("headers that never end", server.url("/drip-headers"), allow, "/drip-headers"),
            ("50 MB body, no length", server.url("/huge"), allow, "/huge"),
            ("redirect to 127.0.0.1 (localhost allowed)", server.url("/redirect-to/127.0.0.1", "localhost"), by_name, None),
            ("internal page, no allow-list", server.url("/secret"), FetchLimits(), None),
            ("feed: 5 entries linking to the drip (feed deadline 45 s)", str(feed), feed_limits, "/drip"),
        ]
        print("| case | gave up after | bytes the server sent | requests | result |")
        print("|---|---|---|---|---|")
        for name, target, limits, path in cases:
            server.sent.clear()
            server.hits.clear()
            started = time.monotonic()
            items = list(iter_inputs([target], limits=limits))
            took = time.monotonic() - started
            result = "; ".join(
                f"stored text ({len(i.text):,} chars)" if isinstance(i, RawArticle) else i.reason for i in items
            )
            if all(isinstance(i, RawArticle) for i in items) and len(items) > 1:
                result = f"{len(items)} entries, each kept its feed summary: {items[0].text!r}"
            sent = server.sent.get(path, 0) if path else 0
            print(f"| {name} | {took:.1f} s | {sent:,} | {len(server.hits)} | {result} |")
    server.close()


if __name__ == "__main__":
    main()
