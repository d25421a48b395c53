"""Actor precision and speaker attribution, for `make eval`.

Actor precision: the current top 30 actors by mention count of each cached store, each compared
with the hand-checked judgement in tests/data/actors_top30.toml ("yes", or "no: what it should
be"; "yes as KIND" when it is right only under that kind, say "yes as place": a district stored
as a person is wrong). An actor in the top 30 that nobody has judged yet is reported by name and counted neither
right nor wrong: the figure is right / judged, with the unjudged count beside it.

Speaker attribution: tests/data/speakers_sample.toml lists sentences of the seeds with the
speaker a reader gives them (or none); the figure is the share whose stored speaker agrees.
"""

from __future__ import annotations

import sqlite3
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JUDGED = ROOT / "tests" / "data" / "actors_top30.toml"
SPEAKERS = ROOT / "tests" / "data" / "speakers_sample.toml"
TOP = 30


@dataclass
class Precision:
    store: str
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    unjudged: list[str] = field(default_factory=list)

    @property
    def judged(self) -> int:
        return self.right + len(self.wrong)

    @property
    def share(self) -> float:
        return self.right / self.judged if self.judged else 0.0


def top_actors(db: Path, n: int = TOP) -> list[tuple[str, str, int]]:
    """The `n` most mentioned actors of a store: (name, kind, mentions)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT a.name, a.kind, count(*) AS c FROM mentions m JOIN actors a ON a.id = m.actor_id "
            "GROUP BY a.id ORDER BY c DESC, a.name LIMIT ?",
            (n,),
        ).fetchall()


def load_judged(path: Path = JUDGED) -> dict[str, dict[str, str]]:
    """Store name -> actor name -> "yes" or "no: ...", as judged by hand."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


def precision(store: str, top: list[tuple[str, str, int]], judged: dict[str, str]) -> Precision:
    out = Precision(store)
    for name, kind, _count in top:
        verdict = judged.get(name)
        if verdict is None:
            out.unjudged.append(name)
        elif verdict.strip().lower() == "yes" or verdict.strip().lower() == f"yes as {kind}":
            out.right += 1
        else:
            out.wrong.append(name)
    return out


def speaker_accuracy(db: Path, path: Path = SPEAKERS) -> tuple[int, int, list[str]]:
    """(agreeing, sampled, disagreements) over the hand-checked speaker sample of the seeds."""
    with path.open("rb") as fh:
        sample = tomllib.load(fh)["sentence"]
    agree = 0
    misses: list[str] = []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for entry in sample:
            row = conn.execute(
                "SELECT a.name FROM sentences s LEFT JOIN actors a ON a.id = s.speaker_id WHERE s.text LIKE ? || '%'",
                (entry["starts"],),
            ).fetchone()
            stored = row[0] if row else "(sentence not stored)"
            want = entry["speaker"] or None
            if row is not None and stored == want:
                agree += 1
            else:
                misses.append(f"{entry['starts'][:40]}…: stored {stored or 'none'}, judged {want or 'none'}")
    return agree, len(sample), misses


def report(stores: dict[str, Path], seeds: Path | None) -> str:
    """The actor-precision table (and the speaker figure when the seeds store is given)."""
    judged = load_judged()
    lines = ["", f"Actor precision: the top {TOP} actors of each store against tests/data/actors_top30.toml"]
    lines.append(f"{'store':21} {'right/judged':>12} {'precision':>9} {'unjudged':>8}  wrong")
    results = []
    for name, db in stores.items():
        result = precision(name, top_actors(db), judged.get(name, {}))
        results.append(result)
        lines.append(
            f"{name[:21]:21} {f'{result.right}/{result.judged}':>12} {result.share:9.3f} {len(result.unjudged):8d}  "
            + ", ".join(result.wrong)
        )
        if result.unjudged:
            lines.append(f"{'':21} not yet judged: " + ", ".join(result.unjudged))
    right = sum(r.right for r in results)
    total = sum(r.judged for r in results)
    lines.append(f"{'all':21} {f'{right}/{total}':>12} {right / total if total else 0:9.3f} {sum(len(r.unjudged) for r in results):8d}")
    if seeds is not None and SPEAKERS.exists():
        agree, sampled, misses = speaker_accuracy(seeds)
        lines.append("")
        lines.append(f"Speaker attribution on the seeds: {agree}/{sampled} = {agree / sampled:.3f} of the hand-checked sample agree")
        lines += [f"  {m}" for m in misses]
    return "\n".join(lines)
