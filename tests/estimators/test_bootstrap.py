"""The bootstrap's Poisson sampler and cluster types against scipy and brute force."""

from collections import Counter

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import estimators  # noqa: F401  (enables float64)
from estimators.bootstrap import (
    _ALIAS_TABLE,
    _philox4x32,
    cluster_types,
    poisson_draws,
)

LAMS = np.array([0.0, 1.0, 7.0, 63.0, 64.0, 200.0, 5000.0])
N_DRAWS = 400_000


@pytest.fixture(scope="module")
def draws():
    """N_DRAWS draws per lam, all lams in one call (one column each)."""
    return np.asarray(poisson_draws(jax.random.key(11), LAMS, (N_DRAWS, LAMS.size)))


def test_philox_known_answers():
    """Random123's known-answer vectors for Philox4x32-10."""
    cases = [
        ((0, 0), (0, 0, 0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
        ((0xFFFFFFFF,) * 2, (0xFFFFFFFF,) * 4, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
        (
            (0xA4093822, 0x299F31D0),
            (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
            (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1),
        ),
    ]
    for key, ctr, want in cases:
        got = _philox4x32(*(jnp.asarray([v], jnp.uint32) for v in key + ctr))
        assert tuple(int(w[0]) for w in got) == want


def test_alias_tables_are_the_rounded_poisson_cdf():
    """Each table row reproduces the Poisson CDF within 2^-33 (the rounding to 2^-32 units)."""
    table = _ALIAS_TABLE.reshape(64, 256).astype(np.int64)
    cap = 1 << 24
    for lam in range(64):
        coin, alias = table[lam] & (cap - 1), table[lam] >> 24
        keep = np.where(alias == np.arange(256), cap, coin)
        units = np.bincount(np.arange(256), keep, 256) + np.bincount(alias, cap - keep, 256)
        assert units.sum() == 2**32
        cdf = np.cumsum(units) / 2**32
        assert np.abs(cdf - stats.poisson.cdf(np.arange(256), lam)).max() <= 2**-33 + 1e-15


@pytest.mark.parametrize("j", range(LAMS.size))
def test_draws_match_scipy_poisson(draws, j):
    """Chi-square and sup-CDF distance to scipy's Poisson; exact below 64, Cornish-Fisher above."""
    lam, x = LAMS[j], draws[:, j]
    assert np.all(x == np.floor(x)) and np.all(x >= 0)
    if lam == 0:
        assert np.all(x == 0)
        return
    # Bins: single outcomes with expected count >= 20, tails pooled.
    k = np.arange(int(lam + 12 * np.sqrt(lam) + 12))
    expected = N_DRAWS * stats.poisson.pmf(k, lam)
    ok = k[expected >= 20]
    lo, hi = ok.min(), ok.max()
    obs = np.bincount(np.clip(x.astype(np.int64), lo, hi) - lo, minlength=hi - lo + 1)
    p = stats.poisson.pmf(np.arange(lo, hi + 1), lam)
    p[0], p[-1] = stats.poisson.cdf(lo, lam), stats.poisson.sf(hi - 1, lam)
    assert stats.chisquare(obs, N_DRAWS * p).pvalue > 1e-3
    ecdf = np.searchsorted(np.sort(x), k, side="right") / N_DRAWS
    assert np.abs(ecdf - stats.poisson.cdf(k, lam)).max() < 1.95 / np.sqrt(N_DRAWS)  # KS 0.1%
    assert abs(x.mean() - lam) < 4 * np.sqrt(lam / N_DRAWS)


def test_same_key_bit_identical_and_vmap_safe():
    lam = jnp.asarray([1.0, 5.0, 63.0, 64.0, 300.0])
    draw = jax.jit(lambda k: poisson_draws(k, lam, (64, 5)))
    keys = jax.random.split(jax.random.key(3), 4)
    a, b = np.asarray(draw(keys[0])), np.asarray(draw(keys[0]))
    assert np.array_equal(a, b)
    assert np.array_equal(a, np.asarray(poisson_draws(keys[0], lam, (64, 5))))  # eager too
    assert not np.array_equal(a, np.asarray(draw(keys[1])))
    batched = np.asarray(jax.vmap(draw)(keys))
    for i in range(4):
        assert np.array_equal(batched[i], np.asarray(draw(keys[i])))


def test_large_partition_gives_the_same_draws():
    """Drawing Cornish-Fisher only on the host-listed ``large_type`` columns changes nothing."""
    rng = np.random.default_rng(4)
    cell = rng.choice(40, size=6000, p=rng.dirichlet(np.ones(40) * 0.3))
    types = cluster_types(cell, np.arange(cell.size))
    lam = types.type_count
    assert 0 < np.sum(lam >= 64) < np.sum(lam > 0)
    g = lam.size
    large = types.large_type
    assert set(large[large < g]) == set(np.flatnonzero(lam >= 64))
    assert np.all(large[large >= g] == g)  # padding is out of range
    shape = (300, g)
    key = jax.random.key(5)
    parted = jax.jit(lambda k: poisson_draws(k, lam, shape, large))(key)
    general = jax.jit(lambda k: poisson_draws(k, lam, shape))(key)
    assert np.array_equal(np.asarray(parted), np.asarray(general))


@pytest.mark.parametrize("k, n_cells", [(3, 3), (24, 64)])  # narrow and wide (> 16) contents
def test_cluster_types_against_brute_force(k, n_cells):
    rng = np.random.default_rng(6)
    n_inputs = 300
    cluster = np.repeat(rng.permutation(n_inputs) * 7, k)  # arbitrary ids
    cell = rng.integers(0, n_cells, cluster.size)
    weight = rng.choice([0.5, 1.0, 2.0], size=cluster.size)
    types = cluster_types(cell, cluster, weight)
    want = Counter()
    for c in np.unique(cluster):
        content = Counter()
        for e, w in zip(cell[cluster == c], weight[cluster == c], strict=True):
            content[int(e)] += w
        want[tuple(sorted(content.items()))] += 1
    got = Counter()
    for g in np.flatnonzero(types.type_count > 0):
        sel = (types.entry_type == g) & (types.entry_weight > 0)
        pairs = zip(types.entry_cell[sel].tolist(), types.entry_weight[sel], strict=True)
        content = tuple(sorted(pairs))
        got[content] += int(types.type_count[g])
    assert got == want and types.n_clusters == n_inputs
    assert types.large_type.shape == (0,)  # no type has 64 members
