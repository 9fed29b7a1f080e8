"""Attention-head detection and ablation for transformers causal LMs (torch; import lazily).

- Prefix-matching score (Olsson et al. 2022, arXiv:2209.11895, "In-context Learning and
  Induction Heads"): on a sequence of random tokens repeated several times, the mean attention
  a head pays from each token of a repeat to the token right AFTER that token's previous
  occurrence. Induction heads score high; it needs two layers to compute. With a shift, heads
  that attend a few tokens past that target and copy the same token count too.
- Previous-token score: mean attention from each position to the position before it.
- Ablation: transformers v5 removed `head_mask`, so a head is ablated by editing its slice of
  the input to the attention output projection (heads are concatenated there) with a forward
  pre-hook.

Attention weights are only returned by the eager implementation; the scorers switch the model
to it for the duration of the call.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

# (module-name suffix of the attention block, attribute holding its output projection)
_ATTENTION_LAYOUTS = (
    ("attn", "c_proj"),  # GPT-2
    ("self_attn", "o_proj"),  # Llama, Mistral, Qwen, Gemma
    ("self_attn", "out_proj"),  # OPT, BART-style
    ("attention", "dense"),  # GPT-NeoX / Pythia
)


@dataclass(frozen=True)
class _Layer:
    attention: object
    out_proj: object
    n_heads: int
    head_dim: int


def _layers(model) -> list[_Layer]:
    """The attention layers of `model` in depth order (empty for attention-free models)."""
    n_heads = getattr(model.config, "num_attention_heads", None) or getattr(
        model.config, "n_head", 0
    )
    found = []
    for name, module in model.named_modules():
        for suffix, proj in _ATTENTION_LAYOUTS:
            if name.split(".")[-1] == suffix and hasattr(module, proj):
                out = getattr(module, proj)
                width = (
                    getattr(out, "in_features", None) or out.weight.shape[0]
                )  # Conv1D: [in, out]
                if n_heads and width % n_heads == 0:
                    found.append(_Layer(module, out, n_heads, width // n_heads))
    return found


def attention_heads(model) -> list[tuple[int, int]]:
    """Every (layer, head) of `model`; empty for architectures without attention (e.g. Mamba)."""
    return [(i, h) for i, layer in enumerate(_layers(model)) for h in range(layer.n_heads)]


def _require_heads(model) -> list[_Layer]:
    layers = _layers(model)
    if not layers:
        raise ValueError(
            f"{type(model).__name__} has no attention heads (recognized layouts: "
            f"{', '.join(f'{a}.{p}' for a, p in _ATTENTION_LAYOUTS)}); head scores and head "
            "ablation apply only to attention models."
        )
    return layers


@contextmanager
def _eager(model) -> Iterator[None]:
    before = getattr(model.config, "_attn_implementation", None)
    if before != "eager":
        model.set_attn_implementation("eager")
    try:
        yield
    finally:
        if before not in (None, "eager"):
            model.set_attn_implementation(before)


def _attentions(model, input_ids) -> np.ndarray:
    """Attention weights [layers, batch, heads, query, key] (eager attention)."""
    import torch

    with _eager(model), torch.no_grad():
        out = model(
            input_ids=input_ids,
            attention_mask=torch.ones_like(input_ids),
            output_attentions=True,
        )
    return np.stack([a.float().numpy() for a in out.attentions])


def _random_repeats(tokenizer, n_seqs: int, span: int, repeats: int, seed: int):
    """`n_seqs` rows: [bos] + a span of distinct random non-special tokens, repeated."""
    import torch

    special = set(tokenizer.all_special_ids)
    pool = np.array([t for t in range(len(tokenizer)) if t not in special])
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_seqs):
        s = rng.choice(pool, size=span, replace=False)
        prefix = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
        rows.append(prefix + list(np.tile(s, repeats)))
    return torch.tensor(rows, dtype=torch.long), len(rows[0]) - span * repeats


def prefix_matching_scores(
    model,
    tokenizer,
    *,
    n_seqs: int = 16,
    span: int = 25,
    repeats: int = 3,
    seed: int = 0,
    shift: int = 0,
) -> np.ndarray:
    """Prefix-matching score of every head, shape [n_layers, n_heads], in [0, 1].

    For each token at position i in the 2nd..`repeats`-th copy of a random span, the attention
    to position i - span + 1 (the token after its previous occurrence), averaged over positions
    and `n_seqs` seeded random sequences (Olsson et al. 2022).

    `shift` k > 0 also scores the positions up to k tokens further on and keeps each head's
    best target. A head attending k tokens past Olsson's target is a *shifted* induction head:
    its key there carries the current token's earlier occurrence (moved k + 1 positions by an
    earlier head) and its value the token after it (moved k positions), so it predicts the same
    token. For k = 1 the two circuits give the same prediction everywhere except right after a
    doubled token, which is why the zoo's drills plant runs (see `taxonomy.zoo.drills`).
    """
    _require_heads(model)
    if not 0 <= shift < span:
        raise ValueError(f"shift must lie in 0..{span - 1} (the span is {span} tokens)")
    ids, off = _random_repeats(tokenizer, n_seqs, span, repeats, seed)
    att = _attentions(model, ids)
    return _prefix_matching(att, off, span, shift)


def _prefix_matching(att: np.ndarray, off: int, span: int, shift: int) -> np.ndarray:
    """[layers, heads] best over k = 0..shift of the mean attention from each repeated token
    (positions off + span ..) to the one span - 1 - k before it; att: [layers, batch, heads,
    query, key]."""
    q = np.arange(off + span, att.shape[-1])
    per_shift = [att[:, :, :, q, q - span + 1 + k].mean(axis=(1, 3)) for k in range(shift + 1)]
    return np.max(per_shift, axis=0)


def previous_token_scores(
    model,
    tokenizer,
    *,
    texts: Sequence[str] | None = None,
    n_seqs: int = 16,
    span: int = 25,
    repeats: int = 3,
    seed: int = 0,
) -> np.ndarray:
    """Mean attention from each position i >= 1 to i - 1, shape [n_layers, n_heads].

    Measured on `texts` (one at a time, no padding) if given, else on the same seeded random
    repeated sequences as `prefix_matching_scores`.
    """
    import torch

    _require_heads(model)
    if texts is None:
        batches = [_random_repeats(tokenizer, n_seqs, span, repeats, seed)[0]]
    else:
        batches = [torch.tensor([tokenizer(t)["input_ids"]]) for t in texts]
    scores = []
    for ids in batches:
        att = _attentions(model, ids)
        q = np.arange(1, ids.shape[1])
        scores.append(att[:, :, :, q, q - 1].mean(axis=(1, 3)))
    return np.mean(scores, axis=0)


@contextmanager
def ablate_heads(model, heads: Sequence[tuple[int, int]], method: str = "zero", reference=None):
    """Ablate `heads` ([(layer, head), ...]) inside the context.

    method="zero" sets each head's output (its slice of the input to the attention output
    projection) to 0; method="mean" replaces it with its mean over the token positions of
    `reference` (input ids, [batch, seq]). Hooks are removed on exit, even on error.
    """
    import torch

    layers = _require_heads(model)
    if method not in ("zero", "mean"):
        raise ValueError(f"method must be 'zero' or 'mean', got {method!r}")
    if method == "mean" and reference is None:
        raise ValueError("method='mean' needs reference=<input ids> to average the heads over")
    bad = [
        (li, h) for li, h in heads if not (0 <= li < len(layers) and 0 <= h < layers[li].n_heads)
    ]
    if bad:
        raise ValueError(
            f"no such heads {bad}: model has {len(layers)} layers x {layers[0].n_heads} heads"
        )
    by_layer: dict[int, list[int]] = {}
    for li, h in heads:
        by_layer.setdefault(li, []).append(h)
    means: dict[int, torch.Tensor] = {}
    if method == "mean":
        captured: dict[int, torch.Tensor] = {}
        grab = [
            layers[li].out_proj.register_forward_pre_hook(
                lambda _m, args, li=li: captured.__setitem__(
                    li, args[0].detach().flatten(0, -2).mean(0)
                )
            )
            for li in by_layer
        ]
        try:
            with torch.no_grad():
                model(input_ids=reference)
        finally:
            for g in grab:
                g.remove()
        means = captured

    def hook(li: int):
        d = layers[li].head_dim

        def pre(_module, args):
            x = args[0].clone()
            for h in by_layer[li]:
                x[..., h * d : (h + 1) * d] = (
                    0.0 if method == "zero" else means[li][h * d : (h + 1) * d]
                )
            return (x, *args[1:])

        return pre

    handles = [layers[li].out_proj.register_forward_pre_hook(hook(li)) for li in by_layer]
    try:
        yield model
    finally:
        for handle in handles:
            handle.remove()
