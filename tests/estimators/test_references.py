"""Plug-in and Miller-Madow agree with scipy, scikit-learn and dit to 1e-9 bits."""

import dit
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import mutual_info_score

import estimators as est

LN2 = np.log(2)


@pytest.fixture(params=[0, 1, 2])
def labels(request):
    rng = np.random.default_rng(request.param)
    a = rng.integers(0, 6, 500)
    b = (a + rng.integers(0, 3, 500)) % 7
    return a, b


def _table(a, b):
    return np.asarray(est.joint_counts(jnp.asarray(a), jnp.asarray(b), 6, 7))


def test_plugin_entropy_vs_scipy(labels):
    a, _ = labels
    counts = np.bincount(a, minlength=6)
    assert (
        abs(
            float(est.entropy_plugin(jnp.asarray(counts, jnp.float64)))
            - stats.entropy(counts, base=2)
        )
        < 1e-9
    )


def test_plugin_mi_vs_sklearn_and_dit(labels):
    a, b = labels
    ours = float(est.mutual_information(_table(a, b), "plugin"))
    assert abs(ours - mutual_info_score(a, b) / LN2) < 1e-9
    t = _table(a, b)
    cells = [(i, j) for i in range(6) for j in range(7) if t[i, j] > 0]
    d = dit.Distribution([f"{i}{j}" for i, j in cells], [t[i, j] / t.sum() for i, j in cells])
    assert abs(ours - dit.shannon.mutual_information(d, [0], [1])) < 1e-9
    h_cond = float(est.conditional_entropy(_table(a, b), "plugin"))
    assert abs(h_cond - dit.shannon.conditional_entropy(d, [0], [1])) < 1e-9


def test_miller_madow_vs_scipy_formula(labels):
    """MM = scipy plug-in + (m - 1) / (2 N ln 2) bits, for H[A] and I[A;B]."""
    a, b = labels
    t = _table(a, b)
    n = t.sum()

    def mm(c):
        c = c.ravel()
        return stats.entropy(c, base=2) + (np.count_nonzero(c) - 1) / (2 * n * LN2)

    expected = mm(t.sum(1)) + mm(t.sum(0)) - mm(t)
    assert abs(float(est.mutual_information(t, "miller_madow")) - expected) < 1e-9


def test_normalized_mi_vs_sklearn(labels):
    from sklearn.metrics import normalized_mutual_info_score

    a, b = labels
    ours = float(est.normalized_mutual_information(_table(a, b), "plugin", "arithmetic"))
    assert abs(ours - normalized_mutual_info_score(a, b)) < 1e-9
