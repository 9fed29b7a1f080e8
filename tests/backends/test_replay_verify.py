"""Replay files (round trip, lookup and malformed input) and exact-repeatability verify."""

from __future__ import annotations

import hashlib
import json

import pytest

from taxonomy.backends import BackendError, DecodeConfig, load_backend
from taxonomy.backends.replay import write_replay
from taxonomy.backends.serve import start_server
from taxonomy.backends.verify import verify

PROMPTS = ["the quick brown fox", "zabo kimu lenta rosi", "Alice met Bob in Paris;"]
CONFIG = DecodeConfig(max_new_tokens=6, temperature=1.0)
SEEDS = [7, 8, 9]


@pytest.fixture(scope="module")
def recorded(gpt2_backend):
    return gpt2_backend.generate(PROMPTS, CONFIG, SEEDS)


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_replay_round_trip(tmp_path, recorded, suffix):
    path = write_replay(tmp_path / f"rec{suffix}", PROMPTS, SEEDS, CONFIG, recorded)
    replay = load_backend(str(path))
    assert replay.name == "replay" and not replay.white_box
    assert replay.generate(PROMPTS[::-1], CONFIG, SEEDS[::-1]) == recorded[::-1]
    assert replay.fingerprint() == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(
        BackendError, match=r"no recorded generation for prompt 'the quick.*seed 99"
    ):
        replay.generate(PROMPTS[:1], CONFIG, [99])
    with pytest.raises(BackendError, match="no recorded generation"):
        replay.generate(PROMPTS[:1], DecodeConfig(max_new_tokens=7, temperature=1.0), SEEDS[:1])
    with pytest.raises(BackendError, match="cannot score"):
        verify(replay, [{"prompt": "a", "token_ids": [1], "logprobs": [-1.0]}])


def test_replay_rows_without_config_answer_any_config(tmp_path):
    path = tmp_path / "bare.jsonl"
    path.write_text(json.dumps({"prompt": "hi", "seed": 1, "text": " there"}) + "\n")
    (g,) = load_backend(str(path)).generate(["hi"], DecodeConfig(temperature=0.5), [1])
    assert (g.text, g.token_ids, g.logprobs, g.finish_reason) == (" there", [], [], "length")


def test_malformed_replay_names_file_line_and_problem(tmp_path):
    good = {"prompt": "p", "seed": 0, "text": "t"}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"prompt": "q", "text": "t"}),
        json.dumps({**good, "prompt": "r", "token_ids": [1, 2], "logprobs": [-0.1]}),
        json.dumps(good),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(BackendError, match=rf"{path}:2: invalid JSON"):
        load_backend(str(path))
    path.write_text("\n".join(lines[:1] + lines[2:]) + "\n")
    with pytest.raises(BackendError) as err:
        load_backend(str(path))
    msg = str(err.value)
    assert f"{path}:2: seed: Field required" in msg
    assert f"{path}:3: row: Value error, 2 token_ids but 1 logprobs" in msg
    assert f"{path}:4: duplicates the row at {path}:1" in msg
    not_parquet = tmp_path / "x.parquet"
    not_parquet.write_text("nope")
    with pytest.raises(BackendError, match="not a readable Parquet file"):
        load_backend(str(not_parquet))


def test_verify_passes_on_own_samples_and_catches_changes(gpt2_backend, mamba_backend, recorded):
    records = [
        {"prompt": p, "token_ids": g.token_ids, "logprobs": g.logprobs, "text": g.text}
        for p, g in zip(PROMPTS, recorded, strict=True)
    ]
    report = verify(gpt2_backend, records)
    assert report.passed and report.n_checked == 3 and report.max_abs_diff < 1e-5
    tampered = [dict(r) for r in records]
    tampered[1]["logprobs"] = [x + 0.01 for x in tampered[1]["logprobs"]]
    bad = verify(gpt2_backend, tampered)
    assert not bad.passed and bad.n_mismatch == 1 and bad.checks[1].status == "mismatch"
    assert bad.max_abs_diff == pytest.approx(0.01, abs=1e-4)
    other = verify(mamba_backend, records)  # same tokenizer, different weights
    assert other.n_mismatch == 3 and other.max_abs_diff > 0.01
    none = verify(gpt2_backend, [{"prompt": "a", "token_ids": [1], "logprobs": []}])
    assert not none.passed and none.n_unverifiable == 1
    assert "FAIL" in bad.summary() and "PASS" in report.summary()


def test_verify_through_openai_endpoint(gpt2_backend, recorded):
    server = start_server(gpt2_backend, model_name="m")
    try:
        client = load_backend(f"http://127.0.0.1:{server.server_address[1]}/v1")
        records = [
            {"prompt": p, "token_ids": g.token_ids, "logprobs": g.logprobs, "text": g.text}
            for p, g in zip(PROMPTS, recorded, strict=True)
        ]
        assert verify(client, records).passed
        remote = client.generate(PROMPTS, CONFIG, SEEDS)
        assert verify(
            client, [{"prompt": p, **g.__dict__} for p, g in zip(PROMPTS, remote, strict=True)]
        ).passed
    finally:
        server.shutdown()
        server.server_close()
