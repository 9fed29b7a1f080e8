"""The openai backend against a real HTTP server on loopback serving a real tiny model."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from taxonomy.backends import BackendError, DecodeConfig, load_backend
from taxonomy.backends.serve import start_server

PROMPTS = ["the quick brown fox", "zabo kimu lenta rosi", "Alice met Bob in Paris;", "a"]


@pytest.fixture(scope="module")
def server_url(gpt2_backend):
    server = start_server(gpt2_backend, model_name="gpt2-tiny-random")
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "config",
    [
        DecodeConfig(max_new_tokens=8),
        DecodeConfig(max_new_tokens=8, temperature=0.9, top_k=40, top_p=0.95),
    ],
    ids=["greedy", "sampled"],
)
def test_same_generations_as_hf(server_url, gpt2_backend, config):
    client = load_backend(server_url)  # model name discovered via /v1/models
    assert client.name == "openai" and not client.white_box
    assert client.fingerprint() == f"openai:{server_url}#gpt2-tiny-random"
    seeds = [3, 1, 4, 1]
    remote = client.generate(PROMPTS, config, seeds)
    local = gpt2_backend.generate(PROMPTS, config, seeds)
    for r, h in zip(remote, local, strict=True):
        assert (r.text, r.token_ids, r.finish_reason) == (h.text, h.token_ids, h.finish_reason)
        np.testing.assert_allclose(r.logprobs, h.logprobs, atol=1e-5)


def test_stop_and_scoring(server_url, gpt2_backend):
    client = load_backend(f"{server_url}#gpt2-tiny-random", backend="openai")
    free = gpt2_backend.generate(PROMPTS[:1], DecodeConfig(max_new_tokens=12), [0])[0]
    config = DecodeConfig(max_new_tokens=12, stop=[free.text[4:6], "never-there"])
    r = client.generate(PROMPTS[:1], config, [0])[0]
    h = gpt2_backend.generate(PROMPTS[:1], config, [0])[0]
    assert r == h or (r.token_ids == h.token_ids and r.finish_reason == h.finish_reason == "stop")

    by_ids = client.score(PROMPTS, [[5, 6, 7], [8], [9, 10], [11, 12, 13, 14]])
    truth = gpt2_backend.score(PROMPTS, [[5, 6, 7], [8], [9, 10], [11, 12, 13, 14]])
    for a, b in zip(by_ids, truth, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    gens = gpt2_backend.generate(PROMPTS, DecodeConfig(max_new_tokens=6), [0] * 4)
    by_text = client.score_text(PROMPTS, [g.text for g in gens])
    checked = 0
    for p, t, g in zip(PROMPTS, by_text, gens, strict=True):
        n = len(gpt2_backend._encode(p))
        if gpt2_backend._encode(p + g.text)[n:] == g.token_ids:  # text round-trips to the ids
            np.testing.assert_allclose(t, g.logprobs, atol=1e-5)
            checked += 1
    assert checked >= 2


def test_unreachable_endpoint_is_one_clear_error():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(
        BackendError, match=rf"cannot reach http://127.0.0.1:{port}/v1: connection refused"
    ):
        load_backend(f"http://127.0.0.1:{port}/v1#m")


def test_http_error_is_reported(server_url):
    client = load_backend(f"{server_url}#gpt2-tiny-random")
    with pytest.raises(BackendError, match="HTTP 400.*exceeds the context"):
        client.generate(["x"], DecodeConfig(max_new_tokens=600), [0])
    with pytest.raises(BackendError, match="does not serve model 'other'"):
        load_backend(f"{server_url}#other")
