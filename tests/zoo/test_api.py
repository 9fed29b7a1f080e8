"""Public zoo API: listing, name resolution, light imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from taxonomy.zoo import ZOO_DIR, list_models, model_path, resolve

NAMES = ["attn1-tiny", "gpt2-tiny", "ssm-tiny"]


def test_list_models_reads_cards():
    models = list_models()
    assert [m.name for m in models] == NAMES
    for m in models:
        assert m.path == ZOO_DIR / m.name and m.n_params > 0 and m.architecture and m.summary
        assert {"config.json", "model.safetensors", "tokenizer.json", "card.md", "card.json"} <= {
            p.name for p in m.path.iterdir()
        }


def test_resolve_and_model_path():
    assert resolve("zoo:gpt2-tiny") == ZOO_DIR / "gpt2-tiny" == model_path("gpt2-tiny")
    assert resolve("gpt2") is None and resolve("/some/path") is None
    with pytest.raises(ValueError, match="Did you mean 'gpt2-tiny'"):
        model_path("gpt2-tinny")
    with pytest.raises(ValueError, match="unknown zoo model"):
        resolve("zoo:nothing-like-it")


def test_committed_size_under_budget():
    total = sum(p.stat().st_size for p in ZOO_DIR.rglob("*") if p.is_file())
    assert total <= 25 * 2**20


def test_import_is_light():
    code = "import sys, taxonomy.zoo, taxonomy.zoo.cli; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_list_shows_every_model():
    from typer.testing import CliRunner

    from taxonomy.zoo.cli import app

    result = CliRunner().invoke(app, ["list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in NAMES:
        assert f"zoo:{name}" in result.output
