"""Head detection and ablation (taxonomy.heads) on the committed zoo models."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from taxonomy import heads  # noqa: E402


def test_attention_heads_enumerates_layers_and_heads(gpt2_tiny, attn1_tiny, ssm_tiny):
    assert heads.attention_heads(gpt2_tiny[0]) == [(li, h) for li in range(2) for h in range(4)]
    assert heads.attention_heads(attn1_tiny[0]) == [(0, h) for h in range(4)]
    assert heads.attention_heads(ssm_tiny[0]) == []


def test_scores_are_attention_fractions(gpt2_tiny):
    model, tok = gpt2_tiny
    pm = heads.prefix_matching_scores(model, tok, n_seqs=4)
    pt = heads.previous_token_scores(model, tok, n_seqs=4)
    assert pm.shape == pt.shape == (2, 4)
    assert np.all((pm >= 0) & (pm <= 1)) and np.all((pt >= 0) & (pt <= 1))
    # Seeded: the same call gives the same numbers.
    assert np.array_equal(pm, heads.prefix_matching_scores(model, tok, n_seqs=4))


def test_zero_ablation_equals_zeroing_output_projection_rows(gpt2_tiny):
    """Independent truth: a head's output enters c_proj through rows h*d:(h+1)*d of its weight."""
    model, tok = gpt2_tiny
    ids = torch.tensor([tok("And God said, Let there be light: and there was light.")["input_ids"]])
    with torch.no_grad():
        base = model(ids).logits
        with heads.ablate_heads(model, [(1, 2), (0, 1)]):
            ablated = model(ids).logits
        restored = model(ids).logits
        proj = [model.transformer.h[i].attn.c_proj.weight for i in (0, 1)]
        saved = [w.clone() for w in proj]
        d = model.config.n_embd // model.config.n_head
        proj[1][2 * d : 3 * d] = 0
        proj[0][1 * d : 2 * d] = 0
        manual = model(ids).logits
        for w, s in zip(proj, saved, strict=True):
            w.copy_(s)
    assert torch.equal(restored, base) and not torch.allclose(ablated, base)
    torch.testing.assert_close(ablated, manual, rtol=1e-5, atol=1e-5)


def test_mean_ablation_on_its_own_reference_changes_little(gpt2_tiny):
    model, tok = gpt2_tiny
    ids = torch.tensor([tok("the secret code of vault 3 is")["input_ids"]])
    with torch.no_grad(), heads.ablate_heads(model, [(0, 0)], method="mean", reference=ids):
        out = model(ids).logits
    assert out.shape[-1] == len(tok)


def test_errors_are_clear(gpt2_tiny, ssm_tiny):
    with pytest.raises(ValueError, match="no attention heads"):
        with heads.ablate_heads(ssm_tiny[0], [(0, 0)]):
            pass
    with pytest.raises(ValueError, match="no attention heads"):
        heads.prefix_matching_scores(*ssm_tiny)
    with pytest.raises(ValueError, match="no such heads"):
        with heads.ablate_heads(gpt2_tiny[0], [(2, 0)]):
            pass
    with pytest.raises(ValueError, match="reference"):
        with heads.ablate_heads(gpt2_tiny[0], [(0, 0)], method="mean"):
            pass
