"""The encoder: pure steps without weights; the ONNX backend against torch; broken files rebuilt."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer import onnx_export
from summarizer.embeddings import (
    OnnxEncoder,
    TorchEncoder,
    length_batches,
    make_encoder,
    mean_pool,
    pad_batch,
    resolve_model_path,
)
from summarizer.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]
MINILM = "sentence-transformers/all-MiniLM-L6-v2"
SENTENCES = [
    "Chinese President Xi Jinping arrived in Moscow on Wednesday for talks with Vladimir Putin.",
    "The Kremlin said it was not concerned.",
    "Zelensky invited Xi to visit Ukraine.",
    "Peace plan",
    "Heavy rain flooded the streets of the capital overnight, and schools were closed for two days.",
    "BP said the leaking well had been capped.",
]

# -- pure steps -------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=1, max_value=300), max_size=80), st.integers(min_value=1, max_value=70))
def test_length_batches_cover_every_sentence_once_in_bounded_sorted_batches(lengths, size):
    batches = length_batches(lengths, size)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert all(1 <= len(b) <= size for b in batches)
    assert [lengths[i] for i in flat] == sorted(lengths)  # similar lengths share a batch


@given(st.lists(st.lists(st.integers(min_value=1, max_value=30000), min_size=1, max_size=40), min_size=1, max_size=12))
def test_pad_batch_pads_right_and_masks_exactly_the_tokens(rows):
    batch = pad_batch(rows, pad_id=0, names=["input_ids", "attention_mask", "token_type_ids"])
    width = max(len(r) for r in rows)
    assert batch["input_ids"].shape == batch["attention_mask"].shape == (len(rows), width)
    for i, row in enumerate(rows):
        assert batch["input_ids"][i, : len(row)].tolist() == row
        assert batch["attention_mask"][i].tolist() == [1] * len(row) + [0] * (width - len(row))
    assert not batch["token_type_ids"].any()


def test_pad_batch_gives_only_the_inputs_the_model_takes():
    assert set(pad_batch([[5, 6]], 1, ["input_ids", "attention_mask"])) == {"input_ids", "attention_mask"}


def test_mean_pool_ignores_padding_and_normalises():
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    pooled = mean_pool(hidden, mask)
    assert np.allclose(pooled, [[1.0, 0.0]])


def test_prepared_folders_differ_by_model_and_precision_and_stay_in_the_model_dir(tmp_path):
    folders = {
        onnx_export.folder_for(tmp_path, name, quantize)
        for name in (MINILM, "/some/local/path/", "org/other-model")
        for quantize in (True, False)
    }
    assert len(folders) == 6
    assert all(f.parent == tmp_path for f in folders)


def test_settings_reject_an_unknown_backend_in_one_line():
    with pytest.raises(SettingsError, match="embedding_backend"):
        Settings.load(env={"STORYBOT_EMBEDDING_BACKEND": "tensorflow"})


def test_settings_pick_the_backend():
    settings = Settings.load(env={})
    assert isinstance(make_encoder(settings), OnnxEncoder)
    assert isinstance(make_encoder(settings.replace(embedding_backend="torch")), TorchEncoder)
    assert settings.model_path == settings.data_path / "models"


def test_check_names_what_is_wrong_with_a_folder(tmp_path):
    source = str(tmp_path / "weights")
    Path(source).mkdir()
    (Path(source) / "model.safetensors").write_bytes(b"w" * 10)
    folder = tmp_path / "prepared"
    assert onnx_export.check(folder, source) == "missing"
    folder.mkdir()
    (folder / "model.onnx").write_bytes(b"onnx")
    (folder / "tokenizer.json").write_text("{}")
    assert onnx_export.check(folder, source).startswith("incomplete")
    meta = {
        "format": onnx_export.FORMAT,
        "source": onnx_export.source_stamp(source),
        "sha256": {n: onnx_export.sha256(folder / n) for n in ("model.onnx", "tokenizer.json")},
    }
    (folder / "meta.json").write_text(json.dumps(meta))
    assert onnx_export.check(folder, source) is None
    (folder / "model.onnx").write_bytes(b"onnx, truncated")
    assert onnx_export.check(folder, source).startswith("corrupt")
    (folder / "model.onnx").write_bytes(b"onnx")
    (Path(source) / "model.safetensors").write_bytes(b"new weights")  # the package was upgraded
    assert "other weights" in onnx_export.check(folder, source)


# -- the ONNX backend on a tiny random BERT: export, rebuild, fall back (seconds) ---------------


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> str:
    """A two-layer BERT with random weights and MiniLM's tokenizer: exports in a second or two."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-bert")
    config = BertConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64
    )
    BertModel(config).eval().save_pretrained(folder)
    packaged = Path(resolve_model_path(MINILM))
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        shutil.copy(packaged / name, folder / name)
    return str(folder)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.slow
def test_the_onnx_encoder_matches_torch_on_the_same_model(tiny_model, tmp_path):
    onnx = OnnxEncoder(tiny_model, tmp_path, quantize=False)
    torch_vectors = TorchEncoder(tiny_model).encode(SENTENCES)
    vectors = onnx.encode(SENTENCES)
    assert onnx.fallback is None
    assert vectors.shape == (len(SENTENCES), 32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(vectors * torch_vectors, axis=1)) > 0.9999


@pytest.mark.slow
def test_a_missing_model_is_prepared_once_with_one_log_line(tiny_model, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    OnnxEncoder(tiny_model, tmp_path).encode(SENTENCES[:2])
    assert len(_warnings(caplog)) == 1 and "preparing the ONNX encoder" in _warnings(caplog)[0]
    caplog.clear()
    OnnxEncoder(tiny_model, tmp_path).encode(SENTENCES[:2])  # a second process finds it ready
    assert _warnings(caplog) == []


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["truncate", "delete", "garbage-with-matching-checksum"])
def test_a_corrupt_or_missing_onnx_file_is_rebuilt_with_one_log_line(tiny_model, tmp_path, caplog, damage):
    expected = OnnxEncoder(tiny_model, tmp_path).encode(SENTENCES)
    folder = onnx_export.folder_for(tmp_path, tiny_model, True)
    model = folder / "model.onnx"
    if damage == "truncate":
        model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    elif damage == "delete":
        model.unlink()
    else:
        model.write_bytes(b"\x00not an onnx model")
        meta = json.loads((folder / "meta.json").read_text())
        meta["sha256"]["model.onnx"] = onnx_export.sha256(model)
        (folder / "meta.json").write_text(json.dumps(meta))
    caplog.clear()
    encoder = OnnxEncoder(tiny_model, tmp_path)
    vectors = encoder.encode(SENTENCES)
    assert len(_warnings(caplog)) == 1 and "rebuilding" in _warnings(caplog)[0]
    assert encoder.fallback is None
    assert np.allclose(vectors, expected, atol=1e-5)
    assert onnx_export.check(folder, tiny_model) is None


@pytest.mark.slow
def test_a_model_that_cannot_be_exported_runs_on_torch_with_one_log_line(tiny_model, tmp_path, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("exporter failed")

    monkeypatch.setattr(onnx_export, "prepare", broken)
    encoder = OnnxEncoder(tiny_model, tmp_path)
    vectors = encoder.encode(SENTENCES)
    assert isinstance(encoder.fallback, TorchEncoder)
    assert vectors.shape == (len(SENTENCES), 32)
    assert len(_warnings(caplog)) == 2  # "preparing ..." then "cannot use ONNX Runtime ...; using torch"
    assert "using torch" in _warnings(caplog)[1]


# -- the real MiniLM -----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_exported_minilm_stays_close_to_the_torch_one(real_encoder):
    assert isinstance(real_encoder, OnnxEncoder) and real_encoder.fallback is None
    reference = TorchEncoder(MINILM).encode(SENTENCES)
    cosines = np.sum(real_encoder.encode(SENTENCES) * reference, axis=1)
    assert cosines.mean() >= 0.99 and cosines.min() >= 0.97


@pytest.mark.slow
def test_the_onnx_tokenizer_gives_the_ids_transformers_gives(real_encoder):
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(resolve_model_path(MINILM))
    long = " ".join(SENTENCES * 10)  # truncated at the same length
    for text in [*SENTENCES, long, "Zelenskyy’s “peace formula” — 10 points; 习近平"]:
        assert real_encoder.tokenize([text])[0] == reference(text, truncation=True, max_length=256)["input_ids"]


@pytest.mark.slow
def test_a_topic_briefing_never_imports_torch(real_encoder, real_seeded_store, model_dir, tmp_path):
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "status = main(['brief', 'peace plan'])\n"
        "assert status == 0, status\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'torch was imported'\n"
    )
    env = {"STORYBOT_DATABASE_URL": real_seeded_store.url, "STORYBOT_MODEL_DIR": str(model_dir), "PATH": ""}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "peace" in done.stdout.lower()


@pytest.mark.slow
def test_two_loaders_at_once_build_the_model_once(tiny_model, tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    builds = []
    real_build = onnx_export._build

    def counting_build(*args, **kwargs):
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(onnx_export, "_build", counting_build)
    encoders = [OnnxEncoder(tiny_model, tmp_path), OnnxEncoder(tiny_model, tmp_path)]
    with ThreadPoolExecutor(2) as pool:
        vectors = list(pool.map(lambda e: e.encode(SENTENCES[:3]), encoders))
    assert len(builds) == 1  # the second waited on the lock, then found the folder ready
    assert all(e.fallback is None for e in encoders)
    assert np.allclose(vectors[0], vectors[1])
