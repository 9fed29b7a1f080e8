"""The hf backend against independent truth: a naive cache-free decode loop, sampling
distributions computed with numpy, and the weights' own sha256."""

from __future__ import annotations

import hashlib
import shutil

import numpy as np
import pytest
import torch

from taxonomy.backends import BackendError, DecodeConfig, load_backend
from taxonomy.backends.hf_load import weights_sha256

PROMPTS = [
    "the quick brown fox",
    "zabo kimu lenta rosi zabo kimu lenta",
    "Alice met Bob in Paris; Bob gave",
    "a",
    "induction heads copy the token that followed an earlier occurrence of",
]


def _naive_greedy(backend, prompt: str, n: int) -> tuple[list[int], list[float]]:
    """Greedy decoding by re-running the full sequence each step (no cache, no padding)."""
    ids = backend._encode(prompt)
    out, lps = [], []
    with torch.inference_mode():
        for _ in range(n):
            logits = backend.torch_model(torch.tensor([ids + out])).logits[0, -1].double()
            logp = torch.log_softmax(logits, -1)
            tok = int(torch.argmax(logp))
            out.append(tok)
            lps.append(float(logp[tok]))
    return out, lps


def test_greedy_matches_naive_decode_loop(hf_backend):
    gens = hf_backend.generate(PROMPTS, DecodeConfig(max_new_tokens=8), seeds=[0] * len(PROMPTS))
    for prompt, g in zip(PROMPTS, gens, strict=True):
        ids, lps = _naive_greedy(hf_backend, prompt, 8)
        assert g.token_ids == ids and g.finish_reason == "length"
        np.testing.assert_allclose(g.logprobs, lps, atol=1e-5)
        assert g.text == hf_backend.tokenizer.decode(ids, skip_special_tokens=True)


def test_samples_independent_of_batch_and_bit_identical(hf_backend):
    config = DecodeConfig(max_new_tokens=10, temperature=1.0, top_k=50, top_p=0.95)
    seeds = [11, 12, 13, 14, 15]
    batched = hf_backend.generate(PROMPTS, config, seeds)
    again = hf_backend.generate(PROMPTS, config, seeds)
    assert batched == again  # bit-identical, logprobs included
    for prompt, seed, g in zip(PROMPTS, seeds, batched, strict=True):
        alone = hf_backend.generate([prompt], config, [seed])[0]
        assert alone.token_ids == g.token_ids
        np.testing.assert_allclose(alone.logprobs, g.logprobs, atol=1e-5)
    other_seeds = hf_backend.generate(PROMPTS, config, [s + 100 for s in seeds])
    assert [g.token_ids for g in other_seeds] != [g.token_ids for g in batched]


def test_sampling_distribution_matches_truncated_softmax(gpt2_backend):
    """Gumbel-max over temperature/top-k/top-p == the textbook truncated softmax."""
    temperature, top_k, top_p, n = 0.7, 8, 0.9, 3000
    prompt = "the quick brown fox"
    with torch.inference_mode():
        ids = torch.tensor([gpt2_backend._encode(prompt)])
        logits = gpt2_backend.torch_model(ids).logits[0, -1].double().numpy()
    z = logits / temperature
    top = np.argsort(-z)[:top_k]
    p = np.exp(z[top] - z[top].max())
    p /= p.sum()
    keep = int(np.searchsorted(np.cumsum(p), top_p) + 1)  # smallest set with mass >= top_p
    expected = np.zeros_like(logits)
    expected[top[:keep]] = p[:keep] / p[:keep].sum()

    config = DecodeConfig(max_new_tokens=1, temperature=temperature, top_k=top_k, top_p=top_p)
    gpt2_backend.batch_size = 1000
    try:
        gens = gpt2_backend.generate([prompt] * n, config, seeds=list(range(n)))
    finally:
        gpt2_backend.batch_size = 4
    counts = np.bincount([g.token_ids[0] for g in gens], minlength=len(logits)) / n
    assert set(np.flatnonzero(counts)) <= set(top[:keep])
    assert 0.5 * np.abs(counts - expected).sum() < 0.04  # TV distance; sd ~ 0.01 at n=3000
    full = torch.log_softmax(torch.tensor(logits), -1).numpy()  # logprobs are T=1, untruncated
    for g in gens[:20]:
        assert g.logprobs[0] == pytest.approx(full[g.token_ids[0]], abs=1e-5)


def test_stop_strings_and_eos(gpt2_backend):
    prompt = PROMPTS[0]
    free = gpt2_backend.generate([prompt], DecodeConfig(max_new_tokens=12), [0])[0]
    stop = free.text[3:5]
    cut = gpt2_backend.generate([prompt], DecodeConfig(max_new_tokens=12, stop=[stop]), [0])[0]
    assert cut.finish_reason == "stop"
    assert cut.text == free.text[: free.text.index(stop)]
    assert stop in gpt2_backend.tokenizer.decode(cut.token_ids)
    assert stop not in gpt2_backend.tokenizer.decode(cut.token_ids[:-1])
    assert cut.logprobs == pytest.approx(free.logprobs[: len(cut.token_ids)], abs=1e-6)

    old = gpt2_backend.eos_ids
    gpt2_backend.eos_ids = {free.token_ids[4]}  # as if the model's EOS were that token
    try:
        ended = gpt2_backend.generate([prompt], DecodeConfig(max_new_tokens=12), [0])[0]
    finally:
        gpt2_backend.eos_ids = old
    first = free.token_ids.index(free.token_ids[4]) + 1
    assert ended.finish_reason == "eos"
    assert ended.token_ids == free.token_ids[:first]


def test_model_generation_defaults_do_not_leak(model_dirs, tmp_path, gpt2_backend):
    """A checkpoint's generation_config (here a repetition penalty) must not alter samples."""
    import shutil

    from transformers import GenerationConfig

    path = shutil.copytree(model_dirs["gpt2"], tmp_path / "penalized")
    GenerationConfig(
        repetition_penalty=5.0, no_repeat_ngram_size=2, eos_token_id=0
    ).save_pretrained(path)
    penalized = load_backend(str(path), device="cpu")
    config = DecodeConfig(max_new_tokens=10)
    a = penalized.generate(PROMPTS, config, [0] * len(PROMPTS))
    b = gpt2_backend.generate(PROMPTS, config, [0] * len(PROMPTS))
    assert [g.token_ids for g in a] == [g.token_ids for g in b]
    assert any(len(set(g.token_ids)) < len(g.token_ids) for g in a)  # repeats survive


def test_oom_backs_off_and_keeps_results(model_dirs, monkeypatch):
    backend = load_backend(str(model_dirs["gpt2"]), device="cpu", batch_size="auto")
    config = DecodeConfig(max_new_tokens=4, temperature=1.0)
    seeds = list(range(len(PROMPTS)))
    reference = backend.generate(PROMPTS, config, seeds)
    real_forward = backend.torch_model.forward
    calls = {"oom": 0}

    def forward(*args, **kwargs):
        ids = kwargs.get("input_ids", args[0] if args else None)
        if ids is not None and ids.shape[0] > 2:
            calls["oom"] += 1
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(backend.torch_model, "forward", forward)
    got = backend.generate(PROMPTS, config, seeds)
    assert calls["oom"] >= 1 and backend.batch_size == 2
    assert [g.token_ids for g in got] == [g.token_ids for g in reference]

    fixed = load_backend(str(model_dirs["gpt2"]), device="cpu", batch_size=4)
    monkeypatch.setattr(fixed.torch_model, "forward", forward)
    with pytest.raises(BackendError, match="out of memory on cpu at batch size 4"):
        fixed.generate(PROMPTS, config, seeds)


def test_fingerprint_is_weights_hash(model_dirs, tmp_path, gpt2_backend):
    (weights,) = model_dirs["gpt2"].glob("*.safetensors")
    h = hashlib.sha256(weights.name.encode() + b"\0" + weights.read_bytes()).hexdigest()
    assert gpt2_backend.fingerprint() == f"sha256:{h}"
    copy = shutil.copytree(model_dirs["gpt2"], tmp_path / "copy")
    assert weights_sha256(copy) == h
    model = gpt2_backend.torch_model
    with torch.no_grad():
        model.lm_head.weight[0, 0] += 1.0
    try:
        model.save_pretrained(copy)
    finally:
        with torch.no_grad():
            model.lm_head.weight[0, 0] -= 1.0
    assert weights_sha256(copy) != h


def test_errors_are_clear(tmp_path, monkeypatch, gpt2_backend):
    with pytest.raises(BackendError, match="model './no/such/dir' not found: not a local"):
        load_backend("./no/such/dir")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(BackendError, match="not found.*HF_HUB_OFFLINE"):
        load_backend("nobody/no-such-model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BackendError, match="has no config.json"):
        load_backend(str(tmp_path / "empty"))
    with pytest.raises(BackendError, match="exceeds the context of 512"):
        gpt2_backend.generate(["a " * 600], DecodeConfig(), [0])
    with pytest.raises(BackendError, match="one seed per prompt"):
        gpt2_backend.generate(["a", "b"], DecodeConfig(), [0])
    assert gpt2_backend.white_box and gpt2_backend.name == "hf"
