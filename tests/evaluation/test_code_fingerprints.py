"""Result keys follow the code: an edited feature or estimator is rescored, a reworded one is not.

The end-to-end test runs `evaluate` in a subprocess on a copy of the project's packages (put
first on PYTHONPATH), edits that copy between runs, and reads the stored result keys.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_changed_nodes import _edit
from test_pipeline import workspace  # noqa: F401 - its replay-model fixture

import estimators
import taxonomy
from taxonomy.evaluation.engine import SCORING_CODE
from taxonomy.features.sources import code_fingerprints

FEATURES = [("observable", "first_word"), ("observable", "length_bucket")]


@pytest.fixture
def src(tmp_path) -> Path:
    """A copy of the running `taxonomy` and `estimators` packages."""
    root = tmp_path / "src"
    for package in (taxonomy, estimators):
        here = Path(package.__file__).parent
        shutil.copytree(
            here, root / here.name, ignore=shutil.ignore_patterns("models", "__pycache__")
        )
    return root


def test_a_copy_of_the_code_has_the_same_fingerprints(src):
    assert code_fingerprints(FEATURES, SCORING_CODE, root=src) == code_fingerprints(
        FEATURES, SCORING_CODE
    )


def test_only_the_edited_code_changes_its_fingerprint(src):
    before = code_fingerprints(FEATURES, ["estimators"], root=src)
    src = shutil.copytree(src, src.parent / "edited")  # fingerprints are cached per root
    # text.bucket is called by length_bucket, not by first_word
    _edit(
        src / "taxonomy/features/text.py",
        "bisect.bisect_right(bins, value)",
        "bisect.bisect_left(bins, value)",
    )
    # an estimator docstring: documentation, not code
    _edit(
        src / "estimators/entropy.py",
        "Entropy estimators from count vectors, in bits.",
        "Entropy estimators (from count vectors), in bits.",
    )
    after = code_fingerprints(FEATURES, ["estimators"], root=src)
    assert after["observable.length_bucket"] != before["observable.length_bucket"]
    assert after["observable.first_word"] == before["observable.first_word"]
    assert after["estimators"] == before["estimators"]


_KEYS = """
import json, sys
from taxonomy.evaluation.run import evaluate
out = evaluate(sys.argv[1], [sys.argv[2]], store=sys.argv[3])
print(json.dumps({r.node_id: r.provenance["result_key"] for r in out.records}))
"""


def test_evaluate_rescores_what_edited_code_affects(workspace, src):  # noqa: F811
    tmp, registry, replay = workspace
    env = {**os.environ, "PYTHONPATH": str(src)}

    def keys() -> dict[str, str]:
        run = subprocess.run(
            [sys.executable, "-c", _KEYS, str(registry), str(replay), str(tmp / "s.sqlite")],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        return json.loads(run.stdout.strip().splitlines()[-1])

    first = keys()
    observables = src / "taxonomy/features/observables.py"
    _edit(  # a comment: nothing to rescore
        observables,
        "    return ws[0][: p.max_chars]\n",
        "    # the first word, cut\n    return ws[0][: p.max_chars]\n",
    )
    assert keys() == first
    # first_word is the observable of 'copying'; 'copy-heads' is scored from 'copying'
    _edit(observables, "    return ws[0][: p.max_chars]\n", "    return ws[0][0 : p.max_chars]\n")
    edited = keys()
    assert edited["copying"] != first["copying"]
    assert edited["copy-heads"] != first["copy-heads"]
    _edit(observables, "    return ws[0][0 : p.max_chars]\n", "    return ws[0][: p.max_chars]\n")
    assert keys() == first  # back to the original code: back to the original keys
