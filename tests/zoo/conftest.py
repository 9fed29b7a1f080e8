"""Committed zoo models, loaded once per test session (eager attention for head scores)."""

from __future__ import annotations

import pytest


def _load(name: str):
    pytest.importorskip("torch")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from taxonomy.zoo import model_path

    torch.set_num_threads(2)
    path = model_path(name)
    model = AutoModelForCausalLM.from_pretrained(path, attn_implementation="eager").eval()
    return model, AutoTokenizer.from_pretrained(path)


@pytest.fixture(scope="session")
def gpt2_tiny():
    return _load("gpt2-tiny")


@pytest.fixture(scope="session")
def attn1_tiny():
    return _load("attn1-tiny")


@pytest.fixture(scope="session")
def ssm_tiny():
    return _load("ssm-tiny")
