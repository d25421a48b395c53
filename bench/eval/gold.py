"""The Timeline17 topics and gold timelines, read from ../shared/, and the standard protocol's T and K."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMELINE17 = ROOT.parent / "shared" / "datasets" / "timeline17"

# A timeline: dates in order, each with its sentences.
Timeline = list[tuple[date, list[str]]]


@dataclass(frozen=True)
class Topic:
    """One Timeline17 topic: its articles and one gold timeline (a row of the table)."""

    name: str  # the topic's folder: one store per topic
    articles: Path
    gold_path: Path
    label: str  # the row's name: the folder, and the gold's name when the folder has several


def topics(root: Path = TIMELINE17) -> list[Topic]:
    """Every topic folder holding articles.jsonl, once per gold timeline in its gold/ folder."""
    found = []
    for folder in sorted(p for p in root.iterdir() if (p / "articles.jsonl").is_file()):
        golds = sorted((folder / "gold").glob("*.json"))
        for gold in golds:
            label = folder.name if len(golds) == 1 else f"{folder.name}/{gold.stem}"
            found.append(Topic(folder.name, folder / "articles.jsonl", gold, label))
    return found


def load_gold(path: Path) -> Timeline:
    """The gold timeline, oldest date first, each date with the editor's sentences (normal text).

    A date the editor wrote twice (one topic has two such) keeps both entries' sentences, in file order.
    tilse's and news-tls's loaders keep only the last entry of a repeated date; merging keeps
    every fact the editor wrote, and changes no date.
    """
    return parse_gold(json.loads(path.read_text()))


def parse_gold(entries: list[dict]) -> Timeline:
    merged: dict[date, list[str]] = {}
    for entry in entries:
        merged.setdefault(date.fromisoformat(entry["date"]), []).extend(s.strip() for s in entry["text"] if s.strip())
    return sorted(merged.items())


def protocol(gold: Timeline) -> tuple[int, int]:
    """The standard protocol's budget: T dates (as many as the gold) and K sentences a date.

    K is the gold's mean sentences per date, rounded as news-tls rounds it (Python's round).
    """
    if not gold:
        raise ValueError("empty gold timeline")
    sentences = sum(len(s) for _, s in gold)
    return len(gold), max(1, round(sentences / len(gold)))
