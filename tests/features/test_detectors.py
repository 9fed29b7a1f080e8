"""Detectors: head selection by hand, and the full path on the zoo transformer when present."""

import importlib.util

import numpy as np
import pytest

from taxonomy.features import check_feature, get_feature
from taxonomy.features.detectors import select_heads


def test_select_heads_top_threshold_and_ties():
    scores = np.array([[0.1, 0.9, 0.3], [0.6, 0.05, 0.6]])
    assert select_heads(scores, top=2, threshold=0.0) == [(0, 1), (1, 0)]
    assert select_heads(scores, top=10, threshold=0.5) == [(0, 1), (1, 0), (1, 2)]
    assert select_heads(scores, top=10, threshold=0.95) == []
    assert select_heads(np.zeros((0, 0)), top=3, threshold=0.0) == []


def test_prefix_matching_shift_scores_the_targets_past_olssons():
    """Hand-made attention: head 0 attends Olsson's target (the token after the previous
    occurrence), head 1 one token past it, head 2 to itself; span 5 after one BOS."""
    from taxonomy.heads import _prefix_matching

    off, span, t = 1, 5, 11
    att = np.zeros((1, 1, 3, t, t))
    for q in range(t):
        for head, key in enumerate((q - span + 1, q - span + 2, q)):
            att[0, 0, head, q, max(key, 0)] = 1.0
    np.testing.assert_array_equal(_prefix_matching(att, off, span, 0), [[1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(_prefix_matching(att, off, span, 1), [[1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(_prefix_matching(att, off, span, 3), [[1.0, 1.0, 0.0]])


def test_detectors_are_heavy_and_validate_without_torch():
    for name in ("prefix_matching", "previous_token"):
        assert get_feature("detector", name).light is False
    assert check_feature("detector", "prefix_matching", {"top": 2, "threshold": 0.5}) == []
    assert check_feature("detector", "previous_token", {"repeats": 2}) == [
        "param 'repeats': unknown param (got 2); known: n_seqs, seed, span, text, threshold, top"
    ]
    assert check_feature("detector", "prefix_matching", {"shift": 9}) != []
    (msg,) = check_feature("detector", "prefix_matching", {"shift": 4, "span": 4})
    assert "shift 4 must be below span 4" in msg


def _zoo_transformer():
    if importlib.util.find_spec("taxonomy.heads") is None:
        pytest.skip("taxonomy.heads is not written yet")
    from taxonomy.zoo import model_path

    try:
        path = model_path("gpt2-tiny")
    except ValueError:
        pytest.skip("zoo model gpt2-tiny is not trained yet")
    if not (path / "config.json").exists():
        pytest.skip("zoo model gpt2-tiny is not trained yet")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(path, attn_implementation="eager").eval()
    return model, AutoTokenizer.from_pretrained(path)


@pytest.mark.slow
def test_prefix_matching_finds_an_induction_head_on_the_zoo_transformer():
    from taxonomy.features import detect
    from taxonomy.heads import prefix_matching_scores

    model, tok = _zoo_transformer()
    heads = detect("prefix_matching", {"top": 1, "threshold": 0.5}, model, tok)
    assert len(heads) == 1
    scores = prefix_matching_scores(model, tok, n_seqs=16, span=24, repeats=2, seed=0)
    layer, head = heads[0]
    assert scores[layer][head] == scores.max() >= 0.5 and layer >= 1  # induction needs 2 layers


@pytest.mark.slow
def test_shifted_heads_carry_the_copying_that_olssons_head_shares():
    """On the zoo transformer, shift 1 adds heads attending one token past Olsson's target.
    Copying (repeat top-1 on random tokens) is measured under zero-ablation: removing every
    detected head destroys it, and removing Olsson's heads alone destroys far less."""
    from taxonomy.features import detect
    from taxonomy.heads import ablate_heads
    from taxonomy.zoo.measure import induction_accuracy

    model, tok = _zoo_transformer()
    olsson = detect("prefix_matching", {"top": 8, "threshold": 0.5}, model, tok)
    every = detect("prefix_matching", {"top": 8, "threshold": 0.5, "shift": 1}, model, tok)
    assert olsson and set(olsson) < set(every), (olsson, every)

    def copying(heads):
        with ablate_heads(model, heads):
            return induction_accuracy(model, tok, seed=7, vocab_tokens=True)["repeat_top1"]

    intact, without_olsson, without_every = copying([]), copying(olsson), copying(every)
    assert intact > 0.9 and without_every < 0.2, (intact, without_every)
    assert without_olsson - without_every > 0.5, (without_olsson, without_every)
