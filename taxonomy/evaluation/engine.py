"""The evaluation engine: registry nodes x models -> scored, stored, reproducible results.

Data flows one way (DESIGN.md): load + validate -> graph -> plan (nodes in dependency order,
cached samples and results) -> sample (backend) -> features -> estimators (JAX) -> store.
A result is reused when its key (node spec, model fingerprint, dependencies' specs, seeds,
estimator config, package versions, and the code that computes it: the features the node and
its dependencies use and the scoring modules) matches the stored one, so a warm rerun does no
work, a rerun after ``kill -9`` redoes only what was never committed, and an edited feature or
estimator rescores what it affects (from cached samples) instead of reusing a stale result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

import networkx as nx
import numpy as np

from taxonomy.evaluation import behaviors, mapping, mechanisms, tasks
from taxonomy.evaluation.provenance import digest, package_versions
from taxonomy.evaluation.sampling import Sampler
from taxonomy.evaluation.selectors import select_nodes
from taxonomy.features import generate_inputs
from taxonomy.graph import score_dependencies
from taxonomy.schema import BehaviorProbe, Estimator, Inputs, Metamodel, Sampling, TaskProbe
from taxonomy.store import ResultRecord, Store

SCORING_CODE = (
    "estimators",
    "taxonomy.heads",
    "taxonomy.evaluation.behaviors",
    "taxonomy.evaluation.engine",
    "taxonomy.evaluation.mapping",
    "taxonomy.evaluation.mechanisms",
    "taxonomy.evaluation.tasks",
)
"""Modules whose code turns samples into scores (their fingerprints are part of result keys)."""

_ORDER = {"behavior": 0, "structure": 1, "element": 2, "skill": 3, "benchmark": 4}
"""Evaluation order: structures ablate behaviors; skills read behaviors' predictors."""


class Reporter(Protocol):
    """Progress callbacks (the CLI draws rich progress bars; tests pass None)."""

    def planned(self, n_nodes: int) -> None: ...
    def node_started(self, model: str, node_id: str, samples_todo: int) -> None: ...
    def samples_done(self, n: int) -> None: ...
    def node_finished(self, record: ResultRecord, cached: bool) -> None: ...


Seeded = TypeVar("Seeded", Estimator, Metamodel)


@dataclass(frozen=True)
class Overrides:
    """Command-line overrides of every probe: inputs n, samples per input k, one seed."""

    n: int | None = None
    k: int | None = None
    seed: int | None = None

    def inputs(self, inputs: Inputs) -> Inputs:
        update = {}
        if self.n is not None:
            update["n"] = self.n
        if self.seed is not None:
            update["seed"] = self.seed
        return inputs.model_copy(update=update)

    def sampling(self, sampling: Sampling) -> Sampling:
        update = {}
        if self.k is not None and sampling.temperature > 0:  # greedy stays k = 1
            update["k"] = self.k
        if self.seed is not None:
            update["seed"] = self.seed
        return sampling.model_copy(update=update)

    def seeded(self, cfg: Seeded) -> Seeded:
        """``cfg`` (an Estimator or Metamodel) with the command-line seed, if one was given."""
        return cfg if self.seed is None else cfg.model_copy(update={"seed": self.seed})


@dataclass
class _Baseline:
    probe: BehaviorProbe
    examples: list
    samples: list
    labels: behaviors.Labelled


@dataclass
class ModelRun:
    """Everything one model's evaluation shares across nodes."""

    model: str
    backend_name: str
    fingerprint: str
    sampler: Sampler
    baselines: dict[str, _Baseline] = field(default_factory=dict)
    detected: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


def _no_heads(run: ModelRun) -> str | None:
    """Why head detectors and head ablation cannot run on this model (None if they can)."""
    from taxonomy.heads import attention_heads

    model = run.sampler.backend.torch_model
    if attention_heads(model):
        return None
    return f"{type(model).__name__} has no attention heads to detect or ablate"


class Evaluation:
    """Evaluates selected nodes of one loaded registry on models, writing to a store."""

    def __init__(
        self,
        loaded,
        store: Store,
        overrides: Overrides = Overrides(),
        reporter: Reporter | None = None,
    ) -> None:
        self.loaded = loaded
        self.graph: nx.DiGraph = loaded.graph
        self.store = store
        self.overrides = overrides
        self.reporter = reporter

    # -- plan ------------------------------------------------------------------------------
    def plan(self, selector: str | None) -> list[str]:
        """Selected operationalized nodes, lower levels first (dependencies before users)."""
        chosen = select_nodes(self.graph, selector, self.loaded.path)
        return sorted(
            (i for i in chosen if self._node(i).probe is not None),
            key=lambda i: _ORDER[self._node(i).kind],
        )

    def _node(self, node_id: str):
        return self.loaded.nodes[node_id]

    # -- run -------------------------------------------------------------------------------
    def run(self, model_run: ModelRun, node_ids: list[str]) -> list[ResultRecord]:
        ordered = sorted(node_ids, key=lambda i: _ORDER[self._node(i).kind])
        return [self._evaluate_node(model_run, node_id) for node_id in ordered]

    def _evaluate_node(self, run: ModelRun, node_id: str) -> ResultRecord:
        node = self._node(node_id)
        deps = score_dependencies(self.graph, node_id)
        code = self._code(node_id, deps)
        key = self._result_key(run, node_id, deps, code)
        for rec in self.store.results(model=run.model, node=node_id):
            if rec.provenance.get("result_key") == key:
                if self.reporter:
                    self.reporter.node_finished(rec, cached=True)
                return rec
        if self.reporter:
            self.reporter.node_started(run.model, node_id, self._samples_todo(run, node))
        handler: Callable = {
            "behavior": self._behavior,
            "structure": self._structure,
            "element": self._element,
            "skill": self._task,
            "benchmark": self._task,
        }[node.kind]
        from taxonomy.backends import BackendError, white_box_skip_reason
        from taxonomy.backends.base import ModelLoadError

        reason = None
        if node.kind in ("structure", "element"):
            reason = white_box_skip_reason(run.sampler.backend, node_id) or _no_heads(run)
        cache = True
        try:
            fields = {"skipped": reason} if reason else handler(run, node)
        except ModelLoadError:
            raise
        except BackendError as err:  # this node's inputs cannot be sampled: say so, go on
            fields, cache = {"skipped": f"could not sample: {err}"}, False
        rec = ResultRecord(
            node_id=node_id,
            kind=node.kind,
            model=run.model,
            model_fingerprint=run.fingerprint,
            backend=run.backend_name,
            provenance=self._provenance(run, node_id, deps, key, code),
            **fields,
        )
        if cache:  # a sampling failure is reported, never cached as a result
            self.store.write_result(rec)
        if self.reporter:
            self.reporter.node_finished(rec, cached=False)
        return rec

    def _samples_todo(self, run: ModelRun, node) -> int:
        probe = node.probe
        if node.kind == "behavior" or (isinstance(probe, TaskProbe) and probe.inputs):
            inputs = self.overrides.inputs(probe.inputs)
            return inputs.n * self.overrides.sampling(probe.sampling).k
        return 0

    # -- behaviors -------------------------------------------------------------------------
    def _probe(self, node_id: str) -> BehaviorProbe:
        probe = self._node(node_id).probe
        return probe.model_copy(
            update={
                "inputs": self.overrides.inputs(probe.inputs),
                "sampling": self.overrides.sampling(probe.sampling),
                "estimator": self.overrides.seeded(probe.estimator),
            }
        )

    def _examples(self, inputs: Inputs) -> list:
        transforms = [(t.name, t.params) for t in inputs.transforms]
        return generate_inputs(inputs.generator, inputs.params, inputs.n, inputs.seed, transforms)

    def baseline(self, run: ModelRun, node_id: str) -> _Baseline:
        if node_id not in run.baselines:
            probe = self._probe(node_id)
            examples = self._examples(probe.inputs)
            samples = run.sampler.sample([e.prompt for e in examples], probe.sampling)
            labels = behaviors.labelled(probe, examples, samples)
            run.baselines[node_id] = _Baseline(probe, examples, samples, labels)
        return run.baselines[node_id]

    def _behavior(self, run: ModelRun, node) -> dict:
        base = self.baseline(run, node.id)
        details = behaviors.score_labels(base.labels, base.probe)
        if run.model.startswith("zoo:"):  # the training data is known: compute Fig. 6's class
            from taxonomy.zoo import corpus_stats

            details["mapping"] = mapping.compare_mapping(
                node.mapping, corpus_stats(), base.probe.inputs.generator, details["ci_low"]
            )
        return {
            "score": details["mi"],
            "ci_low": details["ci_low"],
            "ci_high": details["ci_high"],
            "details": details,
            "examples": behaviors.examples_preview(base.examples, base.samples, base.labels),
        }

    # -- structures and elements -----------------------------------------------------------
    def _structure(self, run: ModelRun, node) -> dict:
        probe = node.probe
        heads = self._detect(run, node.id)
        if not heads:
            params = probe.detector.params or {}
            return {
                "skipped": f"detector {probe.detector.name} found no heads on this model "
                f"(params {params})"
            }
        diff = self._ablate(run, probe.behavior, heads, probe.ablation)
        return {
            "score": diff["delta"],
            "ci_low": diff["ci_low"],
            "ci_high": diff["ci_high"],
            "details": {
                **diff,
                "heads": [f"{a}.{b}" for a, b in heads],
                "behavior": probe.behavior,
            },
        }

    def _detect(self, run: ModelRun, structure_id: str) -> list[tuple[int, int]]:
        if structure_id not in run.detected:
            probe = self._node(structure_id).probe
            run.detected[structure_id] = mechanisms.detect(run.sampler.backend, probe.detector)
        return run.detected[structure_id]

    def _ablate(self, run: ModelRun, behavior_id: str, heads, method: str) -> dict:
        base = self.baseline(run, behavior_id)
        prompts = [e.prompt for e in base.examples]

        def sample(variant: str):
            return run.sampler.sample(prompts, base.probe.sampling, variant=variant)

        a_ablated = mechanisms.ablated_labels(
            run.sampler.backend, heads, method, base.probe, base.examples, sample, base.labels
        )
        return mechanisms.bits_lost(base.labels, a_ablated, base.probe)

    def _element(self, run: ModelRun, node) -> dict:
        from taxonomy.heads import attention_heads

        deps = score_dependencies(self.graph, node.id)
        if not deps:
            return {"skipped": "no operationalized parent structure names a behavior to ablate"}
        parent, behavior_id = deps[0], deps[-1]
        units = attention_heads(run.sampler.backend.torch_model)
        per_unit = {}
        for head in units:
            diff = self._ablate(run, behavior_id, [head], node.probe.ablation)
            per_unit[f"{head[0]}.{head[1]}"] = diff
        best = max(per_unit, key=lambda u: per_unit[u]["delta"])
        return {
            "score": per_unit[best]["delta"],
            "ci_low": per_unit[best]["ci_low"],
            "ci_high": per_unit[best]["ci_high"],
            "details": {
                "per_unit": per_unit,
                "best_unit": best,
                "structure": parent,
                "behavior": behavior_id,
            },
        }

    # -- skills and benchmarks -------------------------------------------------------------
    def _task(self, run: ModelRun, node) -> dict:
        import jax

        from estimators import behavior_score, metamodel_information

        probe: TaskProbe = node.probe
        if probe.samples is not None:
            base = Path(self.loaded.path).parent
            examples, success = tasks.load_lm_eval_samples(probe.samples, base)
            cluster = np.arange(len(examples), dtype=np.int32)
            per_input = [[s] for s in success]
        else:
            inputs = self.overrides.inputs(probe.inputs)
            sampling = self.overrides.sampling(probe.sampling)
            examples = self._examples(inputs)
            samples = run.sampler.sample([e.prompt for e in examples], sampling)
            from taxonomy.features import observe

            ref = probe.success
            per_input = [
                [int(observe(ref.name, ref.params, e, s)) for s in g]
                for e, g in zip(examples, samples, strict=True)
            ]
            success = np.array([v for g in per_input for v in g], dtype=np.int32)
            cluster = np.array([i for i, g in enumerate(per_input) for _ in g], dtype=np.int32)
        reps = np.array([len(g) for g in per_input])
        children = score_dependencies(self.graph, node.id)
        predictors = {c: self._node(c).probe.predictor for c in children}
        feats, child_labels, skipped = tasks.child_features(predictors, examples)
        meta_cfg = self.overrides.seeded(probe.metamodel)
        key = jax.random.key(meta_cfg.seed)
        details: dict = {
            "success_rate": float(success.mean()),
            "n_samples": int(success.size),
            "features": list(child_labels),
            "skipped_children": skipped,
        }
        constant = success.min() == success.max()
        if constant:
            details["note"] = f"success is constant ({success.mean():.0%}): nothing to explain"
        if not child_labels:
            return {
                "skipped": "no child behavior's predictor applies to this task's inputs",
                "details": details,
            }
        if constant:  # H(success) = 0, so every I(success; .) is exactly 0: nothing to estimate
            zero = {"bits": 0.0, "ci_low": 0.0, "ci_high": 0.0}
            details["per_edge"] = {child: dict(zero) for child in child_labels}
            return {"score": 0.0, "ci_low": 0.0, "ci_high": 0.0, "details": details}
        meta = metamodel_information(
            np.repeat(feats, reps, axis=0),
            success,
            cluster,
            key=key,
            n_classes=2,
            folds=meta_cfg.folds,
            hidden=meta_cfg.hidden,
            steps=meta_cfg.epochs,
        ).to_dict()
        per_edge = {}
        for child, ids in child_labels.items():
            edge = behavior_score(success, np.repeat(ids, reps), cluster, key=key)
            per_edge[child] = {"bits": edge.mi, "ci_low": edge.ci_low, "ci_high": edge.ci_high}
        details.update(metamodel=meta, per_edge=per_edge)
        return {
            "score": meta["info_lower_bound"],
            "ci_low": meta.get("ci_low"),
            "ci_high": meta.get("ci_high"),
            "details": details,
        }

    # -- provenance ------------------------------------------------------------------------
    def _code(self, node_id: str, deps: list[str]) -> dict[str, str]:
        """Fingerprints of the code this node's score runs (see features/sources.py); `deps`:
        its `score_dependencies`, as for the two methods below."""
        from taxonomy.features.sources import code_fingerprints
        from taxonomy.loader import feature_uses

        ids = [node_id, *deps]
        used = [(c, n) for i in ids for c, n, *_ in feature_uses(self._node(i))]
        return code_fingerprints(used, SCORING_CODE)

    def _result_key(self, run: ModelRun, node_id: str, deps: list[str], code: dict) -> str:
        return digest(
            {
                "node": self.loaded.node_hash(node_id),
                "deps": {d: self.loaded.node_hash(d) for d in deps},
                "model": run.fingerprint,
                "backend": run.backend_name,
                "overrides": self.overrides.__dict__,
                "versions": package_versions(),
                "code": code,
            }
        )

    def _provenance(
        self, run: ModelRun, node_id: str, deps: list[str], key: str, code: dict[str, str]
    ) -> dict:
        prov = {
            "result_key": key,
            "registry_hash": self.loaded.hash,
            "node_hash": self.loaded.node_hash(node_id),
            "model": run.model,
            "model_fingerprint": run.fingerprint,
            "backend": run.backend_name,
            "overrides": self.overrides.__dict__,
            "versions": package_versions(),
            "code": code,
        }
        behavior_ids = [node_id] if self._node(node_id).kind == "behavior" else []
        behavior_ids += [d for d in deps if self._node(d).kind == "behavior"]
        prov["probes"] = {}
        for b in behavior_ids:
            probe = self._probe(b)
            prov["probes"][b] = {
                "seeds": {
                    "inputs": probe.inputs.seed,
                    "sampling": probe.sampling.seed,
                    "estimator": probe.estimator.seed,
                },
                "sampling": probe.sampling.model_dump(),
                "estimator": probe.estimator.model_dump(),
            }
        return prov
