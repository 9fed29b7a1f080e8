"""The loader on the real registry and on crafted inputs: positions, hashes, safety, caps."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import pytest

from taxonomy.errors import RegistryError
from taxonomy.fmt import format_text
from taxonomy.loader import load_registry, load_text, registry_hash, validate, validate_text
from taxonomy.yamltree import MAX_BYTES

CHAINS = [
    ["attention-heads", "copying-heads", "copying-novel-entities", "summarization", "gem"],
    [
        "attention-heads",
        "induction-heads",
        "generalized-copying",
        "in-context-learning",
        "crossfit",
    ],
]


def test_registry_holds_both_fig2_chains(in_repo: Path):
    loaded = load_registry("registry.yaml")
    assert validate("registry.yaml") == []
    assert {node for chain in CHAINS for node in chain} <= set(loaded.nodes)
    for chain in CHAINS:
        for child, parent in zip(chain, chain[1:], strict=False):
            assert loaded.graph.has_edge(child, parent)
    assert nx.is_directed_acyclic_graph(loaded.graph)
    assert "arXiv:2209.11895" in loaded.nodes["induction-heads"].references


def test_positions_point_at_each_node(in_repo: Path):
    loaded = load_registry("registry.yaml")
    lines = Path("registry.yaml").read_text().splitlines()
    for node_id, (line, column) in loaded.positions.items():
        assert lines[line - 1][column - 1 :] == f"id: {node_id}"
    line, column = loaded.locate("attention-heads", "parents", 1)
    assert lines[line - 1][column - 1 :] == "induction-heads"


def test_hash_ignores_order_and_comments_but_not_content(in_repo: Path):
    text = Path("registry.yaml").read_text()
    loaded = load_text(text)
    blocks = text.split("\n\n  - ")
    shuffled = blocks[1:]
    random.Random(0).shuffle(shuffled)
    reordered = "\n\n  - ".join([blocks[0], *shuffled]).replace("# ", "# moved: ")
    assert load_text(reordered).hash == loaded.hash
    assert load_text(format_text(reordered)).hash == loaded.hash
    changed = load_text(text.replace("name: Induction heads", "name: Induction heads (v2)"))
    assert changed.hash != loaded.hash
    assert changed.node_hash("induction-heads") != loaded.node_hash("induction-heads")
    assert changed.node_hash("gem") == loaded.node_hash("gem")
    assert registry_hash(loaded.registry) == loaded.hash


def test_all_errors_reported_at_once():
    text = """version: "0.1"
nodes:
  - id: a-skill
    kind: skill
    name: A
    summary: s
    parents: [missing]
    since: "0.1"
  - id: b-behavior
    kind: behavior
    name: B
    summary: s
    colour: red
    since: "0.1"
  - id: c-structure
    kind: structure
    name: C
    summary: s
    parents: [b-behavior, a-skill]
    status: validated
    since: "0.1"
"""
    with pytest.raises(RegistryError) as raised:
        load_text(text, "r.yaml")
    codes = [(i.node, i.code, i.line) for i in raised.value.errors]
    assert codes == [
        ("a-skill", "dangling-parent", 7),
        ("b-behavior", "unknown-field", 13),
        ("c-structure", "missing-probe", 20),
    ]


def test_unsafe_tag_runs_no_code(tmp_path: Path):
    marker = tmp_path / "pwned"
    text = f'version: "0.1"\nnodes: !!python/object/apply:os.system ["touch {marker}"]\n'
    issues = validate_text(text)
    assert [i.code for i in issues][:1] == ["unsafe-tag"]
    assert not marker.exists()


def test_billion_laughs_is_refused_fast():
    lol = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    lol += "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    issues = validate_text(lol)
    assert {i.code for i in issues} >= {"yaml-alias"}
    assert sum(i.code == "yaml-alias" for i in issues) == 9 + 8 * 9  # 9 anchors, 72 aliases


def test_caps_and_odd_documents(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    assert [i.code for i in validate(big)] == ["file-too-large"]
    assert [i.code for i in validate(tmp_path / "absent.yaml")] == ["file-not-found"]
    assert [i.code for i in validate_text("")] == ["wrong-type"]
    assert [i.code for i in validate_text("- a\n- b\n")] == ["wrong-type"]
    assert "yaml-syntax" in [i.code for i in validate_text('version: "0.1"\n---\nversion: "0.2"\n')]
    assert [i.code for i in validate_text("a: " + "[" * 40 + "]" * 40)] == ["too-deep"]
    huge = validate_text('version: "0.1"\nnodes:\n  - n: ' + "9" * 5000 + "\n")
    assert "bad-value" in [i.code for i in huge]


def test_orphans_and_deprecated_parents_warn_but_load():
    text = """version: "0.1"
nodes:
  - id: lonely
    kind: behavior
    name: Lonely
    summary: No edges.
    since: "0.1"
  - id: old-skill
    kind: skill
    name: Old
    summary: s
    status: deprecated
    replaced_by: new-skill
    since: "0.1"
  - id: new-skill
    kind: skill
    name: New
    summary: s
    since: "0.1"
  - id: user
    kind: behavior
    name: User
    summary: s
    parents: [old-skill, new-skill]
    since: "0.1"
"""
    loaded = load_text(text)
    assert [(i.node, i.code) for i in loaded.warnings] == [
        ("lonely", "orphan"),
        ("user", "deprecated-parent"),
    ]


def test_element_probe_needs_a_probed_structure():
    text = """version: "0.1"
nodes:
  - id: heads-structure
    kind: structure
    name: S
    summary: s
    since: "0.1"
  - id: heads
    kind: element
    name: Heads
    summary: s
    parents: [heads-structure]
    status: operationalized
    since: "0.1"
    probe: {unit: attention_head}
"""
    issues = [i for i in validate_text(text) if i.severity == "error"]
    assert [(i.node, i.code, i.line) for i in issues] == [
        ("heads", "element-without-structure", 15)
    ]
