"""Generation throughput of the hf backend against two references, in one run.

Same model, same prompts (mixed lengths, deterministic), greedy, ``--max-new-tokens`` each:

1. ours: ``taxonomy.backends.HFBackend.generate`` (length-bucketed left-padded batches, and it
   also returns per-token log-probabilities);
2. plain ``model.generate`` one prompt at a time;
3. lm-evaluation-harness ``HFLM.generate_until``, at its default batch size (1) and at ours.

Tokens/s counts the completion tokens our backend produced (greedy: every method decodes the
same continuations; the agreement column checks that). Ratios are ours / reference.

  python benchmarks/evaluate.py                       # CPU, zoo gpt2-tiny or a random model
  python benchmarks/evaluate.py --device cuda --config-size 100M   # GPU, 124M random weights
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_prompts(n: int, seed: int = 0) -> list[str]:
    """``n`` prompts of 4..48 made-up words (the zoo's lexicon), deterministic in ``seed``."""
    from taxonomy.zoo.lexicon import nonce_words

    words, rng = nonce_words(), random.Random(seed)
    return [" ".join(rng.choices(words, k=rng.randint(4, 48))) for _ in range(n)]


def pick_model(args, tmp: Path) -> tuple[str, str]:
    """(model directory, description): the zoo model if trained, else a random config model."""
    from taxonomy.backends import BackendError, resolve_zoo

    if args.model:
        return args.model, args.model
    if args.config_size is None:
        try:
            return str(resolve_zoo("zoo:gpt2-tiny")), "zoo:gpt2-tiny"
        except BackendError:
            pass
    from taxonomy.backends.random_model import build_random_model

    size = args.config_size or "small"
    return str(build_random_model(tmp / size, "gpt2", size)), f"random gpt2 '{size}'"


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run_ours(path, prompts, args):
    from taxonomy.backends import DecodeConfig
    from taxonomy.backends.hf import HFBackend

    backend = HFBackend(path, device=args.device, batch_size=args.batch_size)
    config = DecodeConfig(max_new_tokens=args.max_new_tokens)
    backend.generate(prompts[:8], config, [0] * 8)  # warm-up
    gens, secs = timed(lambda: backend.generate(prompts, config, [0] * len(prompts)))
    n_params = sum(p.numel() for p in backend.torch_model.parameters())
    return gens, secs, n_params, backend.tokenizer


def run_one_at_a_time(path, prompts, args, tok):
    import torch
    from transformers import AutoModelForCausalLM

    device = "cuda" if args.device == "auto" and torch.cuda.is_available() else args.device
    device = "cpu" if device == "auto" else device
    model = AutoModelForCausalLM.from_pretrained(path).to(device).eval()

    def go(subset):
        outs = []
        with torch.inference_mode():
            for p in subset:
                enc = tok(p, return_tensors="pt").to(device)
                seq = model.generate(
                    **enc,
                    max_new_tokens=args.max_new_tokens,
                    do_sample=False,
                    pad_token_id=tok.pad_token_id,
                )
                outs.append(seq[0, enc["input_ids"].shape[1] :].tolist())
        return outs

    go(prompts[:4])  # warm-up
    return timed(lambda: go(prompts[: args.one_at_a_time]))


def run_lm_eval(path, prompts, args, batch_size):
    import torch
    from lm_eval.api.instance import Instance
    from lm_eval.models.huggingface import HFLM

    device = "cuda" if args.device == "auto" and torch.cuda.is_available() else args.device
    device = "cpu" if device == "auto" else device
    lm = HFLM(pretrained=path, device=device, batch_size=batch_size, dtype="float32")
    kwargs = {"until": [], "max_gen_toks": args.max_new_tokens, "do_sample": False}

    def reqs(ps):
        return [Instance("generate_until", {}, (p, dict(kwargs)), i) for i, p in enumerate(ps)]

    lm.generate_until(reqs(prompts[:8]), disable_tqdm=True)  # warm-up
    return timed(lambda: lm.generate_until(reqs(prompts), disable_tqdm=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model directory (default: zoo:gpt2-tiny, else random)")
    ap.add_argument(
        "--config-size",
        choices=["tiny", "small", "100M"],
        default=None,
        help="build a random-weight GPT-2 of this size instead of the zoo model",
    )
    ap.add_argument("--device", default="cpu", help="cpu | cuda | auto")
    ap.add_argument("--n-prompts", type=int, default=256)
    ap.add_argument("--max-new-tokens", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=64, help="ours and lm-eval's matched run")
    ap.add_argument(
        "--one-at-a-time",
        type=int,
        default=None,
        help="time one-at-a-time generate on the first N prompts (default: all)",
    )
    ap.add_argument("--skip-lm-eval-bs1", action="store_true")
    ap.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads for every method (1 is steadier on a busy machine)",
    )
    args = ap.parse_args()
    args.one_at_a_time = args.one_at_a_time or args.n_prompts

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    prompts = make_prompts(args.n_prompts)
    with tempfile.TemporaryDirectory() as tmp:
        path, desc = pick_model(args, Path(tmp))
        gens, ours_s, n_params, tok = run_ours(path, prompts, args)
        n_tokens = sum(len(g.token_ids) for g in gens)
        ours_tps = n_tokens / ours_s
        rows = [(f"ours (hf backend, batch {args.batch_size}, + logprobs)", ours_tps, None)]

        outs, s = run_one_at_a_time(path, prompts, args, tok)
        k = args.one_at_a_time
        tps = sum(len(g.token_ids) for g in gens[:k]) / s
        agree = sum(o == g.token_ids for o, g in zip(outs, gens, strict=False)) / len(outs)
        rows.append((f"model.generate one at a time ({k} prompts)", tps, agree))

        sizes = [args.batch_size] + ([] if args.skip_lm_eval_bs1 else [1])
        for bs in sizes:
            texts, s = run_lm_eval(path, prompts, args, bs)
            agree = sum(t == g.text for t, g in zip(texts, gens, strict=True)) / len(texts)
            rows.append((f"lm-eval HFLM.generate_until (batch {bs})", n_tokens / s, agree))

    print(
        f"model: {desc}, {n_params / 1e6:.1f}M parameters, device {args.device}, "
        f"{len(prompts)} prompts, {args.max_new_tokens} new tokens, greedy, "
        f"torch threads {torch.get_num_threads()}"
    )
    print(f"{'method':48s} {'tokens/s':>10s} {'ours/x':>8s} {'same output':>12s}")
    for name, tps, agree in rows:
        ratio = ours_tps / tps
        same = "-" if agree is None else f"{agree:.0%}"
        print(f"{name:48s} {tps:10.1f} {ratio:7.2f}x {same:>12s}")


if __name__ == "__main__":
    main()
