"""The two encoder backends side by side on the seeds: the gold set with each, and every briefing that changes.

`python -m bench.backends OUT_DIR` stores the seeds once per backend (a fresh store each), runs
the gold queries on both, prints both gold tables and lists each query whose briefing differs
(items added or dropped); prints one JSON line last.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from summarizer import services
from summarizer.settings import Settings
from tests.gold.evaluate import evaluate, load_gold, table

ROOT = Path(__file__).resolve().parent.parent


def briefings(out: Path, backend: str) -> tuple[dict[str, list[str]], list]:
    path = out / f"seeds-{backend}.db"
    path.unlink(missing_ok=True)
    settings = Settings.load().replace(database_url=f"sqlite:///{path}", embedding_backend=backend)
    with services.build(settings) as built:
        built.ingest.ingest([str(ROOT / "seeds")])
        texts = {case["q"]: [item.text for item in built.briefings.brief(case["q"]).items] for case in load_gold()}
        return texts, evaluate(built.briefings)


def main(out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    old, old_scores = briefings(folder, "torch")
    new, new_scores = briefings(folder, "onnx")
    print("gold set, torch backend:\n" + table(old_scores))
    print("gold set, onnx backend:\n" + table(new_scores))
    changed = []
    for query in old:
        if old[query] != new[query]:
            dropped = [t for t in old[query] if t not in new[query]]
            added = [t for t in new[query] if t not in old[query]]
            changed.append({"query": query, "dropped": dropped, "added": added, "reordered": not dropped and not added})
    for c in changed:
        print(f"changed: {c['query']!r}" + (" (same items, other order)" if c["reordered"] else ""))
        for t in c["dropped"]:
            print(f"  - {t[:150]}")
        for t in c["added"]:
            print(f"  + {t[:150]}")
    same_scores = [(s.recall, s.on_subject, s.kind) for s in old_scores] == [(s.recall, s.on_subject, s.kind) for s in new_scores]
    print(f"gold scores identical: {same_scores}; briefings changed: {len(changed)} of {len(old)}")
    print(json.dumps({"gold_scores_identical": same_scores, "changed": changed, "queries": len(old)}))


if __name__ == "__main__":
    main(sys.argv[1])
