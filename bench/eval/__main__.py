"""`make eval` (`python -m bench.eval [TOPIC...]`): Timeline17 and the seeds gold set, one table.

For each Timeline17 topic read from ../shared/datasets/timeline17/ (never copied here): store it
(cached, see stores.py), write a timeline with each system under the standard protocol (T dates
as in the gold, K sentences a date), score it with tilse, and brief on each gold date to measure
how many of the editor's facts the briefing covers. Then the seeds gold set
(tests/gold/evaluate.py) on a cached store of seeds/. Prints one table; the produced timelines
land in bench/out/eval/timelines/ and the figures in bench/out/eval/results.json.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.eval import answers
from bench.eval import story_text
from bench.eval.gold import TIMELINE17, Timeline, Topic, load_gold, protocol, topics
from bench.eval.scoring import Scores, coverage, mean_scores, score_timeline
from bench.eval.stores import MODELS, OUT, ROOT, CachedStore, cached_store
from bench.eval.systems import BRIEFINGS, TIMELINES, day_sentences, oracle_briefing
from summarizer import services
from summarizer.analysis import analyse_doc
from summarizer.briefings import LONG, SHORT
from summarizer.settings import Settings

SEEDS = ROOT / "seeds"
SYSTEMS = ("storybot", "baseline")
# The best published Timeline17 means: Datewise, Gholipour Ghalandari & Ifrim (ACL 2020), 19 timelines.
PUBLISHED = {"date_f": 0.544, "r1_f": 0.120}
TARGET_COVERAGE = 0.60


@dataclass
class Row:
    label: str
    T: int
    K: int
    query: str
    scores: dict[str, Scores] = field(default_factory=dict)
    size: dict[str, tuple[int, int]] = field(default_factory=dict)  # dates and sentences produced
    coverage: dict[str, float] = field(default_factory=dict)
    coverage_long: dict[str, float] = field(default_factory=dict)  # the same at the long budget (--long)
    # What a picker that knows the editor's facts covers from the same sentences: (short, long).
    coverage_oracle: tuple[float, float] = (0.0, 0.0)


class Models:
    """The encoder and spaCy, each loaded once for the whole run and only when needed."""

    def __init__(self, settings: Settings) -> None:
        from summarizer.embeddings import make_encoder

        self.settings = settings
        self.encoder = make_encoder(settings)
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            from summarizer.analysis import load_pipeline

            self._nlp = load_pipeline(self.settings.spacy_model)
        return self._nlp

    def build(self, url: str, *, nlp=None) -> services.Services:
        return services.build(self.settings.replace(database_url=url), encoder=self.encoder, nlp=nlp or self._nlp)

    def ingest(self, url: str, inputs: list[Path]) -> tuple[int, int]:
        """Store the inputs into a fresh store at `url`; (stored, rejected) articles."""
        with self.build(url, nlp=self.nlp) as built:
            report = built.ingest.ingest([str(p) for p in inputs], progress=_progress)
        for rejected in report.rejected:
            print(f"  rejected: {rejected}", file=sys.stderr)
        return len(report.stored), len(report.rejected)


def _progress(event) -> None:
    if event.phase == "working" and event.done and (event.done % 50 == 0 or event.done == event.total):
        print(f"  {event.done}/{event.total} articles, {event.sentences:,} sentences", file=sys.stderr, flush=True)


def store(models: Models, name: str, inputs: list[Path]) -> CachedStore:
    def ingest(url: str, paths: list[Path]) -> tuple[int, int]:
        print(f"storing {name}: not cached for this code and data yet", file=sys.stderr, flush=True)
        return models.ingest(url, paths)

    result = cached_store(name, inputs, ingest)
    if result.built:
        print(f"  {name}: {result.articles} articles stored in {result.seconds:.1f} s", file=sys.stderr, flush=True)
    return result


def evaluate_topic(built: services.Services, topic: Topic) -> Row:
    gold = load_gold(topic.gold_path)
    T, K = protocol(gold)
    row = Row(topic.label, T, K, "the whole story")
    for system in SYSTEMS:
        timeline = TIMELINES[system](built, T, K)
        row.scores[system] = score_timeline(timeline, gold)
        row.size[system] = (len(timeline), sum(len(sents) for _, sents in timeline))
        write_timeline(OUT / "timelines" / f"{topic.label.replace('/', '_')}.{system}.txt", timeline)
        for long, into in ((False, row.coverage), (True, row.coverage_long)):
            into[system] = _mean([coverage(facts, BRIEFINGS[system](built, day, long)) for day, facts in gold])
    read = {day: day_sentences(built, day, built.briefings.tuning.date_fill_days) for day, _ in gold}
    row.coverage_oracle = tuple(
        _mean([coverage(facts, oracle_briefing(facts, read[day], budget.max_items, budget.max_chars)) for day, facts in gold])
        for budget in (SHORT, LONG)
    )
    return row


def _mean(shares: list[float | None]) -> float:
    known = [s for s in shares if s is not None]
    return sum(known) / len(known) if known else 0.0


def _pairs(rows: list[Row], pair: Callable[[Row], tuple[float, float]]) -> str:
    """ "H1N1 0.26 / 0.16, ...; mean 0.45 / 0.25.": two figures per topic, and their means."""
    pairs = [pair(r) for r in rows]
    each = ", ".join(f"{r.label.split('_')[0]} {a:.2f} / {b:.2f}" for r, (a, b) in zip(rows, pairs))
    return f"{each}; mean {sum(a for a, _ in pairs) / len(pairs):.2f} / {sum(b for _, b in pairs) / len(pairs):.2f}."


def write_timeline(path: Path, timeline: Timeline) -> None:
    """The timeline in tilse's file format, for reading beside the gold."""
    path.parent.mkdir(parents=True, exist_ok=True)
    days = (f"{d.isoformat()}\n" + "".join(" ".join(s.split()) + "\n" for s in sents) + "-" * 32 + "\n" for d, sents in timeline)
    path.write_text("".join(days))


def seeds_gold(models: Models, seeds: CachedStore) -> str:
    """The summary line of tests/gold/evaluate.py on the seeds store."""
    from tests.gold.evaluate import evaluate, table

    with models.build(seeds.url) as built:
        return table(evaluate(built.briefings)).splitlines()[-1]


def render(rows: list[Row], stores: dict[str, CachedStore], seeds_line: str, seconds: dict[str, float]) -> str:
    sb, bl = SYSTEMS
    scores = "Date-F1  AR1-F  AR2-F  dates/sents"
    head = f"{'':21} {'':>3} {'':>2}  {'storybot query':24}  {sb:^34}  {bl:^34}  {'briefing coverage':^17}"
    sub = f"{'topic':21} {'T':>3} {'K':>2}  {'':24}  {scores:>34}  {scores:>34}  {sb:>8} {bl:>8}"
    rule = "-" * len(sub)

    def trio(s: Scores, size: tuple[int, int] | None = None) -> str:
        shape = f"{size[0]:>3}/{size[1]:<3}" if size else ""
        return f"{s.date_f:7.3f} {s.r1_f:6.3f} {s.r2_f:6.3f}  {shape:>11}"

    lines = ["Timeline17: storybot and the baseline, same run (tilse 0.2.1, ROUGE reimplementation, AR = align+ m:1)", head, sub, rule]
    for r in rows:
        lines.append(
            f"{r.label[:21]:21} {r.T:3d} {r.K:2d}  {r.query[:24]:24}  {trio(r.scores[sb], r.size[sb]):>34}"
            f"  {trio(r.scores[bl], r.size[bl]):>34}  {r.coverage[sb]:8.2f} {r.coverage[bl]:8.2f}"
        )
    lines.append(rule)
    mean = {s: mean_scores([r.scores[s] for r in rows]) for s in SYSTEMS}
    cov = {s: sum(r.coverage[s] for r in rows) / len(rows) for s in SYSTEMS}
    lines.append(f"{'mean':21} {'':3} {'':2}  {'':24}  {trio(mean[sb]):>34}  {trio(mean[bl]):>34}  {cov[sb]:8.2f} {cov[bl]:8.2f}")
    published = f"{PUBLISHED['date_f']:7.3f} {PUBLISHED['r1_f']:6.3f} {'-':>6}  {'':>11}"
    lines.append(
        f"{'published best mean':21} {'':3} {'':2}  {'Datewise, G.G.&I. 2020':24}  {published:>34}  {'':34}"
        f"  {TARGET_COVERAGE:8.2f} {'(target)':>8}"
    )
    lines += [
        "",
        "T dates and K sentences a date: the protocol's budget, from the gold; dates/sents: what each system gave.",
        "mean: F of the mean precision and recall over the timelines, as news-tls averages. The published mean is",
        "over all 19 Timeline17 timelines with the Perl ROUGE; here 4 topics and tilse's reimplementation.",
        "briefing coverage: share of each gold date's facts (its gold sentences) with at least half their content",
        "words in that date's short briefing, averaged over dates; baseline: the leads of that day's articles, 6 items.",
        "briefing coverage at the long budget (`brief --long`, 15 items, 3,600 characters), storybot / baseline: "
        + _pairs(rows, lambda r: (r.coverage_long[sb], r.coverage_long[bl])),
        "a picker that knows the editor's facts (bench/eval/systems.py oracle_briefing, greedy over the sentences a date",
        "briefing reads), short / long budget: " + _pairs(rows, lambda r: r.coverage_oracle),
        f"seeds gold set: {seeds_line}",
        "stores: " + ", ".join(
            f"{s.name} {s.articles} articles " + (f"stored in {s.seconds:.0f} s" if s.built else "cached")
            for s in stores.values()
        ),
        "time: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()),
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    if not TIMELINE17.is_dir():
        print(f"eval: Timeline17 not found at {TIMELINE17}", file=sys.stderr)
        return 2
    chosen = [t for t in topics() if not argv or t.name in argv or t.label in argv]
    if not chosen:
        print(f"eval: no topic named {' '.join(argv)}; known: {' '.join(t.label for t in topics())}", file=sys.stderr)
        return 2
    # Defaults from config/ only: the caller's STORYBOT_* variables must not change what is measured.
    settings = Settings.load(env={}).replace(data_dir=str(OUT), model_dir=str(MODELS))
    models = Models(settings)
    seconds: dict[str, float] = {}

    tick = time.perf_counter()
    stores = {t.name: store(models, t.name, [t.articles]) for t in chosen}
    stores["seeds"] = store(models, "seeds", [SEEDS])
    seconds["storing"] = time.perf_counter() - tick

    tick = time.perf_counter()
    rows = []
    for topic in chosen:
        with models.build(stores[topic.name].url) as built:
            rows.append(evaluate_topic(built, topic))
    seconds["timelines and briefings"] = time.perf_counter() - tick

    tick = time.perf_counter()
    answer_rows = []
    for topic in chosen:  # the duplicate rate and the longest reply (bench/eval/answers.py)
        with models.build(stores[topic.name].url) as built:
            answer_rows.append(answers.evaluate_store(topic.label, built.briefings, [d for d, _ in load_gold(topic.gold_path)]))
    with models.build(stores["seeds"].url) as built:
        answer_rows.append(answers.evaluate_store("seeds", built.briefings, sorted({a.published for a in built.briefings.articles() if a.published})))
    answer_rows.append(answers.evaluate_generated())
    seconds["answers"] = time.perf_counter() - tick

    tick = time.perf_counter()
    seeds_line = seeds_gold(models, stores["seeds"])
    seconds["seeds gold set"] = time.perf_counter() - tick
    seconds["total"] = time.perf_counter() - started

    print(render(rows, stores, seeds_line, seconds))
    print()
    print(answers.table(answer_rows))
    # Actor precision over the hand-checked top-30 lists, and speaker attribution (bench/eval/actors.py).
    from bench.eval.actors import report as actor_report

    print(actor_report({name: s.path for name, s in stores.items()}, stores["seeds"].path))
    split = lambda text: [s.text for s in analyse_doc(models.nlp(text), None).sentences]  # noqa: E731
    print("\n".join(story_text.lines({name: s.path for name, s in stores.items()}, split)))
    results = {
        "rows": [{**asdict(r), "scores": {s: asdict(v) for s, v in r.scores.items()}} for r in rows],
        "mean": {s: asdict(mean_scores([r.scores[s] for r in rows])) for s in SYSTEMS},
        "published": PUBLISHED,
        "seeds_gold": seeds_line,
        "stores": {k: {"articles": v.articles, "built": v.built, "seconds": v.seconds} for k, v in stores.items()},
        "seconds": seconds,
        "answers": [{k: v for k, v in asdict(a).items() if k != "examples"} for a in answer_rows],
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
