"""The ``registry`` command line: exit codes, outputs, and what it imports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from taxonomy.cli import app
from taxonomy.loader import load_registry, validate
from taxonomy.schema import registry_json_schema
from taxonomy.yamltree import parse

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_validate_exit_codes_and_json(in_repo: Path):
    assert run("validate").exit_code == 0
    assert run("validate", "registry.yaml", "--format", "json").output.strip() == "[]"
    bad = "tests/data/invalid/cycle.yaml"
    result = run("validate", bad)
    assert result.exit_code == 1
    assert f"{bad}:7:15: node 'copying': the parents form a cycle" in result.output
    result = run("validate", bad, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output) == [i.to_dict() for i in validate(bad)]
    assert run("validate", "no-such-file.yaml").exit_code == 2
    assert run("validate", "--format", "xml").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_fmt_check_and_rewrite(tmp_path: Path, in_repo: Path):
    assert run("fmt", "--check", "registry.yaml").exit_code == 0
    path = tmp_path / "r.yaml"
    path.write_text('nodes: []\nversion: "0.1"\n')
    result = run("fmt", "--check", str(path))
    assert result.exit_code == 1 and "would reformat" in result.output
    assert run("fmt", str(path)).exit_code == 0
    assert path.read_text() == 'version: "0.1"\n\nnodes: []\n'
    path.write_text("a: !!python/name:os.system x\n")
    assert run("fmt", str(path)).exit_code == 1
    assert run("fmt", str(tmp_path / "absent.yaml")).exit_code == 2


STARTER = "tests/foundation/data/starter.yaml"  # the two Fig. 2 chains, frozen for these checks


def test_show_and_tree(in_repo: Path):
    result = run("show", "induction-heads", "-r", STARTER)
    assert result.exit_code == 0
    assert "parents:    generalized-copying [behavior] Generalized copying ?" in result.output
    assert "children:   attention-heads [element] Attention heads ?" in result.output
    result = run("show", "induction-head", "-r", STARTER)
    assert result.exit_code == 1 and "did you mean 'induction-heads'?" in result.output
    lines = run("tree", "-r", STARTER).output.splitlines()
    assert lines[0] == "crossfit [benchmark] CrossFit ?"
    assert lines[4] == "            └── attention-heads [element] Attention heads ?"
    assert len(lines) == 10
    lines = run("tree", "--root", "copying-heads", "-r", STARTER).output.splitlines()
    assert lines == [
        "copying-heads [structure] Copying heads ?",
        "└── attention-heads [element] Attention heads ?",
    ]
    lines = run("tree", "--kind", "structure", "-r", STARTER).output.splitlines()
    assert [line for line in lines if "[structure]" in line] == [
        "copying-heads [structure] Copying heads ?",
        "induction-heads [structure] Induction heads ?",
    ]
    assert run("tree", "--kind", "planet").exit_code == 2


def test_new_adds_a_valid_node(tmp_path: Path, in_repo: Path):
    path = tmp_path / "registry.yaml"
    shutil.copy("registry.yaml", path)
    result = run(
        "new", "behavior", "prompt-echoing", "--parent", "summarization", "--registry", str(path)
    )
    assert result.exit_code == 0, result.output
    loaded = load_registry(path)
    node = loaded.nodes["prompt-echoing"]
    assert (node.kind, node.status, node.since, node.parents) == (
        "behavior",
        "hypothesis",
        "0.1",
        ["summarization"],
    )
    assert run("fmt", "--check", str(path)).exit_code == 0
    assert run("new", "behavior", "prompt-echoing", "--registry", str(path)).exit_code == 1
    assert run("new", "planet", "mars", "--registry", str(path)).exit_code == 2
    assert run("new", "skill", "Not_Kebab", "--registry", str(path)).exit_code == 2
    before = path.read_text()
    assert (
        run("new", "skill", "x-skill", "--parent", "nope", "--registry", str(path)).exit_code == 1
    )
    assert path.read_text() == before
    printed = run("new", "element", "mlp-neurons", "--print").output
    assert parse(printed)[0].data()[0]["id"] == "mlp-neurons"


def test_committed_json_schema_is_fresh_and_describes_the_registry(in_repo: Path):
    assert run("schema", "--output", "registry.schema.json", "--check").exit_code == 0, (
        "registry.schema.json is stale: run `registry schema --output registry.schema.json`"
    )
    committed = json.loads(Path("registry.schema.json").read_text())
    assert committed == registry_json_schema()
    data = parse(Path("registry.yaml").read_text())[0].data()
    jsonschema.validate(data, committed)
    small = Path("tests/foundation/data/small.yaml").read_text()
    jsonschema.validate(parse(small)[0].data(), committed)
    data["nodes"][0]["colour"] = "red"
    try:
        jsonschema.validate(data, committed)
    except jsonschema.ValidationError as error:
        assert "colour" in error.message
    else:
        raise AssertionError("an unknown field must fail the JSON Schema too")


def test_validate_path_imports_no_heavy_modules(in_repo: Path):
    code = (
        "import sys\n"
        "from taxonomy.cli import app\n"
        "try:\n"
        "    app(['validate', 'tests/foundation/data/small.yaml'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "heavy = {'torch', 'jax', 'transformers', 'flax', 'numpy', 'pyarrow'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
