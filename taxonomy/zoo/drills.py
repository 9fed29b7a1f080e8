"""Induction drills: rows of random vocabulary ids that make a 2-layer transformer form
Olsson's induction head (arXiv:2209.11895) on a CPU (about 2750 steps of the zoo mix).

Two row kinds, drawn from every non-special token id:

- ``skip``: x[t+1] = pi(x[t-1]) with probability 1 - `noise` (pi a fixed random permutation
  of the ids), else a random id. Predicting from the token *two* back rewards a previous-token
  head directly, which is the first half of an induction circuit.
- ``copy``: random ids interleaved with copies of 3-12 tokens from random earlier positions
  (no positional regularity: only content can locate the source), and with runs of three
  equal ids. A fraction `indel` of copied positions is edited, half by dropping a source
  token and half by inserting a random one.

Why the runs: copying alone is learned just as well by *shifted* circuits, which attend a
token or more past Olsson's target and read the answer back through a layer-0 head; gradient
descent finds one first, and its prefix-matching score stays near zero. A 1-shifted head
(keys from a 2-back head, values from the previous-token head) predicts exactly what Olsson's
head predicts except after a doubled token: at the second A of ``A A A`` only Olsson's head
(attending to itself, keyed by the previous-token head) can see that the earlier A was
followed by A. Without runs, the zoo transformer copied through two 1-shifted heads from
about step 2000 and formed Olsson's head beside them only at about step 5300; with runs
(`p_run` 0.5), copying forms through Olsson's heads directly, at about step 2750, and no
shifted head forms (session 10's issue note). Indels break more predictions of circuits that
locate the source from the token before the current one than of Olsson's (session 7).

The ids are the tokenizer's, so drills are generated after it is trained and never pass
through text; the same seed gives the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

PERMUTATION_SEED = 99  # pi is part of the language the models learn: fixed across epochs


@dataclass(frozen=True)
class DrillConfig:
    """How many rows of each kind per epoch, and their shape.

    From epoch `late_epoch` on, all but `late_skip` skip rows become copy rows: by then the
    previous-token head has formed, and the copy rows (copies, indels, runs) are where the
    induction heads learn.
    """

    n_skip: int = 900
    n_copy: int = 2100
    late_epoch: int = 20
    late_skip: int = 150
    min_len: int = 40
    max_len: int = 64
    noise: float = 0.2
    copy_len: tuple[int, int] = (3, 12)
    gap_len: tuple[int, int] = (1, 4)
    p_copy: float = 0.7
    indel: float = 0.3
    p_run: float = 0.5  # of the segments that are not copies, the share that are runs A A A


def _skip_row(rng: random.Random, ids: Sequence[int], pi: dict[int, int], n: int, noise: float):
    row = [rng.choice(ids), rng.choice(ids)]
    while len(row) < n:
        row.append(pi[row[-2]] if rng.random() >= noise else rng.choice(ids))
    return row


def _copy_row(rng: random.Random, ids: Sequence[int], n: int, cfg: DrillConfig) -> list[int]:
    row = [rng.choice(ids) for _ in range(rng.randint(2, 6))]
    while len(row) < n:
        if len(row) > 6 and rng.random() < cfg.p_copy:
            length, src = rng.randint(*cfg.copy_len), rng.randrange(len(row) - 2)
            copied, k = [], 0
            while len(copied) < length:
                u = rng.random()
                if u < cfg.indel / 2:  # deletion: skip a source token
                    k += 1
                elif u < cfg.indel:  # insertion: a random token, the source stays put
                    copied.append(rng.choice(ids))
                    continue
                copied.append(row[src + k] if src + k < len(row) else rng.choice(ids))
                k += 1
            row += copied
        elif rng.random() < cfg.p_run:
            row += [rng.choice(ids)] * 3
        else:
            row += [rng.choice(ids) for _ in range(rng.randint(*cfg.gap_len))]
    return row[:n]


def drill_rows(
    ids: Sequence[int], epoch: int, cfg: DrillConfig = DrillConfig()
) -> list[tuple[str, list[int]]]:
    """(kind, token ids) for every drill row of `epoch` (its seed), in a seeded random order."""
    n_skip = cfg.n_skip if epoch < cfg.late_epoch else min(cfg.late_skip, cfg.n_skip)
    ids = sorted(ids)
    pi = dict(zip(ids, random.Random(PERMUTATION_SEED).sample(ids, len(ids)), strict=True))
    rng = random.Random(epoch)
    rows = []
    for kind, count in (("skip", n_skip), ("copy", cfg.n_copy + cfg.n_skip - n_skip)):
        for _ in range(count):
            n = rng.randint(cfg.min_len, cfg.max_len)
            row = (
                _skip_row(rng, ids, pi, n, cfg.noise)
                if kind == "skip"
                else _copy_row(rng, ids, n, cfg)
            )
            rows.append((kind, row))
    rng.shuffle(rows)
    return rows


__all__ = ["DrillConfig", "drill_rows"]
