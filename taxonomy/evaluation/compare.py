"""``registry compare``: which behaviors two models share and where they differ.

The paper's Newformer question (arXiv:2308.00189, section 1.1). Both models see the same inputs
and seeds, so each behavior's I(A;B) difference is tested with a paired cluster bootstrap
(``estimators.paired_difference``): resampling inputs jointly cancels the input noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from taxonomy.evaluation.engine import Evaluation, Overrides
from taxonomy.evaluation.run import open_model
from taxonomy.store import DEFAULT_STORE, Store

ALPHA = 0.05
"""Two-sided significance level of 'differs'."""


@dataclass(frozen=True)
class Comparison:
    node_id: str
    bits_a: float
    ci_a: tuple[float, float]
    bits_b: float
    ci_b: tuple[float, float]
    delta: float  # bits of B minus bits of A
    ci_delta: tuple[float, float]
    p_value: float
    verdict: str  # shared | differs | neither | inconclusive

    def to_dict(self) -> dict:
        return self.__dict__ | {
            "ci_a": list(self.ci_a),
            "ci_b": list(self.ci_b),
            "ci_delta": list(self.ci_delta),
        }


def verdict(has_a: bool, has_b: bool, p_value: float) -> str:
    """Shared: both show it and no significant difference; differs: significant difference."""
    if p_value < ALPHA:
        return "differs"
    if has_a and has_b:
        return "shared"
    if not has_a and not has_b:
        return "neither"
    return "inconclusive"


def compare(
    model_a: str,
    model_b: str,
    registry: str | Path = "registry.yaml",
    *,
    nodes: str | None = None,
    backend: str | None = None,
    device: str = "auto",
    store: str | Path = DEFAULT_STORE,
    n: int | None = None,
    k: int | None = None,
    seed: int | None = None,
) -> list[Comparison]:
    """Paired comparison of every selected behavior on two models (samples cached)."""
    import jax

    from estimators import behavior_score, paired_difference
    from taxonomy.evaluation.behaviors import estimator_kwargs
    from taxonomy.loader import load_registry

    loaded = load_registry(registry)
    out = []
    with Store(store) as db:
        evaluation = Evaluation(loaded, db, Overrides(n=n, k=k, seed=seed))
        ids = [i for i in evaluation.plan(nodes) if loaded.nodes[i].kind == "behavior"]
        run_a = open_model(model_a, db, backend, device, "auto")
        run_b = open_model(model_b, db, backend, device, "auto")
        try:
            for node_id in ids:
                base_a = evaluation.baseline(run_a, node_id)
                base_b = evaluation.baseline(run_b, node_id)
                est = base_a.probe.estimator
                key = jax.random.key(est.seed)
                kw = estimator_kwargs(est)
                sa = behavior_score(
                    base_a.labels.a, base_a.labels.b, base_a.labels.cluster, key=key, **kw
                )
                sb = behavior_score(
                    base_b.labels.a, base_b.labels.b, base_b.labels.cluster, key=key, **kw
                )
                diff = paired_difference(
                    base_a.labels.a,
                    base_a.labels.b,
                    base_b.labels.a,
                    base_b.labels.b,
                    base_a.labels.cluster,
                    key=key,
                    **kw,
                )
                out.append(
                    Comparison(
                        node_id=node_id,
                        bits_a=sa.mi,
                        ci_a=(sa.ci_low, sa.ci_high),
                        bits_b=sb.mi,
                        ci_b=(sb.ci_low, sb.ci_high),
                        delta=diff.delta,
                        ci_delta=(diff.ci_low, diff.ci_high),
                        p_value=diff.p_value,
                        verdict=verdict(sa.ci_low > 0, sb.ci_low > 0, diff.p_value),
                    )
                )
            db.write_comparison(model_a, model_b, [c.to_dict() for c in out])
        finally:
            run_a.sampler.close()
            run_b.sampler.close()
    return out
