# ruff: noqa: E501  (expected messages are kept verbatim, one per line)
"""One broken registry per error kind (tests/data/invalid/<code>.yaml): each must be rejected
with exactly these issues: line, column, node id, code, severity, message and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxonomy.errors import RegistryError
from taxonomy.loader import load_registry, validate

INVALID = Path("tests/data/invalid")

EXPECTED = {
    "bad-id": [
        (
            3,
            9,
            "Copying_Heads",
            "bad-id",
            "error",
            "'Copying_Heads' is not a kebab-case id",
            "use lowercase words joined by '-', e.g. 'copying-heads'",
        ),
    ],
    "bad-key": [
        (
            3,
            5,
            "gem",
            "missing-field",
            "error",
            "missing required field 'since'",
            "add 'since: ...' (Registry version that added the node.)",
        ),
        (
            7,
            5,
            "gem",
            "bad-key",
            "error",
            "mapping keys must be plain strings",
            "write the key as a word, e.g. 'name:'",
        ),
    ],
    "bad-params": [
        (
            3,
            9,
            "generalized-copying",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            13,
            11,
            "generalized-copying",
            "bad-params",
            "error",
            "param 'lenght': unknown param (got 12); did you mean 'span_length'?",
            "fix the params of generator 'repeated_tokens'",
        ),
    ],
    "bad-reference": [
        (
            9,
            9,
            "gem",
            "bad-reference",
            "error",
            "reference 'Gehrmann et al. 2021' is not an arXiv id, DOI or URL",
            "write it as 'arXiv:2209.11895', 'doi:10.18653/v1/2020.acl-main.173' or 'https://...'",
        ),
    ],
    "bad-value": [
        (
            7,
            14,
            "copying",
            "bad-value",
            "error",
            "'mapping' is 'sharde', not one of: shared, idiosyncratic, contingent, unexpressed",
            "did you mean 'shared'?",
        ),
    ],
    "bad-version": [
        (
            7,
            12,
            "gem",
            "bad-version",
            "error",
            "'since' is the number 0.1, not a version string",
            'quote it: since: "0.1" (unquoted, 0.10 would read as 0.1)',
        ),
    ],
    "cycle": [
        (
            7,
            15,
            "copying",
            "cycle",
            "error",
            "the parents form a cycle: copying -> induction -> copying",
            "remove one of these edges, e.g. 'induction' from the parents of 'copying'",
        ),
    ],
    "dangling-parent": [
        (
            3,
            9,
            "gem",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            8,
            9,
            "summarization",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            12,
            15,
            "summarization",
            "dangling-parent",
            "error",
            "parent 'gme' is not a node in the registry",
            "did you mean 'gem'?",
        ),
    ],
    "dangling-replacement": [
        (
            3,
            9,
            "gem",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            8,
            18,
            "gem",
            "dangling-replacement",
            "error",
            "replaced_by 'gem-v2' is not another node in the registry",
            "did you mean 'gem-2'?",
        ),
        (
            10,
            9,
            "gem-2",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
    ],
    "deprecated-without-replacement": [
        (
            7,
            5,
            "gem",
            "deprecated-without-replacement",
            "error",
            "a deprecated node names its replacement",
            "add replaced_by: <id of the node that supersedes it>",
        ),
    ],
    "duplicate-id": [
        (
            3,
            9,
            "gem",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            8,
            9,
            "gem",
            "duplicate-id",
            "error",
            "id 'gem' is used twice (first defined at line 3)",
            "rename one of the two nodes, or merge them",
        ),
    ],
    "duplicate-key": [
        (
            3,
            9,
            "gem",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            7,
            5,
            "gem",
            "duplicate-key",
            "error",
            "key 'name' appears twice in this mapping",
            "keep one of them",
        ),
    ],
    "encoding": [
        (
            5,
            12,
            None,
            "encoding",
            "error",
            "the file is not valid UTF-8 (invalid continuation byte)",
            "save the file as UTF-8",
        ),
    ],
    "greedy-samples": [
        (
            14,
            9,
            "copying",
            "greedy-samples",
            "error",
            "k=10 samples per input with greedy decoding (temperature 0) gives k identical samples",
            "set temperature > 0, or k: 1",
        ),
    ],
    "hypothesis-with-probe": [
        (
            9,
            5,
            "copying-heads",
            "hypothesis-with-probe",
            "error",
            "a hypothesis has no probe",
            "set status: operationalized, or remove the probe",
        ),
    ],
    "level-order": [
        (
            7,
            15,
            "gem",
            "level-order",
            "error",
            "parent 'summarization' is a skill, below this benchmark: edges go upward (element < structure < behavior < skill < benchmark)",
            "list 'gem' under the parents of 'summarization' instead, or choose a parent of a higher level",
        ),
    ],
    "missing-field": [
        (
            10,
            7,
            "copying",
            "missing-field",
            "error",
            "missing required field 'observable'",
            "add 'observable: ...'",
        ),
    ],
    "missing-probe": [
        (
            7,
            5,
            "copying",
            "missing-probe",
            "error",
            "status operationalized needs a probe",
            "add a probe, or set status: hypothesis",
        ),
    ],
    "since-future": [
        (
            3,
            9,
            "gem",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            7,
            12,
            "gem",
            "since-future",
            "error",
            "since '0.2' is later than the registry version '0.1'",
            'set since: "0.1" (or bump the registry version)',
        ),
    ],
    "unknown-behavior": [
        (
            18,
            17,
            "copying-heads",
            "unknown-behavior",
            "error",
            "probe.behavior 'coping' is not a behavior node",
            "did you mean 'copying'?",
        ),
    ],
    "unknown-feature": [
        (
            3,
            9,
            "first-word-copying",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            15,
            15,
            "first-word-copying",
            "unknown-feature",
            "error",
            "unknown observable 'fist_word'",
            "did you mean 'first_word'?",
        ),
    ],
    "unknown-field": [
        (
            7,
            5,
            "gem",
            "unknown-field",
            "error",
            "unknown field 'sumary'",
            "did you mean 'summary'? allowed: id, name, summary, references, parents, status, since, replaced_by, kind, lm_eval_tasks, probe",
        ),
    ],
    "unknown-kind": [
        (
            4,
            5,
            "copying",
            "unknown-kind",
            "error",
            "unknown kind 'behaviour'",
            "did you mean 'behavior'? use one of: benchmark, skill, behavior, structure, element",
        ),
    ],
    "unsafe-tag": [
        (
            5,
            11,
            "gem",
            "unsafe-tag",
            "error",
            "YAML tag '!!python/object/apply:os.system' is not allowed: the registry is plain data, never code",
            "remove the tag and write a plain string, number, list or mapping",
        ),
        (
            5,
            11,
            "gem",
            "wrong-type",
            "error",
            "'name' should be a string, got ['echo pwned']",
            "write a string here",
        ),
    ],
    "wrong-type": [
        (
            7,
            14,
            "gem",
            "wrong-type",
            "error",
            "'parents' should be a list ('- item' lines or [a, b]), got 'gem-parent'",
            "write a list ('- item' lines or [a, b]) here",
        ),
    ],
    "yaml-alias": [
        (
            3,
            9,
            "gem",
            "orphan",
            "warning",
            "the node has no parents and no children",
            "add parents (the nodes it belongs to) so it joins the hierarchy",
        ),
        (
            6,
            14,
            "gem",
            "yaml-alias",
            "error",
            "YAML anchors and aliases ('&text') are not allowed",
            "write the value out in full where it is used",
        ),
        (
            11,
            14,
            "crossfit",
            "wrong-type",
            "error",
            "'summary' should be a string, got None",
            "write a string here",
        ),
        (
            11,
            14,
            "crossfit",
            "yaml-alias",
            "error",
            "YAML anchors and aliases ('*text') are not allowed",
            "write the value out in full where it is used",
        ),
    ],
    "yaml-syntax": [
        (
            6,
            4,
            None,
            "yaml-syntax",
            "error",
            "YAML syntax error: while parsing a block collection expected <block end>, but found '<block mapping start>'",
            "check indentation, quoting and ':' after keys around this position",
        ),
    ],
}


def _fixtures() -> list[str]:
    root = Path(__file__).resolve().parents[1] / "data" / "invalid"
    return sorted(p.stem for p in root.glob("*.yaml"))


def test_every_fixture_has_expectations():
    assert _fixtures() == sorted(EXPECTED)
    assert len(EXPECTED) >= 12


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_invalid_fixture(code: str, in_repo: Path):
    path = INVALID / f"{code}.yaml"
    issues = validate(path)
    got = [(i.line, i.column, i.node, i.code, i.severity, i.message, i.fix) for i in issues]
    assert got == EXPECTED[code]
    errors = [i for i in issues if i.severity == "error"]
    assert code in {i.code for i in errors}, "the fixture is named after the error it shows"
    first = next(i for i in errors if i.code == code)
    node = f"node '{first.node}': " if first.node else ""
    assert (
        str(first) == f"{path}:{first.line}:{first.column}: {node}{first.message} Fix: {first.fix}"
    )
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    assert raised.value.issues == issues
