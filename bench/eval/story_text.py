"""Story text figures for `make eval`: how many items stand alone, and what the analysis keeps out.

- **Items that stand alone**: `tests/data/standalone_items.toml` holds 150 items of briefings and
  timelines on the Timeline17 topics and the seeds, each hand-judged (its criteria are at the top of
  the file). Today's rules decide, per item, what a reader would see: nothing (not a story sentence),
  the sentence alone, the sentence with the one before it, the sentence with a heading or caption
  that was run into it split off (judged on the text a reader would cut, `lead`), or nothing (it
  leans back and cannot be paired); the share is of the items shown, judged standing alone in the form shown. Beside it, the
  share when every item is shown as its sentence alone (no rules at all).
- **Marked sentences**: per store, the sentences kept out of answers, by kind (readers' comments as
  `comment`); and the precision of the marks on a hand-checked sample
  (`tests/data/boilerplate_marked.toml`), counting the sampled sentences the store still marks.
"""

from __future__ import annotations

import sqlite3
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summarizer.briefings import MAX_PAIRED, _dated_alone
from summarizer.scoring import asks, needs_context
from summarizer.story_text import STORY, article_kinds, sentence_kind

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
ITEMS = DATA / "standalone_items.toml"
MARKED = DATA / "boilerplate_marked.toml"


@dataclass(frozen=True)
class Standalone:
    items: int
    shown: int
    stand: int  # shown and judged to stand alone as shown
    paired: int  # shown with the sentence before
    unglued: int  # a heading or caption split off: the report's own sentence shown
    left_out: int  # lean back and could not be paired
    lost: int  # left out or hidden although judged to stand alone
    hidden: int  # not story sentences
    before: float  # share standing alone when every item is its sentence alone

    @property
    def share(self) -> float:
        return self.stand / self.shown if self.shown else 0.0


def shown_as(item: dict, split: Callable[[str], list[str]] | None = None) -> str:
    """How today's rules show a judged item: "hidden", "alone", "paired", "unglued" or "left out"
    (leaning back unpaired, or a question).

    `split` is the analysis's sentence splitting: the first sentence of an article may come apart
    into a heading or caption and the report's own sentence ("unglued": that sentence is shown).
    """
    sentence, previous = item["sentence"], item.get("previous", "")
    if split is not None and not previous:
        parts = split(sentence)
        if len(parts) > 1:
            kinds = article_kinds(sentence, parts)
            shown = [p for p, k in zip(parts, kinds) if k == STORY]
            if len(shown) == 1 and shown[0] == parts[-1]:
                leans = needs_context(shown[0]) and not _dated_alone(shown[0])
                return "left out" if leans or asks(shown[0]) else "unglued"
    if sentence_kind(sentence) != STORY:
        return "hidden"
    if asks(sentence):
        return "left out"
    if not needs_context(sentence):
        return "alone"
    joined = f"{previous} {sentence}"
    if previous and sentence_kind(previous) == STORY and not needs_context(previous) and len(joined) <= MAX_PAIRED:
        return "paired"
    if _dated_alone(sentence) and item["dated"]:
        return "alone"
    return "left out"


def _judged(item: dict, way: str, split: Callable[[str], list[str]] | None) -> bool:
    """Whether the item, shown this way, was judged to stand alone (an unjudged cut counts as not)."""
    if way == "alone":
        return item["alone"]
    if way == "paired":
        return item.get("with_previous", False)
    if way == "unglued" and split is not None:
        return split(item["sentence"])[-1] == item.get("lead") and item.get("lead_alone", False)
    return False


def standalone(path: Path = ITEMS, split: Callable[[str], list[str]] | None = None) -> Standalone:
    items = tomllib.loads(path.read_text())["item"]
    ways = [shown_as(it, split) for it in items]
    shown = {"alone", "paired", "unglued"}
    stand = sum(_judged(it, way, split) for it, way in zip(items, ways) if way in shown)
    lost = sum(it["alone"] for it, way in zip(items, ways) if way in {"hidden", "left out"})
    count = Counter(ways)
    return Standalone(
        len(items), sum(count[w] for w in shown), stand, count["paired"], count["unglued"], count["left out"], lost,
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


def lines(stores: dict[str, Path], split: Callable[[str], list[str]] | None = None) -> list[str]:
    """The story-text block of the `make eval` report; `split` splits an article's text into its sentences."""
    s = standalone(split=split)
    out = [
        "",
        f"items that stand alone (hand-judged sample, {ITEMS.relative_to(DATA.parents[1])}): "
        f"{s.stand}/{s.shown} shown = {s.share:.1%} (every item as its sentence alone: {s.before:.1%}); "
        f"of {s.items}: {s.shown - s.paired - s.unglued} alone, {s.paired} with the sentence before, "
        f"{s.unglued} with a heading or caption split off, {s.left_out} left out "
        f"(leaning back or a question), {s.hidden} hidden (not story); {s.lost} of those left out or hidden were judged to stand alone",
        "sentences kept out of answers, per store (kinds by form at ingestion, readers' comments per page, "
        "boilerplate repeated across articles):",
    ]
    for name, db in stores.items():
        total, kinds = marked_counts(db)
        detail = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        out.append(f"  {name:21} {sum(kinds.values()):5d} of {total:6d} ({sum(kinds.values()) / max(total, 1):.1%}): {detail}")
    correct, checked = precision(stores)
    if checked:
        out.append(f"  precision on a hand-checked sample of marked sentences: {correct}/{checked} = {correct / checked:.1%} rightly kept out")
    return out
