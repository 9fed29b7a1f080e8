"""Build the zoo: corpus -> tokenizer -> three models -> measured cards (`registry zoo build`)."""

from __future__ import annotations

import dataclasses
import json
import platform
from collections.abc import Callable
from pathlib import Path

from taxonomy.zoo import ZOO_DIR
from taxonomy.zoo.corpus import CorpusConfig, generate
from taxonomy.zoo.specs import SPECS, build_model
from taxonomy.zoo.tokenizer import train_tokenizer
from taxonomy.zoo.train import SEQ_LEN, TORCH_THREADS, TrainConfig, pack_rows, train

REPRO_STEPS = 200  # the reproducibility test retrains this many steps


def prepare(corpus_config: CorpusConfig | None = None, tokenizer=None):
    """Corpus, tokenizer (trained unless given), tokenized documents and packed training rows."""
    corpus = generate(corpus_config or CorpusConfig())
    tok = tokenizer if tokenizer is not None else train_tokenizer(corpus.docs)
    token_docs = tok(corpus.docs)["input_ids"]
    return corpus, tok, token_docs, pack_rows(token_docs, tok.eos_token_id)


def train_spec(name: str, tok, rows, cfg: TrainConfig, *, stop_after=None, log=None):
    """A freshly seeded model of spec `name`, trained on `rows`; returns (model, trace, wall_s)."""
    model = build_model(name, len(tok), tok.eos_token_id, seed=cfg.seed)
    trace, wall = train(model, rows, tok.eos_token_id, cfg, stop_after=stop_after, log=log)
    return model, trace, wall


def _cpu() -> dict:
    import torch

    return {
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "threads": TORCH_THREADS,
        "machine": platform.machine(),
    }


def build(
    out: Path = ZOO_DIR,
    only: list[str] | None = None,
    steps: int | None = None,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Retrain the zoo models (all, or `only`) into `out`/<name>/, with cards and corpus stats."""
    from taxonomy.zoo.cards import write_card
    from taxonomy.zoo.measure import measure_all
    from taxonomy.zoo.stats import corpus_statistics

    names = only or list(SPECS)
    unknown = sorted(set(names) - set(SPECS))
    if unknown:
        raise ValueError(f"unknown zoo model(s) {unknown}; expected some of {sorted(SPECS)}")
    out.mkdir(parents=True, exist_ok=True)
    corpus, tok, token_docs, rows = prepare()
    stats = corpus_statistics(corpus, token_docs, tok)
    (out / "corpus_stats.json").write_text(json.dumps(stats, indent=1) + "\n")
    log(
        f"corpus: {len(corpus.docs)} docs, {stats['n_tokens']} tokens, "
        f"{len(rows)} rows of {SEQ_LEN}"
    )
    written = []
    for name in names:
        spec = SPECS[name]
        cfg = spec.train if steps is None else dataclasses.replace(spec.train, steps=steps)
        every = max(1, cfg.steps // 10)

        def progress(step: int, loss: float, name=name, every=every, total=cfg.steps) -> None:
            if step % every == 0 or step == total - 1:
                log(f"{name}: step {step}/{total} loss {loss:.4f}")

        model, trace, wall = train_spec(name, tok, rows, cfg, log=progress)
        path = out / name
        model.save_pretrained(path)
        tok.save_pretrained(path)
        measured = measure_all(model, tok)
        card = {
            "name": name,
            "architecture": spec.architecture,
            "hf_class": type(model).__name__,
            "summary": spec.summary,
            "n_params": sum(p.numel() for p in model.parameters()),
            "train_config": dataclasses.asdict(cfg),
            "seq_len": SEQ_LEN,
            "train_rows": len(rows),
            "train_tokens_seen": cfg.steps * cfg.batch_rows * SEQ_LEN,
            "wall_seconds": round(wall, 1),
            "platform": _cpu(),
            "loss_trace": trace,
            "measured": measured,
        }
        write_card(path, card, stats)
        log(
            f"{name}: trained in {wall:.0f} s, final loss {sum(trace[-50:]) / len(trace[-50:]):.3f}"
        )
        written.append(path)
    return written
