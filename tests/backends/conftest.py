"""Tiny random-weight GPT-2, Mamba and Mamba-2 models, built once per session and saved to
disk so they load through the same ``from_pretrained`` path as zoo and hub models."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def model_dirs(tmp_path_factory):
    from taxonomy.backends.random_model import build_random_model

    root = tmp_path_factory.mktemp("models")
    return {
        arch: build_random_model(root / arch, arch, "tiny") for arch in ("gpt2", "mamba", "mamba2")
    }


@pytest.fixture(scope="session")
def gpt2_backend(model_dirs):
    from taxonomy.backends import load_backend

    backend = load_backend(str(model_dirs["gpt2"]), device="cpu", batch_size=4)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def mamba_backend(model_dirs):
    from taxonomy.backends import load_backend

    backend = load_backend(str(model_dirs["mamba"]), device="cpu", batch_size=4)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def mamba2_backend(model_dirs):
    from taxonomy.backends import load_backend

    backend = load_backend(str(model_dirs["mamba2"]), device="cpu", batch_size=4)
    yield backend
    backend.close()


@pytest.fixture(params=["gpt2", "mamba", "mamba2"])
def hf_backend(request):
    """GPT-2 runs our KV-cache loop; Mamba and Mamba-2 run transformers' generate."""
    return request.getfixturevalue(f"{request.param}_backend")
