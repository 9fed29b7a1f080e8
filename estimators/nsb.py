"""Nemenman-Shafee-Bialek (NSB) entropy estimator, in bits, pure JAX.

NSB (Nemenman, Shafee & Bialek, NIPS 2002) averages the Dirichlet(a) posterior-mean entropy over
the concentration ``a`` with a prior chosen so that the *prior* on entropy is flat:
``p(a) ~ d xi / d a`` with ``xi(a) = psi(K a + 1) - psi(a + 1)`` the prior-mean entropy.

    H_NSB = int da p(a) p(n | a) E[H | n, a] / int da p(a) p(n | a)
    log p(n | a) = lgamma(K a) - lgamma(N + K a) + sum_i [lgamma(n_i + a) - lgamma(a)]
    E[H | n, a]  = psi(N + K a + 1) - sum_i (n_i + a) / (N + K a) psi(n_i + a + 1)

It stays nearly unbiased when N is well below the alphabet size K, where frequentist
corrections fail (Archer, Park & Pillow 2014 review).  The integral is done in ``u = log a`` on
static grids, so it jits with fixed shapes: a coarse scan, a zoom on the best cell, a curvature
estimate of the posterior width, and a trapezoid rule over +-8 widths.  ``alphabet_size`` may be
smaller than ``counts.shape[-1]`` (padded cells must be zero), and may be a traced value.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax.scipy.special import digamma, gammaln, polygamma

LN2 = math.log(2.0)
_U_MIN, _U_MAX = -14.0, 14.0
_N_COARSE, _N_ZOOM, _N_FINAL = 40, 24, 80


def _log_posterior(u, counts, n, k):
    """Log of p(n | a) p(a) da/du at ``a = exp(u)``, up to a constant."""
    a = jnp.exp(u)
    occupied = counts > 0
    per_cell = jnp.where(occupied[None, :], gammaln(counts[None, :] + a[:, None]), 0.0)
    m = jnp.sum(occupied)
    log_ev = gammaln(k * a) - gammaln(n + k * a) + jnp.sum(per_cell, axis=-1) - m * gammaln(a)
    dxi = k * polygamma(1, k * a + 1.0) - polygamma(1, a + 1.0)
    return log_ev + jnp.log(jnp.maximum(dxi, 1e-300)) + u


def _posterior_mean_entropy(u, counts, n, k):
    """E[H | n, a] in nats at ``a = exp(u)``; the ``k - m`` empty cells enter in closed form."""
    a = jnp.exp(u)
    occupied = counts > 0
    m = jnp.sum(occupied)
    tot = n + k * a
    occ = jnp.where(
        occupied[None, :],
        (counts[None, :] + a[:, None]) * digamma(counts[None, :] + a[:, None] + 1.0),
        0.0,
    )
    empty = (k - m) * a * digamma(a + 1.0)
    return digamma(tot + 1.0) - (jnp.sum(occ, axis=-1) + empty) / tot


def _nsb_single(counts, k):
    counts = counts.astype(jnp.float64)
    n = jnp.sum(counts)
    k = jnp.asarray(k, jnp.float64)

    def lp(u):
        return _log_posterior(u, counts, n, k)

    coarse = jnp.linspace(_U_MIN, _U_MAX, _N_COARSE)
    step = coarse[1] - coarse[0]
    u0 = coarse[jnp.argmax(lp(coarse))]
    zoom = u0 + jnp.linspace(-step, step, _N_ZOOM)
    lz = lp(zoom)
    u1 = zoom[jnp.argmax(lz)]
    h = 2.0 * step / (_N_ZOOM - 1)
    l3 = lp(jnp.stack([u1 - h, u1, u1 + h]))
    curv = (l3[0] - 2.0 * l3[1] + l3[2]) / h**2
    sigma = jnp.clip(1.0 / jnp.sqrt(jnp.maximum(-curv, 1e-12)), 3e-3, 3.0)
    grid = u1 + sigma * jnp.linspace(-8.0, 8.0, _N_FINAL)
    lg = lp(grid)
    w = jnp.exp(lg - jnp.max(lg))
    w = w * jnp.where(
        (jnp.arange(_N_FINAL) == 0) | (jnp.arange(_N_FINAL) == _N_FINAL - 1), 0.5, 1.0
    )
    h_mean = jnp.sum(w * _posterior_mean_entropy(grid, counts, n, k)) / jnp.sum(w)
    return jnp.where(n > 0, jnp.maximum(h_mean, 0.0), 0.0) / LN2


def entropy_nsb(counts, alphabet_size=None):
    """NSB entropy of ``counts`` (..., K) in bits; ``alphabet_size`` defaults to ``K``.

    Args:
      counts: non-negative (weighted) counts; cells beyond the true alphabet must be zero.
      alphabet_size: the number of possible symbols (scalar, may be traced).

    Returns:
      Posterior-mean entropy in bits, shape ``counts.shape[:-1]``.

    References:
      Nemenman, Shafee & Bialek, "Entropy and inference, revisited", NIPS 2002.
    """
    counts = jnp.asarray(counts, jnp.float64)
    k = counts.shape[-1] if alphabet_size is None else alphabet_size
    flat = counts.reshape(-1, counts.shape[-1])
    out = jax.vmap(_nsb_single, in_axes=(0, None))(flat, k)
    return out.reshape(counts.shape[:-1])
