"""Hypothesis properties of the plug-in measures: symmetry, chain rule, DPI, non-negativity."""

import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import estimators as est

tables = arrays(
    np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.integers(0, 50)
)


@settings(max_examples=60, deadline=None)
@given(tables)
def test_symmetry_and_nonnegativity(t):
    t = jnp.asarray(t, jnp.float64)
    i_ab = float(est.mutual_information(t, "plugin"))
    i_ba = float(est.mutual_information(t.T, "plugin"))
    assert abs(i_ab - i_ba) < 1e-9
    assert i_ab >= -1e-12


@settings(max_examples=60, deadline=None)
@given(tables)
def test_chain_rule(t):
    t = jnp.asarray(t, jnp.float64)
    terms = est.information_terms(t, "plugin")
    assert abs(float(terms.h_ab) - float(terms.h_b) - float(terms.h_a_given_b)) < 1e-9
    h_ab = float(est.entropy_plugin(t.ravel()))
    h_b = float(est.entropy_plugin(t.sum(0)))
    cond = sum(
        float(t[:, j].sum() / t.sum()) * float(est.entropy_plugin(t[:, j]))
        for j in range(t.shape[1])
        if float(t[:, j].sum()) > 0
    )
    assert abs(h_ab - h_b - cond) < 1e-9


@settings(max_examples=60, deadline=None)
@given(tables, st.data())
def test_data_processing_inequality(t, data):
    """Merging columns of B (a function f(B)) cannot increase I[A;B]."""
    t = np.asarray(t, np.float64)
    f = np.asarray(data.draw(st.lists(st.integers(0, 2), min_size=t.shape[1], max_size=t.shape[1])))
    merged = np.stack([t[:, f == g].sum(1) for g in range(3)], axis=1)
    i_b = float(est.mutual_information(jnp.asarray(t), "plugin"))
    i_fb = float(est.mutual_information(jnp.asarray(merged), "plugin"))
    assert i_fb <= i_b + 1e-9
