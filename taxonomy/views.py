"""Plain-text views of a loaded registry: one node (``registry show``), the hierarchy
(``registry tree``). Hypotheses are marked ``?`` as in the paper's Fig. 2."""

from __future__ import annotations

import textwrap
from typing import Any

from taxonomy.errors import Issue, RegistryError, did_you_mean
from taxonomy.graph import children, level_order, parents
from taxonomy.loader import LoadedRegistry
from taxonomy.schema import KINDS

_MARK = {"hypothesis": " ?", "deprecated": " (deprecated)"}


def _require(loaded: LoadedRegistry, node_id: str) -> Any:
    if node_id not in loaded.nodes:
        hint = did_you_mean(node_id, loaded.nodes)
        raise RegistryError(
            [
                Issue(
                    str(loaded.path),
                    None,
                    None,
                    node_id,
                    "unknown-id",
                    f"no node has id '{node_id}'",
                    hint or "list the ids with: registry tree",
                )
            ]
        )
    return loaded.nodes[node_id]


def _label(loaded: LoadedRegistry, node_id: str) -> str:
    node = loaded.nodes[node_id]
    return f"{node_id} [{node.kind}] {node.name}{_MARK.get(node.status, '')}"


def _lines(value: Any, indent: str) -> list[str]:
    """Nested probe data as indented 'key: value' lines."""
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out += [f"{indent}{key}:", *_lines(item, indent + "  ")]
            else:
                out.append(f"{indent}{key}: {item}")
        return out
    if isinstance(value, list):
        return [line for item in value for line in _lines(item, indent + "- ")]
    return [f"{indent}{value}"]


def show_text(loaded: LoadedRegistry, node_id: str) -> str:
    """Everything about one node: definition, references, neighbours, probe, file position."""
    node = _require(loaded, node_id)
    g = loaded.graph
    line, column = loaded.positions[node_id]
    out = [
        f"{node.id}  ({node.kind}, {node.status}, since {node.since})",
        node.name,
        "",
        *textwrap.wrap(node.summary, 88),
        "",
        f"references: {', '.join(node.references) or '-'}",
        f"parents:    {', '.join(_label(loaded, p) for p in parents(g, node_id)) or '-'}",
        f"children:   {', '.join(_label(loaded, c) for c in children(g, node_id)) or '-'}",
    ]
    if getattr(node, "mapping", None):
        out.append(f"mapping:    {node.mapping}")
    if node.replaced_by:
        out.append(f"replaced by: {node.replaced_by}")
    probe = getattr(node, "probe", None)
    if probe is None:
        out.append("probe:      none (a hypothesis: an open question, not scored)")
    else:
        out += ["probe:", *_lines(probe.model_dump(mode="json", exclude_defaults=True), "  ")]
    out.append(
        f"defined at: {loaded.path}:{line}:{column}  (node hash {loaded.node_hash(node_id)[:12]})"
    )
    return "\n".join(out)


def tree_text(loaded: LoadedRegistry, kind: str | None = None, root: str | None = None) -> str:
    """The hierarchy top-down. ``root``: the subtree under one node. ``kind``: subtrees under
    every node of that kind that has no parent of its own kind. A node reached twice (the
    graph is a DAG) is expanded once and then shown as ``(see above)``."""
    g = loaded.graph
    if root is not None:
        roots = [_require(loaded, root).id]
    elif kind is not None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind '{kind}'; use one of {', '.join(KINDS)}")
        roots = [
            n
            for n in level_order(g)
            if loaded.nodes[n].kind == kind
            and not any(loaded.nodes[p].kind == kind for p in parents(g, n))
        ]
    else:
        roots = [n for n in level_order(g) if not parents(g, n)]
    out: list[str] = []
    expanded: set[str] = set()

    def walk(node_id: str, prefix: str, tail: str) -> None:
        repeat = node_id in expanded and children(g, node_id)
        out.append(prefix + _label(loaded, node_id) + ("  (see above)" if repeat else ""))
        if repeat:
            return
        expanded.add(node_id)
        kids = children(g, node_id)
        for i, kid in enumerate(kids):
            last = i == len(kids) - 1
            walk(kid, tail + ("└── " if last else "├── "), tail + ("    " if last else "│   "))

    for node_id in roots:
        walk(node_id, "", "")
    return "\n".join(out)
