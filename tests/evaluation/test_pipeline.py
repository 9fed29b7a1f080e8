"""The evaluation pipeline end to end on recorded generations with an analytic answer.

A replay file plays a "model" that copies the induction target when the repeated prefix has
odd length j (j uniform on 1..3, so with probability p = 2/3, independently of the target) and
says "zzz" otherwise. With the target uniform over K pool words, B = target, A = first word:
H(A|B) = h2(p), H(A) = h2(p) + p log2(K), so I(A;B) = p log2(K) = 2 bits exactly, and with one
greedy sample per input the ceiling I(A;X) is H(A).
"""

import json
import math
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from taxonomy.cli import app
from taxonomy.evaluation.run import evaluate
from taxonomy.features import generate_inputs
from taxonomy.zoo import ZOO_DIR

K = 8
N = 400
PARAMS = {"pool_size": K, "span_length": 4}

REGISTRY = textwrap.dedent(
    f"""\
    version: "0.1"
    nodes:
      - id: copying
        kind: behavior
        name: Copying
        summary: Copies the induction target.
        status: operationalized
        since: "0.1"
        probe:
          inputs: {{generator: repeated_tokens, params: {json.dumps(PARAMS)}, n: {N}}}
          sampling: {{max_new_tokens: 2}}
          predictor: {{name: induction_target}}
          observable: {{name: first_word}}
      - id: copy-heads
        kind: structure
        name: Copy heads
        summary: Heads that copy.
        parents: [copying]
        status: operationalized
        since: "0.1"
        probe:
          detector: {{name: prefix_matching}}
          behavior: copying
    """
)


@pytest.fixture
def workspace(tmp_path):
    registry = tmp_path / "registry.yaml"
    registry.write_text(REGISTRY)
    examples = generate_inputs("repeated_tokens", PARAMS, N, 0, [])
    answers = {
        e.prompt: e.meta["target"] if e.meta["repeat_length"] % 2 else "zzz" for e in examples
    }
    rows = [{"prompt": p, "seed": 0, "text": " " + a} for p, a in answers.items()]
    replay = tmp_path / "model.jsonl"
    replay.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return tmp_path, registry, replay


def test_scores_match_the_analytic_information(workspace):
    tmp, registry, replay = workspace
    out = evaluate(registry, [str(replay)], store=tmp / "s.sqlite")
    by_node = {r.node_id: r for r in out.records}
    rec = by_node["copying"]
    p = 2 / 3
    h2 = -p * math.log2(p) - (1 - p) * math.log2(1 - p)
    truth = p * math.log2(K)
    assert rec.ci_low <= truth <= rec.ci_high, rec
    assert rec.ci_low <= rec.score <= rec.ci_high
    assert abs(rec.score - truth) < 0.15
    assert abs(rec.details["h_a_given_b"] - h2) < 0.1
    assert abs(rec.details["ceiling"] - (h2 + truth)) < 0.15  # = H(A), one sample per input
    prov = rec.provenance
    assert prov["registry_hash"] and prov["node_hash"] and prov["model_fingerprint"]
    assert prov["probes"]["copying"]["seeds"] == {"inputs": 0, "sampling": 0, "estimator": 0}
    assert "jax" in prov["versions"] and "python" in prov["versions"]
    # black-box backend: the structure is skipped with its reason, not scored
    skipped = by_node["copy-heads"]
    assert skipped.score is None and "white-box" in skipped.skipped


def test_rerun_is_cached_and_identical(workspace):
    tmp, registry, replay = workspace
    first = evaluate(registry, [str(replay)], store=tmp / "s.sqlite")
    again = evaluate(registry, [str(replay)], store=tmp / "s.sqlite")
    distinct = len({e.prompt for e in generate_inputs("repeated_tokens", PARAMS, N, 0, [])})
    assert first.generated == distinct < N  # equal prompts share one cached sample
    assert again.generated == 0
    assert [r.model_dump() for r in again.records] == [r.model_dump() for r in first.records]


def _run(*args):
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def test_clear_errors_keep_cached_work(workspace):
    tmp, registry, replay = workspace
    store = tmp / "s.sqlite"
    bad = tmp / "broken.jsonl"
    bad.write_text('{"prompt": "x", "seed": 0, "text": "y"}\n{not json\n')
    result = _run(
        "evaluate",
        "-r",
        str(registry),
        "--store",
        str(store),
        "--model",
        str(replay),
        "--model",
        str(bad),
    )
    assert result.exit_code == 1
    assert "broken.jsonl:2" in result.output
    with sqlite3.connect(store) as db:  # the first model's work is committed
        assert db.execute("SELECT COUNT(*) FROM samples").fetchone()[0] > 0
        assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("/no/such/model", "not found"),
        ("http://127.0.0.1:9/v1#m", "cannot reach"),
        ("zoo:gtp2-tiny", "did you mean"),
    ],
)
def test_unusable_models_get_one_clear_message(workspace, model, message):
    tmp, registry, _ = workspace
    result = _run(
        "evaluate", "-r", str(registry), "--store", str(tmp / "s.sqlite"), "--model", model
    )
    assert result.exit_code == 1
    assert message in result.output.lower()


def test_broken_weights_stop_the_run_with_one_message(workspace):
    """A local model is fingerprinted from its files and loaded lazily: if loading then fails,
    the evaluation stops with the loader's message instead of skipping node after node."""
    tmp, registry, replay = workspace
    broken = tmp / "broken-model"
    shutil.copytree(ZOO_DIR / "attn1-tiny", broken)
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    store = tmp / "s.sqlite"
    args = ["evaluate", "-r", str(registry), "--store", str(store)]
    result = _run(*args, "--model", str(replay), "--model", str(broken))
    assert result.exit_code == 1
    assert "broken-model" in result.output
    with sqlite3.connect(store) as db:  # the replay model's work is kept; nothing is cached
        models = {m for (m,) in db.execute("SELECT DISTINCT model FROM results")}
    assert models == {str(replay)}


def test_cached_local_model_is_never_loaded(workspace):
    """A fully cached rerun on a zoo model gives the same records without importing torch."""
    tmp, registry, _ = workspace
    store = tmp / "s.sqlite"
    first = evaluate(registry, ["zoo:attn1-tiny"], store=store)
    code = (
        "import json, sys; from taxonomy.evaluation.run import evaluate; "
        f"out = evaluate({str(registry)!r}, ['zoo:attn1-tiny'], store={str(store)!r}); "
        "print(json.dumps([out.generated, 'torch' in sys.modules, "
        "[r.model_dump(mode='json') for r in out.records]]))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    generated, imported_torch, records = json.loads(run.stdout.strip().splitlines()[-1])
    assert generated == 0 and not imported_torch
    assert records == [r.model_dump(mode="json") for r in first.records]


def test_selector_matching_nothing(workspace):
    tmp, registry, replay = workspace
    result = _run(
        "evaluate",
        "-r",
        str(registry),
        "--store",
        str(tmp / "s.sqlite"),
        "--model",
        str(replay),
        "--nodes",
        "copyng",
    )
    assert result.exit_code == 2
    assert "matches no node" in result.output and "did you mean copying" in result.output


def test_compare_finds_the_model_that_copies(workspace):
    """A copying model vs one that always says "zzz": the paired test must separate them."""
    from taxonomy.evaluation.compare import compare

    tmp, registry, replay = workspace
    silent = tmp / "silent.jsonl"
    rows = [json.loads(line) for line in replay.read_text().splitlines()]
    silent.write_text("\n".join(json.dumps({**r, "text": " zzz"}) for r in rows) + "\n")
    (row,) = compare(str(replay), str(silent), registry, store=tmp / "s.sqlite")
    assert row.node_id == "copying" and row.verdict == "differs"
    assert row.delta < 0 and row.ci_delta[1] < 0 and row.p_value < 0.05
    assert abs(row.bits_b) < 0.05  # a constant output carries no information


SKILL = f"""\
  - id: copy-skill
    kind: skill
    name: Copy skill
    summary: Continues a repeated span with the word that followed.
    status: operationalized
    since: "0.1"
    probe:
      inputs: {{generator: repeated_tokens, params: {json.dumps(PARAMS)}, n: {N}}}
      sampling: {{max_new_tokens: 2}}
      success: {{name: matches_meta, params: {{key: target}}}}
"""


def test_a_skill_whose_success_never_varies_says_so(workspace):
    """Success always 1: H(success) = 0, so no child can explain any bits; the record (and the
    table's note column) says so rather than presenting a near-zero interval as a finding."""
    tmp, registry, _ = workspace
    examples = generate_inputs("repeated_tokens", PARAMS, N, 0, [])
    perfect = tmp / "perfect.jsonl"
    answers = {e.prompt: e.meta["target"] for e in examples}
    rows = [{"prompt": p, "seed": 0, "text": " " + a} for p, a in answers.items()]
    perfect.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    text = REGISTRY.replace("name: Copying\n", "name: Copying\n    parents: [copy-skill]\n", 1)
    registry.write_text(text + SKILL)
    out = evaluate(registry, [str(perfect)], nodes="copy-skill", store=tmp / "s.sqlite")
    (rec,) = out.records
    # H(success) = 0, so the information is exactly 0 bits: reported as such, not estimated
    assert rec.score == rec.ci_low == rec.ci_high == 0.0
    assert rec.details["per_edge"] == {"copying": {"bits": 0.0, "ci_low": 0.0, "ci_high": 0.0}}
    assert rec.details["success_rate"] == 1.0
    assert rec.details["note"] == "success is constant (100%): nothing to explain"
