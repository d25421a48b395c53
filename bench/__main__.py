"""`make bench`: ingestion throughput, briefing latency, cold start, and the bot under load.

Figures, not timed tests: each part runs in its own process and prints what it measured.
Results also land in bench/out/results.json.
"""

from __future__ import annotations

import importlib.util
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
GENERATED = int(os.environ.get("BENCH_ARTICLES", "1000"))
REPLICAS = int(os.environ.get("BENCH_REPLICAS", "10"))


def child(*args: str, env: dict | None = None) -> dict:
    """Run a bench module in a fresh process and parse the JSON line it prints."""
    done = subprocess.run([PY, "-m", *args], cwd=ROOT, capture_output=True, text=True, env=env, check=True)
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


def show_ingest(label: str, r: dict) -> None:
    print(f"\n== ingestion: {label}")
    print(f"  {r['articles']} articles, {r['sentences']} sentences in {r['ingest_s']:.1f} s (+{r['load_s']:.1f} s model load)")
    print(f"  {r['articles_per_s']:.2f} articles/s, {r['sentences_per_s']:.1f} sentences/s (embeddings included), peak RSS {r['peak_rss_mb']:.0f} MB")
    print("  time by step: " + ", ".join(f"{k} {v:.0%}" for k, v in r["share"].items()))


def show_latency(label: str, r: dict) -> None:
    print(f"\n== warm briefing latency: {label} (peak RSS {r['peak_rss_mb']:.0f} MB)")
    for kind in ("actor", "date", "topic"):
        print(f"  {kind:6} p50 {r[kind]['p50_ms']:7.1f} ms   p95 {r[kind]['p95_ms']:7.1f} ms   (n={r[kind]['n']})")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    seeds_path, seeds_url = fresh_db("seeds.db")
    results["ingest_seeds"] = child("bench.ingest", str(ROOT / "seeds"), seeds_url)
    show_ingest("the 5 seeds", results["ingest_seeds"])

    corpus = write_jsonl(OUT / f"generated_{GENERATED}.jsonl", GENERATED)
    gen_path, gen_url = fresh_db(f"generated_{GENERATED}.db")
    results["ingest_generated"] = child("bench.ingest", str(corpus), gen_url)
    show_ingest(f"{GENERATED} generated articles", results["ingest_generated"])

    big_path, big_url = fresh_db(f"generated_{GENERATED * REPLICAS}.db")
    shutil.copy(gen_path, big_path)
    articles = replicate(big_path, REPLICAS)
    results["latency_seeds"] = child("bench.latency", seeds_url)
    show_latency("seeds", results["latency_seeds"])
    results["latency_big"] = child("bench.latency", big_url, "2")
    show_latency(f"{articles} articles ({GENERATED} ingested, copied {REPLICAS}x with shifted dates)", results["latency_big"])

    env = {**os.environ, "STORYBOT_DATABASE_URL": seeds_url}
    brief_s, brief_rss = timed_runs([str(ROOT / ".venv" / "bin" / "storybot"), "brief", "xi"], 5, env)
    torch_s, torch_rss = timed_runs([PY, "-c", "import torch"], 5, env)
    results["cold"] = {"brief_xi_s": brief_s, "brief_rss_mb": brief_rss, "import_torch_s": torch_s, "torch_rss_mb": torch_rss}
    print("\n== cold start: process start to output, median of 5")
    print(f"  storybot brief xi  {brief_s:.2f} s, peak RSS {brief_rss:.0f} MB")
    print(f"  python -c 'import torch'  {torch_s:.2f} s, peak RSS {torch_rss:.0f} MB")
    print(f"  ratio {brief_s / torch_s:.2f} (target below 1)")

    if importlib.util.find_spec("bench.telegram") is not None:
        from bench import telegram

        results["telegram"] = telegram.run(OUT)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nresults: {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
