"""Deterministic stand-ins for the expensive models."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from summarizer.embeddings import DIM, normalise


class FakeEncoder:
    """Hashed bag-of-words vectors: same words, same direction; no weights, no torch."""

    def __init__(self) -> None:
        self.calls = 0
        self.sentences = 0

    def load(self) -> None:
        """Nothing to load."""

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.sentences += len(sentences)
        rows = np.zeros((len(sentences), DIM), dtype=np.float32)
        for i, sentence in enumerate(sentences):
            for word in re.findall(r"[a-z]+", sentence.lower()):
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                rows[i, bucket % DIM] += 1.0
            rows[i, 0] += 1e-3  # never an all-zero row
        return normalise(rows)
