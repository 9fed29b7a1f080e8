"""Spec -> backend inference and zoo resolution."""

from __future__ import annotations

import pytest

from taxonomy.backends import BackendError, infer_backend, load_backend, resolve_zoo
from taxonomy.backends import load as load_mod


def test_infer_backend():
    assert infer_backend("http://localhost:8000/v1#m") == "openai"
    assert infer_backend("runs/gpt4.JSONL") == "replay"
    assert infer_backend("x.parquet") == "replay"
    assert infer_backend("zoo:gpt2-tiny") == "hf"
    assert infer_backend("openai-community/gpt2") == "hf"


def test_unknown_backend_suggests():
    with pytest.raises(BackendError, match="did you mean 'openai'"):
        load_backend("x", backend="opena")


def test_zoo_resolution_from_models_dir(model_dirs, tmp_path, monkeypatch):
    import shutil

    shutil.copytree(model_dirs["gpt2"], tmp_path / "gpt2-tiny")
    monkeypatch.setattr(load_mod, "_ZOO_DIR", tmp_path)
    monkeypatch.setattr("taxonomy.zoo.resolve", None, raising=False)  # force the fallback
    assert load_mod.zoo_names() == ["gpt2-tiny"]
    assert resolve_zoo("zoo:gpt2-tiny") == tmp_path / "gpt2-tiny"
    with pytest.raises(BackendError, match="did you mean 'zoo:gpt2-tiny'"):
        resolve_zoo("zoo:gpt2-tine")
    backend = load_backend("zoo:gpt2-tiny", device="cpu")
    assert backend.name == "hf" and backend.white_box
    with pytest.raises(BackendError, match=r"not a zoo name \(zoo:gpt2-tiny, \.\.\.\)"):
        load_backend("./missing-model")


def test_white_box_skip_reason(tmp_path, gpt2_backend):
    import json

    from taxonomy.backends import white_box_skip_reason

    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"prompt": "p", "seed": 0, "text": "t"}) + "\n")
    reason = white_box_skip_reason(load_backend(str(path)), "induction-heads")
    assert reason.startswith("skipped induction-heads: it needs white-box access")
    assert "replay backend is black-box" in reason
    assert white_box_skip_reason(gpt2_backend, "induction-heads") is None
