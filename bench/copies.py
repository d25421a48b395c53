"""Syndicated copies of the seeds: each seed written out `n` times, each copy with one line
changed and its own URL, as a wire story republished by many outlets looks.

`python -m bench.copies OUT_DIR [N]` writes the copies (and the seeds themselves) to OUT_DIR, for
`storybot ingest OUT_DIR`; the figures (reply lengths before and after) are measured on that store.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def copy_text(text: str, k: int, name: str = "story") -> str:
    """The seed file `text` as copy `k`: its own URL in the front matter, one body line changed."""
    head, sep, body = text.partition("\n---\n")
    if not sep:  # no front matter
        head, body = "---", text
    lines = body.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if filled:
        i = filled[k % len(filled)]
        lines[i] = lines[i].rstrip() + f" Copy {k} adds this line."
    url = f"url: \"https://news{k}.example.com/world/{name}\""
    head = re.sub(r"(?m)^url:.*$", "", head).rstrip("\n") + "\n" + url
    return head + "\n---\n" + "\n".join(lines)


def write_copies(out: Path, n: int, seeds: Path = SEEDS) -> int:
    """Write every seed and `n - 1` copies of each into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for seed in sorted(seeds.iterdir()):
        text = seed.read_text(encoding="utf-8")
        (out / seed.name).write_text(text, encoding="utf-8")
        written += 1
        for k in range(1, n):
            (out / f"{seed.stem}-copy{k:03d}{seed.suffix}").write_text(copy_text(text, k, seed.stem), encoding="utf-8")
            written += 1
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    print(f"{write_copies(target, count)} files in {target}")
