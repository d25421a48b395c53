"""Evaluate briefings against the gold set: fact recall, on-subject share and length per query.

`python -m tests.gold.evaluate [DATABASE_URL]` prints the table for a store holding the seeds
(default: the configured store); tests/gold/test_gold.py holds the figures above thresholds.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from summarizer.results import Briefing

GOLD = Path(__file__).with_name("briefings.toml")


@dataclass(frozen=True)
class Score:
    query: str
    expected: str
    kind: str
    items: int
    chars: int
    recall: float | None  # share of gold facts found; None for "none" queries
    on_subject: float | None  # share of items matching the subject pattern

    @property
    def kind_ok(self) -> bool:
        return self.kind == self.expected and (self.expected != "none" or self.items == 0)


def load_gold(path: Path = GOLD) -> list[dict]:
    with path.open("rb") as fh:
        return tomllib.load(fh)["query"]


def score(case: dict, briefing: Briefing) -> Score:
    texts = [item.text for item in briefing.items]
    chars = sum(len(t) for t in texts)
    if case["kind"] == "none":
        return Score(case["q"], "none", briefing.kind, len(texts), chars, None, None)
    facts = case.get("facts", [])
    found = sum(1 for f in facts if any(re.search(f, t, re.IGNORECASE) for t in texts))
    subject = re.compile(case.get("subject", ".*"), re.IGNORECASE)
    on = sum(1 for t in texts if subject.search(t))
    return Score(
        case["q"],
        case["kind"],
        briefing.kind,
        len(texts),
        chars,
        found / len(facts) if facts else 1.0,
        on / len(texts) if texts else 0.0,
    )


def evaluate(service) -> list[Score]:
    return [score(case, service.brief(case["q"])) for case in load_gold()]


def table(scores: list[Score]) -> str:
    lines = [f"{'query':26} {'expected':8} {'got':6} {'items':>5} {'chars':>5} {'recall':>6} {'on-subj':>7}"]
    for s in scores:
        recall = f"{s.recall:.2f}" if s.recall is not None else "-"
        on = f"{s.on_subject:.2f}" if s.on_subject is not None else "-"
        lines.append(f"{s.query[:26]:26} {s.expected:8} {s.kind:6} {s.items:5d} {s.chars:5d} {recall:>6} {on:>7}")
    graded = [s for s in scores if s.recall is not None]
    lines.append(
        f"mean fact recall {sum(s.recall for s in graded) / len(graded):.2f}, "
        f"mean on-subject {sum(s.on_subject for s in graded) / len(graded):.2f}, "
        f"kinds right {sum(s.kind_ok for s in scores)}/{len(scores)}"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from summarizer import services
    from summarizer.settings import Settings

    settings = Settings.load()
    if argv:
        settings = settings.replace(database_url=argv[0])
    with services.build(settings) as built:
        print(table(evaluate(built.briefings)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
