"""Joint counts from paired labels, and power-of-two padding so ``jit`` sees few shapes.

Samples are padded with zero weight to the next power of two (``bucket``), so N = 900 and
N = 1000 share one compiled program.  Counting is a float64 scatter-add: float32 sums stop being
exact at 2^24 counts.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np


def bucket(n: int, minimum: int = 8) -> int:
    """Smallest power of two ``>= max(n, minimum)``."""
    n = max(int(n), minimum)
    return 1 << (n - 1).bit_length()


def pad_to_bucket(x, size: int, fill=0):
    """Pad the leading axis of a host array to ``size`` with ``fill``."""
    x = np.asarray(x)
    if x.shape[0] > size:
        raise ValueError(f"array of length {x.shape[0]} does not fit bucket {size}")
    pad = [(0, size - x.shape[0])] + [(0, 0)] * (x.ndim - 1)
    return np.pad(x, pad, constant_values=fill)


def joint_counts(a, b, n_a: int, n_b: int, weights=None):
    """Weighted contingency table ``counts[i, j] = sum_s w_s [a_s = i, b_s = j]`` (float64).

    Args:
      a, b: integer labels of shape (N,), in ``[0, n_a)`` and ``[0, n_b)``.
      n_a, n_b: static alphabet sizes (pass them as static arguments under ``jit``).
      weights: optional per-sample weights (N,); padding samples carry weight 0.

    Returns:
      Array of shape (n_a, n_b).
    """
    a = jnp.asarray(a)
    b = jnp.asarray(b)
    flat = a * n_b + b
    if weights is None and a.shape[0] < 2**31:
        # Unweighted counts are exact in int32 (below 2^31 samples), and an int32 scatter-add
        # runs about 2.5x faster than a float64 one on CPU (benchmarks/estimators.py).
        out = jnp.zeros((n_a * n_b,), jnp.int32).at[flat].add(1, mode="drop")
        return out.astype(jnp.float64).reshape(n_a, n_b)
    w = jnp.ones(a.shape, jnp.float64) if weights is None else jnp.asarray(weights, jnp.float64)
    out = jnp.zeros((n_a * n_b,), jnp.float64).at[flat].add(w, mode="drop")
    return out.reshape(n_a, n_b)


def alphabet_size(labels, given: int | None = None) -> int:
    """Alphabet size of host labels (max + 1), checked against ``given`` when passed."""
    labels = np.asarray(labels)
    if labels.size and labels.min() < 0:
        raise ValueError("labels must be non-negative integers 0..K-1")
    inferred = int(labels.max()) + 1 if labels.size else 1
    if given is None:
        return inferred
    if inferred > given:
        raise ValueError(f"label {inferred - 1} out of range for alphabet size {given}")
    return int(given)
