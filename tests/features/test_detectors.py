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
def test_every_detected_head_shares_the_copying():
    """The zoo transformer splits its copying over several Olsson heads: zeroing any one of
    those scoring 0.5 leaves copying (repeat top-1 on random tokens) nearly intact, zeroing them
    all destroys it; so the induction-heads node ablates every head above the threshold."""
    from taxonomy.features import detect
    from taxonomy.heads import ablate_heads
    from taxonomy.zoo.measure import induction_accuracy

    model, tok = _zoo_transformer()
    found = detect("prefix_matching", {"top": 8, "threshold": 0.5}, model, tok)
    assert len(found) >= 2 and all(layer == 1 for layer, _ in found), found

    def copying(heads):
        with ablate_heads(model, heads):
            return induction_accuracy(model, tok, seed=7, vocab_tokens=True)["repeat_top1"]

    assert copying([]) > 0.9
    assert all(copying([h]) > 0.8 for h in found)
    assert copying(found) < 0.2
