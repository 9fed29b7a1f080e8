"""Node selectors for ``--nodes``: which registry nodes an evaluation covers.

A selector is a comma-separated list of terms; a node is selected when any term matches:
an id (``induction-copying``), a glob (``copying-*``), a kind (``kind:behavior``), or a
subtree (``under:in-context-learning``, the node and everything below it).
"""

from __future__ import annotations

import difflib
import fnmatch

import networkx as nx


class SelectorError(ValueError):
    """A selector that matches nothing, with the closest ids as a hint."""


def select_nodes(graph: nx.DiGraph, selector: str | None) -> list[str]:
    """Ids matched by ``selector`` (all nodes when None), in graph insertion order."""
    ids = list(graph.nodes)
    if not selector:
        return ids
    chosen: set[str] = set()
    for term in (t.strip() for t in selector.split(",")):
        if not term:
            continue
        if term.startswith("kind:"):
            hits = {i for i in ids if graph.nodes[i]["node"].kind == term[5:]}
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
                f"(terms are ids, globs like 'copying-*', {kinds} or under:ID)"
            )
        chosen |= hits
    return [i for i in ids if i in chosen]
