"""Model cards for the zoo: card.json (machine-readable) and card.md (for people and the site)."""

from __future__ import annotations

import json
from pathlib import Path

_BARS = "▁▂▃▄▅▆▇█"

_WHY = {
    "gpt2-tiny": (
        "A 2-layer GPT-2 is the smallest transformer that can compose a previous-token head "
        "(layer 0) with an induction head (layer 1) by K-composition (Olsson et al. 2022)."
    ),
    "ssm-tiny": (
        "Mamba-2 (`Mamba2ForCausalLM`) is the non-attention model: its torch fallback computes "
        "the selective state-space scan in chunks (the SSD form), in parallel over the sequence, "
        "so it trains on CPU at a cost close to the transformer's. Mamba-1's fallback scans token "
        "by token in Python and measured ~30x slower per step here; RWKV and xLSTM fallbacks are "
        "likewise sequential. It supports `generate` (batched, equal-length prompts) on CPU."
    ),
    "attn1-tiny": (
        "A 1-layer GPT-2 whose MLP weights are zeroed and frozen during training, so the MLP adds "
        "exactly 0 to the residual stream: an attention-only transformer in stock transformers "
        "format. With one layer no head can read another head's output, so it cannot implement "
        "induction; it is the negative control."
    ),
}


def sparkline(values: list[float], width: int = 60) -> str:
    """Unicode sparkline of `values` resampled to `width` bins (bin means)."""
    n = len(values)
    bins = [
        values[i * n // width : max(i * n // width + 1, (i + 1) * n // width)]
        for i in range(min(width, n))
    ]
    means = [sum(b) / len(b) for b in bins]
    lo, hi = min(means), max(means)
    return "".join(_BARS[int((m - lo) / (hi - lo + 1e-12) * (len(_BARS) - 1))] for m in means)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def render_card(card: dict, stats: dict) -> str:
    """The markdown model card."""
    m, t, name = card["measured"], card["train_config"], card["name"]
    epochs = t["steps"] / card["batches_per_epoch"]
    trace = card["loss_trace"]
    steps = len(trace)
    marks = sorted({0, steps // 10, steps // 4, steps // 2, 3 * steps // 4, steps - 1})
    curve = "\n".join(f"| {s} | {trace[s]:.3f} |" for s in marks)
    ind, ind_v, can = m["induction_nonce_words"], m["induction_vocab_tokens"], m["canaries"]
    by_rep = ", ".join(f"x{r}: {_pct(v)}" for r, v in can["by_repeats"].items())
    base = stats["induction_base_rate"]
    lines = [
        f"# Model card: `zoo:{card['name']}`",
        "",
        card["summary"],
        "",
        "## Architecture",
        f"- {card['architecture']}; transformers class `{card['hf_class']}`; "
        f"**{card['n_params']:,} parameters** (fp32, tied input/output embeddings).",
        f"- {_WHY.get(card['name'], '')}",
        f"- Load: `AutoModelForCausalLM.from_pretrained(taxonomy.zoo.model_path('{name}'))`.",
        "",
        "## Corpus and tokenizer",
        f"- Synthetic corpus (`taxonomy/zoo/corpus.py`, seed {stats['seed']}): "
        f"{stats['plants']['n_docs']:,} text documents, plus "
        f"{stats['n_docs'] - stats['plants']['n_docs']:,} rows of token-level induction drills "
        f"(`taxonomy/zoo/drills.py`): {stats['n_tokens']:,} tokens per epoch; byte-level BPE, "
        f"vocabulary {stats['vocab_size']}.",
        "- Document kinds (token share): "
        + ", ".join(f"{k} {_pct(v['token_fraction'])}" for k, v in stats["by_kind"].items())
        + ".",
        f"- Corpus induction base rate: {_pct(base['prefix_matched_fraction'])} of positions "
        f"have an earlier occurrence of their previous token; there, the token that followed "
        f"it comes next "
        f"{_pct(base['induction_correct_given_match'])} of the time.",
        "",
        "## Training",
        f"- AdamW (lr {t['lr']}, warmup {t['warmup']}, constant to step "
        f"{int(t['decay_start'] * t['steps'])}, then cosine to {t['min_lr_ratio']}x, "
        f"weight decay {t['weight_decay']}), {t['steps']} steps x {t['batch_rows']} rows "
        f"(one document per row, documents under {card['pack_to']} tokens packed several to a "
        f"row; at most {card['seq_len']} tokens, batched by length; "
        f"{card['train_tokens_seen']:,} tokens, {epochs:.1f} epochs, each epoch a corpus "
        f"generated afresh with seed = epoch), "
        f"seed {t['seed']}, {card['platform']['threads']} torch threads, deterministic algorithms.",
        f"- Wall time: {card['wall_seconds']:.0f} s on {card['platform']['machine']} "
        f"({card['platform']['cpu_capability']}, torch {card['platform']['torch']}).",
        f"- Training loss (nats/token) `{sparkline(trace)}`",
        "",
        "| step | loss |",
        "|---|---|",
        curve,
        "",
        "## Planted phenomena: measured rates (`taxonomy/zoo/measure.py`)",
        "| phenomenon | probe | rate |",
        "|---|---|---|",
        f"| induction | top-1 on repeat of 10 random nonce words (first copy) | "
        f"{_pct(ind['repeat_top1'])} ({_pct(ind['first_half_top1'])}) |",
        f"| induction | same, random vocabulary tokens | {_pct(ind_v['repeat_top1'])} "
        f"({_pct(ind_v['first_half_top1'])}) |",
        f"| memorization | greedy secret from canary prefix, all 48 | {_pct(can['rate'])} "
        f"({by_rep}) |",
        f"| novel-entity copying | held-out name copied after template | "
        f"{_pct(m['entity_copy_rate'])} |",
        f"| TL;DR format | restatement names both held-out entities | "
        f"{_pct(m['tldr_restates_entities_rate'])} |",
        f"| repetition loops | greedy 64 tokens after a phrase said twice ends in a loop | "
        f"{_pct(m['loop_rate'])} |",
    ]
    if "prefix_matching" in m:
        pm, pt = m["prefix_matching"], m["previous_token"]
        li, h = pm["best_head"]
        lines += [
            f"| induction heads | max prefix-matching score (Olsson et al. 2022), head {li}.{h} | "
            f"{pm['best_score']:.3f} |",
            f"| previous-token heads | max previous-token score | {pt['best_score']:.3f} |",
            "",
            "Prefix-matching score per head (rows: layers):",
            "",
            *[
                f"- layer {i}: " + ", ".join(f"{s:.3f}" for s in row)
                for i, row in enumerate(pm["scores"])
            ],
        ]
    else:
        lines += ["| induction heads | none: no attention | n/a |"]
    lines += ["", "Rebuild: `registry zoo build --only " + card["name"] + "`.", ""]
    return "\n".join(lines)


def write_card(path: Path, card: dict, stats: dict) -> None:
    """Write card.json and card.md into model directory `path`."""
    (path / "card.json").write_text(json.dumps(card, indent=1) + "\n")
    (path / "card.md").write_text(render_card(card, stats))
