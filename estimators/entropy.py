"""Entropy estimators from count vectors, in bits.

Every estimator maps counts ``n`` of shape ``(..., K)`` (float64, possibly weighted, zeros allowed)
to ``H[X]`` in bits with shape ``(...)``; ``K`` is the static alphabet size.  All are jit- and
vmap-friendly and handle ``0 log 0 = 0`` explicitly.

* ``plugin``: maximum likelihood ``-sum p log p``; biased low by ``(m - 1) / 2N`` nats.
* ``miller_madow``: plug-in plus ``(m - 1) / 2N`` nats, ``m`` the number of occupied cells
  (Miller 1955).
* ``jackknife``: delete-one jackknife of the plug-in, computed in closed form from the counts
  (Zahl 1977), O(K) instead of O(N) re-estimates.
* ``chao_shen``: coverage-adjusted Horvitz-Thompson estimator (Chao & Shen 2003), good when many
  cells are unseen; singletons are cells whose count is exactly 1.
* ``nsb``: Bayesian, Nemenman-Shafee-Bialek (2002); see :mod:`estimators.nsb`.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
from jax.scipy.special import xlogy

LN2 = math.log(2.0)


def _total(counts):
    return jnp.sum(counts, axis=-1)


def entropy_plugin(counts):
    """Plug-in (maximum-likelihood) entropy ``H = log N - sum n log n / N``, in bits."""
    counts = jnp.asarray(counts, jnp.float64)
    n = _total(counts)
    safe_n = jnp.where(n > 0, n, 1.0)
    h = jnp.log(safe_n) - jnp.sum(xlogy(counts, counts), axis=-1) / safe_n
    return jnp.where(n > 0, jnp.maximum(h, 0.0), 0.0) / LN2


def entropy_miller_madow(counts):
    """Miller-Madow: plug-in plus ``(m - 1) / (2N)`` nats, ``m`` = occupied cells; in bits."""
    counts = jnp.asarray(counts, jnp.float64)
    n = _total(counts)
    m = jnp.sum(counts > 0, axis=-1)
    corr = jnp.where(n > 0, (m - 1) / (2.0 * jnp.where(n > 0, n, 1.0)), 0.0)
    return entropy_plugin(counts) + corr / LN2


def entropy_jackknife(counts):
    """Delete-one jackknife of the plug-in entropy, in bits.

    ``H_JK = N H(n) - (N - 1)/N * sum_i n_i H(n - e_i)``: deleting any one of the ``n_i`` samples
    in cell ``i`` gives the same estimate, so the N leave-one-out fits collapse to K closed forms.
    """
    counts = jnp.asarray(counts, jnp.float64)
    n = _total(counts)
    s = jnp.sum(xlogy(counts, counts), axis=-1)
    nm1 = jnp.maximum(n - 1.0, 1.0)
    # Leave one sample out of cell i: S_i = S - n_i log n_i + (n_i - 1) log(n_i - 1).
    cm1 = jnp.maximum(counts - 1.0, 0.0)
    s_i = s[..., None] - xlogy(counts, counts) + xlogy(cm1, cm1)
    h_i = jnp.log(nm1)[..., None] - s_i / nm1[..., None]
    h_full = jnp.log(jnp.where(n > 0, n, 1.0)) - s / jnp.where(n > 0, n, 1.0)
    loo_mean = jnp.sum(jnp.where(counts > 0, counts * h_i, 0.0), axis=-1) / jnp.where(n > 0, n, 1.0)
    h = n * h_full - (n - 1.0) * loo_mean
    return jnp.where(n > 1, h, jnp.where(n > 0, h_full, 0.0)) / LN2


def entropy_chao_shen(counts):
    """Chao-Shen coverage-adjusted entropy, in bits.

    ``C = 1 - f1/N`` (Good-Turing coverage, ``f1`` singletons), ``p~ = C n/N``, and
    ``H = -sum p~ log p~ / (1 - (1 - p~)^N)`` (Horvitz-Thompson for unseen-cell inclusion).
    """
    counts = jnp.asarray(counts, jnp.float64)
    n = _total(counts)
    safe_n = jnp.where(n > 0, n, 1.0)
    f1 = jnp.sum(jnp.abs(counts - 1.0) < 1e-9, axis=-1).astype(jnp.float64)
    f1 = jnp.where(f1 >= n, n - 1.0, f1)
    coverage = 1.0 - f1 / safe_n
    pa = coverage[..., None] * counts / safe_n[..., None]
    inclusion = 1.0 - jnp.power(1.0 - pa, n[..., None])
    terms = jnp.where(counts > 0, -xlogy(pa, pa) / jnp.where(inclusion > 0, inclusion, 1.0), 0.0)
    h = jnp.sum(terms, axis=-1)
    return jnp.where(n > 1, h, 0.0) / LN2
