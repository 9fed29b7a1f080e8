"""Generation throughput of the hf backend against two references, in one run.

Same model, same prompts (mixed lengths, deterministic), greedy, ``--max-new-tokens`` each:

1. ours: ``taxonomy.backends.HFBackend.generate`` (length-bucketed left-padded batches, and it
   also returns per-token log-probabilities);
2. plain ``model.generate`` one prompt at a time;
3. lm-evaluation-harness ``HFLM.generate_until``, at its default batch size (1) and at ours.

Tokens/s counts the completion tokens our backend produced (greedy: every method decodes the
same continuations; the "same output" column checks that). Methods run in interleaved rounds
and keep their best time, so a busy machine penalises none of them in particular. Ratios are
ours / reference. The one-prompt-at-a-time methods time the first ``--slow-subset`` prompts.

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


def _device(args) -> str:
    import torch

    if args.device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return args.device


def ours(path, args):
    """Our hf backend: returns (run(prompts) -> generations, parameter count, tokenizer)."""
    from taxonomy.backends import DecodeConfig
    from taxonomy.backends.hf import HFBackend

    backend = HFBackend(path, device=_device(args), batch_size=args.batch_size)
    config = DecodeConfig(max_new_tokens=args.max_new_tokens)
    n_params = sum(p.numel() for p in backend.torch_model.parameters())
    return lambda ps: backend.generate(ps, config, [0] * len(ps)), n_params, backend.tokenizer


def one_at_a_time(path, args, tok):
    """Plain ``model.generate``, one prompt per call: returns run(prompts) -> token id lists."""
    import torch
    from transformers import AutoModelForCausalLM

    device = _device(args)
    model = AutoModelForCausalLM.from_pretrained(path).to(device).eval()

    def run(prompts):
        outs = []
        with torch.inference_mode():
            for p in prompts:
                enc = tok(p, return_tensors="pt").to(device)
                seq = model.generate(
                    **enc,
                    max_new_tokens=args.max_new_tokens,
                    do_sample=False,
                    pad_token_id=tok.pad_token_id,
                )
                outs.append(seq[0, enc["input_ids"].shape[1] :].tolist())
        return outs

    return run


def lm_eval(path, args, batch_size):
    """lm-evaluation-harness ``HFLM.generate_until``: returns run(prompts) -> texts."""
    from lm_eval.api.instance import Instance
    from lm_eval.models.huggingface import HFLM

    lm = HFLM(pretrained=path, device=_device(args), batch_size=batch_size, dtype="float32")
    kwargs = {"until": [], "max_gen_toks": args.max_new_tokens, "do_sample": False}

    def run(prompts):
        reqs = [Instance("generate_until", {}, (p, dict(kwargs)), i) for i, p in enumerate(prompts)]
        return lm.generate_until(reqs, disable_tqdm=True)

    return run


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
        "--slow-subset",
        type=int,
        default=64,
        help="one-prompt-at-a-time methods run on the first N prompts (tokens/s is a rate)",
    )
    ap.add_argument("--repeats", type=int, default=3, help="interleaved rounds; best time kept")
    ap.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads for every method (1 is steadier on a busy machine)",
    )
    args = ap.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    prompts = make_prompts(args.n_prompts)
    slow = prompts[: args.slow_subset]
    with tempfile.TemporaryDirectory() as tmp:
        path, desc = pick_model(args, Path(tmp))
        run_ours, n_params, tok = ours(path, args)
        bs = args.batch_size
        methods = [  # (label, run, prompts)
            (f"ours: hf backend (batch {bs}, + logprobs)", run_ours, prompts),
            (f"lm-eval HFLM.generate_until (batch {bs})", lm_eval(path, args, bs), prompts),
            (
                f"model.generate one at a time ({len(slow)} prompts)",
                one_at_a_time(path, args, tok),
                slow,
            ),
            (
                f"lm-eval HFLM.generate_until (batch 1, {len(slow)} prompts)",
                lm_eval(path, args, 1),
                slow,
            ),
        ]
        for _, run, _ in methods:  # warm-up
            run(prompts[:8])
        best = [float("inf")] * len(methods)
        outputs = [None] * len(methods)
        for _ in range(args.repeats):
            for m, (_, run, ps) in enumerate(methods):
                start = time.perf_counter()
                outputs[m] = run(ps)
                best[m] = min(best[m], time.perf_counter() - start)

    gens = outputs[0]
    rates, agree = [], []
    for (_, _, ps), secs, out in zip(methods, best, outputs, strict=True):
        rates.append(sum(len(g.token_ids) for g in gens[: len(ps)]) / secs)
        same = [
            o == (g.token_ids if isinstance(o, list) else g.text)
            for o, g in zip(out, gens, strict=False)
        ]
        agree.append(sum(same) / len(same))
    print(
        f"model: {desc}, {n_params / 1e6:.1f}M parameters, device {_device(args)}, "
        f"{len(prompts)} prompts of 4-48 words, {args.max_new_tokens} new tokens, greedy, "
        f"torch threads {torch.get_num_threads()}, best of {args.repeats} interleaved rounds"
    )
    print(f"{'method':56s} {'tokens/s':>10s} {'ours/x':>8s} {'same output':>12s}")
    for m, ((label, _, _), rate, same) in enumerate(zip(methods, rates, agree, strict=True)):
        same_s = "(reference)" if m == 0 else f"{same:.0%}"
        print(f"{label:56s} {rate:10.1f} {rates[0] / rate:7.2f}x {same_s:>12s}")


if __name__ == "__main__":
    main()
