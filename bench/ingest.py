"""Ingestion throughput of some inputs into a fresh store; prints one JSON line.

`python -m bench.ingest DATABASE_URL TARGET...`; the encoder and its batches come from settings
(STORYBOT_* in the environment), so the same script measures the old path and the new.

Run in its own process by bench/__main__.py so that its peak RSS is its own.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from summarizer import services
from summarizer.settings import Settings


def main(database_url: str, targets: list[str]) -> None:
    settings = Settings.load().replace(database_url=database_url)
    built = services.build(settings)
    ingestor = built.ingest
    started = time.perf_counter()
    ingestor.nlp  # model loading is start-up, not throughput: timed apart
    ingestor.encoder.load()
    loaded = time.perf_counter()
    report = ingestor.ingest(targets)
    done = time.perf_counter()
    built.close()
    seconds = dict(report.seconds)
    work = sum(seconds.values())
    print(
        json.dumps(
            {
                "articles": len(report.stored),
                "sentences": report.sentences,
                "rejected": len(report.rejected),
                "load_s": loaded - started,
                "ingest_s": done - loaded,
                "articles_per_s": len(report.stored) / (done - loaded),
                "sentences_per_s": report.sentences / (done - loaded),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "share": {k: v / work for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])},
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
