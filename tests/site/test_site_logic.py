"""Pure pieces of the site: tick choice, the comparison rule, the changelog from git history,
and the layered layout."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxonomy.schema import Registry
from taxonomy.site.changelog import changelog, changelog_page, git_snapshots
from taxonomy.site.data import collect
from taxonomy.site.layout import graph_json
from taxonomy.site.model_pages import classify
from taxonomy.site.svg import nice_ticks


@given(st.floats(-50, 50), st.floats(0.001, 100))
def test_nice_ticks_cover_the_range_in_round_steps(low: float, span: float) -> None:
    ticks = nice_ticks(low, low + span)
    assert ticks[0] <= low and ticks[-1] >= low + span - 1e-9
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** __import__("math").floor(__import__("math").log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0, 10.0)
    assert 2 <= len(ticks) <= 12


def rec(score, low, high, compare=None):
    return SimpleNamespace(
        score=score, ci_low=low, ci_high=high, details={"compare": compare} if compare else {}
    )


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        (rec(1.0, 0.8, 1.2), rec(1.1, 0.9, 1.3), "shared"),  # overlap, both above 0
        (rec(1.0, 0.8, 1.2), rec(0.3, 0.1, 0.5), "a_higher"),  # disjoint intervals
        (rec(0.2, 0.1, 0.3), rec(0.9, 0.7, 1.1), "b_higher"),
        (rec(0.05, -0.1, 0.2), rec(0.02, -0.1, 0.1), "neither"),  # both intervals reach 0
        (rec(0.3, 0.05, 0.5), rec(0.1, -0.1, 0.3), "inconclusive"),  # only A expressed
        (rec(None, None, None), rec(1.0, 0.9, 1.1), "not_comparable"),  # skipped on A
        (None, rec(1.0, 0.9, 1.1), "not_comparable"),
        # a stored paired test overrides overlapping intervals, in either direction
        (rec(1.0, 0.8, 1.2, {"m-b": {"significant": True}}), rec(1.1, 0.9, 1.3), "b_higher"),
        (rec(1.0, 0.8, 1.2), rec(0.3, 0.1, 0.5, {"m-a": {"significant": False}}), "shared"),
    ],
)
def test_classify(a, b, verdict) -> None:
    assert classify(a, b, "m-a", "m-b") == verdict


def _registry_yaml(version: str, nodes: list[tuple[str, str, str, str]]) -> str:
    lines = [f'version: "{version}"', "nodes:"]
    for node_id, status, since, summary in nodes:
        lines += [
            f"  - id: {node_id}",
            "    kind: behavior",
            f"    name: {node_id}",
            f"    summary: {summary}",
            f"    status: {status}",
            f'    since: "{since}"',
        ]
        if status == "deprecated":
            lines.append("    replaced_by: copy-b")
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changelog_from_git_history(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            [
                "git",
                "-C",
                str(tmp_path),
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.org",
                *args,
            ],
            check=True,
            capture_output=True,
        )

    path = tmp_path / "registry.yaml"
    git("init", "-q")
    history = [
        ("0.1", [("copy-a", "hypothesis", "0.1", "A."), ("loop-x", "hypothesis", "0.1", "X.")]),
        (
            "0.2",
            [
                ("copy-a", "hypothesis", "0.1", "A, reworded."),
                ("copy-b", "hypothesis", "0.2", "B."),
                ("loop-x", "hypothesis", "0.1", "X."),
            ],
        ),
        (
            "0.3",
            [
                ("copy-a", "deprecated", "0.1", "A, reworded."),
                ("copy-b", "hypothesis", "0.2", "B."),
            ],
        ),
    ]
    for version, nodes in history:
        path.write_text(_registry_yaml(version, nodes))
        git("add", "registry.yaml")
        git("commit", "-q", "-m", f"registry {version}")
    snaps = git_snapshots(path)
    assert [s.version for s in snaps] == ["0.1", "0.2", "0.3"]
    from ruamel.yaml import YAML

    registry = Registry.model_validate(YAML(typ="safe").load(path.read_text()))
    entries = {e.version: e for e in changelog(registry, snaps)}
    assert entries["0.1"].added == {"copy-a", "loop-x"}
    assert entries["0.2"].added == {"copy-b"} and entries["0.2"].changed == {"copy-a"}
    assert entries["0.3"].deprecated == {"copy-a"} and entries["0.3"].removed == {"loop-x"}
    page = changelog_page(registry, list(changelog(registry, snaps)), True)
    assert (
        page.index("## Version 0\\.3")
        < page.index("## Version 0\\.2")
        < page.index("## Version 0\\.1")
    )
    assert "loop\\-x (no longer in the registry)" in page


def test_changelog_without_git_uses_since_and_status(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    text = _registry_yaml(
        "0.2", [("copy-a", "deprecated", "0.1", "A."), ("copy-b", "hypothesis", "0.2", "B.")]
    )
    registry = Registry.model_validate(YAML(typ="safe").load(text))
    assert git_snapshots(tmp_path / "nowhere" / "registry.yaml") == []
    entries = {e.version: e for e in changelog(registry, [])}
    assert entries["0.1"].added == {"copy-a"} and entries["0.2"].added == {"copy-b"}
    assert entries["0.2"].deprecated == {"copy-a"}


def _crossings(data: dict) -> int:
    """Edge crossings between consecutive rows (pairs of edges whose ends swap order)."""
    nodes, count = data["nodes"], 0
    edges = [(nodes[c], nodes[p]) for c, p in data["edges"]]
    for i, (c1, p1) in enumerate(edges):
        for c2, p2 in edges[i + 1 :]:
            if c1["y"] == c2["y"] and p1["y"] == p2["y"]:
                count += (c1["x"] - c2["x"]) * (p1["x"] - p2["x"]) < 0
    return count


def test_layout_orders_layers_to_uncross_edges() -> None:
    # two benchmarks, each with two skills listed in an order that crosses every edge
    nodes = [
        {"id": b, "kind": "benchmark", "name": b, "summary": "s", "since": "0.1"}
        for b in ("b-1", "b-2")
    ]
    nodes += [
        {"id": s, "kind": "skill", "name": s, "summary": "s", "since": "0.1", "parents": [p]}
        for s, p in (("s-1", "b-2"), ("s-2", "b-1"), ("s-3", "b-2"), ("s-4", "b-1"))
    ]
    data = graph_json(collect(Registry.model_validate({"version": "0.1", "nodes": nodes})))
    assert _crossings(data) == 0
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(nodes)  # no overlap


def test_model_page_includes_the_zoo_card(tmp_path: Path, sample) -> None:
    from taxonomy.site.model_pages import model_page

    card = tmp_path / "tiny-transformer" / "card.md"
    card.parent.mkdir()
    card.write_text("# Tiny transformer\n\nTwo layers, trained on the synthetic corpus.\n")
    data = collect(sample.registry, sample.records)
    page = model_page(data, "zoo:tiny-transformer", cards_dir=tmp_path)
    assert "## Model card" in page and "### Tiny transformer" in page
    assert "Two layers, trained on the synthetic corpus." in page
    assert "Model card" not in model_page(data, "zoo:tiny-rnn", cards_dir=tmp_path)


def test_stored_paired_tests_override_interval_overlap(tmp_path):
    """A `registry compare` outcome in the store decides 'differs', not CI overlap."""
    from taxonomy.site.data import attach_paired_tests
    from taxonomy.site.model_pages import classify
    from taxonomy.store import ResultRecord, Store

    def rec(model, score):
        return ResultRecord(
            node_id="b",
            kind="behavior",
            model=model,
            model_fingerprint="f",
            backend="hf",
            score=score,
            ci_low=score - 0.5,
            ci_high=score + 0.5,
        )

    with Store(tmp_path / "s.sqlite") as db:
        db.write_result(rec("A", 1.0))
        db.write_result(rec("B", 1.2))  # overlapping intervals...
        db.write_comparison(
            "A", "B", [{"node_id": "b", "verdict": "differs", "p_value": 0.01, "delta": 0.2}]
        )  # ...but the paired test separates them
        records = attach_paired_tests(db.results(), db.comparisons())
    a, b = sorted(records, key=lambda r: r.model)
    assert a.details["compare"]["B"]["significant"] is True
    assert classify(a, b, "A", "B") == "b_higher"
    assert classify(rec("A", 1.0), rec("B", 1.2), "A", "B") == "shared"


def test_ticks_of_a_degenerate_range_still_span_an_interval():
    """Scores like 0 +- 1e-17 (a constant observable) must still draw an axis."""
    from taxonomy.site.svg import nice_ticks

    ticks = nice_ticks(-2.5e-17, 2.5e-17)
    assert ticks[0] < ticks[-1]
