"""The data-file generator on real JSONL / CSV / Parquet files, and the offline hub loader."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from taxonomy.features import check_feature, generate_inputs, predict
from taxonomy.features.datafiles import DataFileError

ROWS = [
    {"question": "Who found the lamp?", "answer": "Zaditin", "level": 1},
    {"question": "Where is the boat?", "answer": "harbor", "level": 2},
    {"question": "What did she sell?", "answer": "a goat", "level": 2},
]


@pytest.fixture(params=["jsonl", "csv", "parquet"])
def data_path(request, tmp_path):
    path = tmp_path / f"qa.{request.param}"
    if request.param == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS) + "\n")
    elif request.param == "csv":
        lines = ["question,answer,level"] + [
            f"{r['question']},{r['answer']},{r['level']}" for r in ROWS
        ]
        path.write_text("\n".join(lines) + "\n")
    else:
        pq.write_table(pa.Table.from_pylist(ROWS), path)
    return path


def test_field_mapping_reads_every_format(data_path):
    fields = {"prompt": "question", "target": "answer", "level": "level"}
    exs = generate_inputs("data_file", {"path": str(data_path), "fields": fields}, 3, seed=0)
    assert [e.prompt for e in exs] == [r["question"] for r in ROWS]
    assert [e.meta["target"] for e in exs] == ["Zaditin", "harbor", "a goat"]
    assert [e.meta["row"] for e in exs] == [0, 1, 2]
    levels = [str(e.meta["level"]) for e in exs]  # CSV has no types: "1", parquet/jsonl: 1
    assert levels == ["1", "2", "2"]
    assert predict("meta_field", {"key": "target"}, exs[2]) == "a goat"


def test_template_shuffle_and_transforms(data_path):
    p = {
        "path": str(data_path),
        "template": "Q: {question}\nA:",
        "fields": {"target": "answer"},
        "order": "shuffle",
    }
    exs = generate_inputs("data_file", p, 3, seed=5, transforms=[("suffix", {"text": " ok"})])
    assert sorted(e.meta["row"] for e in exs) == [0, 1, 2]
    for e in exs:
        assert e.prompt == f"Q: {ROWS[e.meta['row']]['question']}\nA: ok"
    assert exs == generate_inputs(
        "data_file", p, 3, seed=5, transforms=[("suffix", {"text": " ok"})]
    )


def test_clear_errors(tmp_path, data_path):
    with pytest.raises(DataFileError, match="has 3 rows but n=5; set n: 3 or less"):
        generate_inputs(
            "data_file", {"path": str(data_path), "fields": {"prompt": "question"}}, 5, 0
        )
    with pytest.raises(DataFileError, match="no column 'body'"):
        generate_inputs("data_file", {"path": str(data_path), "fields": {"prompt": "body"}}, 1, 0)
    with pytest.raises(DataFileError, match="data file not found"):
        generate_inputs("data_file", {"path": str(tmp_path / "nope.jsonl")}, 1, 0)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "a"}\n{"prompt": \n')
    with pytest.raises(DataFileError, match=r"bad.jsonl:2: not valid JSON"):
        generate_inputs("data_file", {"path": str(bad)}, 1, 0)
    assert check_feature("generator", "data_file", {"path": "x.csv", "fields": {"a": "b"}}) == [
        "param 'params': map a column to 'prompt' in fields, or give a template "
        "(got {'path': 'x.csv', 'fields': {'a': 'b'}})"
    ]


def test_hf_dataset_offline_says_what_to_do():
    p = {"name": "EdinburghNLP/xsum", "fields": {"prompt": "document"}}
    assert check_feature("generator", "hf_dataset", p) == []
    with pytest.raises(
        DataFileError, match="dataset hub unreachable; download the data and use data_file"
    ):
        generate_inputs("hf_dataset", p, 2, seed=0)
