"""The results store on a real SQLite file."""

import json
import sqlite3
from dataclasses import dataclass

import pyarrow.parquet as pq
import pytest

from taxonomy.store import ResultRecord, Store, sample_key


@dataclass(frozen=True)
class Gen:
    text: str
    token_ids: list
    logprobs: list
    finish_reason: str = "length"


def _record(node="a", model="zoo:m", score=1.0):
    return ResultRecord(
        node_id=node,
        kind="behavior",
        model=model,
        model_fingerprint="fp",
        backend="hf",
        score=score,
        ci_low=score - 0.1,
        ci_high=score + 0.1,
        details={"h_a": 2.0},
        examples=[{"prompt": "p", "completion": "c"}],
        provenance={"seed": 0},
    )


def test_sample_key_is_a_content_address():
    base = sample_key("fp", "hf", "prompt", {"temperature": 0.0}, 0)
    assert base == sample_key("fp", "hf", "prompt", {"temperature": 0.0}, 0)
    variants = [
        sample_key("fp2", "hf", "prompt", {"temperature": 0.0}, 0),
        sample_key("fp", "openai", "prompt", {"temperature": 0.0}, 0),
        sample_key("fp", "hf", "prompt ", {"temperature": 0.0}, 0),
        sample_key("fp", "hf", "prompt", {"temperature": 1.0}, 0),
        sample_key("fp", "hf", "prompt", {"temperature": 0.0}, 1),
    ]
    assert len({base, *variants}) == 6


def test_samples_round_trip_and_first_write_wins(tmp_path):
    db = Store(tmp_path / "s.sqlite")
    key = sample_key("fp", "hf", "p", {}, 3)
    db.put_samples("fp", "hf", [(key, "p", {}, 3, Gen("x y", [5, 6], [-0.25, -1.5]))])
    db.put_samples("fp", "hf", [(key, "p", {}, 3, Gen("other", [1], [-9.0]))])
    got = db.get_samples([key, "missing"])
    assert list(got) == [key]
    s = got[key]
    assert (s.text, s.token_ids, s.logprobs, s.seed) == ("x y", [5, 6], [-0.25, -1.5], 3)
    assert db.count_samples() == 1
    assert [x.key for x in db.samples_for_model("fp")] == [key]
    assert db.samples_for_model("other") == []


def test_latest_result_per_node_and_model(tmp_path):
    db = Store(tmp_path / "r.sqlite")
    db.write_result(_record("a", "m1", 1.0))
    db.write_result(_record("a", "m1", 2.0))
    db.write_result(_record("b", "m1", 3.0))
    db.write_result(_record("a", "m2", 4.0))
    got = {(r.node_id, r.model): r.score for r in db.results()}
    assert got == {("a", "m1"): 2.0, ("b", "m1"): 3.0, ("a", "m2"): 4.0}
    assert [r.score for r in db.results(model="m1", node="a")] == [2.0]
    assert db.models() == ["m1", "m2"]


def test_store_survives_reopen_and_other_connections(tmp_path):
    path = tmp_path / "r.sqlite"
    with Store(path) as db:
        db.write_result(_record())
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT COUNT(*) FROM results").fetchone() == (1,)
    with Store(path) as db:
        assert db.results()[0].details == {"h_a": 2.0}


def test_export_json_and_parquet(tmp_path):
    db = Store(tmp_path / "r.sqlite")
    db.write_result(_record("a", "m1", 1.5))
    rows = json.loads(db.export(tmp_path / "r.json").read_text())
    assert rows[0]["score"] == 1.5 and rows[0]["details"] == {"h_a": 2.0}
    table = pq.read_table(db.export(tmp_path / "r.parquet")).to_pylist()
    assert table[0]["score"] == 1.5 and json.loads(table[0]["details"]) == {"h_a": 2.0}
    with pytest.raises(ValueError, match="json or .parquet"):
        db.export(tmp_path / "r.csv")


def test_comparisons_keep_the_latest(tmp_path):
    db = Store(tmp_path / "c.sqlite")
    db.write_comparison("a", "b", [{"node_id": "x", "verdict": "shared"}])
    db.write_comparison("a", "b", [{"node_id": "x", "verdict": "differs"}])
    (latest,) = db.comparisons()
    assert latest["rows"] == [{"node_id": "x", "verdict": "differs"}]
