"""Prepare a sentence encoder for ONNX Runtime, once, from local weights.

The folder it writes holds `model.onnx` (int8 weights, or fp32), the model's `tokenizer.json`
and `meta.json` (what it was made from, the file's checksum, the tokenizer's padding and
length). `check` says whether a folder can be used as it is; `prepare` (re)builds it, under a
file lock so two processes never build at once, and swaps the files in atomically.

Only `prepare` imports torch and transformers (for the export), and only when it runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from filelock import FileLock

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the export recipe changes: every prepared folder is rebuilt
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def folder_for(model_dir: Path, model: str, quantize: bool) -> Path:
    """Where the prepared copy of `model` lives: one folder per model and precision."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(model.rstrip("/")).name) or "model"
    tag = hashlib.sha1(model.encode()).hexdigest()[:8]
    return Path(model_dir) / f"{base}-{tag}-{'int8' if quantize else 'fp32'}"


def source_stamp(source: str) -> str:
    """The weights' identity: file names and sizes of a local model folder, else its id."""
    path = Path(source)
    if not path.is_dir():
        return source
    files = sorted((p.relative_to(path).as_posix(), p.stat().st_size) for p in path.rglob("*") if p.is_file())
    return hashlib.sha1(json.dumps(files).encode()).hexdigest()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check(folder: Path, source: str) -> str | None:
    """None when the folder is ready for `source`, else what is wrong, in a few words."""
    meta_path, model_path = folder / "meta.json", folder / "model.onnx"
    if not meta_path.exists() and not model_path.exists():
        return "missing"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return "incomplete (no readable meta.json)"
    if meta.get("format") != FORMAT or meta.get("source") != source_stamp(source):
        return "made from other weights or an older recipe"
    for name in ("model.onnx", "tokenizer.json"):
        if not (folder / name).exists():
            return f"incomplete ({name} missing)"
        if sha256(folder / name) != meta.get("sha256", {}).get(name):
            return f"corrupt ({name} does not match its checksum)"
    return None


def prepare(folder: Path, source: str, *, quantize: bool, max_length: int, force: bool = False) -> None:
    """Export `source` to ONNX (and quantise it) into `folder`, replacing what was there.

    Without `force`, a folder that became ready while we waited for the lock is kept.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(folder.parent / f".{folder.name}.lock"):
        if not force and check(folder, source) is None:  # another process built it meanwhile
            return
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            work.chmod(0o755)
            meta = _build(work, source, quantize=quantize, max_length=max_length)
            (work / "meta.json").write_text(json.dumps(meta, indent=2))
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            if folder.exists():
                os.replace(folder, old)
            os.replace(work, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _build(work: Path, source: str, *, quantize: bool, max_length: int) -> dict[str, Any]:
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(source)
    if not tokenizer.is_fast:
        raise ValueError("the model has no fast tokenizer (tokenizer.json)")
    # Eager attention exports as plain MatMul/Softmax, which ONNX Runtime fuses and quantises.
    model = AutoModel.from_pretrained(source, attn_implementation="eager").eval()
    names = [n for n in tokenizer.model_input_names if n in INPUTS]
    sample = tokenizer(["A short sentence.", "A second, somewhat longer sentence to pad."], padding=True, return_tensors="pt")
    fp32 = work / "model.fp32.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _last_hidden_module(model, names),
            tuple(sample[n] for n in names),
            str(fp32),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    model_path = work / "model.onnx"
    if quantize:
        _quantize(fp32, model_path)
        fp32.unlink()
    else:
        fp32.rename(model_path)
    tokenizer.backend_tokenizer.save(str(work / "tokenizer.json"))
    return {
        "format": FORMAT,
        "model": source,
        "source": source_stamp(source),
        "precision": "int8" if quantize else "fp32",
        "inputs": names,
        "pad_id": tokenizer.pad_token_id or 0,
        "max_length": min(max_length, tokenizer.model_max_length or max_length),
        "sha256": {name: sha256(work / name) for name in ("model.onnx", "tokenizer.json")},
    }


def _quantize(src: Path, dst: Path) -> None:
    """Dynamic int8 with per-channel scales: plain per-tensor scales move MiniLM's vectors too far."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quiet = _DropRootRecords()  # the quantiser advises pre-processing on the root logger, every time
    logging.getLogger().addFilter(quiet)
    try:
        quantize_dynamic(
            str(src), str(dst), per_channel=True, weight_type=QuantType.QInt8,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        logging.getLogger().removeFilter(quiet)


class _DropRootRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name != "root"


def _last_hidden_module(model: Any, names: list[str]) -> Any:
    import torch

    class LastHidden(torch.nn.Module):
        """The model with positional inputs and one output, as the exporter wants it."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: Any) -> Any:
            return self.model(**dict(zip(names, inputs, strict=True))).last_hidden_state

    return LastHidden()

