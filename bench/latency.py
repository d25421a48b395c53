"""Warm briefing latency per query kind on one store; prints one JSON line.

Each call runs with an empty briefing cache, so the figures are the work, not a lookup.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time

from summarizer import services
from summarizer.settings import Settings

QUERIES = {
    "actor": ["xi", "putin", "zelensky", "peskov", "mao ning"],
    "date": ["21 March 2023", "2023-03-17", "May 2025", "2023-03-20..2023-03-22", "March 2024"],
    "topic": ["bakhmut", "peace plan", "nuclear weapons", "drone attacks", "gas pipeline"],
    "timeline": ["", "xi", "March 2023", "peace plan"],  # `timeline QUERY`; "" is the whole story
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(database_url: str, rounds: int) -> None:
    settings = Settings.load().replace(database_url=database_url)
    built = services.build(settings)
    service = built.briefings
    service.warm()
    def ask(kind: str, q: str) -> None:
        service.timeline(q) if kind == "timeline" else service.brief(q)

    for kind, queries in QUERIES.items():  # first calls load the vector matrix and caches
        for q in queries:
            ask(kind, q)
    out = {}
    for kind, queries in QUERIES.items():
        times = []
        for _ in range(rounds):
            for q in queries:
                service.clear_cache()
                started = time.perf_counter()
                ask(kind, q)
                times.append((time.perf_counter() - started) * 1000)
        out[kind] = {"n": len(times), "p50_ms": statistics.median(times), "p95_ms": percentile(times, 0.95)}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    built.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 6)
