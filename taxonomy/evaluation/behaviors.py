"""Behavior scores: label every sample with B(x) and A(x, y), then estimate I(A; B) in bits.

The k samples of one input share a cluster id, so the bootstrap resamples inputs, not samples
(DESIGN.md). The MDL description length |C(B)| is the compressed size of the predictor's
canonical spec (``estimators.description_length_bits``), so it is declared and reproducible.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from taxonomy.features import Example, observe, predict
from taxonomy.schema import BehaviorProbe, Estimator, FeatureRef
from taxonomy.store import StoredSample


@dataclass(frozen=True)
class Labelled:
    """The paired labels of one behavior on one model state (flattened over n x k)."""

    a: np.ndarray  # observable label ids
    b: np.ndarray  # predictor label ids
    cluster: np.ndarray  # input index of each sample
    a_names: list[str]
    b_names: list[str]


def encode(labels: Sequence) -> tuple[np.ndarray, list[str]]:
    """Map arbitrary labels to 0..K-1 by their sorted string form (deterministic)."""
    names = sorted({str(x) for x in labels})
    index = {n: i for i, n in enumerate(names)}
    return np.array([index[str(x)] for x in labels], dtype=np.int32), names


def label_samples(
    predictor: FeatureRef,
    observable: FeatureRef,
    examples: Sequence[Example],
    samples: Sequence[Sequence[StoredSample]],
) -> tuple[list, list, list[int]]:
    """Raw (b, a, cluster) per sample: B(x) repeated over the k samples of input x."""
    b_raw, a_raw, cluster = [], [], []
    for i, (ex, group) in enumerate(zip(examples, samples, strict=True)):
        b = predict(predictor.name, predictor.params, ex)
        for s in group:
            b_raw.append(b)
            a_raw.append(observe(observable.name, observable.params, ex, s))
            cluster.append(i)
    return b_raw, a_raw, cluster


def labelled(probe: BehaviorProbe, examples, samples) -> Labelled:
    b_raw, a_raw, cluster = label_samples(probe.predictor, probe.observable, examples, samples)
    a, a_names = encode(a_raw)
    b, b_names = encode(b_raw)
    return Labelled(a, b, np.asarray(cluster, dtype=np.int32), a_names, b_names)


def predictor_bits(predictor: FeatureRef) -> float:
    """|C(B)|: the declared description length of the predictor, in bits."""
    from estimators import description_length_bits

    spec = json.dumps(predictor.model_dump(), sort_keys=True, separators=(",", ":"))
    return float(description_length_bits(spec))


def estimator_kwargs(est: Estimator) -> dict:
    kwargs = {"n_boot": est.n_boot, "level": est.level}
    if est.method != "default":
        kwargs["method"] = est.method
    return kwargs


def score_labels(lab: Labelled, probe: BehaviorProbe) -> dict:
    """The behavior's score dict: I(A;B) with CI, H(A), H(A|B), ceiling, explained, MDL."""
    import jax

    from estimators import behavior_score

    est = probe.estimator
    score = behavior_score(
        lab.a,
        lab.b,
        lab.cluster,
        key=jax.random.key(est.seed),
        description_bits=predictor_bits(probe.predictor),
        alpha=est.alpha,
        **estimator_kwargs(est),
    )
    details = score.to_dict()
    details["observable_labels"] = lab.a_names[:64]
    details["predictor_labels"] = lab.b_names[:64]
    return details


def examples_preview(examples, samples, lab: Labelled, limit: int = 3) -> list[dict]:
    """A few (prompt, completion, B, A) rows for reports and the site."""
    out = []
    for i in range(min(limit, len(examples))):
        j = int(np.flatnonzero(lab.cluster == i)[0])
        out.append(
            {
                "prompt": examples[i].prompt,
                "completion": samples[i][0].text,
                "predictor": lab.b_names[lab.b[j]],
                "observable": lab.a_names[lab.a[j]],
            }
        )
    return out
