"""kill -9 at an arbitrary point, rerun: identical results, no finished sample redone."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow

NODES = "kind:behavior"
ARGS = ["evaluate", "--model", "zoo:gpt2-tiny", "--nodes", NODES, "--n", "120"]


def _registry(*args, store, **kw):
    cmd = [
        sys.executable,
        "-c",
        "from taxonomy.cli import app; app()",
        *args,
        "--store",
        str(store),
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def _count(store) -> int:
    try:
        with sqlite3.connect(store, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _scores(store) -> dict:
    with sqlite3.connect(store) as db:
        rows = db.execute(
            "SELECT node_id, score, ci_low, ci_high, details FROM results "
            "WHERE id IN (SELECT MAX(id) FROM results GROUP BY node_id, model)"
        )
        return {r[0]: r[1:] for r in rows}


def _generated(output: str) -> int:
    match = re.search(r"samples: (\d+) generated", output)
    assert match, output
    return int(match.group(1))


def test_kill9_then_rerun_finishes_identically(tmp_path):
    ref_store = tmp_path / "ref.sqlite"
    ref = _registry(*ARGS, store=ref_store)
    out, _ = ref.communicate(timeout=600)
    assert ref.returncode == 0, out
    total = _count(ref_store)

    store = tmp_path / "killed.sqlite"
    proc = _registry(*ARGS, store=store)
    deadline = time.monotonic() + 300
    while _count(store) == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    done_before = _count(store)
    assert 0 < done_before < total

    rerun = _registry(*ARGS, store=store)
    out, _ = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, out
    assert _generated(out) == total - done_before  # no finished sample is generated again
    assert _count(store) == total
    assert _scores(store) == _scores(ref_store)  # bit-identical scores, CIs and details
