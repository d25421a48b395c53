"""The encoder alone: sentences/s of each backend on the same sentences; prints one JSON line.

The sentences are the seeds' and a sample of the Timeline17 topics' (split at sentence ends, no
spaCy), encoded by: the old path (torch, length-sorted batches of 64), bare torch (batches of
64 in input order), torch with the new batches (8), and ONNX Runtime fp32 and int8 (the default). Thread count from settings, as in production.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from summarizer.embeddings import OnnxEncoder, TorchEncoder, mean_pool
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TIMELINE17 = ROOT.parent / "shared" / "datasets" / "timeline17"


def sentences(limit: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8").split("---", 2)[-1] for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for path in sorted(TIMELINE17.glob("*/articles.jsonl")):
        with path.open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh]
    out = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.strip()) > 15]
    return out[:: max(1, len(out) // limit)][:limit]


class BareTorch(TorchEncoder):
    """Plain PyTorch use: batches in input order, each padded to its longest sentence."""

    def encode(self, sentences):
        self.load()
        rows = self.tokenize(sentences)
        out = []
        for start in range(0, len(rows), self.batch_size):
            batch = self.pad(rows[start : start + self.batch_size])
            out.append(mean_pool(self.forward(batch), batch["attention_mask"]))
        return np.concatenate(out)


def rate(encoder, texts: list[str]) -> tuple[float, np.ndarray]:
    encoder.load()
    encoder.encode(texts[:16])  # first-call allocations are start-up, not throughput
    started = time.perf_counter()
    vectors = encoder.encode(texts)
    return len(texts) / (time.perf_counter() - started), vectors


def main(limit: int) -> None:
    settings = Settings.load()
    texts = sentences(limit)
    model, threads, folder = settings.embedding_model, settings.embedding_threads, settings.model_path
    encoders = {
        "torch, batches of 64 (old path)": TorchEncoder(model, batch_size=64, threads=threads),
        "bare torch, unsorted batches of 64": BareTorch(model, batch_size=64, threads=threads),
        "torch, batches of 8": TorchEncoder(model, batch_size=8, threads=threads),
        "onnx fp32, batches of 8": OnnxEncoder(model, folder, quantize=False, batch_size=8, threads=threads),
        "onnx int8, batches of 8 (default)": OnnxEncoder(model, folder, quantize=True, batch_size=8, threads=threads),
    }
    out: dict = {"sentences": len(texts), "rates": {}, "cosine_to_torch": {}}
    reference = None
    for name, encoder in encoders.items():
        per_s, vectors = rate(encoder, texts)
        out["rates"][name] = per_s
        if reference is None:
            reference = vectors
        cos = np.sum(vectors * reference, axis=1)
        out["cosine_to_torch"][name] = {"mean": float(cos.mean()), "min": float(cos.min())}
    print(json.dumps(out))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
