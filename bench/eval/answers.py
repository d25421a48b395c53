"""Clean answers: the duplicate rate of briefings and timelines, and the longest reply.

Duplicate rate: the share of an answer's items whose content words overlap another item of the
same answer by more than 60 % (of the smaller item's content words), over the briefings on each
store's three most mentioned actors, its dates (the gold dates of a Timeline17 topic; the seeds'
publication dates) and its whole-story timeline. Longest reply: the longest message or text the
bot or the CLI would send, over those answers and over a bounded run of generated stores of many
copies (the property tests' stores), against Telegram's 4,096 characters.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date

from bot import render
from summarizer.results import Briefing
from summarizer.scoring import content_words

OVERLAP = 0.6
GENERATED_QUERIES = ("April 2009", "2009-04-01..2009-06-30", "1 April 2009", "minister talks", "outlet", "")


@dataclass
class AnswerFigures:
    label: str
    answers: int = 0
    items: int = 0
    duplicates: int = 0
    longest: int = 0
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (query, item, the item it repeats)

    @property
    def rate(self) -> float:
        return self.duplicates / self.items if self.items else 0.0


def repeated_items(texts: list[str]) -> list[tuple[int, int]]:
    """(i, j) for each item i whose content words overlap item j's by more than OVERLAP (of the smaller)."""
    words = [content_words(t) for t in texts]
    out = []
    for i, a in enumerate(words):
        for j, b in enumerate(words):
            if i != j and a and b and len(a & b) / min(len(a), len(b)) > OVERLAP:
                out.append((i, j))
                break
    return out


def add(figures: AnswerFigures, query: str, b: Briefing, *, timeline: bool = False) -> None:
    texts = [item.text for item in b.items]
    figures.answers += 1
    figures.items += len(texts)
    repeats = repeated_items(texts)
    figures.duplicates += len(repeats)
    figures.examples += [(query, texts[i], texts[j]) for i, j in repeats[:1]]
    shown = [render.timeline_text(b), *render.timeline_html(b)] if timeline else [render.to_text(b), *render.to_html(b)]
    figures.longest = max(figures.longest, *(len(s) for s in shown))


def evaluate_store(label: str, briefings, dates: list[date]) -> AnswerFigures:
    """The duplicate rate and longest reply of one store's answers."""
    figures = AnswerFigures(label)
    for actor in briefings.actors()[:3]:
        add(figures, actor.name, briefings.brief(actor.name))
    for day in dates:
        add(figures, day.isoformat(), briefings.brief(day.isoformat()))
    add(figures, "timeline", briefings.timeline(""), timeline=True)
    return figures


def evaluate_generated() -> AnswerFigures:
    """The longest reply over the property tests' stores of many copies, a bounded set of queries."""
    from tests.summarizer.test_briefing_properties import COPIES, replies, service

    figures = AnswerFigures("generated copies")
    with tempfile.TemporaryDirectory() as folder:
        for shape in [*sorted(COPIES), "many copies", "dense days"]:
            svc = service(shape, folder)
            for query in GENERATED_QUERIES:
                for long in (False, True):
                    b = svc.brief(query, long=long)
                    out = replies(b, svc.timeline(query), svc.digest(None, long=long))
                    figures.answers += len(out)
                    figures.items += len(b.items)
                    figures.longest = max(figures.longest, *(len(t) for t in out.values()))
            svc.store.close()
        service.cache_clear()
    return figures


def table(rows: list[AnswerFigures]) -> str:
    head = f"{'answers':21} {'asked':>6} {'items':>6} {'repeats':>8} {'dup rate':>9} {'longest reply':>14}"
    lines = [
        "Answers: duplicate rate (items whose content words overlap another item of the same answer by more than 60 %)",
        "and the longest reply in characters (a Telegram message holds 4,096)",
        head,
        "-" * len(head),
    ]
    for r in rows:
        lines.append(f"{r.label[:21]:21} {r.answers:6d} {r.items:6d} {r.duplicates:8d} {r.rate:9.3f} {r.longest:14,d}")
    for r in rows:
        for query, item, other in r.examples[:2]:
            lines.append(f"  repeat in {r.label} “{query}”: “{item[:70]}” ~ “{other[:70]}”")
    return "\n".join(lines)
