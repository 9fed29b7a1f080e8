"""``--nodes changed:REF``: evaluate only the nodes a branch affects (real git repos)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_pipeline import REGISTRY, _run, workspace  # noqa: F401 - its replay-model fixture

import taxonomy.features
from taxonomy.evaluation.run import evaluate
from taxonomy.evaluation.selectors import select_nodes
from taxonomy.features.sources import changed_features
from taxonomy.history import HistoryError, changed_since
from taxonomy.loader import load_registry
from taxonomy.store import Store

NEW_NODE = """\
  - id: copying-again
    kind: behavior
    name: Copying again
    summary: The same probe with fewer inputs, as a contributor's new node.
    status: operationalized
    since: "0.1"
    probe:
      inputs: {generator: repeated_tokens, params: {"pool_size": 8, "span_length": 4}, n: 50}
      sampling: {max_new_tokens: 2}
      predictor: {name: induction_target}
      observable: {name: first_word}
"""


def _git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(workspace):  # noqa: F811
    tmp, registry, replay = workspace
    _git(tmp, "init", "-q")
    _git(tmp, "add", "registry.yaml")
    _git(tmp, "commit", "-qm", "base")
    return tmp, registry, replay


def test_new_and_edited_nodes_are_the_changed_ones(repo):
    tmp, registry, _ = repo
    assert changed_since(registry, "HEAD") == set()
    text = REGISTRY.replace("summary: Heads that copy.", "summary: Heads that copy tokens.")
    registry.write_text(text + NEW_NODE)
    assert changed_since(registry, "HEAD") == {"copy-heads", "copying-again"}
    _git(tmp, "commit", "-qam", "edit")
    assert changed_since(registry, "HEAD") == set()
    assert changed_since(registry, "HEAD~1") == {"copy-heads", "copying-again"}


def test_reordering_nodes_changes_nothing(repo):
    _, registry, _ = repo
    head, nodes = REGISTRY.split("nodes:\n")
    first, second = nodes.split("  - id: copy-heads\n")
    registry.write_text(f"{head}nodes:\n  - id: copy-heads\n{second}{first}")
    assert registry.read_text().index("copy-heads") < registry.read_text().index("id: copying")
    assert changed_since(registry, "HEAD") == set()


def test_evaluate_scores_only_the_changed_nodes(repo):
    tmp, registry, replay = repo
    registry.write_text(REGISTRY + NEW_NODE)
    out = evaluate(registry, [str(replay)], nodes="changed:HEAD", store=tmp / "s.sqlite")
    assert [r.node_id for r in out.records] == ["copying-again"]
    assert out.generated > 0


def test_nothing_changed_is_a_clean_no_op(repo):
    tmp, registry, replay = repo
    args = ["-r", str(registry), "--store", str(tmp / "s.sqlite"), "--model", str(replay)]
    result = _run("evaluate", *args, "--nodes", "changed:HEAD")
    assert result.exit_code == 0
    assert "nothing to evaluate" in result.output
    with Store(tmp / "s.sqlite") as db:
        assert db.results() == []


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("no-such-branch", "unknown git revision 'no-such-branch'"),
        ("", "needs a git revision"),
        ("--output=x", "is not a git revision"),
    ],
)
def test_bad_revisions_get_one_clear_message(repo, ref, message):
    tmp, registry, replay = repo
    args = ["-r", str(registry), "--store", str(tmp / "s.sqlite"), "--model", str(replay)]
    result = _run("evaluate", *args, "--nodes", f"changed:{ref}")
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_outside_a_repository(workspace):  # noqa: F811
    _, registry, _ = workspace
    with pytest.raises(HistoryError, match="not inside a git repository"):
        changed_since(registry, "HEAD")


@pytest.fixture
def code_repo(repo):
    """The repo with a copy of the real feature library committed at taxonomy/features/."""
    tmp, registry, replay = repo
    features = tmp / "taxonomy" / "features"
    shutil.copytree(Path(taxonomy.features.__file__).parent, features)
    _git(tmp, "add", "taxonomy")
    _git(tmp, "commit", "-qm", "features")
    return tmp, registry, features


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def test_a_helper_change_marks_every_feature_that_calls_it(code_repo):
    tmp, _, features = code_repo
    assert changed_features(tmp, "HEAD") == set()
    # text.bucket is called by exactly these four features (observables.py, predictors.py)
    _edit(
        features / "text.py", "bisect.bisect_right(bins, value)", "bisect.bisect_left(bins, value)"
    )
    assert changed_features(tmp, "HEAD") == {
        ("observable", "length_bucket"),
        ("predictor", "noise_level"),
        ("predictor", "prompt_length_bucket"),
        ("predictor", "meta_field"),
    }


def test_comments_docstrings_and_formatting_change_no_feature(code_repo):
    tmp, _, features = code_repo
    _edit(
        features / "text.py",
        "    i = bisect.bisect_right(bins, value)\n",
        "    # bin index\n    i = bisect.bisect_right(\n        bins, value\n    )\n",
    )
    _edit(
        features / "observables.py",
        '    """The completion\'s first whitespace-delimited word,',
        '    """The first whitespace-delimited word of the completion,',
    )
    assert changed_features(tmp, "HEAD") == set()


def test_changed_feature_code_selects_its_nodes_and_their_dependents(code_repo):
    tmp, registry, features = code_repo
    graph = load_registry(registry).graph
    assert select_nodes(graph, "changed:HEAD", registry) == []
    # first_word is the observable of 'copying'; 'copy-heads' ablates heads from 'copying'
    _edit(
        features / "observables.py",
        "    return ws[0][: p.max_chars]\n",
        "    return ws[0][: p.max_chars + 1]\n",
    )
    assert select_nodes(graph, "changed:HEAD", registry) == ["copying", "copy-heads"]
