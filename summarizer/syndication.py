"""Syndicated copies: the same story republished (a wire copy, a copy with a line changed) is found
at ingestion and stored as one story with all its outlets.

An article's text becomes a MinHash signature of its word shingles (datasketch); the signature is
cut into bands whose hashes the store indexes, so a new article finds the stored articles that
may copy it with one indexed lookup however large the store (locality-sensitive hashing), and
the signatures of those few decide. Pure: no store, no model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: a pair at Jaccard 0.5 shares a band with probability 0.87
ROWS = NUM_PERM // BANDS
SHINGLE = 3  # words per shingle
COPY_JACCARD = 0.5  # estimated shingle overlap at which an article copies another
SEED = 1

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Fingerprint:
    """An article's MinHash signature and the band keys the store indexes it by."""

    signature: np.ndarray  # uint64, NUM_PERM values
    bands: tuple[int, ...]

    def to_bytes(self) -> bytes:
        return np.asarray(self.signature, dtype="<u8").tobytes()


def shingles(text: str) -> set[str]:
    """The text's lower-cased word shingles; the words themselves when it has fewer than SHINGLE."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return set(words)
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def fingerprint(text: str) -> Fingerprint | None:
    """The text's fingerprint; None for a text without words (it copies nothing)."""
    from datasketch import MinHash  # imported here: only ingestion needs it

    grams = shingles(text)
    if not grams:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
    signature = np.asarray(minhash.hashvalues, dtype=np.uint64)
    return Fingerprint(signature, band_keys(signature))


def band_keys(signature: np.ndarray) -> tuple[int, ...]:
    """One signed 63-bit key per band: the band's number and values, hashed (fits a BIGINT)."""
    keys = []
    for b in range(BANDS):
        part = np.asarray(signature[b * ROWS : (b + 1) * ROWS], dtype="<u8").tobytes()
        digest = hashlib.blake2b(bytes([b]) + part, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return tuple(keys)


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u8")


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard overlap of two signatures' shingle sets."""
    return float(np.mean(a == b))


def copied_story(fp: Fingerprint, stored: Iterable[tuple[int, int | None, bytes | None]]) -> int | None:
    """The story (cluster id) that an article with fingerprint `fp` copies, or None.

    Args:
        fp: the new article's fingerprint.
        stored: (article id, its cluster id or None, its signature) of the stored articles
            sharing a band with it.

    Returns:
        The cluster of the most similar stored article at or above COPY_JACCARD.
    """
    best, best_sim = None, COPY_JACCARD
    for article_id, cluster_id, blob in stored:
        if blob is None:
            continue
        sim = similarity(fp.signature, from_bytes(blob))
        if sim >= best_sim:
            best, best_sim = cluster_id or article_id, sim
    return best


def normalised(text: str) -> str:
    """A sentence's text as copies are compared: spaces collapsed, case kept."""
    return " ".join(text.split())
