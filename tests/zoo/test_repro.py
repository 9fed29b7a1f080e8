"""Retraining from the same seed reproduces the committed training-loss trace."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from taxonomy.zoo import model_path  # noqa: E402
from taxonomy.zoo.build import REPRO_STEPS, epoch_batches, prepare, train_spec  # noqa: E402
from taxonomy.zoo.train import TrainConfig  # noqa: E402


@pytest.mark.slow
def test_retraining_reproduces_committed_loss_trace():
    from transformers import AutoTokenizer

    path = model_path("gpt2-tiny")
    card = json.loads((path / "card.json").read_text())
    _, tok, _, docs = prepare(tokenizer=AutoTokenizer.from_pretrained(path))
    cfg = TrainConfig(**card["train_config"])
    assert len(epoch_batches(tok, cfg, docs)(0)) == card["batches_per_epoch"]
    _, trace, _, _ = train_spec("gpt2-tiny", tok, docs, cfg, stop_after=REPRO_STEPS)
    committed = card["loss_trace"][:REPRO_STEPS]
    if torch.backends.cpu.get_cpu_capability() == card["platform"]["cpu_capability"]:
        # Same vector kernels and thread count: bit-identical.
        assert trace == committed
    else:
        # Other SIMD kernels sum in another order, so float32 results differ in the last bits
        # and drift slowly over steps; bitwise equality is impossible across CPU types.
        np.testing.assert_allclose(trace, committed, rtol=0, atol=1e-4)


def test_tokenizer_retrains_identically():
    from transformers import AutoTokenizer

    from taxonomy.zoo.tokenizer import corpus_tokenizer

    committed = AutoTokenizer.from_pretrained(model_path("gpt2-tiny"))
    fresh = corpus_tokenizer()
    assert fresh.get_vocab() == committed.get_vocab()
