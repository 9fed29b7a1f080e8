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


def test_detectors_are_heavy_and_validate_without_torch():
    for name in ("prefix_matching", "previous_token"):
        assert get_feature("detector", name).light is False
    assert check_feature("detector", "prefix_matching", {"top": 2, "threshold": 0.5}) == []
    assert check_feature("detector", "previous_token", {"repeats": 2}) == [
        "param 'repeats': unknown param (got 2); known: n_seqs, seed, span, text, threshold, top"
    ]


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
