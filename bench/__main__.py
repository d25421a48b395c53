"""`make bench`: the encoder, ingestion, briefing latency, cold start, and the bot under load.

Figures, not timed tests: each part runs in its own process and prints what it measured, and
every speed-up is a ratio to the old path measured in the same run (the encoder on PyTorch in
batches of 64, as before ONNX Runtime). Results also land in bench/out/results.json.

Environment: BENCH_ARTICLES (generated corpus, 1000), BENCH_REPLICAS (copies for the large
store, 10), BENCH_OLD=0 skips the old-path ingestions (the slow half), BENCH_TELEGRAM=0 skips
the bot under load.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import write_jsonl
from bench.replicate import replicate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
STORYBOT = str(Path(PY).with_name("storybot"))
TIMELINE17 = ROOT.parent / "shared" / "datasets" / "timeline17"
GENERATED = int(os.environ.get("BENCH_ARTICLES", "1000"))
REPLICAS = int(os.environ.get("BENCH_REPLICAS", "10"))
OLD = os.environ.get("BENCH_OLD", "1") != "0"
TELEGRAM = os.environ.get("BENCH_TELEGRAM", "1") != "0"
# The new path is the configured default; the old path is the encoder as it was before ONNX.
NEW_ENV = {**os.environ, "STORYBOT_MODEL_DIR": str(OUT / "models")}
OLD_ENV = {**NEW_ENV, "STORYBOT_EMBEDDING_BACKEND": "torch", "STORYBOT_EMBEDDING_BATCH_SIZE": "64"}


def child(*args: str, env: dict | None = None) -> dict:
    """Run a bench module in a fresh process and parse the JSON line it prints."""
    done = subprocess.run([PY, "-m", *args], cwd=ROOT, capture_output=True, text=True, env=env or NEW_ENV)
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh_db(name: str) -> tuple[Path, str]:
    path = OUT / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path, f"sqlite:///{path}"


def timed_runs(cmd: list[str], runs: int, env: dict) -> tuple[float, float]:
    """Median wall seconds over `runs` (after one warm-up), and the peak RSS in MB of one run."""
    wrapper = "import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True);" \
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
    times, rss = [], 0.0
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([PY, "-c", wrapper, *cmd], env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        rss = max(rss, int(out.stdout.strip()) / 1024)
    return statistics.median(times), rss


def show_encoder(r: dict) -> None:
    print(f"\n== the encoder alone: {r['sentences']} seed and Timeline17 sentences, same sentences for each")
    base = next(iter(r["rates"].values()))  # the old path
    for name, per_s in r["rates"].items():
        cos = r["cosine_to_torch"][name]
        print(f"  {name:36} {per_s:7.1f} sentences/s  x{per_s / base:4.1f}   cosine to torch mean {cos['mean']:.4f} min {cos['min']:.4f}")


def show_ingest(label: str, new: dict, old: dict | None) -> None:
    print(f"\n== ingestion: {label}")
    for name, r in (("new", new), ("old", old)):
        if r is None:
            continue
        print(f"  {name}: {r['articles']} articles, {r['sentences']} sentences in {r['ingest_s']:.1f} s "
              f"(+{r['load_s']:.1f} s model load): {r['articles_per_s']:.2f} articles/s, "
              f"{r['sentences_per_s']:.1f} sentences/s, peak RSS {r['peak_rss_mb']:.0f} MB")
        print("       time by step: " + ", ".join(f"{k} {v:.0%}" for k, v in r["share"].items()))
    if old:
        print(f"  ratio new/old: x{new['sentences_per_s'] / old['sentences_per_s']:.2f} sentences/s (target at least 3)")


def show_vectors(label: str, r: dict) -> None:
    print(f"  vectors, new vs old, {label}: {r['sentences']} sentences, cosine mean {r['mean']:.4f} "
          f"min {r['min']:.4f} (1st percentile {r['p01']:.4f}; target mean at least 0.99)")


def show_latency(label: str, r: dict) -> None:
    print(f"\n== warm briefing latency: {label} (peak RSS {r['peak_rss_mb']:.0f} MB)")
    for kind in ("actor", "date", "topic", "timeline"):
        if kind not in r:  # a results file from before timelines were timed
            continue
        print(f"  {kind:8} p50 {r[kind]['p50_ms']:7.1f} ms   p95 {r[kind]['p95_ms']:7.1f} ms   (n={r[kind]['n']})")


def ingest_both(results: dict, key: str, label: str, targets: list[str]) -> None:
    """The new path, then (unless BENCH_OLD=0) the old path, on fresh stores of the same inputs."""
    _, new_url = fresh_db(f"{key}.db")
    results[f"ingest_{key}"] = new = child("bench.ingest", new_url, *targets)
    old = None
    if OLD:
        old_path, old_url = fresh_db(f"{key}-old.db")
        results[f"ingest_{key}_old"] = old = child("bench.ingest", old_url, *targets, env=OLD_ENV)
    show_ingest(label, new, old)
    if OLD:
        results[f"vectors_{key}"] = child("bench.vectors", str(old_path), str(OUT / f"{key}.db"))
        show_vectors(label, results[f"vectors_{key}"])


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    shutil.rmtree(OUT / "models", ignore_errors=True)
    started = time.perf_counter()
    child("bench.encoder", "16", env=NEW_ENV)  # prepares both ONNX files (export + quantisation), once
    print(f"== preparing the ONNX encoder (export, int8 and fp32), once: {time.perf_counter() - started:.1f} s")
    results["encoder"] = child("bench.encoder", "3000")
    show_encoder(results["encoder"])

    ingest_both(results, "seeds", "the 5 seeds", [str(ROOT / "seeds")])
    corpus = write_jsonl(OUT / f"generated_{GENERATED}.jsonl", GENERATED)
    ingest_both(results, "generated", f"{GENERATED} generated articles", [str(corpus)])
    topics = sorted(str(p) for p in TIMELINE17.glob("*/articles.jsonl"))
    if topics:
        ingest_both(results, "timeline17", f"the {len(topics)} Timeline17 topics", topics)

    results["backends"] = child("bench.backends", str(OUT / "backends"))
    b = results["backends"]
    print(f"\n== the seeds gold set, torch vs onnx: scores identical: {b['gold_scores_identical']}; "
          f"briefings changed: {len(b['changed'])} of {b['queries']} ({', '.join(c['query'] for c in b['changed']) or 'none'})")

    seeds_url = f"sqlite:///{OUT / 'seeds.db'}"
    big_path, big_url = fresh_db(f"generated_{GENERATED * REPLICAS}.db")
    shutil.copy(OUT / "generated.db", big_path)
    articles = replicate(big_path, REPLICAS)
    results["latency_seeds"] = child("bench.latency", seeds_url)
    show_latency("seeds", results["latency_seeds"])
    big_label = f"{articles} articles ({GENERATED} ingested, copied {REPLICAS}x with shifted dates)"
    results["latency_big"] = child("bench.latency", big_url, "2")
    show_latency(big_label, results["latency_big"])
    results["latency_big_torch"] = child("bench.latency", big_url, "2", env=OLD_ENV)
    show_latency(big_label + ", old path (torch)", results["latency_big_torch"])

    env = {**NEW_ENV, "STORYBOT_DATABASE_URL": seeds_url}
    cold = {
        "brief xi": timed_runs([STORYBOT, "brief", "xi"], 5, env),
        "brief peace plan": timed_runs([STORYBOT, "brief", "peace plan"], 5, env),
        "brief peace plan, old path": timed_runs([STORYBOT, "brief", "peace plan"], 5, {**OLD_ENV, "STORYBOT_DATABASE_URL": seeds_url}),
        "python -c 'import torch'": timed_runs([PY, "-c", "import torch"], 5, env),
    }
    results["cold"] = {k: {"s": s, "rss_mb": rss} for k, (s, rss) in cold.items()}
    print("\n== cold start: process start to output, median of 5")
    for name, (s, rss) in cold.items():
        print(f"  storybot {name:28} {s:5.2f} s, peak RSS {rss:4.0f} MB" if "torch'" not in name
              else f"  {name:37} {s:5.2f} s, peak RSS {rss:4.0f} MB")
    torch_s = cold["python -c 'import torch'"][0]
    print(f"  brief peace plan / import torch: {cold['brief peace plan'][0] / torch_s:.2f} (target below 1, and under 1.5 s)")

    if TELEGRAM:
        from bench import telegram

        os.environ["STORYBOT_MODEL_DIR"] = NEW_ENV["STORYBOT_MODEL_DIR"]  # the bot reuses the prepared encoder

        results["telegram"] = telegram.run(OUT)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nresults: {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
