"""``registry fmt``: canonical, idempotent, meaning-preserving, comment-keeping, merge-friendly."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy.fmt import format_document, format_file, format_text
from taxonomy.loader import load_text
from taxonomy.scaffold import new_node
from taxonomy.schema import KINDS, LEVEL
from taxonomy.yamltree import Document, Map, Scalar, Seq, Slot, parse

SMALL = Path(__file__).parent / "data" / "small.yaml"


def _comments(text: str) -> list[str]:
    return sorted(line.split("#", 1)[1] for line in text.splitlines() if "# " in line)


def test_committed_files_are_canonical(in_repo: Path):
    for path in (Path("registry.yaml"), SMALL):
        text = path.read_text()
        assert format_text(text) == text, f"run: registry fmt {path}"


def test_reordering_keeps_every_comment_with_its_entry():
    text = SMALL.read_text()
    blocks = text.split("\n\n  - ")
    scrambled = "\n\n  - ".join([blocks[0], *reversed(blocks[1:])])
    scrambled = scrambled.replace(
        '    status: operationalized\n    since: "0.1"\n',
        '    since: "0.1"\n    status: operationalized\n',
    )
    assert scrambled != text
    assert format_text(scrambled) == text
    assert _comments(format_text(scrambled)) == _comments(text)


def test_canonical_key_order_and_sorted_params():
    text = """nodes:
  - since: "0.1"
    summary: s
    name: N
    kind: behavior
    id: zeta
    probe:
      observable: {name: first_word}
      inputs: {params: {zz: 1, aa: {y: 2, b: 3}}, generator: repeated_tokens}
      predictor: {name: last_word}
    status: operationalized
version: "0.1"
"""
    out = format_text(text)
    keys = [line.strip().split(":")[0].lstrip("- ") for line in out.splitlines()]
    assert keys == [
        "version",
        "",
        "nodes",
        "id",
        "kind",
        "name",
        "summary",
        "status",
        "since",
        "probe",
        "inputs",
        "generator",
        "params",
        "aa",
        "b",
        "y",
        "zz",
        "predictor",
        "name",
        "observable",
        "name",
    ]
    assert parse(out)[0].data() == parse(text)[0].data()


def test_format_file_reports_changes(tmp_path: Path):
    path = tmp_path / "r.yaml"
    path.write_text('version: "0.1"\nnodes: []\n# end\n')
    assert format_file(path, check=True) is True
    assert path.read_text() == 'version: "0.1"\nnodes: []\n# end\n'
    assert format_file(path) is True
    assert path.read_text() == 'version: "0.1"\n\nnodes: []\n# end\n'
    assert format_file(path) is False


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git merge-file")
def test_two_prs_adding_different_nodes_merge_cleanly(tmp_path: Path, in_repo: Path):
    base = Path("registry.yaml").read_text()

    def add(text: str, kind: str, node_id: str, parent: str) -> str:
        document, _ = parse(text)
        item, _ = parse(new_node(kind, node_id, parents=[parent]))
        nodes = next(s for s in document.root.slots if s.key == "nodes")
        nodes.value.slots.extend(item.root.slots)
        return format_document(document)

    # Each new node lands where its (level, id) puts it, so the two diffs touch different lines
    # (two ids adjacent in that order, with no node between them, would still conflict).
    ours = add(base, "behavior", "prompt-echoing", "summarization")
    theirs = add(base, "skill", "analogy-completion", "crossfit")
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        (tmp_path / name).write_text(text)
    merged = subprocess.run(
        ["git", "merge-file", "-p", tmp_path / "ours", tmp_path / "base", tmp_path / "theirs"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert merged.returncode == 0, merged.stdout
    both = load_text(merged.stdout)
    assert {"prompt-echoing", "analogy-completion"} <= set(both.nodes)
    assert format_text(merged.stdout) == merged.stdout


def _tree(value) -> Map | Seq | Scalar:
    if isinstance(value, dict):
        return Map([Slot(k, _tree(v), 0, 0) for k, v in value.items()], 0, 0)
    if isinstance(value, list):
        return Seq([Slot(None, _tree(v), 0, 0) for v in value], 0, 0)
    return Scalar(value, 0, 0)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=200)
    | st.sampled_from(
        [
            "",
            " x",
            "x ",
            "- a",
            "a: b",
            "a #b",
            "null",
            "true",
            "1e3",
            "0x1F",
            ".inf",
            "~",
            "@x",
            "'q'",
            '"q"',
            "a\nb",
            "\t",
            "\u2028",
            "\x85",
            "\ufeff",
        ]
    )
)
_data = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@settings(max_examples=200)
@given(_data)
def test_any_data_survives_formatting(value):
    """Every scalar (any unicode, control characters, YAML look-alikes) reads back the same."""
    out = format_document(Document(_tree({"x": value})))
    document, issues = parse(out)
    assert issues == []
    assert _same(document.data(), {"x": value})
    assert format_text(out) == out


_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
    min_size=1,
    max_size=150,
)
_ids = st.lists(
    st.from_regex(r"[a-z][a-z0-9]{1,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True),
    min_size=1,
    max_size=8,
    unique=True,
)


@st.composite
def registries(draw) -> str:
    """Random valid registries (a DAG whose edges go upward), written as JSON, which is YAML."""
    nodes = []
    for node_id in draw(_ids):
        kind = draw(st.sampled_from(KINDS))
        eligible = [n["id"] for n in nodes if LEVEL[n["kind"]] >= LEVEL[kind]]
        parent_ids = draw(st.lists(st.sampled_from(eligible), unique=True)) if eligible else []
        node = {
            "id": node_id,
            "kind": kind,
            "name": draw(_text.map(lambda t: t[:120])),
            "summary": draw(_text),
            "parents": parent_ids,
            "since": "0.1",
        }
        if kind == "behavior" and draw(st.booleans()):
            node["mapping"] = draw(st.sampled_from(["shared", "contingent"]))
        if draw(st.booleans()):
            node["references"] = draw(
                st.lists(
                    st.sampled_from(
                        [
                            "arXiv:2209.11895",
                            "doi:10.18653/v1/2021.emnlp-main.572",
                            "https://x.org/a",
                        ]
                    ),
                    unique=True,
                )
            )
        nodes.append(node)
    draw(st.randoms()).shuffle(nodes)
    return json.dumps(
        {"nodes": nodes, "version": "0.1"},
        ensure_ascii=False,
        indent=draw(st.sampled_from([None, 2])),
    )


@settings(max_examples=60)
@given(registries())
def test_fmt_is_idempotent_and_preserves_meaning(text: str):
    formatted = format_text(text)
    assert format_text(formatted) == formatted
    before, after = load_text(text), load_text(formatted)
    assert after.nodes == before.nodes
    assert after.hash == before.hash
    levels = [-LEVEL[n.kind] for n in after.registry.nodes]
    assert levels == sorted(levels)
