"""Quantile discretizer: continuous observable -> integer labels with ~equal-mass bins.

Continuous estimators (KSG and the like) are out of scope; a continuous observable is binned at
its empirical quantiles so every bin holds about N / n_bins samples (ties may merge bins).
"""

from __future__ import annotations

import jax.numpy as jnp


def quantile_edges(x, n_bins: int):
    """The ``n_bins - 1`` interior edges: empirical quantiles at ``i / n_bins``."""
    if n_bins < 1:
        raise ValueError("n_bins must be >= 1")
    x = jnp.asarray(x, jnp.float64)
    return jnp.quantile(x, jnp.arange(1, n_bins) / n_bins)


def quantile_discretize(x, n_bins: int, edges=None):
    """Labels in ``0..n_bins-1``: ``label = #{edges <= x}``.

    Pass ``edges`` (from :func:`quantile_edges` on reference data) to bin new data the same way.
    ``n_bins`` is static under ``jit``; NaN inputs land in the top bin.
    """
    x = jnp.asarray(x, jnp.float64)
    if edges is None:
        edges = quantile_edges(x, n_bins)
    return jnp.searchsorted(edges, x, side="right").astype(jnp.int32)
