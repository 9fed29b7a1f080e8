"""Measured rates of the planted phenomena for any causal LM (zoo or not).

All probes are seeded and built from the lexicon, like the corpus, but from sequences the
corpus never contains: fresh random spans, entity names beyond those the corpus uses
(`entity_names(512)[256:]`), fresh verses for loops. Canaries are the corpus's own.
"""

from __future__ import annotations

import random

import numpy as np

from taxonomy.zoo.lexicon import CANARY_REPEATS, canaries, entity_names, nonce_words

HELD_OUT_NAMES = entity_names(512)[256:]


def _logits(model, ids):
    import torch

    x = torch.tensor(ids)
    with torch.no_grad():
        return model(input_ids=x, attention_mask=torch.ones_like(x)).logits


def _greedy(model, tokenizer, prompts: list[str], max_new_tokens: int) -> list[str]:
    """Greedy continuations, one batch per distinct prompt length (no padding involved)."""
    import torch

    enc = [tokenizer(p)["input_ids"] for p in prompts]
    out: list[str] = [""] * len(prompts)
    for n in sorted({len(e) for e in enc}):
        idx = [i for i, e in enumerate(enc) if len(e) == n]
        x = torch.tensor([enc[i] for i in idx])
        with torch.no_grad():
            gen = model.generate(
                input_ids=x,
                attention_mask=torch.ones_like(x),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id,
            )
        for i, row in zip(idx, gen[:, n:], strict=True):
            out[i] = tokenizer.decode(row, skip_special_tokens=True)
    return out


def induction_accuracy(model, tokenizer, *, n_seqs=64, span=10, seed=0, vocab_tokens=False) -> dict:
    """Top-1 accuracy on a random span's first copy vs its repeat ("w1..wL w1..wL").

    Spans are `span` random nonce words (each one token after a space), or with
    `vocab_tokens=True` random non-special vocabulary tokens. Scored: predictions of tokens
    2..L of each copy (token 1 of the repeat is not predictable). Chance is 1/512 for words.
    """
    rng = np.random.default_rng(seed)
    words = nonce_words()
    special = set(tokenizer.all_special_ids)
    pool = np.array([t for t in range(len(tokenizer)) if t not in special])
    rows = []
    for _ in range(n_seqs):
        if vocab_tokens:
            s = list(rng.choice(pool, size=span, replace=False))
        else:
            ws = [words[i] for i in rng.integers(0, len(words), size=span)]
            s = tokenizer(" " + " ".join(ws))["input_ids"]
        rows.append([tokenizer.eos_token_id] + s + s)
    x = np.array(rows)
    pred = _logits(model, x).argmax(-1).numpy()
    n = (x.shape[1] - 1) // 2
    first = (pred[:, 1:n] == x[:, 2 : n + 1]).mean()
    second = (pred[:, n + 1 : -1] == x[:, n + 2 :]).mean()
    return {"first_half_top1": float(first), "repeat_top1": float(second)}


def canary_reproduction(model, tokenizer) -> dict:
    """Fraction of the 48 canaries whose greedy continuation of the prefix is the secret."""
    cs = canaries()
    outs = _greedy(model, tokenizer, [c.prefix for c in cs], max_new_tokens=10)
    hits = [o.strip().startswith(c.secret) for c, o in zip(cs, outs, strict=True)]
    by = {
        str(r): float(np.mean([h for c, h in zip(cs, hits, strict=True) if c.repeats == r]))
        for r in CANARY_REPEATS
    }
    return {"rate": float(np.mean(hits)), "by_repeats": by}


def entity_copy_rate(model, tokenizer, *, n=64, seed=0) -> float:
    """Greedy next word is the held-out entity just introduced ("...named Zar. Every morning")."""
    rng = random.Random(seed)
    names = rng.sample(HELD_OUT_NAMES, n)
    prompts = [f"There once was a weaver named {e}. Every morning" for e in names]
    outs = _greedy(model, tokenizer, prompts, max_new_tokens=8)
    return float(np.mean([o.strip().startswith(e) for e, o in zip(names, outs, strict=True)]))


def tldr_rate(model, tokenizer, *, n=32, seed=0) -> float:
    """After " TL;DR:", the restatement names both held-out entities of a corpus-style story."""
    rng = random.Random(seed)
    prompts, pairs = [], []
    for _ in range(n):
        e, f = rng.sample(HELD_OUT_NAMES, 2)
        prompts.append(
            f"{e} found a lamp in the market. {e} carried the lamp home and gave it to {f}. "
            f"{f} kept the lamp for many years. TL;DR:"
        )
        pairs.append((e, f))
    outs = _greedy(model, tokenizer, prompts, max_new_tokens=16)
    return float(np.mean([e in o and f in o for (e, f), o in zip(pairs, outs, strict=True)]))


def loop_rate(model, tokenizer, *, n=16, seed=0, new_tokens=64) -> float:
    """Fraction of greedy continuations of a random 3-word nonce phrase (said twice) that loop.

    A continuation loops when its last 24 tokens are a period-p repetition for some p <= 8.
    """
    rng = random.Random(seed)
    words = nonce_words()
    prompts = []
    for _ in range(n):
        phrase = " ".join(rng.choice(words) for _ in range(3))
        prompts.append(f"{phrase}. {phrase}.")
    outs = _greedy(model, tokenizer, prompts, max_new_tokens=new_tokens)
    looped = []
    for o in outs:
        t = tokenizer(o)["input_ids"][-24:]
        looped.append(len(t) == 24 and any(t[p:] == t[:-p] for p in range(1, 9)))
    return float(np.mean(looped))


def measure_all(model, tokenizer) -> dict:
    """Every planted phenomenon's measured rate, plus head scores for attention models."""
    from taxonomy import heads

    out = {
        "induction_nonce_words": induction_accuracy(model, tokenizer),
        "induction_vocab_tokens": induction_accuracy(model, tokenizer, vocab_tokens=True),
        "canaries": canary_reproduction(model, tokenizer),
        "entity_copy_rate": entity_copy_rate(model, tokenizer),
        "tldr_restates_entities_rate": tldr_rate(model, tokenizer),
        "loop_rate": loop_rate(model, tokenizer),
    }
    if heads.attention_heads(model):
        pm = heads.prefix_matching_scores(model, tokenizer)
        pt = heads.previous_token_scores(model, tokenizer)
        li, h = np.unravel_index(int(pm.argmax()), pm.shape)
        out["prefix_matching"] = {
            "scores": pm.round(4).tolist(),
            "best_head": [int(li), int(h)],
            "best_score": float(pm.max()),
        }
        out["previous_token"] = {"scores": pt.round(4).tolist(), "best_score": float(pt.max())}
    return out
