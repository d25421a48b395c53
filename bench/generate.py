"""A generated corpus for benchmarks: seed prose recombined, names and dates varied, deterministic."""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PEOPLE = [
    ("Xi Jinping", "Xi"), ("Vladimir Putin", "Putin"), ("Volodymyr Zelensky", "Zelensky"),
    ("Emmanuel Macron", "Macron"), ("Olaf Scholz", "Scholz"), ("Narendra Modi", "Modi"),
    ("Recep Tayyip Erdogan", "Erdogan"), ("Antony Blinken", "Blinken"), ("Sergei Lavrov", "Lavrov"),
    ("Wang Yi", "Wang"), ("Dmytro Kuleba", "Kuleba"), ("Ursula von der Leyen", "von der Leyen"),
]
OUTLETS = ["Associated Press", "Reuters", "BBC News", "Al Jazeera", "The Guardian", "Deutsche Welle"]


def _seed_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        paragraphs += [p.strip() for p in body.split("\n") if len(p.strip()) > 60]
    return paragraphs


def generate(count: int, seed: int = 7) -> list[dict]:
    """`count` articles as JSON objects (title, outlet, url, published, text)."""
    rng = random.Random(seed)
    paragraphs = _seed_paragraphs()
    start = date(2023, 1, 1)
    out = []
    for n in range(count):
        swap = rng.sample(PEOPLE, 2)
        chosen = rng.sample(paragraphs, k=rng.randint(4, 8))
        text = "\n".join(_swap(p, swap) for p in chosen)
        published = start + timedelta(days=rng.randrange(0, 3 * 365))
        out.append(
            {
                "title": f"{swap[0][0]} and {swap[1][0]}: report {n}",
                "outlet": rng.choice(OUTLETS),
                "url": f"https://news.example/{n}",
                "published": published.isoformat(),
                "text": f"Report {n}. " + text,
            }
        )
    return out


def _swap(paragraph: str, swap: list[tuple[str, str]]) -> str:
    """Replace Xi and Putin with two other people, so actors vary across the corpus."""
    (full_a, short_a), (full_b, short_b) = swap
    paragraph = paragraph.replace("Xi Jinping", full_a).replace("Vladimir Putin", full_b)
    paragraph = re.sub(r"\bXi\b", short_a, paragraph)
    return re.sub(r"\bPutin\b", short_b, paragraph)


def write_jsonl(path: Path, count: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for article in generate(count):
            fh.write(json.dumps(article) + "\n")
    return path
