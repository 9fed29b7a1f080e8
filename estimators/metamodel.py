"""Metamodel: held-out cross-entropy of a flax MLP predicting a discrete observable, in bits.

The cross-entropy of any predictor on held-out data upper-bounds ``H[A | features]`` (in
expectation), so ``info_lower_bound = H_baseline - CE`` lower-bounds ``I[A; features]`` up to
estimation noise; it is reported as is, never clipped.  ``h_a`` is the held-out cross-entropy of
the training folds' label frequencies (add-1/2 smoothed), the featureless baseline under the
same protocol.  Folds split by ``groups`` (the input id), so the k samples of an input never sit
on both sides.  All folds train at once (``vmap`` over fold masks, full-batch Adam in
``lax.scan``); the interval is a Poisson bootstrap over groups of the per-sample loss gap.
"""

from __future__ import annotations

import dataclasses
import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from estimators.bootstrap import interval, poisson_draws

LN2 = math.log(2.0)


@dataclasses.dataclass(frozen=True)
class MetamodelResult:
    """Held-out cross-entropy (bits/sample), baseline ``h_a`` and their gap (bits)."""

    cross_entropy: float
    h_a: float
    info_lower_bound: float
    ci_low: float
    ci_high: float
    se: float
    n_samples: int
    n_groups: int
    folds: int

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _mlp(hidden: int, n_classes: int):
    import flax.linen as nn

    class MLP(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.gelu(nn.Dense(hidden)(x))
            return nn.Dense(n_classes)(x)

    return MLP()


@partial(jax.jit, static_argnames=("n_classes", "hidden", "steps", "lr", "weight_decay"))
def _fit_predict(key, x, y, train_mask, *, n_classes, hidden, steps, lr, weight_decay):
    """Train on ``train_mask`` rows, return log-probabilities (nats) for every row."""
    import optax

    model = _mlp(hidden, n_classes)
    params = model.init(key, x[:1])
    opt = optax.adamw(lr, weight_decay=weight_decay)
    w = train_mask / jnp.maximum(train_mask.sum(), 1.0)

    def loss(p):
        logp = jax.nn.log_softmax(model.apply(p, x))
        return -jnp.sum(w * jnp.take_along_axis(logp, y[:, None], 1)[:, 0])

    def step(carry, _):
        p, s = carry
        g = jax.grad(loss)(p)
        upd, s = opt.update(g, s, p)
        return (optax.apply_updates(p, upd), s), None

    (params, _), _ = jax.lax.scan(step, (params, opt.init(params)), None, length=steps)
    return jax.nn.log_softmax(model.apply(params, x))


def metamodel_information(
    features,
    labels,
    groups,
    *,
    key,
    n_classes: int,
    folds: int = 5,
    hidden: int = 64,
    steps: int = 300,
    lr: float = 1e-2,
    weight_decay: float = 1e-3,
    n_boot: int = 1000,
    level: float = 0.95,
) -> MetamodelResult:
    """Cross-validated metamodel information about ``labels`` in ``features``, bits.

    Args:
      features: float (N, D), standardised inside (training-fold statistics are not needed for a
        bound: standardisation uses all rows but no labels).
      labels: int (N,) in ``0..n_classes-1``; groups: int (N,) input id, folds split by group.
      key: ``jax.random`` key for fold assignment, initialisation and bootstrap.
    """
    x = np.asarray(features, np.float64)
    y = np.asarray(labels, np.int64)
    grp = np.unique(np.asarray(groups), return_inverse=True)[1]
    if x.ndim != 2 or x.shape[0] != y.shape[0] or y.shape != grp.shape:
        raise ValueError("features (N, D), labels (N,) and groups (N,) must agree in N")
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(f"labels must lie in 0..{n_classes - 1}")
    n_groups = int(grp.max()) + 1
    if n_groups < folds:
        raise ValueError(f"{n_groups} groups cannot fill {folds} folds")
    x = (x - x.mean(0)) / np.where(x.std(0) > 0, x.std(0), 1.0)
    k_fold, k_init, k_boot = jax.random.split(key, 3)
    fold_of_group = np.asarray(jax.random.permutation(k_fold, n_groups)) % folds
    fold = fold_of_group[grp]
    test = (fold[None, :] == np.arange(folds)[:, None]).astype(np.float64)  # (folds, N)
    fit = jax.vmap(
        partial(
            _fit_predict,
            n_classes=n_classes,
            hidden=hidden,
            steps=steps,
            lr=lr,
            weight_decay=weight_decay,
        ),
        in_axes=(0, None, None, 0),
    )
    logp = fit(jax.random.split(k_init, folds), jnp.asarray(x), jnp.asarray(y), 1.0 - test)
    model_loss = -jnp.take_along_axis(logp[fold, jnp.arange(y.size)], y[:, None], 1)[:, 0]
    # Baseline: smoothed label frequencies of the training folds.
    onehot = np.eye(n_classes)[y]
    train_freq = (1.0 - test) @ onehot + 0.5
    base_logp = np.log(train_freq / train_freq.sum(1, keepdims=True))
    base_loss = -base_logp[fold, y]
    model_bits = np.asarray(model_loss) / LN2
    base_bits = base_loss / LN2
    gap = base_bits - model_bits
    # Poisson bootstrap over groups of the mean per-sample gap.
    g_sum = np.bincount(grp, weights=gap, minlength=n_groups)
    g_n = np.bincount(grp, minlength=n_groups).astype(np.float64)
    mult = poisson_draws(k_boot, jnp.ones(n_groups), (n_boot, n_groups))
    reps = (mult @ g_sum) / jnp.maximum(mult @ g_n, 1.0)
    info = float(gap.mean())
    ci = interval(jnp.asarray(info), reps, level)
    return MetamodelResult(
        cross_entropy=float(model_bits.mean()),
        h_a=float(base_bits.mean()),
        info_lower_bound=info,
        ci_low=float(ci.low),
        ci_high=float(ci.high),
        se=float(ci.se),
        n_samples=int(y.size),
        n_groups=n_groups,
        folds=folds,
    )
