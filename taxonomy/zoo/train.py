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
    batch_rows: int = 64
    lr: float = 3e-3
    warmup: int = 100
    decay_start: float = 0.9
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.1
    seed: int = 0


def pack_short(
    token_docs: list[list[int]], eos_id: int, pack_to: int, seq_len: int = SEQ_LEN
) -> list[list[int]]:
    """`token_docs` with the documents shorter than `pack_to` tokens joined, in order and
    EOS-separated, into rows of at least `pack_to` tokens (the last may be shorter); a join
    never grows past `seq_len` - 2, the room `doc_batches` leaves for a row's framing.

    Why: `doc_batches` sorts rows by length, so short documents (canaries, templates) would
    fill batches of their own, and those steps teach none of the long rows' in-context
    copying; packed, they share batches with the induction drills (drills.py), and the
    copying circuit forms about 2x sooner at almost no padding.
    """
    rows, cur = [], []
    for doc in token_docs:
        if len(doc) >= pack_to:
            rows.append(doc)
            continue
        if cur and len(cur) + 1 + len(doc) > seq_len - 2:
            rows.append(cur)
            cur = []
        cur = [*cur, eos_id, *doc] if cur else list(doc)
        if len(cur) >= pack_to:
            rows.append(cur)
            cur = []
    return rows + ([cur] if cur else [])


def doc_batches(
    token_docs: list[list[int]],
    eos_id: int,
    batch_rows: int,
    seq_len: int = SEQ_LEN,
    pack_to: int = 0,
) -> list[np.ndarray]:
    """One row per document (``doc + [EOS]``, cut to `seq_len`), short documents packed
    (`pack_short`), bucketed by length.

    Every other row (the corpus order is random) also starts with EOS, as after a document
    boundary, so prompts work with or without a leading EOS.

    Rows are sorted by length and cut into batches of `batch_rows` rows, each padded with -1
    (fed as EOS, excluded from the loss) to its longest row. A document of `pack_to` tokens
    or more (every document, at the default 0) has a row to itself, so attention sees only
    that document: no planted string is cut and no earlier document dilutes the attention a
    copy has to find. Shorter documents are packed instead, several to a row, none cut.
    """
    rows = sorted(
        (
            ([eos_id] * (i % 2 == 0) + [*doc, eos_id])[:seq_len]
            for i, doc in enumerate(pack_short(token_docs, eos_id, pack_to, seq_len))
        ),
        key=len,
    )
    batches = []
    for i in range(0, len(rows), batch_rows):
        chunk = rows[i : i + batch_rows]
        width = len(chunk[-1])
        batches.append(np.array([r + [-1] * (width - len(r)) for r in chunk], dtype=np.int64))
    return batches


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warmup, constant lr to `decay_start * steps`, then cosine decay to
    `min_lr_ratio * lr` at `cfg.steps`.

    The induction heads form late in the run (about step 2750 of gpt2-tiny's 3000, see
    drills.py); a constant lr keeps them forming, where a cosine decay over the whole run
    would slow them down before they are done.
    """
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    start = max(cfg.warmup, int(cfg.decay_start * cfg.steps))
    frac = max(0, step - start) / max(1, cfg.steps - start)
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
    epoch_batches: Callable[[int], list[np.ndarray]],
    eos_id: int,
    cfg: TrainConfig,
    *,
    stop_after: int | None = None,
    log: Callable[[int, float], None] | None = None,
) -> tuple[list[float], float, int]:
    """Train `model` in place with AdamW on the batches of epoch 0, 1, ... in seeded order.

    `epoch_batches(e)` gives epoch e's batches (see `doc_batches`). Returns the per-step
    training loss (nats/token, as float32 values), the wall time in seconds and the number of
    tokens trained on. `stop_after` ends early with the same schedule (used by the
    reproducibility test).
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
    epoch, batches, order = -1, [], []
    trace, tokens, t0 = [], 0, time.perf_counter()
    model.train()
    for step in range(cfg.steps if stop_after is None else min(stop_after, cfg.steps)):
        if not order:
            epoch += 1
            batches = epoch_batches(epoch)
            order = torch.randperm(len(batches), generator=gen).tolist()
        batch = torch.from_numpy(batches[order.pop()])
        labels = batch.clone()
        inputs = batch.clamp_min(0) + (batch < 0).long() * eos_id
        labels[labels < 0] = -100
        tokens += int((batch >= 0).sum())
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
    return trace, time.perf_counter() - t0, tokens
