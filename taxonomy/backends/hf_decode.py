"""Pieces hf ``generate`` runs every step: log-prob recording, seeded Gumbel noise, stop strings.

Sampling is Gumbel-max: ``argmax(z + G)`` with ``G ~ Gumbel(0, 1)`` i.i.d. is a draw from
``softmax(z)`` (Gumbel 1954; Maddison et al. 2014), here with ``z`` the temperature-scaled,
top-k/top-p-truncated logits. Noise comes from one CPU ``torch.Generator`` per sample, seeded by
that sample's seed and consumed one vocabulary-sized vector per step, so a sample is the same
whatever else is in its batch and on whatever device the model runs.
"""

from __future__ import annotations

import torch
from transformers import LogitsProcessor, StoppingCriteria


class LogprobRecorder(LogitsProcessor):
    """First processor in the chain: sees the raw logits; records log p of the chosen token."""

    def __init__(self, prompt_len: int):
        self.prompt_len = prompt_len
        self.prev: torch.Tensor | None = None
        self.steps: list[torch.Tensor] = []

    def take(self, chosen: torch.Tensor) -> None:
        if self.prev is not None:
            self.steps.append(self.prev.gather(1, chosen[:, None].to(self.prev.device))[:, 0])
            self.prev = None

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        if input_ids.shape[1] > self.prompt_len:
            self.take(input_ids[:, -1])
        self.prev = torch.log_softmax(scores.float(), dim=-1)
        return scores


class GumbelNoise(LogitsProcessor):
    """Adds Gumbel(0, 1) noise from one CPU generator per row (seeded by the sample's seed)."""

    def __init__(self, seeds: list[int]):
        self.gens = [torch.Generator().manual_seed(int(s) % 2**63) for s in seeds]

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        return self.add(scores, range(len(self.gens)))

    def add(self, scores: torch.Tensor, rows) -> torch.Tensor:
        """Noise for the given original ``rows`` only (rows that finished draw no more)."""
        v = scores.shape[-1]
        gens = [self.gens[r] for r in rows]
        u = torch.stack([torch.rand(v, generator=g, dtype=torch.float64) for g in gens])
        gumbel = -torch.log(-torch.log(u.clamp(1e-300, 1.0 - 1e-16)))
        return scores + gumbel.to(device=scores.device, dtype=scores.dtype)


class StopStrings(StoppingCriteria):
    """Marks a row done once its decoded completion contains any stop string."""

    def __init__(self, tokenizer, stop: list[str], prompt_len: int):
        self.tok, self.stop, self.prompt_len = tokenizer, stop, prompt_len

    def __call__(self, input_ids: torch.Tensor, scores, **kwargs) -> torch.Tensor:
        texts = self.tok.batch_decode(input_ids[:, self.prompt_len :], skip_special_tokens=True)
        hit = [any(s in t for s in self.stop) for t in texts]
        return torch.tensor(hit, dtype=torch.bool, device=input_ids.device)


def warp_scores(logits: torch.Tensor, temperature: float, top_k: int, top_p: float):
    """Temperature, then top-k, then top-p (nucleus) truncation, as transformers' warpers."""
    from transformers import TopKLogitsWarper, TopPLogitsWarper

    scores = logits / temperature
    if top_k > 0:
        scores = TopKLogitsWarper(top_k)(None, scores)
    if top_p < 1.0:
        scores = TopPLogitsWarper(top_p)(None, scores)
    return scores


@torch.inference_mode()
def decode_with_kv_cache(
    model,
    ids: torch.Tensor,
    mask: torch.Tensor,
    *,
    max_new_tokens: int,
    pick,
    finished,
) -> tuple[list[list[int]], list[list[float]]]:
    """Batched decoding with a ``DynamicCache`` that drops rows as they finish.

    ``generate`` keeps decoding finished rows until the whole batch is done; here a row leaves
    the batch (and the KV cache) at its EOS or stop string, so a batch costs what its live rows
    cost. Left padding is handled by explicit ``position_ids`` (cumulative mask - 1).

    Args:
      model: a causal LM whose forward takes ``attention_mask``, ``position_ids`` and
        ``past_key_values``.
      ids, mask: left-padded prompt ids and attention mask, shape (B, L).
      max_new_tokens: decoding steps at most.
      pick: ``pick(logits, rows) -> next ids``, with ``rows`` the original indices of the live
        rows (raw float32 logits in, one id per live row out).
      finished: ``finished(row, tokens) -> bool`` after each appended token.

    Returns:
      (tokens, logprobs) per original row; logprobs are ``log_softmax(logits)`` of each token.
    """
    from transformers import DynamicCache

    n = ids.shape[0]
    cache = DynamicCache(config=model.config)
    pos = (mask.long().cumsum(-1) - 1).clamp(min=0)
    out = model(
        input_ids=ids,
        attention_mask=mask,
        position_ids=pos,
        past_key_values=cache,
        use_cache=True,
        logits_to_keep=1,
    )
    nxt_pos = pos[:, -1:] + 1
    rows = list(range(n))
    tokens: list[list[int]] = [[] for _ in range(n)]
    logprobs: list[list[float]] = [[] for _ in range(n)]
    for step in range(max_new_tokens):
        logits = out.logits[:, -1, :].float()
        nxt = pick(logits, rows)
        lp = torch.log_softmax(logits, dim=-1).gather(1, nxt[:, None])[:, 0]
        keep = []
        for j, (r, t, v) in enumerate(zip(rows, nxt.tolist(), lp.tolist(), strict=True)):
            tokens[r].append(t)
            logprobs[r].append(v)
            if not finished(r, tokens[r]):
                keep.append(j)
        if not keep or step == max_new_tokens - 1:
            break
        if len(keep) < len(rows):
            idx = torch.tensor(keep, device=ids.device)
            cache.batch_select_indices(idx)
            mask, nxt, nxt_pos = mask[idx], nxt[idx], nxt_pos[idx]
            rows = [rows[j] for j in keep]
        mask = torch.cat([mask, mask.new_ones(len(rows), 1)], dim=1)
        out = model(
            input_ids=nxt[:, None],
            attention_mask=mask,
            position_ids=nxt_pos,
            past_key_values=cache,
            use_cache=True,
        )
        nxt_pos = nxt_pos + 1
    return tokens, logprobs
