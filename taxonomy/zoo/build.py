"""Build the zoo: corpus -> tokenizer -> three models -> measured cards (`registry zoo build`)."""

from __future__ import annotations

import dataclasses
import json
import platform
from collections.abc import Callable
from pathlib import Path

from taxonomy.zoo import ZOO_DIR
from taxonomy.zoo.corpus import CorpusConfig, generate
from taxonomy.zoo.drills import drill_rows
from taxonomy.zoo.specs import SPECS, build_model
from taxonomy.zoo.tokenizer import corpus_tokenizer
from taxonomy.zoo.train import SEQ_LEN, TORCH_THREADS, TrainConfig, doc_batches, train

REPRO_STEPS = 200  # the reproducibility test retrains this many steps
PACK_TO = 40  # text documents shorter than this share rows (`pack_short`): drill rows are 40-64


def epoch_docs(tok, epoch: int, corpus=None) -> tuple[list[str], list[list[int]]]:
    """Epoch `epoch`'s (kinds, token docs): the corpus generated with seed `epoch`, tokenized,
    then the induction drills of the same seed (`corpus`: that corpus, if already generated).

    Every epoch draws fresh random spans, entities, stories and drills, so a repeated span can
    only be predicted by copying it from context, never by recalling it from an earlier epoch;
    the canaries are fixed text and recur in every epoch at their planted counts.
    """
    corpus = corpus if corpus is not None else generate(CorpusConfig(seed=epoch))
    special = set(tok.all_special_ids)
    drills = drill_rows([i for i in range(len(tok)) if i not in special], epoch)
    kinds = corpus.kinds + [kind for kind, _ in drills]
    return kinds, tok(corpus.docs)["input_ids"] + [row for _, row in drills]


def prepare(tokenizer=None):
    """The corpus (seed 0), the tokenizer (`corpus_tokenizer` unless given), and epoch 0's
    kinds and token docs (`epoch_docs`)."""
    corpus = generate(CorpusConfig())
    tok = tokenizer if tokenizer is not None else corpus_tokenizer()
    return (corpus, tok, *epoch_docs(tok, 0, corpus))


def epoch_batches(tok, cfg: TrainConfig, first: list[list[int]]):
    """Epoch e's training batches (`doc_batches` of `epoch_docs`; `first`: epoch 0's docs)."""

    def batches(epoch: int) -> list:
        docs = first if epoch == 0 else epoch_docs(tok, epoch)[1]
        return doc_batches(docs, tok.eos_token_id, cfg.batch_rows, pack_to=PACK_TO)

    return batches


def train_spec(name: str, tok, first, cfg: TrainConfig, *, stop_after=None, log=None):
    """A freshly seeded model of spec `name`, trained from epoch-0 token docs `first` on.

    Returns (model, loss trace, wall seconds, tokens trained on).
    """
    model = build_model(name, len(tok), tok.eos_token_id, seed=cfg.seed)
    batches = epoch_batches(tok, cfg, first)
    trace, wall, tokens = train(
        model, batches, tok.eos_token_id, cfg, stop_after=stop_after, log=log
    )
    return model, trace, wall, tokens


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
    corpus, tok, kinds, token_docs = prepare()
    stats = corpus_statistics(corpus, kinds, token_docs, tok)
    (out / "corpus_stats.json").write_text(json.dumps(stats, indent=1) + "\n")
    log(f"corpus: {len(corpus.docs)} docs, {stats['n_tokens']} tokens (epoch 0; one per epoch)")
    written = []
    for name in names:
        spec = SPECS[name]
        cfg = spec.train if steps is None else dataclasses.replace(spec.train, steps=steps)
        every = max(1, cfg.steps // 10)

        def progress(step: int, loss: float, name=name, every=every, total=cfg.steps) -> None:
            if step % every == 0 or step == total - 1:
                log(f"{name}: step {step}/{total} loss {loss:.4f}")

        model, trace, wall, tokens = train_spec(name, tok, token_docs, cfg, log=progress)
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
            "pack_to": PACK_TO,
            "batches_per_epoch": len(epoch_batches(tok, cfg, token_docs)(0)),
            "train_tokens_seen": tokens,
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
