"""The main job's claims on the committed zoo: induction is real, localized and ablatable.

Independent truth here is architectural: induction heads need two attention layers (Olsson et
al. 2022, arXiv:2209.11895), so the 1-layer attention-only control must carry far fewer bits
of the induction behavior than the 2-layer transformer, and zeroing the heads a
prefix-matching detector finds must remove most of those bits.
"""

from pathlib import Path

import pytest

from taxonomy.evaluation.run import evaluate
from taxonomy.evaluation.verification import verify_model

pytestmark = pytest.mark.slow

REGISTRY = Path(__file__).parents[2] / "registry.yaml"
NODES = "in-context-copying,induction-heads"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("zoo") / "results.sqlite"
    evaluate(REGISTRY, ["zoo:gpt2-tiny", "zoo:attn1-tiny"], nodes=NODES, store=path)
    return path


def _by(records):
    return {(r.model, r.node_id): r for r in records}


def test_induction_is_above_zero_and_three_times_the_one_layer_control(store):
    got = _by(
        evaluate(REGISTRY, ["zoo:gpt2-tiny", "zoo:attn1-tiny"], nodes=NODES, store=store).records
    )
    two = got[("zoo:gpt2-tiny", "in-context-copying")]
    one = got[("zoo:attn1-tiny", "in-context-copying")]
    assert two.ci_low > 0, two
    assert two.score >= 3 * max(one.score, 0.0), (two.score, one.score)


def test_ablating_detected_induction_heads_removes_half_the_bits(store):
    got = _by(evaluate(REGISTRY, ["zoo:gpt2-tiny"], nodes=NODES, store=store).records)
    behavior = got[("zoo:gpt2-tiny", "in-context-copying")]
    structure = got[("zoo:gpt2-tiny", "induction-heads")]
    assert behavior.ci_low > 0, behavior  # there are induction bits to remove
    assert structure.details["heads"], "the detector located no head"
    assert structure.score >= 0.5 * behavior.score, (structure.score, behavior.score)


def test_same_command_twice_gives_identical_results(store, tmp_path):
    first = evaluate(REGISTRY, ["zoo:gpt2-tiny"], nodes=NODES, store=store)
    assert first.generated == 0  # warm: everything cached
    fresh = evaluate(REGISTRY, ["zoo:gpt2-tiny"], nodes=NODES, store=tmp_path / "again.sqlite")
    assert fresh.generated > 0
    strip = lambda rs: [(r.node_id, r.score, r.ci_low, r.ci_high, r.details) for r in rs]  # noqa: E731
    assert strip(fresh.records) == strip(first.records)


def test_verify_recomputes_the_stored_logprobs(store):
    report = verify_model("zoo:gpt2-tiny", store=store)
    assert report.passed, report.summary()
