"""Shared fixtures: exact joints with analytic information."""

import numpy as np
import pytest


def h2(p):
    """Entropy in bits of a probability array (zeros ignored)."""
    p = np.asarray(p, np.float64).ravel()
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def true_mi(joint):
    joint = np.asarray(joint, np.float64)
    joint = joint / joint.sum()
    return h2(joint.sum(1)) + h2(joint.sum(0)) - h2(joint)


@pytest.fixture
def dirichlet_16x16():
    return np.random.default_rng(0).dirichlet(np.ones(256)).reshape(16, 16)
