"""Coverage of the default 95% interval over 200 seeded replications (i.i.d. and clustered).

Each replication draws a fresh data set from a known joint, runs the production bootstrap
(``estimators.score._replicate_terms``, the code ``behavior_score`` calls) under ``jax.vmap``
across replications, and checks the default interval (bias-corrected normal) against the truth.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import true_mi

import estimators  # noqa: F401  (enables float64)
from estimators.bootstrap import ClusterTypes, cluster_types, interval
from estimators.counts import bucket, pad_to_bucket
from estimators.information import DEFAULT_METHOD
from estimators.score import _replicate_terms

REPS, N_BOOT = 200, 200


def _model(n_a, n_b, n_types, seed):
    """Inputs of ``n_types`` kinds; B = kind mod n_b, A | kind ~ Dirichlet(1/2) row."""
    rng = np.random.default_rng(seed)
    p_t = rng.dirichlet(np.ones(n_types) * 5)
    p_a_t = rng.dirichlet(np.ones(n_a) * 0.5, size=n_types)
    b_of_t = np.arange(n_types) % n_b
    joint = np.zeros((n_a, n_b))
    for t in range(n_types):
        joint[:, b_of_t[t]] += p_t[t] * p_a_t[t]
    return p_t, p_a_t, b_of_t, joint


def _coverage(n_a, n_b, n_inputs, k, n_types, seed):
    p_t, p_a_t, b_of_t, joint = _model(n_a, n_b, n_types, seed)
    truth = true_mi(joint)
    rng = np.random.default_rng(seed + 1)
    k_pad, l_pad = bucket(n_a, 2), bucket(n_b, 2)
    all_types = []
    for _ in range(REPS):
        t = rng.choice(n_types, size=n_inputs, p=p_t)
        cl = np.repeat(np.arange(n_inputs), k)
        a = (rng.random((n_inputs * k, 1)) > np.cumsum(p_a_t[t[cl]], 1)).sum(1)
        all_types.append(cluster_types(np.minimum(a, n_a - 1) * l_pad + b_of_t[t[cl]], cl))
    e = max(x.entry_type.size for x in all_types)
    g = max(x.type_count.size for x in all_types)
    stacked = ClusterTypes(
        *(
            np.stack([pad_to_bucket(getattr(x, f), size) for x in all_types])
            for f, size in (
                ("entry_type", e),
                ("entry_cell", e),
                ("entry_weight", e),
                ("type_count", g),
            )
        ),
        n_clusters=np.full(REPS, n_inputs),
    )
    run = partial(
        _replicate_terms, method=DEFAULT_METHOD, n_tables=1, k_pad=k_pad, l_pad=l_pad, n_boot=N_BOOT
    )
    keys = jax.random.split(jax.random.key(seed), REPS)
    (mi, *_), (r_mi, *_) = jax.jit(jax.vmap(run, in_axes=(0, 0, None, None)))(
        keys, stacked, n_a, n_b
    )
    ci = interval(mi[:, 0], r_mi[..., 0], 0.95)
    covered = (ci.low <= truth) & (truth <= ci.high)
    return float(np.mean(np.asarray(covered))), truth, float(jnp.mean(mi[:, 0]))


@pytest.mark.parametrize(
    "n_a, n_b, n_inputs, k, n_types",
    [
        (4, 4, 200, 1, 8),  # i.i.d., small N = 200 on a 4x4 joint
        (4, 4, 50, 4, 8),  # clustered, 50 inputs x k = 4
        pytest.param(16, 16, 10_000, 1, 32, marks=pytest.mark.slow),  # i.i.d., N = 10,000
        pytest.param(16, 16, 2_500, 4, 32, marks=pytest.mark.slow),  # 2,500 inputs x k = 4
    ],
)
def test_default_interval_covers_truth(n_a, n_b, n_inputs, k, n_types):
    cover, truth, mean_est = _coverage(n_a, n_b, n_inputs, k, n_types, seed=7)
    assert truth > 0.1  # a non-trivial dependence, not a boundary case
    assert cover >= 0.90, f"coverage {cover:.3f} (truth {truth:.4f}, mean estimate {mean_est:.4f})"
