"""``registry new KIND ID``: a valid hypothesis node to fill in, appended in canonical place."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from taxonomy.errors import Issue, RegistryError, did_you_mean
from taxonomy.fmt import format_document
from taxonomy.loader import load_registry
from taxonomy.schema import ID_PATTERN, KINDS
from taxonomy.yamltree import Map, Seq, Slot, parse

_PROBE_HINT = {
    "behavior": "probe: {inputs: {generator: ..., n: 200}, predictor: {name: ...}, "
    "observable: {name: ...}}",
    "skill": "probe: {inputs: {generator: ...}, success: {name: ...}}",
    "benchmark": "probe: {samples: {path: results.jsonl, metric: acc}}",
    "structure": "probe: {detector: {name: ...}, behavior: <behavior id>}",
    "element": "probe: {unit: attention_head, ablation: zero}",
}


def new_node(kind: str, node_id: str, *, version: str = "0.1", parents: Sequence[str] = ()) -> str:
    """YAML for a new ``kind`` node (an item of ``nodes:``): status hypothesis, since
    ``version``. Raises ValueError for an unknown kind or a malformed id."""
    if kind not in KINDS:
        hint = did_you_mean(kind, KINDS)
        raise ValueError(f"unknown kind '{kind}'; {hint or 'use one of ' + ', '.join(KINDS)}")
    if not re.fullmatch(ID_PATTERN, node_id) or not 2 <= len(node_id) <= 80:
        raise ValueError(f"'{node_id}' is not a kebab-case id like 'copying-heads'")
    name = node_id.replace("-", " ").capitalize()
    parent_lines = "".join(f"\n      - {p}" for p in parents) if parents else " []"
    return (
        f"  - id: {node_id}\n"
        f"    kind: {kind}\n"
        f"    name: {name}\n"
        f'    summary: "TODO: what the model does, in one paragraph, and why it matters."\n'
        f"    references: []\n"
        f"    parents:{parent_lines}\n"
        f"    # To measure it: set status: operationalized and add\n"
        f"    # {_PROBE_HINT[kind]}\n"
        f"    status: hypothesis\n"
        f'    since: "{version}"\n'
    )


def append_node(path: str | Path, kind: str, node_id: str, parents: Sequence[str] = ()) -> str:
    """Add a new hypothesis node to the registry file at its canonical place; returns its YAML.

    The registry must be valid before and is validated after (``RegistryError`` otherwise,
    and the file is left untouched).
    """
    path = Path(path)
    loaded = load_registry(path)
    if node_id in loaded.nodes:
        line, column = loaded.positions[node_id]
        raise RegistryError(
            [
                Issue(
                    str(path),
                    line,
                    column,
                    node_id,
                    "duplicate-id",
                    f"id '{node_id}' already exists",
                    "choose another id",
                )
            ]
        )
    snippet = new_node(kind, node_id, version=loaded.registry.version, parents=parents)
    text = path.read_text(encoding="utf-8")
    document, _ = parse(text, str(path))
    item, _ = parse(snippet)
    assert isinstance(document.root, Map) and isinstance(item.root, Seq)
    nodes = next((s for s in document.root.slots if s.key == "nodes"), None)
    if nodes is None:
        nodes = Slot("nodes", Seq([], 0, 0), 0, 0)
        document.root.slots.append(nodes)
    assert isinstance(nodes.value, Seq)
    nodes.value.slots.extend(item.root.slots)
    formatted = format_document(document)
    path.write_text(formatted, encoding="utf-8")
    try:
        load_registry(path)
    except RegistryError:
        path.write_text(text, encoding="utf-8")
        raise
    return snippet
