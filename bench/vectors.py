"""Stored vectors of two stores of the same articles, compared sentence by sentence; one JSON line.

Sentences are matched by their article's content hash and their position (and must have the
same text), so two ingestions of one corpus with different encoders compare row for row.
"""

from __future__ import annotations

import json
import sqlite3
import sys

import numpy as np

QUERY = (
    "SELECT a.content_hash, s.position, s.text, s.embedding FROM sentences s JOIN articles a ON a.id = s.article_id"
)


def load(path: str) -> dict[tuple[str, int], tuple[str, np.ndarray]]:
    db = sqlite3.connect(path)
    try:
        return {(h, p): (t, np.frombuffer(e, dtype="<f4")) for h, p, t, e in db.execute(QUERY)}
    finally:
        db.close()


def compare(old_path: str, new_path: str) -> dict:
    old, new = load(old_path), load(new_path)
    keys = [k for k in old if k in new and old[k][0] == new[k][0]]
    a = np.stack([old[k][1] for k in keys])
    b = np.stack([new[k][1] for k in keys])
    cos = np.sum(a * b, axis=1)
    return {"sentences": len(keys), "unmatched": len(old) + len(new) - 2 * len(keys), "mean": float(cos.mean()),
            "min": float(cos.min()), "p01": float(np.percentile(cos, 1))}


if __name__ == "__main__":
    print(json.dumps(compare(sys.argv[1], sys.argv[2])))
