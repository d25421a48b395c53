"""The hand-checked event-date set: each sentence's event date (or none) and whether it is expected.

`tests/data/event_dates.jsonl` holds sentences from the Timeline17 topics and the seeds, one a
line: `source` (article id or seed file), `published`, `context` (the sentences before it that
the date depends on, if any), `text`, `event` (`{"start", "end"}` or null for undated),
`expected` (a prediction or plan, not something that happened) and `why` (the rule that
decides). Lines with `"split": "heldout"` were labelled after the rules were written, without
looking at what the code said, and measured once before any change made for them; the rest
were labelled first, then the rules written against them. `accuracy(nlp)` runs the real
analysis over each sentence in its context;
`python -m tests.summarizer.event_dates_set` prints the figure and the mistakes.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from summarizer.analysis import analyse_doc

SET = Path(__file__).resolve().parent.parent / "data" / "event_dates.jsonl"


@dataclass(frozen=True)
class Case:
    source: str
    published: date
    context: tuple[str, ...]
    text: str
    event: tuple[date, date] | None
    expected: bool
    why: str
    split: str = "dev"


@dataclass(frozen=True)
class Mistake:
    case: Case
    event: tuple[date, date] | None
    expected: bool
    expression: str | None

    def __str__(self) -> str:
        def show(e: tuple[date, date] | None) -> str:
            return "undated" if e is None else (str(e[0]) if e[0] == e[1] else f"{e[0]}..{e[1]}")

        want = show(self.case.event) + (" expected" if self.case.expected else "")
        got = show(self.event) + (" expected" if self.expected else "") + f" [{self.expression or ''}]"
        return f"{self.case.source} ({self.case.published}): {self.case.text[:110]}\n    want {want}; got {got}\n    why: {self.case.why}"


def load(path: Path = SET) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        event = raw["event"]
        cases.append(Case(
            raw["source"], date.fromisoformat(raw["published"]), tuple(raw["context"]), raw["text"],
            (date.fromisoformat(event["start"]), date.fromisoformat(event["end"])) if event else None,
            bool(raw["expected"]), raw["why"], raw.get("split", "dev"),
        ))
    return cases


def analyse_case(nlp, case: Case):
    """The SentenceInfo of the case's sentence, analysed after its context as ingestion would."""
    text = "\n".join((*case.context, case.text))
    offset = len(text) - len(case.text)
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "parser":  # the sentence stays one sentence, as it was in its article
            for token in doc:
                if token.idx > offset:
                    token.is_sent_start = False
        doc = proc(doc)
    return analyse_doc(doc, case.published).sentences[-1]


def accuracy(nlp, cases: list[Case] | None = None) -> tuple[int, int, list[Mistake]]:
    """(correct, total, mistakes): a case is right when its span and its `expected` flag both are."""
    cases = load() if cases is None else cases
    mistakes = []
    for case in cases:
        info = analyse_case(nlp, case)
        event = (info.event.start, info.event.end) if info.event else None
        expected = bool(getattr(info, "expected", False))
        if event != case.event or expected != case.expected:
            mistakes.append(Mistake(case, event, expected, info.expression))
    return len(cases) - len(mistakes), len(cases), mistakes


def main() -> None:
    from summarizer.analysis import load_pipeline

    cases = load()
    correct, total, mistakes = accuracy(load_pipeline("en_core_web_sm"), cases)
    if "-v" in sys.argv:
        for m in mistakes:
            print(m)
    parts = []
    for split in sorted({c.split for c in cases}):
        n = sum(c.split == split for c in cases)
        wrong = sum(m.case.split == split for m in mistakes)
        parts.append(f"{split} {n - wrong}/{n}")
    print(f"event dates: {correct}/{total} correct ({correct / total:.1%}) on the hand-checked set ({', '.join(parts)})")


if __name__ == "__main__":
    main()
