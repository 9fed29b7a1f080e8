"""Graph construction and structural rules, on nodes built directly (no file)."""

from __future__ import annotations

from taxonomy.graph import (
    ancestors,
    build_graph,
    check_graph,
    children,
    descendants,
    level_order,
    parents,
)
from taxonomy.schema import BehaviorNode, ElementNode, SkillNode, StructureNode


def _node(cls, node_id, kind, *parent_ids, **extra):
    return cls(
        id=node_id,
        kind=kind,
        name=node_id,
        summary="s",
        since="0.1",
        parents=list(parent_ids),
        **extra,
    )


def _chain():
    return [
        _node(SkillNode, "icl", "skill"),
        _node(BehaviorNode, "copying", "behavior", "icl"),
        _node(StructureNode, "induction", "structure", "copying"),
        _node(ElementNode, "heads", "element", "induction"),
    ]


def test_edges_point_upward_and_helpers_follow_them():
    g = build_graph(_chain())
    assert sorted(g.edges) == [("copying", "icl"), ("heads", "induction"), ("induction", "copying")]
    assert children(g, "copying") == ["induction"]
    assert parents(g, "copying") == ["icl"]
    assert ancestors(g, "heads") == {"induction", "copying", "icl"}
    assert descendants(g, "icl") == {"copying", "induction", "heads"}
    assert level_order(g) == ["icl", "copying", "induction", "heads"]
    assert check_graph(_chain()) == []


def test_three_cycle_is_printed_in_full():
    nodes = [
        _node(BehaviorNode, "a-b", "behavior", "b-b"),
        _node(BehaviorNode, "b-b", "behavior", "c-b"),
        _node(BehaviorNode, "c-b", "behavior", "a-b"),
    ]
    [issue] = check_graph(nodes)
    assert issue.code == "cycle"
    assert issue.message == "the parents form a cycle: a-b -> b-b -> c-b -> a-b"
    assert issue.fix == "remove one of these edges, e.g. 'b-b' from the parents of 'a-b'"


def test_self_parent_is_a_cycle():
    [issue] = check_graph([_node(BehaviorNode, "self", "behavior", "self")])
    assert (issue.code, issue.message) == ("cycle", "the parents form a cycle: self -> self")


def test_same_level_decomposition_is_allowed_downward_edge_is_not():
    ok = [_node(BehaviorNode, "big", "behavior"), _node(BehaviorNode, "part", "behavior", "big")]
    assert check_graph(ok) == []
    bad = [
        _node(StructureNode, "s-node", "structure"),
        _node(BehaviorNode, "b-node", "behavior", "s-node"),
    ]
    [issue] = check_graph(bad)
    assert issue.code == "level-order" and issue.node == "b-node"


def test_dangling_parent_suggests_the_closest_id():
    nodes = [
        _node(SkillNode, "in-context-learning", "skill"),
        _node(BehaviorNode, "copying", "behavior", "in-context-lerning"),
    ]
    codes = {(i.code, i.fix) for i in check_graph(nodes)}
    assert ("dangling-parent", "did you mean 'in-context-learning'?") in codes
