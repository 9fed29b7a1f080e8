"""Synthetic in-context-learning inputs: few-shot labelling, key-value retrieval, IOI names.

Demonstrations are lines ``x{separator}label``; the query line ends with the separator
stripped of trailing space, so the answer is the next word. Meta records the demonstrations so
``shuffle_demonstrations`` can re-order them and predictors can read majority / last label.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from typing import Any, Literal

from pydantic import Field, model_validator

from taxonomy.features.generators import draw, word_pool
from taxonomy.features.registry import Example, Params, register
from taxonomy.zoo import lexicon


def prior_label(word: str, labels: list[str]) -> str:
    """The fixed "gold" label of a word: a stable hash of the word picks one of ``labels``."""
    h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big")
    return labels[h % len(labels)]


def render_demos(demos: list[list[str]], query: str, separator: str) -> str:
    """Demonstration lines then the query line (the separator's trailing space stripped)."""
    lines = [f"{x}{separator}{y}" for x, y in demos]
    return "\n".join(lines + [f"{query}{separator}".rstrip()])


class FewShotLabelsParams(Params):
    labels: list[str] = Field(
        ["yes", "no"], min_length=2, max_length=16, description="Label words."
    )
    n_demos: int = Field(6, ge=1, le=64, description="Demonstrations per prompt.")
    majority_count: list[int] | None = Field(
        None, description="Demos carrying the majority label (drawn; default: ceil(n/2)+1..n)."
    )
    mapping: list[Literal["gold", "flipped", "random"]] = Field(
        ["gold"],
        min_length=1,
        description="How demo labels relate to each word's fixed prior label (drawn per example).",
    )
    query: Literal["novel", "repeat"] = Field(
        "novel", description="Query a new word, or repeat one demonstration's word."
    )
    separator: str = Field(" -> ", description="Between a word and its label.")
    pool_size: int = Field(
        256, ge=8, le=4096, description="Words drawn from the first N of the pool."
    )

    @model_validator(mode="after")
    def _counts(self) -> FewShotLabelsParams:
        for m in self.majority_count or []:
            if not 1 <= m <= self.n_demos:
                raise ValueError(f"majority_count {m} must be in 1..n_demos")
        return self


@register("generator", "few_shot_labels", FewShotLabelsParams)
def few_shot_labels(p: FewShotLabelsParams, n: int, seed: int) -> list[Example]:
    """Few-shot "word -> label" demonstrations then a query word. The majority label, its
    count and the last demonstration's label are drawn independently, so majority-label and
    recency bias (Zhao et al. 2021, arXiv:2102.09690) are separately measurable; ``mapping``
    gold / flipped / random sets demo labels relative to each word's fixed prior label (Min et
    al. 2022, arXiv:2202.12837). Meta: ``majority``, ``majority_count``, ``last_label``,
    ``mapping``, ``demos`` ([word, label] pairs), ``query``, ``labels``, ``separator``,
    ``target`` (the demo label of a repeated query, else the query's prior label),
    ``prior`` (the query's prior label), ``position`` (index of the repeated demo, or -1).
    """
    pool = word_pool(None, p.pool_size)
    labels = list(p.labels)
    by_prior = {y: [w for w in pool if prior_label(w, labels) == y] for y in labels}
    lo = p.n_demos // 2 + 1 if p.n_demos > 1 else 1
    counts = p.majority_count or list(range(min(lo, p.n_demos), p.n_demos + 1))

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        mapping = rng.choice(p.mapping)
        majority = rng.choice(labels)
        m = rng.choice(counts)
        others = [y for y in labels if y != majority]
        seq = [majority] * m + [rng.choice(others) for _ in range(p.n_demos - m)]
        rng.shuffle(seq)
        demos, used = [], set()
        for y in seq:
            if mapping == "random":
                cands = pool
            else:  # a word whose prior label is y (gold) or maps to y under a cyclic flip
                src = y if mapping == "gold" else labels[(labels.index(y) - 1) % len(labels)]
                cands = by_prior[src]
            w = rng.choice([c for c in cands if c not in used])
            used.add(w)
            demos.append([w, y])
        if p.query == "repeat":
            position = rng.randrange(p.n_demos)
            query, target = demos[position][0], demos[position][1]
        else:
            position = -1
            query = rng.choice([w for w in pool if w not in used])
            target = prior_label(query, labels)
        meta = {
            "majority": Counter(seq).most_common(1)[0][0],
            "majority_count": m,
            "last_label": seq[-1],
            "mapping": mapping,
            "demos": demos,
            "query": query,
            "labels": labels,
            "separator": p.separator,
            "target": target,
            "prior": prior_label(query, labels),
            "position": position,
        }
        return render_demos(demos, query, p.separator), meta

    return draw("few_shot_labels", n, seed, make)


class KeyValueParams(Params):
    n_pairs: int = Field(8, ge=1, le=256, description="Key-value pairs in the context.")
    separator: str = Field(": ", description="Between a key and its value.")
    pool_size: int = Field(
        512, ge=4, le=4096, description="Words drawn from the first N of the pool."
    )


@register("generator", "key_value_retrieval", KeyValueParams)
def key_value_retrieval(p: KeyValueParams, n: int, seed: int) -> list[Example]:
    """Lines ``key: value`` of random words, then one key again: the answer is its value. The
    queried position is drawn uniformly, so accuracy by position shows "lost in the middle"
    (Liu et al. 2024, arXiv:2307.03172). Meta: ``target``, ``position`` (0-based),
    ``relative_position`` (position / (n_pairs - 1), in [0, 1]), ``n_pairs``, ``demos``
    (the [key, value] pairs), ``query``, ``separator``.
    """
    pool = word_pool(None, p.pool_size)
    if 2 * p.n_pairs > len(pool):
        raise ValueError("pool_size must be >= 2 * n_pairs (keys and values are distinct)")

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        w = rng.sample(pool, 2 * p.n_pairs)
        pairs = list(zip(w[: p.n_pairs], w[p.n_pairs :], strict=True))
        pos = rng.randrange(p.n_pairs)
        demos = [list(kv) for kv in pairs]
        prompt = render_demos(demos, pairs[pos][0], p.separator)
        rel = pos / (p.n_pairs - 1) if p.n_pairs > 1 else 0.0
        meta = {
            "target": pairs[pos][1],
            "position": pos,
            "relative_position": rel,
            "n_pairs": p.n_pairs,
            "demos": demos,
            "query": pairs[pos][0],
            "separator": p.separator,
        }
        return prompt, meta

    return draw("key_value_retrieval", n, seed, make)


_IOI = (
    "When {a} and {b} went to the {place}, {s} gave a gift to",
    "After {a} and {b} reached the {place}, {s} handed a cup to",
    "While {a} and {b} were at the {place}, {s} sent a letter to",
)


class IoiParams(Params):
    n_entities: int = Field(16, ge=2, le=4096, description="Names drawn from the first N names.")


@register("generator", "ioi_names", IoiParams)
def ioi_names(p: IoiParams, n: int, seed: int) -> list[Example]:
    """Indirect-object identification (Wang et al. 2022, arXiv:2211.00593): two names, one
    repeated as the subject; the answer is the other one. Meta: ``target`` (indirect object),
    ``subject``, ``order`` ("ABA" or "ABB": which name repeats).
    """
    pool = list(lexicon.entity_names())[: p.n_entities]
    places = ("market", "river", "harbor", "village")

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        a, b = rng.sample(pool, 2)
        order = rng.choice(["ABA", "ABB"])
        s, io = (a, b) if order == "ABA" else (b, a)
        prompt = rng.choice(_IOI).format(a=a, b=b, s=s, place=rng.choice(places))
        return prompt, {"target": io, "subject": s, "order": order, "names": [a, b]}

    return draw("ioi_names", n, seed, make)
