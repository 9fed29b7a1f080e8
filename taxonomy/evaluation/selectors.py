"""Node selectors for ``--nodes``: which registry nodes an evaluation covers.

A selector is a comma-separated list of terms; a node is selected when any term matches:
an id (``induction-copying``), a glob (``copying-*``), a kind (``kind:behavior``), a
subtree (``under:in-context-learning``, the node and everything below it), or the nodes a
branch affects (``changed:origin/main``, compared with that git revision, uncommitted edits
included): nodes that are new or edited, nodes whose features' code changed
(``taxonomy.features.sources``), and nodes whose score is computed from any of those (a
structure from its behavior, a skill from the behaviors below it).
"""

from __future__ import annotations

import difflib
import fnmatch
from pathlib import Path

import networkx as nx


class SelectorError(ValueError):
    """A selector that matches nothing, with the closest ids as a hint."""


def select_nodes(
    graph: nx.DiGraph, selector: str | None, registry_path: str | Path | None = None
) -> list[str]:
    """Ids matched by ``selector`` (all nodes when None), in graph insertion order.

    ``changed:REF`` terms read ``registry_path``'s git history; matching no node is not an
    error for them (a branch may change no node).
    """
    ids = list(graph.nodes)
    if not selector:
        return ids
    chosen: set[str] = set()
    for term in (t.strip() for t in selector.split(",")):
        if not term:
            continue
        if term.startswith("kind:"):
            hits = {i for i in ids if graph.nodes[i]["node"].kind == term[5:]}
        elif term.startswith("changed:"):
            chosen |= _changed(graph, registry_path, term[8:])
            continue
        elif term.startswith("under:"):
            root = term[6:]
            hits = {root, *nx.ancestors(graph, root)} if root in graph else set()
        else:
            hits = set(fnmatch.filter(ids, term))
        if not hits:
            close = difflib.get_close_matches(term.split(":")[-1], ids, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            kinds = "kind:behavior, kind:skill, ..."
            raise SelectorError(
                f"node selector term {term!r} matches no node{hint} "
                f"(terms are ids, globs like 'copying-*', {kinds}, under:ID or changed:REF)"
            )
        chosen |= hits
    return [i for i in ids if i in chosen]


def _changed(graph: nx.DiGraph, registry_path: str | Path | None, ref: str) -> set[str]:
    from taxonomy.features.sources import changed_features
    from taxonomy.graph import score_dependencies
    from taxonomy.history import HistoryError, changed_since, repo_path
    from taxonomy.loader import feature_uses

    if not ref:
        raise SelectorError("changed: needs a git revision, e.g. changed:origin/main")
    if registry_path is None:
        raise SelectorError(f"changed:{ref} needs the registry file's path")
    try:
        hit = changed_since(registry_path, ref) & set(graph.nodes)
        code = changed_features(repo_path(registry_path)[0], ref)
    except HistoryError as err:
        raise SelectorError(f"changed:{ref}: {err}") from None
    for i in graph.nodes:
        if any((c, n) in code for c, n, *_ in feature_uses(graph.nodes[i]["node"])):
            hit.add(i)
    grown = True
    while grown:  # dependents of dependents: element -> structure -> behavior
        more = {i for i in graph.nodes if set(score_dependencies(graph, i)) & hit} - hit
        hit |= more
        grown = bool(more)
    return hit
