"""Every operationalized node of the shipped registry runs on the zoo and gives a finite,
ordered interval (low <= score <= high)."""

import math
from pathlib import Path

import pytest

from taxonomy.evaluation.run import evaluate
from taxonomy.loader import load_registry

pytestmark = pytest.mark.slow

REGISTRY = Path(__file__).parents[2] / "registry.yaml"
OPERATIONALIZED = [i for i, n in load_registry(REGISTRY).nodes.items() if n.probe is not None]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    store = tmp_path_factory.mktemp("registry") / "results.sqlite"
    out = evaluate(REGISTRY, ["zoo:gpt2-tiny"], n=60, store=store)
    return {r.node_id: r for r in out.records}


def test_the_registry_operationalizes_at_least_15_behaviors():
    nodes = load_registry(REGISTRY).nodes
    assert len(nodes) >= 40
    assert {n.kind for n in nodes.values()} == {
        "benchmark",
        "skill",
        "behavior",
        "structure",
        "element",
    }
    behaviors = [i for i in OPERATIONALIZED if nodes[i].kind == "behavior"]
    assert len(behaviors) >= 15


@pytest.mark.parametrize("node_id", OPERATIONALIZED)
def test_node_scores_with_a_finite_ordered_interval(records, node_id):
    rec = records[node_id]
    assert rec.skipped is None, rec.skipped
    assert all(math.isfinite(x) for x in (rec.score, rec.ci_low, rec.ci_high)), rec
    assert rec.ci_low <= rec.score <= rec.ci_high
