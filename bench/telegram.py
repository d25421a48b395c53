"""The bot under load: /brief through the Bot API emulator from 20 chats, then from one.

Starts the emulator (emulator/client.py) and the real `storybot run` on a store holding the
seeds, sends every request at once, and times each reply from the moment its question was sent
to the moment the bot's sendMessage reached the emulator (matched by the quoted message id).

Run: `python -m bench.telegram` (or as part of `make bench`).
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

from emulator.client import Emulator, wait_until

ROOT = Path(__file__).resolve().parent.parent
STORYBOT = str(Path(sys.executable).with_name("storybot"))
ACTORS = [
    "xi", "xi jinping", "president xi", "putin", "vladimir putin", "zelensky", "zelenskyy",
    "volodymyr zelensky", "peskov", "dmitry peskov", "mao ning", "kremlin", "nato", "jake sullivan", "grossi",
]
DATES = [
    "21 March 2023", "March 21, 2023", "2023-03-21", "17 March 2023", "2023-03-17", "May 2025", "7 May 2025",
    "2023-03-20..2023-03-22", "29 March 2023", "March 2023", "14 March 2023", "2023-03-29", "9 May 2025",
    "8 May 2025", "20 March 2023",
]
QUERIES = [q for pair in zip(ACTORS, DATES) for q in pair]  # actor, date, actor, date, ...
REPLY_TIMEOUT_S = 180.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def seed_store(data: Path) -> None:
    """Ingest the seeds into a fresh data dir with the real CLI."""
    shutil.rmtree(data, ignore_errors=True)
    env = {**os.environ, "STORYBOT_DATA_DIR": str(data)}
    subprocess.run([STORYBOT, "ingest", "--quiet", str(ROOT / "seeds")], env=env, check=True, timeout=300)


def load(emu: Emulator, chats: list[int], per_chat: int) -> dict:
    """Send per_chat /brief requests from each chat (round robin, all at once), then await every reply."""
    asked: dict[int, float] = {}
    n = 0
    for _ in range(per_chat):
        for chat in chats:
            query = QUERIES[n % len(QUERIES)]
            n += 1
            sent_at = time.time()
            asked[emu.send_message(chat, f"/brief {query}")["message_id"]] = sent_at
    first_sent = min(asked.values())

    def answered() -> dict[int, float] | None:
        seen = {}
        for call in emu.calls("sendMessage"):
            quoted = (call["params"].get("reply_parameters") or {}).get("message_id")
            if quoted is not None and int(quoted) in asked:
                seen.setdefault(int(quoted), call["time"])
        return seen if len(seen) == len(asked) else None

    replies = wait_until(answered, timeout=REPLY_TIMEOUT_S, interval=0.1, what=f"{len(asked)} replies")
    latencies = [replies[m] - asked[m] for m in asked]
    span = max(replies.values()) - first_sent
    return {
        "chats": len(chats),
        "requests": len(asked),
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "mean_ms": 1000 * statistics.fmean(latencies),
        "throughput_per_s": len(asked) / span,
        "wall_s": span,
    }


def run(out: Path) -> dict:
    """Measure, print a small table, and return the figures."""
    out.mkdir(parents=True, exist_ok=True)
    data = out / "telegram-data"
    seed_store(data)
    with Emulator(log_path=out / "telegram-emulator.log") as emu:
        env = {"STORYBOT_DATA_DIR": str(data), "STORYBOT_FEED_POLL_SECONDS": "0"}
        bot = emu.start_bot([STORYBOT, "run"], log_path=out / "telegram-bot.log", env=env)
        try:
            emu.wait_until_polling(bot, timeout=60)
            bot.wait_for_output(r"model warm in", timeout=120)  # measure steady state, not the load
            results = {
                "many_chats": load(emu, list(range(1000, 1020)), per_chat=5),
                "one_chat": load(emu, [2000], per_chat=100),
            }
            workers = bot.wait_for_output(r"with (\d+) worker threads").group(1)
        finally:
            bot.stop()
    results["workers"] = int(workers)
    results["distinct_queries"] = len(QUERIES)
    show(results)
    return results


def show(results: dict) -> None:
    print(f"\n== telegram: /brief through the Bot API emulator ({results['workers']} worker threads, "
          f"{results['distinct_queries']} distinct actor/date queries, AIORateLimiter on)")
    print(f"  {'load':24} {'p50 ms':>8} {'p95 ms':>8} {'replies/s':>10} {'wall s':>7}")
    for label, key in (("100 from 20 chats", "many_chats"), ("100 from one chat", "one_chat")):
        r = results[key]
        print(f"  {label:24} {r['p50_ms']:8.0f} {r['p95_ms']:8.0f} {r['throughput_per_s']:10.1f} {r['wall_s']:7.1f}")


if __name__ == "__main__":
    figures = run(ROOT / "bench" / "out")
    print(json.dumps(figures))
