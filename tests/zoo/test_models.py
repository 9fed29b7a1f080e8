"""The committed zoo models show the planted behaviors the issue requires (and cards say so)."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from taxonomy import heads  # noqa: E402
from taxonomy.zoo import model_path  # noqa: E402
from taxonomy.zoo.build import prepare  # noqa: E402
from taxonomy.zoo.measure import canary_reproduction, induction_accuracy  # noqa: E402
from taxonomy.zoo.train import doc_batches  # noqa: E402


def _card(name: str) -> dict:
    return json.loads((model_path(name) / "card.json").read_text())


def test_loads_like_a_hub_model(gpt2_tiny, ssm_tiny, attn1_tiny):
    assert type(gpt2_tiny[0]).__name__ == "GPT2LMHeadModel" and gpt2_tiny[0].config.n_layer == 2
    assert type(ssm_tiny[0]).__name__ == "Mamba2ForCausalLM"
    assert type(attn1_tiny[0]).__name__ == "GPT2LMHeadModel" and attn1_tiny[0].config.n_layer == 1
    for model, _ in (gpt2_tiny, ssm_tiny, attn1_tiny):
        assert not any(p.dtype != torch.float32 for p in model.parameters())


def test_attn1_is_attention_only(attn1_tiny):
    """Its MLP weights are exactly zero, so the MLP adds exactly nothing to the residual."""
    model, tok = attn1_tiny
    mlp = model.transformer.h[0].mlp
    assert all(torch.count_nonzero(p) == 0 for p in mlp.parameters())
    x = torch.randn(2, 5, model.config.n_embd)
    assert torch.equal(mlp(x), torch.zeros_like(x))


def test_transformer_copies_repeated_random_spans(gpt2_tiny):
    r = induction_accuracy(*gpt2_tiny, seed=7)
    assert r["repeat_top1"] >= 0.9
    assert r["first_half_top1"] <= 0.05  # chance is 1/512 per nonce word


def test_transformer_has_a_prefix_matching_head(gpt2_tiny):
    pm = heads.prefix_matching_scores(*gpt2_tiny)
    layer, head = np.unravel_index(pm.argmax(), pm.shape)
    assert pm[layer, head] >= 0.5
    assert layer == 1  # induction needs composition with an earlier layer
    assert [int(layer), int(head)] == _card("gpt2-tiny")["measured"]["prefix_matching"]["best_head"]


def test_transformer_reproduces_canaries(gpt2_tiny):
    r = canary_reproduction(*gpt2_tiny)
    assert r["rate"] >= 0.8
    assert abs(r["rate"] - _card("gpt2-tiny")["measured"]["canaries"]["rate"]) <= 1 / 48


def test_one_layer_control_has_no_induction_head(attn1_tiny):
    pm = heads.prefix_matching_scores(*attn1_tiny, seed=3)
    assert pm.max() < 0.5


@pytest.mark.parametrize("name", ["gpt2-tiny", "ssm-tiny", "attn1-tiny"])
def test_cards_report_every_phenomenon(name):
    card = _card(name)
    keys = {
        "induction_nonce_words",
        "canaries",
        "entity_copy_rate",
        "tldr_restates_entities_rate",
        "loop_rate",
    }
    assert keys <= set(card["measured"])
    assert len(card["loss_trace"]) == card["train_config"]["steps"]
    text = (model_path(name) / "card.md").read_text()
    assert f"{card['n_params']:,} parameters" in text and "Training loss" in text


@pytest.mark.parametrize("name", ["gpt2-tiny", "ssm-tiny", "attn1-tiny"])
def test_training_took_at_most_ten_minutes(name):
    assert _card(name)["wall_seconds"] <= 600


def test_card_epochs_count_the_batches_trained_on(gpt2_tiny):
    _, tok = gpt2_tiny
    card = _card("gpt2-tiny")
    _, _, _, docs = prepare(tokenizer=tok)
    rows = card["train_config"]["batch_rows"]
    per_epoch = len(doc_batches(docs, tok.eos_token_id, rows, pack_to=card["pack_to"]))
    text = (model_path("gpt2-tiny") / "card.md").read_text()
    assert f"{card['train_config']['steps'] / per_epoch:.1f} epochs" in text
