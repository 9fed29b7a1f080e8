"""Structure and element scores: bits of a behavior that vanish when model units are ablated.

A structure's detector (e.g. prefix matching, Olsson et al. 2022, arXiv:2209.11895) locates the
heads that carry it; its score is I(A;B) before minus I(A;B) with those heads zeroed, on the
same inputs and seeds, with a paired cluster bootstrap. An element's score is the same
difference for one head alone. Differences are never clipped: ablating a head can *raise*
I(A;B) when it removes false copying more than true copying.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from taxonomy import features
from taxonomy.evaluation.behaviors import Labelled, estimator_kwargs, label_samples
from taxonomy.schema import BehaviorProbe, FeatureRef


def detect(backend, detector: FeatureRef) -> list[tuple[int, int]]:
    """Run a registered detector on the backend's torch model: the heads that carry it."""
    heads = features.detect(detector.name, detector.params, backend.torch_model, backend.tokenizer)
    return [(int(layer), int(head)) for layer, head in heads]


def variant(heads: list[tuple[int, int]], method: str) -> str:
    """The cache-key suffix of an ablated model state."""
    return "|ablate:" + method + ":" + ",".join(f"{layer}.{head}" for layer, head in heads)


def ablated_labels(
    backend,
    heads: list[tuple[int, int]],
    method: str,
    probe: BehaviorProbe,
    examples,
    sample_fn: Callable,
    baseline: Labelled,
) -> np.ndarray:
    """Observable labels of the behavior with ``heads`` ablated, encoded like the baseline."""
    from taxonomy.heads import ablate_heads

    with ablate_heads(backend.torch_model, heads, method=method):
        samples = sample_fn(variant(heads, method))
    b_raw, a_raw, _ = label_samples(probe.predictor, probe.observable, examples, samples)
    return _encode_like(a_raw, baseline.a_names)


def _encode_like(raw, names: list[str]) -> np.ndarray:
    """Encode labels with the baseline's ids, appending unseen labels after them."""
    index = {n: i for i, n in enumerate(names)}
    extra = sorted({str(x) for x in raw} - set(index))
    for n in extra:
        index[n] = len(index)
    return np.array([index[str(x)] for x in raw], dtype=np.int32)


def bits_lost(baseline: Labelled, a_ablated: np.ndarray, probe: BehaviorProbe) -> dict:
    """I(A;B) intact minus I(A;B) ablated, paired over the same inputs; never clipped."""
    import jax

    from estimators import paired_difference

    est = probe.estimator
    diff = paired_difference(
        a_ablated,
        baseline.b,
        baseline.a,
        baseline.b,
        baseline.cluster,
        key=jax.random.key(est.seed),
        **estimator_kwargs(est),
    )
    return diff.to_dict()
