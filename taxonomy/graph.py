"""The taxonomy as a directed graph, and the structural rules it must obey.

Edges go from a child to each of its ``parents`` (upward in the paper's Fig. 2:
element -> structure -> behavior -> skill -> benchmark). Rules: ids are unique, parents exist,
the graph is acyclic, an edge never goes down a level (a node may decompose into nodes of its
own kind), replacements and probed behaviors exist, and a node with no edge at all is an orphan
(a warning: it is valid, but nothing places it in the hierarchy).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from taxonomy.errors import Issue, did_you_mean
from taxonomy.schema import KINDS, LEVEL

if TYPE_CHECKING:  # networkx is imported only when a DiGraph is built (validate stays fast)
    import networkx as nx

Locate = Callable[..., tuple[int | None, int | None]]
"""``locate(node, *path)`` -> (line, column) of a node's field, e.g. ``("parents", 1)``."""

_ORDER = " < ".join(KINDS)


def build_graph(nodes: Iterable[Any]) -> nx.DiGraph:
    """DiGraph with one vertex per node id (attribute ``node``) and an edge child -> parent.

    Parents that do not exist are skipped (``check_graph`` reports them); the first node of a
    duplicated id wins.
    """
    import networkx as nx

    g = nx.DiGraph()
    for node_id, node in _first(nodes).items():
        g.add_node(node_id, node=node)
    for node_id, parent_ids in _edges(g.nodes).items():
        g.add_edges_from((node_id, parent) for parent in parent_ids)
    return g


def children(g: nx.DiGraph, node_id: str) -> list[str]:
    """Direct children (nodes listing ``node_id`` among their parents), sorted."""
    return sorted(g.predecessors(node_id))


def parents(g: nx.DiGraph, node_id: str) -> list[str]:
    return sorted(g.successors(node_id))


def ancestors(g: nx.DiGraph, node_id: str) -> set[str]:
    """Every node above ``node_id`` (its parents, their parents, ...)."""
    import networkx as nx

    return nx.descendants(g, node_id)


def descendants(g: nx.DiGraph, node_id: str) -> set[str]:
    """Every node below ``node_id`` (its children, their children, ...)."""
    import networkx as nx

    return nx.ancestors(g, node_id)


def score_dependencies(g: nx.DiGraph, node_id: str) -> list[str]:
    """Nodes whose definitions a node's score is computed from, besides its own.

    A structure ablates from its probe's behavior; an element from its first operationalized
    parent structure's behavior; a skill or benchmark predicts success from every probed
    behavior below it. Other kinds depend on nothing else.
    """
    node = g.nodes[node_id]["node"]
    if node.kind == "structure" and node.probe is not None:
        return [node.probe.behavior]
    if node.kind == "element":
        parents = [p for p in g.successors(node_id) if _probed(g, p, "structure")]
        return parents + [g.nodes[p]["node"].probe.behavior for p in parents[:1]]
    if node.kind in ("skill", "benchmark"):
        below = descendants(g, node_id)
        return [i for i in g.nodes if i in below and _probed(g, i, "behavior")]
    return []


def _probed(g: nx.DiGraph, node_id: str, kind: str) -> bool:
    node = g.nodes[node_id]["node"]
    return node.kind == kind and node.probe is not None


def level_order(g: nx.DiGraph) -> list[str]:
    """Ids top-down: by level (benchmark first), then by id; the order ``registry tree`` uses."""
    return sorted(g.nodes, key=lambda n: (-LEVEL[g.nodes[n]["node"].kind], n))


def _first(nodes: Iterable[Any]) -> dict[str, Any]:
    """id -> node, the first node of each id, in order."""
    first: dict[str, Any] = {}
    for node in nodes:
        first.setdefault(node.id, node)
    return first


def _edges(by_id: Any) -> dict[str, list[str]]:
    """id -> its existing parents (``by_id``: a mapping of id -> node or -> {"node": node})."""
    node_of = {k: (v["node"] if isinstance(v, dict) else v) for k, v in dict(by_id).items()}
    return {k: [p for p in dict.fromkeys(n.parents) if p in node_of] for k, n in node_of.items()}


def _no_position(*_: Any) -> tuple[None, None]:
    return (None, None)


def check_graph(
    nodes: Sequence[Any],
    g: Any = None,
    locate: Locate = _no_position,
    file: str = "registry.yaml",
) -> list[Issue]:
    """Every structural error (and orphan warning) of ``nodes``, in file order.

    Plain dictionaries, no networkx: this runs on every ``registry validate``. ``g`` is
    accepted for compatibility and ignored.
    """
    by_id = _first(nodes)
    up = _edges(by_id)
    has_children = {p for ps in up.values() for p in ps}
    issues: list[Issue] = []
    seen: set[int] = set()
    for node in nodes:

        def report(path: tuple, code: str, message: str, fix: str, severity="error", node=node):
            issues.append(Issue(file, *locate(node, *path), node.id, code, message, fix, severity))

        if by_id[node.id] is not node:
            line = locate(by_id[node.id], "id")[0]
            where = f" (first defined at line {line})" if line else ""
            report(
                ("id",),
                "duplicate-id",
                f"id '{node.id}' is used twice{where}",
                "rename one of the two nodes, or merge them",
            )
            continue
        for index, parent in enumerate(node.parents):
            if parent not in by_id:
                hint = did_you_mean(parent, by_id)
                report(
                    ("parents", index),
                    "dangling-parent",
                    f"parent '{parent}' is not a node in the registry",
                    hint or "add that node, or remove it from parents",
                )
            elif LEVEL[by_id[parent].kind] < LEVEL[node.kind]:
                report(
                    ("parents", index),
                    "level-order",
                    f"parent '{parent}' is a {by_id[parent].kind}, below this {node.kind}: "
                    f"edges go upward ({_ORDER})",
                    f"list '{node.id}' under the parents of '{parent}' instead, "
                    "or choose a parent of a higher level",
                )
            elif by_id[parent].status == "deprecated":
                report(
                    ("parents", index),
                    "deprecated-parent",
                    f"parent '{parent}' is deprecated",
                    f"use its replacement '{by_id[parent].replaced_by}'",
                    "warning",
                )
        if node.replaced_by is not None and (
            node.replaced_by not in by_id or node.replaced_by == node.id
        ):
            hint = did_you_mean(node.replaced_by, set(by_id) - {node.id})
            report(
                ("replaced_by",),
                "dangling-replacement",
                f"replaced_by '{node.replaced_by}' is not another node in the registry",
                hint or "name the id of the node that supersedes this one",
            )
        probe = getattr(node, "probe", None)
        target = getattr(probe, "behavior", None)
        if target is not None and (target not in by_id or by_id[target].kind != "behavior"):
            behaviors = sorted(i for i, n in by_id.items() if n.kind == "behavior")
            hint = did_you_mean(target, behaviors)
            report(
                ("probe", "behavior"),
                "unknown-behavior",
                f"probe.behavior '{target}' is not a behavior node",
                hint or f"use one of: {', '.join(behaviors) or '(no behaviors yet)'}",
            )
        if (
            node.kind == "element"
            and probe is not None
            and not any(
                by_id[p].kind == "structure" and getattr(by_id[p], "probe", None) is not None
                for p in up[node.id]
            )
        ):
            report(
                ("probe",),
                "element-without-structure",
                "an element probe ablates units of its parent structure's behavior, "
                "but no parent structure has a probe",
                "add a parent structure that has a probe, or remove this probe",
            )
        if not up[node.id] and node.id not in has_children and id(node) not in seen:
            report(
                ("id",),
                "orphan",
                "the node has no parents and no children",
                "add parents (the nodes it belongs to) so it joins the hierarchy",
                "warning",
            )
        seen.add(id(node))
    issues.extend(_cycles(by_id, up, locate, file))
    return issues


def _components(up: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in up:
        if root in index:
            continue
        work = [(root, iter(up[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, successors = work[-1]
            for w in successors:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(up[w])))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    out.append(component)
    return out


def _shortest_cycle(up: dict[str, list[str]], start: str, within: set[str]) -> list[str]:
    """A shortest cycle through ``start`` (breadth-first back to it, inside its component)."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in up[v]:
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if w in within and w not in previous:
                previous[w] = v
                queue.append(w)
    return [start]


def _cycles(by_id: dict[str, Any], up: dict[str, list[str]], locate: Locate, file: str):
    """One issue per cycle-carrying strongly connected component, printing one cycle in it."""
    issues = []
    for component in _components(up):
        start = min(component)
        if len(component) == 1 and start not in up[start]:
            continue
        cycle = _shortest_cycle(up, start, set(component))
        path = " -> ".join([*cycle, cycle[0]])
        nxt = cycle[1 % len(cycle)]
        index = by_id[start].parents.index(nxt)
        issues.append(
            Issue(
                file,
                *locate(by_id[start], "parents", index),
                start,
                "cycle",
                f"the parents form a cycle: {path}",
                f"remove one of these edges, e.g. '{nxt}' from the parents of '{start}'",
            )
        )
    return sorted(issues, key=lambda i: (i.line or 0, i.node or ""))
