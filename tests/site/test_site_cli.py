"""``registry site build`` on the project's own registry.yaml and a real results store."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from taxonomy.loader import load_registry
from taxonomy.site.cli import app
from taxonomy.site.paths import PROJECT_ROOT
from taxonomy.store import ResultRecord, Store

REGISTRY = PROJECT_ROOT / "registry.yaml"


def test_site_build_command_on_the_project_registry(tmp_path: Path) -> None:
    loaded = load_registry(REGISTRY)
    node = next(iter(loaded.nodes))
    with Store(tmp_path / "results.sqlite") as store:
        store.write_result(
            ResultRecord(
                node_id=node,
                kind=loaded.nodes[node].kind,
                model="zoo:unit-test",
                backend="hf",
                model_fingerprint="fp",
                score=0.25,
                ci_low=0.1,
                ci_high=0.4,
            )
        )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--registry",
            str(REGISTRY),
            "--results",
            str(tmp_path / "results.sqlite"),
            "--out",
            str(out),
            "--docs-dir",
            str(tmp_path / "docs"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "built" in result.output
    graph = json.loads((out / "graph.json").read_text())
    assert sorted(n["id"] for n in graph["nodes"]) == sorted(loaded.nodes)
    assert (out / "models" / "zoo-unit-test" / "index.html").is_file()
    assert "0.25" in (out / "nodes" / node / "index.html").read_text()


def test_site_build_reports_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--registry",
            str(REGISTRY),
            "--results",
            str(tmp_path / "absent.sqlite"),
            "--out",
            str(tmp_path / "out"),
            "--docs-dir",
            str(tmp_path / "docs"),
        ],
    )
    assert result.exit_code == 1
    assert "absent.sqlite does not exist" in result.output
    assert "registry evaluate" in result.output
