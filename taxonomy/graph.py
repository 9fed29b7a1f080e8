"""The taxonomy as a directed graph, and the structural rules it must obey.

Edges go from a child to each of its ``parents`` (upward in the paper's Fig. 2:
element -> structure -> behavior -> skill -> benchmark). Rules: ids are unique, parents exist,
the graph is acyclic, an edge never goes down a level (a node may decompose into nodes of its
own kind), replacements and probed behaviors exist, and a node with no edge at all is an orphan
(a warning: it is valid, but nothing places it in the hierarchy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx

from taxonomy.errors import Issue, did_you_mean
from taxonomy.schema import KINDS, LEVEL

Locate = Callable[..., tuple[int | None, int | None]]
"""``locate(node, *path)`` -> (line, column) of a node's field, e.g. ``("parents", 1)``."""

_ORDER = " < ".join(KINDS)


def build_graph(nodes: Iterable[Any]) -> nx.DiGraph:
    """DiGraph with one vertex per node id (attribute ``node``) and an edge child -> parent.

    Parents that do not exist are skipped (``check_graph`` reports them); the first node of a
    duplicated id wins.
    """
    g = nx.DiGraph()
    nodes = list(nodes)
    for node in nodes:
        if node.id not in g:
            g.add_node(node.id, node=node)
    for node in nodes:
        if g.nodes[node.id]["node"] is not node:
            continue
        for parent in node.parents:
            if parent in g:
                g.add_edge(node.id, parent)
    return g


def children(g: nx.DiGraph, node_id: str) -> list[str]:
    """Direct children (nodes listing ``node_id`` among their parents), sorted."""
    return sorted(g.predecessors(node_id))


def parents(g: nx.DiGraph, node_id: str) -> list[str]:
    return sorted(g.successors(node_id))


def ancestors(g: nx.DiGraph, node_id: str) -> set[str]:
    """Every node above ``node_id`` (its parents, their parents, ...)."""
    return nx.descendants(g, node_id)


def descendants(g: nx.DiGraph, node_id: str) -> set[str]:
    """Every node below ``node_id`` (its children, their children, ...)."""
    return nx.ancestors(g, node_id)


def level_order(g: nx.DiGraph) -> list[str]:
    """Ids top-down: by level (benchmark first), then by id; the order ``registry tree`` uses."""
    return sorted(g.nodes, key=lambda n: (-LEVEL[g.nodes[n]["node"].kind], n))


def _no_position(*_: Any) -> tuple[None, None]:
    return (None, None)


def check_graph(
    nodes: Sequence[Any],
    g: nx.DiGraph | None = None,
    locate: Locate = _no_position,
    file: str = "registry.yaml",
) -> list[Issue]:
    """Every structural error (and orphan warning) of ``nodes``, in file order."""
    g = build_graph(nodes) if g is None else g
    issues: list[Issue] = []

    seen: dict[str, Any] = {}
    for node in nodes:

        def report(path: tuple, code: str, message: str, fix: str, severity="error", node=node):
            issues.append(Issue(file, *locate(node, *path), node.id, code, message, fix, severity))

        if node.id in seen:
            line = locate(seen[node.id], "id")[0]
            where = f" (first defined at line {line})" if line else ""
            report(("id",), "duplicate-id", f"id '{node.id}' is used twice{where}",
                   "rename one of the two nodes, or merge them")
            continue
        seen[node.id] = node
        for index, parent in enumerate(node.parents):
            if parent not in g:
                hint = did_you_mean(parent, g.nodes)
                report(("parents", index), "dangling-parent",
                       f"parent '{parent}' is not a node in the registry",
                       hint or "add that node, or remove it from parents")
            elif LEVEL[g.nodes[parent]["node"].kind] < LEVEL[node.kind]:
                above = g.nodes[parent]["node"].kind
                report(("parents", index), "level-order",
                       f"parent '{parent}' is a {above}, below this {node.kind}: edges go upward "
                       f"({_ORDER})",
                       f"list '{node.id}' under the parents of '{parent}' instead, "
                       "or choose a parent of a higher level")
            elif g.nodes[parent]["node"].status == "deprecated":
                replacement = g.nodes[parent]["node"].replaced_by
                report(("parents", index), "deprecated-parent",
                       f"parent '{parent}' is deprecated",
                       f"use its replacement '{replacement}'", "warning")
        if node.replaced_by is not None and (node.replaced_by not in g or
                                             node.replaced_by == node.id):
            hint = did_you_mean(node.replaced_by, set(g.nodes) - {node.id})
            report(("replaced_by",), "dangling-replacement",
                   f"replaced_by '{node.replaced_by}' is not another node in the registry",
                   hint or "name the id of the node that supersedes this one")
        probe = getattr(node, "probe", None)
        target = getattr(probe, "behavior", None)
        if target is not None and (target not in g or g.nodes[target]["node"].kind != "behavior"):
            behaviors = [n for n in g.nodes if g.nodes[n]["node"].kind == "behavior"]
            hint = did_you_mean(target, behaviors)
            report(("probe", "behavior"), "unknown-behavior",
                   f"probe.behavior '{target}' is not a behavior node",
                   hint or f"use one of: {', '.join(sorted(behaviors)) or '(no behaviors yet)'}")
        if node.kind == "element" and probe is not None and not any(
            getattr(g.nodes[p]["node"], "probe", None) is not None
            for p in g.successors(node.id)
            if g.nodes[p]["node"].kind == "structure"
        ):
            report(("probe",), "element-without-structure",
                   "an element probe ablates units of its parent structure's behavior, "
                   "but no parent structure has a probe",
                   "add a parent structure that has a probe, or remove this probe")
        if g.degree(node.id) == 0:
            report(("id",), "orphan", "the node has no parents and no children",
                   "add parents (the nodes it belongs to) so it joins the hierarchy", "warning")
    issues.extend(_cycles(g, locate, file))
    return issues


def _cycles(g: nx.DiGraph, locate: Locate, file: str) -> list[Issue]:
    """One issue per cycle-carrying strongly connected component, printing one cycle in it."""
    issues = []
    for component in nx.strongly_connected_components(g):
        start = min(component)
        if len(component) == 1 and not g.has_edge(start, start):
            continue
        cycle = [edge[0] for edge in nx.find_cycle(g.subgraph(component), source=start)]
        path = " -> ".join([*cycle, cycle[0]])
        index = g.nodes[start]["node"].parents.index(cycle[1 % len(cycle)])
        issues.append(Issue(file, *locate(g.nodes[start]["node"], "parents", index), start, "cycle",
                            f"the parents form a cycle: {path}",
                            f"remove one of these edges, e.g. '{cycle[1 % len(cycle)]}' from "
                            f"the parents of '{cycle[0]}'"))
    return issues
