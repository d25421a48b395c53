"""Story text figures for `make eval`: how many items stand alone, and what the analysis keeps out.

- **Items that stand alone**: `tests/data/standalone_items.toml` holds 150 items of briefings and
  timelines on the Timeline17 topics and the seeds, each hand-judged (its criteria are at the top of
  the file). Today's rules decide, per item, what a reader would see: nothing (not a story sentence),
  the sentence alone, the sentence with the one before it, or nothing (it leans back and cannot be
  paired); the share is of the items shown, judged standing alone in the form shown. Beside it, the
  share when every item is shown as its sentence alone (no rules at all).
- **Marked sentences**: per store, the sentences kept out of answers, by kind; and the precision of
  the marks on a hand-checked sample (`tests/data/boilerplate_marked.toml`), counting the sampled
  sentences the store still marks.
"""

from __future__ import annotations

import sqlite3
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from summarizer.briefings import MAX_PAIRED, _dated_alone
from summarizer.scoring import needs_context
from summarizer.story_text import STORY, sentence_kind

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
ITEMS = DATA / "standalone_items.toml"
MARKED = DATA / "boilerplate_marked.toml"


@dataclass(frozen=True)
class Standalone:
    items: int
    shown: int
    stand: int  # shown and judged to stand alone as shown
    paired: int  # shown with the sentence before
    left_out: int  # lean back and could not be paired
    lost: int  # left out or hidden although judged to stand alone
    hidden: int  # not story sentences
    before: float  # share standing alone when every item is its sentence alone

    @property
    def share(self) -> float:
        return self.stand / self.shown if self.shown else 0.0


def shown_as(item: dict) -> str:
    """How today's rules show a judged item: "hidden", "alone", "paired" or "left out"."""
    sentence, previous = item["sentence"], item.get("previous", "")
    if sentence_kind(sentence) != STORY:
        return "hidden"
    if not needs_context(sentence):
        return "alone"
    joined = f"{previous} {sentence}"
    if previous and sentence_kind(previous) == STORY and not needs_context(previous) and len(joined) <= MAX_PAIRED:
        return "paired"
    if _dated_alone(sentence) and item["dated"]:
        return "alone"
    return "left out"


def standalone(path: Path = ITEMS) -> Standalone:
    items = tomllib.loads(path.read_text())["item"]
    ways = [shown_as(it) for it in items]
    stand = sum(
        bool(it["alone"] if way == "alone" else it.get("with_previous", False))
        for it, way in zip(items, ways)
        if way in {"alone", "paired"}
    )
    lost = sum(it["alone"] for it, way in zip(items, ways) if way in {"hidden", "left out"})
    count = Counter(ways)
    return Standalone(
        len(items), count["alone"] + count["paired"], stand, count["paired"], count["left out"], lost,
        count["hidden"], sum(it["alone"] for it in items) / len(items),
    )


def marked_counts(db: Path) -> tuple[int, Counter[str]]:
    """(all sentences, sentences by kind other than story) of one store."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        total = con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        kinds = Counter(dict(con.execute("SELECT kind, count(*) FROM sentences WHERE kind != 'story' GROUP BY kind")))
    return total, kinds


def precision(stores: dict[str, Path], path: Path = MARKED) -> tuple[int, int]:
    """(correct, checked) over the sampled marks the stores still make."""
    correct = checked = 0
    for row in tomllib.loads(path.read_text())["marked"]:
        db = stores.get(row["topic"])
        if db is None:
            continue
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            kinds = {k for (k,) in con.execute("SELECT kind FROM sentences WHERE text = ?", (row["text"],))}
        if kinds and STORY not in kinds:
            checked += 1
            correct += row["correct"]
    return correct, checked


def lines(stores: dict[str, Path]) -> list[str]:
    """The story-text block of the `make eval` report."""
    s = standalone()
    out = [
        "",
        f"items that stand alone (hand-judged sample, {ITEMS.relative_to(DATA.parents[1])}): "
        f"{s.stand}/{s.shown} shown = {s.share:.1%} (every item as its sentence alone: {s.before:.1%}); "
        f"of {s.items}: {s.shown - s.paired} alone, {s.paired} with the sentence before, {s.left_out} left out "
        f"(leaning back), {s.hidden} hidden (not story); {s.lost} of those left out or hidden were judged to stand alone",
        "sentences kept out of answers, per store (kinds by form at ingestion, boilerplate repeated across articles):",
    ]
    for name, db in stores.items():
        total, kinds = marked_counts(db)
        detail = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        out.append(f"  {name:21} {sum(kinds.values()):5d} of {total:6d} ({sum(kinds.values()) / max(total, 1):.1%}): {detail}")
    correct, checked = precision(stores)
    if checked:
        out.append(f"  precision on a hand-checked sample of marked sentences: {correct}/{checked} = {correct / checked:.1%} rightly kept out")
    return out
