"""Cluster (input-level) Poisson bootstrap of count tables, and interval rules.

The k samples drawn from one input are dependent, so the resampling unit is the input
(cluster), never the sample.  Each replicate gives every cluster an independent
``Poisson(1)`` multiplicity: the Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al.
2012), asymptotically equivalent to the multinomial bootstrap but separable.  Separability is
what makes it fast: clusters with identical content (the same (cell, weight) multiset) are
exchangeable, so they are merged on the host into *types* ``g`` with ``n_g`` members, and a
replicate draws one ``Poisson(n_g)`` per type (a sum of independent Poissons is Poisson).  For
i.i.d. pairs the types are the occupied cells, so the cost per replicate is O(cells), not O(N).

``Poisson(lam)`` is drawn by inversion of one uniform: exactly, by binary search in a CDF table,
for integer ``lam < 64``, and by a Cornish-Fisher expansion (skewness and kurtosis terms,
continuity corrected) for ``lam >= 64``, where its CDF error is O(lam^-3/2).
``jax.random.poisson`` is exact but its rejection loop was ~5x slower here on CPU.

Interval: ``normal_bc``, the bias-corrected normal interval (Efron & Tibshirani 1993, sec. 10.6
and 13.2): ``centre = 2t - mean(t*)``, ``centre +- z se*``.  Subtracting the bootstrap bias
estimate removes the upward shift that resampling adds to an entropy-based estimate (the
replicate sees the sample as its population; at large N it is the plug-in bias
``(K-1)(L-1)/2N ln 2``).  Over 200 seeded replications (``tests/estimators/test_calibration.py``)
it covered 93.5% (i.i.d., N = 200, 4x4) and 92.5% (50 inputs x k = 4), where ``basic`` gave 90.0%
and 88.0% and ``percentile`` 88.5% and 89.0%.  Fewer inputs than ``MIN_CLUSTERS`` are flagged.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import ndtr, ndtri

from estimators.counts import bucket, pad_to_bucket

_TABLE_LAM = 64  # exact inversion table for integer lam < 64
_TABLE_KMAX = 192  # P(Poisson(63) > 191) < 1e-30


MIN_ROWS = 256
"""Cluster types and entries are padded to a power of two of at least this many rows (with
zero weight), so evaluations of a few hundred inputs compile one shape, not one per size."""


def _poisson_cdf_table():
    """Concatenated CDF rows F(k; lam), lam = 0..63, each row offset by 2*lam so the whole
    array is sorted and one ``searchsorted`` inverts every row."""
    lam = np.arange(_TABLE_LAM, dtype=np.float64)[:, None]
    k = np.arange(_TABLE_KMAX, dtype=np.float64)[None, :]
    from math import lgamma

    lgam = np.array([lgamma(v + 1.0) for v in range(_TABLE_KMAX)])[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        logpmf = np.where(lam > 0, k * np.log(np.maximum(lam, 1e-300)) - lam - lgam, -np.inf)
    logpmf[0, 0] = 0.0  # Poisson(0) is 0 with probability 1
    cdf = np.minimum(np.cumsum(np.exp(logpmf), axis=1), 1.0)
    return (cdf + 2.0 * lam).ravel()


_CDF_TABLE = _poisson_cdf_table()


class ClusterTypes(NamedTuple):
    """Clusters merged by content, padded to power-of-two lengths (host arrays).

    ``entry_type[e]``, ``entry_cell[e]``, ``entry_weight[e]``: cluster type ``g`` holds weight
    ``entry_weight`` in cell ``entry_cell``; ``type_count[g]`` clusters have that content.
    """

    entry_type: np.ndarray
    entry_cell: np.ndarray
    entry_weight: np.ndarray
    type_count: np.ndarray
    n_clusters: int


def cluster_types(cell, cluster, weights=None) -> ClusterTypes:
    """Merge clusters with identical (cell, weight) multisets; host-side, O(N log N)."""
    cell = np.asarray(cell, np.int64)
    cluster = np.unique(np.asarray(cluster), return_inverse=True)[1].astype(np.int64)
    w = np.ones(cell.shape, np.float64) if weights is None else np.asarray(weights, np.float64)
    if not (cell.shape == cluster.shape == w.shape) or cell.ndim != 1:
        raise ValueError("cell, cluster and weights must be 1-D arrays of equal length")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and non-negative")
    n_clusters = int(cluster.max()) + 1 if cluster.size else 0
    # Aggregate weight per (cluster, cell) pair.
    pair, inv = np.unique(
        cluster * (cell.max() + 1 if cell.size else 1) + cell, return_inverse=True
    )
    pw = np.bincount(inv, weights=w)
    base = cell.max() + 1 if cell.size else 1
    pc, pcell = pair // base, pair % base
    rank = np.arange(pair.size) - np.searchsorted(pc, pc)  # position within its cluster
    width = int(rank.max()) + 1 if pair.size else 1
    sig = np.full((n_clusters, 2 * width), -1.0)
    sig[pc, 2 * rank] = pcell
    sig[pc, 2 * rank + 1] = pw
    uniq, type_count = np.unique(sig, axis=0, return_counts=True)
    g, slot = np.nonzero(uniq[:, 0::2] >= 0)
    g_size = bucket(uniq.shape[0], MIN_ROWS)
    e_size = bucket(g.size, MIN_ROWS)
    return ClusterTypes(
        entry_type=pad_to_bucket(g.astype(np.int32), e_size),
        entry_cell=pad_to_bucket(uniq[g, 2 * slot].astype(np.int32), e_size),
        entry_weight=pad_to_bucket(uniq[g, 2 * slot + 1], e_size, 0.0),
        type_count=pad_to_bucket(type_count.astype(np.float64), g_size, 0.0),
        n_clusters=n_clusters,
    )


def poisson_inverse(key, lam, shape):
    """``Poisson(lam)`` draws by inversion of one uniform each (see module docstring), float64.

    ``lam`` must be integer-valued (cluster counts) where ``lam < 64``.
    """
    lam = jnp.broadcast_to(jnp.asarray(lam, jnp.float64), shape)
    u = jax.random.uniform(key, shape, jnp.float64)
    # Exact: x = #{k : F(k; lam) < u}, searched in row lam of the offset CDF table.
    row = jnp.clip(lam, 0, _TABLE_LAM - 1)
    pos = jnp.searchsorted(jnp.asarray(_CDF_TABLE), u + 2.0 * row, side="left")
    x_small = (pos - row.astype(jnp.int64) * _TABLE_KMAX).astype(jnp.float64)
    # Cornish-Fisher quantile for large lam (skew 1/sqrt(lam), excess kurtosis 1/lam).
    z = ndtri(jnp.clip(u, 1e-300, 1.0 - 1e-16))
    g1 = 1.0 / jnp.sqrt(jnp.maximum(lam, 1.0))
    w = z + (z**2 - 1.0) * g1 / 6.0 + (z**3 - 3.0 * z) * g1**2 / 24.0
    w = w - (2 * z**3 - 5 * z) * g1**2 / 36.0
    x_large = jnp.maximum(jnp.floor(lam + jnp.sqrt(lam) * w + 0.5), 0.0)
    return jnp.where(lam < _TABLE_LAM, x_small, x_large)


def observed_counts(types: ClusterTypes, n_cells: int):
    """The sample's own table (n_cells,) from its cluster types (jit-friendly)."""
    mult = jnp.asarray(types.type_count)[types.entry_type]
    return jnp.zeros((n_cells,), jnp.float64).at[types.entry_cell].add(mult * types.entry_weight)


def bootstrap_counts(key, types: ClusterTypes, n_cells: int, n_boot: int):
    """``n_boot`` Poisson-cluster-bootstrap tables, shape (n_boot, n_cells), float64.

    Returns also the per-type multiplicities (n_boot, G) so callers can resample per-cluster
    statistics (e.g. the ceiling's ``H[A|X]``) consistently with the tables.
    """
    lam = jnp.asarray(types.type_count)
    mult = poisson_inverse(key, lam, (n_boot, lam.shape[0]))
    vals = mult[:, types.entry_type] * jnp.asarray(types.entry_weight)[None, :]
    tables = jnp.zeros((n_boot, n_cells), jnp.float64).at[:, types.entry_cell].add(vals)
    return tables, mult


class Interval(NamedTuple):
    """An interval and its centre: the point estimate the interval is built around.

    For ``normal_bc`` the centre is the bootstrap bias-corrected estimate ``2t - mean(t*)``,
    so a reported score always lies inside its own interval.
    """

    low: jnp.ndarray
    high: jnp.ndarray
    se: jnp.ndarray
    centre: jnp.ndarray


INTERVALS = ("normal_bc", "basic", "percentile", "normal")


def interval(estimate, replicates, level: float = 0.95, rule: str = "normal_bc") -> Interval:
    """Bootstrap interval for ``estimate`` from ``replicates`` (..., n_boot) by ``rule``."""
    alpha = 1.0 - level
    se = jnp.std(replicates, axis=-1, ddof=1)
    q_lo = jnp.quantile(replicates, alpha / 2, axis=-1)
    q_hi = jnp.quantile(replicates, 1 - alpha / 2, axis=-1)
    if rule == "basic":
        return Interval(2 * estimate - q_hi, 2 * estimate - q_lo, se, estimate)
    if rule == "percentile":
        return Interval(q_lo, q_hi, se, estimate)
    if rule == "normal_bc":
        z = ndtri(1 - alpha / 2)
        centre = 2 * estimate - jnp.mean(replicates, axis=-1)
        centre = jnp.where(se > 0, centre, estimate)  # degenerate bootstrap: no correction
        return Interval(centre - z * se, centre + z * se, se, centre)
    if rule == "normal":
        z = ndtri(1 - alpha / 2)
        return Interval(estimate - z * se, estimate + z * se, se, estimate)
    raise ValueError(f"unknown interval rule {rule!r}; choose one of {INTERVALS}")


def p_value(estimate, replicates):
    """Two-sided p-value for H0: theta = 0, inverting the ``normal_bc`` interval.

    ``p = 2 (1 - Phi(|2t - mean(t*)| / se*))``; 1 when the bootstrap is degenerate (se = 0).
    """
    se = jnp.std(replicates, axis=-1, ddof=1)
    centre = 2 * estimate - jnp.mean(replicates, axis=-1)
    z = jnp.abs(centre) / jnp.where(se > 0, se, 1.0)
    return jnp.where(se > 0, 2 * ndtr(-z), jnp.where(centre == 0, 1.0, 0.0))
