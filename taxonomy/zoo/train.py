"""Reproducible training of the zoo models: the three architectures and a plain AdamW loop.

Determinism: `torch.manual_seed`, `torch.use_deterministic_algorithms(True)`, a fixed thread
count (TORCH_THREADS = 2: the result of a CPU matmul depends on how its reduction is split,
and so on the thread count and on the CPU's vector kernels), no dropout, and a seeded row
order. On the same machine two runs give bit-identical loss traces.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SEQ_LEN = 128
TORCH_THREADS = 2


@dataclass(frozen=True)
class TrainConfig:
    """Optimization recipe shared by every zoo model (per-model steps live in specs.py)."""

    steps: int = 2000
    batch_rows: int = 8
    lr: float = 3e-3
    warmup: int = 100
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.01
    seed: int = 0


def pack_rows(token_docs: list[list[int]], eos_id: int, seq_len: int = SEQ_LEN) -> np.ndarray:
    """Greedily pack whole documents (each followed by EOS) into rows of `seq_len` tokens.

    Documents are never split, so no planted string is cut across rows. Unused positions are
    -1 (padding: fed as EOS, excluded from the loss).
    """
    rows, cur = [], []
    for doc in token_docs:
        piece = doc[: seq_len - 1] + [eos_id]
        if len(cur) + len(piece) > seq_len:
            rows.append(cur + [-1] * (seq_len - len(cur)))
            cur = []
        cur += piece
    if cur:
        rows.append(cur + [-1] * (seq_len - len(cur)))
    return np.asarray(rows, dtype=np.int64)


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warmup, then cosine decay to `min_lr_ratio * lr` at `cfg.steps`."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    frac = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.lr * (
        cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * frac))
    )


def set_determinism(seed: int) -> None:
    """Seed torch and make its CPU kernels deterministic at a fixed thread count."""
    import torch

    torch.set_num_threads(TORCH_THREADS)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(seed)


def train(
    model,
    rows: np.ndarray,
    eos_id: int,
    cfg: TrainConfig,
    *,
    stop_after: int | None = None,
    log: Callable[[int, float], None] | None = None,
) -> tuple[list[float], float]:
    """Train `model` in place with AdamW on random batches of `rows`.

    Returns the per-step training loss (nats/token, as float32 values) and the wall time in
    seconds. `stop_after` ends early with the same schedule (used by the reproducibility test).
    """
    import torch

    set_determinism(cfg.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    opt = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": cfg.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=cfg.lr,
        betas=(0.9, 0.98),
        eps=1e-8,
    )
    gen = torch.Generator().manual_seed(cfg.seed)
    data = torch.from_numpy(rows)
    order = torch.randperm(len(rows), generator=gen)
    cursor, trace, t0 = 0, [], time.perf_counter()
    model.train()
    for step in range(cfg.steps if stop_after is None else min(stop_after, cfg.steps)):
        if cursor + cfg.batch_rows > len(order):
            order, cursor = torch.randperm(len(rows), generator=gen), 0
        batch = data[order[cursor : cursor + cfg.batch_rows]]
        cursor += cfg.batch_rows
        labels = batch.clone()
        inputs = batch.clamp_min(0) + (batch < 0).long() * eos_id
        labels[labels < 0] = -100
        for group in opt.param_groups:
            group["lr"] = lr_at(step, cfg)
        loss = model(input_ids=inputs, labels=labels).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        trace.append(float(loss.detach()))
        if log is not None:
            log(step, trace[-1])
    model.eval()
    return trace, time.perf_counter() - t0
