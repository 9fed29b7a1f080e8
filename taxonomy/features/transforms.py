"""Transforms: functions of one input that compose over any input distribution.

A behavior crossed with a skill's inputs is a new evaluation (the paper's Cartesian product,
arXiv:2308.00189 section 2.4): ``transforms: [{name: char_noise, params: {rate: [0, 0.1]}}]``
applies to whatever the generator drew. Each transform gets its own ``random.Random`` derived
from (seed, transform index, example id) and records what it did in ``meta``, so predictors
(``noise_level``, ``meta_field``) can read it. Params given as lists are drawn per example.
"""

from __future__ import annotations

import random
import re
import string
from typing import Literal

from pydantic import Field, field_validator

from taxonomy.features.incontext import render_demos
from taxonomy.features.registry import Example, Params, derive_rng, register

NoiseType = Literal["swap", "drop", "insert", "substitute"]


class CharNoiseParams(Params):
    rate: float | list[float] = Field(
        0.05, description="Per-character edit probability; a list is drawn per example."
    )
    types: list[NoiseType] = Field(
        ["swap", "drop", "insert", "substitute"], min_length=1, description="Edit kinds (uniform)."
    )
    protect_last_words: int = Field(
        0, ge=0, description="Leave the prompt's last N words clean (e.g. an induction cue)."
    )
    letters_only: bool = Field(True, description="Only letters are edited (else any non-space).")

    @field_validator("rate")
    @classmethod
    def _rates(cls, v: float | list[float]) -> float | list[float]:
        rates = v if isinstance(v, list) else [v]
        if not rates or any(not 0.0 <= r <= 1.0 for r in rates):
            raise ValueError("rate must be in [0, 1] (or a non-empty list of such)")
        return v


def _noisy(text: str, rate: float, types: list[str], letters_only: bool, rng: random.Random):
    eligible = str.isalpha if letters_only else (lambda c: not c.isspace())
    letters = string.ascii_lowercase
    out, edits, i = [], 0, 0
    while i < len(text):
        c = text[i]
        if not eligible(c) or rng.random() >= rate:
            out.append(c)
            i += 1
            continue
        edits += 1
        op = rng.choice(types)
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if op == "swap" and nxt and eligible(nxt):
            out += [nxt, c]
            i += 2
            continue
        if op == "drop":
            pass
        elif op == "insert":
            out += [c, rng.choice(letters)]
        else:  # substitute (also a swap with nothing eligible to swap with)
            sub = rng.choice([x for x in letters if x != c.lower()])
            out.append(sub.upper() if c.isupper() else sub)
        i += 1
    return "".join(out), edits


@register("transform", "char_noise", CharNoiseParams)
def char_noise(p: CharNoiseParams, ex: Example, rng: random.Random) -> Example:
    """Character noise: each eligible character is, with probability ``rate``, swapped with the
    next, dropped, followed by a random letter, or substituted (Belinkov & Bisk 2018,
    arXiv:1711.02173). A swap whose neighbour is not eligible becomes a substitution.
    Meta: ``noise_rate`` (the drawn rate), ``noise_edits`` (edits made).
    """
    rate = rng.choice(p.rate) if isinstance(p.rate, list) else p.rate
    starts = [m.start() for m in re.finditer(r"\S+", ex.prompt)]
    cut = len(ex.prompt)
    if p.protect_last_words:
        cut = starts[-p.protect_last_words] if len(starts) >= p.protect_last_words else 0
    head, tail = ex.prompt[:cut], ex.prompt[cut:]
    noisy, edits = _noisy(head, rate, list(p.types), p.letters_only, rng)
    return ex.with_(noisy + tail, noise_rate=rate, noise_edits=edits)


class SuffixParams(Params):
    text: str = Field(" TL;DR:", description="Appended to the prompt.")
    prob: float = Field(1.0, ge=0.0, le=1.0, description="Chance it is appended (else unchanged).")


@register("transform", "suffix", SuffixParams)
def suffix(p: SuffixParams, ex: Example, rng: random.Random) -> Example:
    """Append a string such as " TL;DR:" (a format cue; Radford et al. 2019) with probability
    ``prob``. Meta: ``suffix`` (the text appended, or "")."""
    on = rng.random() < p.prob
    return ex.with_(ex.prompt + p.text if on else ex.prompt, suffix=p.text if on else "")


class PrefixParams(Params):
    text: str = Field(description="Prepended to the prompt.")
    prob: float = Field(1.0, ge=0.0, le=1.0, description="Chance it is prepended.")


@register("transform", "prefix", PrefixParams)
def prefix(p: PrefixParams, ex: Example, rng: random.Random) -> Example:
    """Prepend a string (an instruction, a header) with probability ``prob``.
    Meta: ``prefix`` (the text prepended, or "")."""
    on = rng.random() < p.prob
    return ex.with_(p.text + ex.prompt if on else ex.prompt, prefix=p.text if on else "")


FormatName = Literal[
    "original",
    "lower",
    "upper",
    "title",
    "double_space",
    "single_line",
    "sep_colon",
    "sep_equals",
    "sep_arrow",
    "sep_tab",
]
_SEPS = {"sep_colon": ": ", "sep_equals": " = ", "sep_arrow": " -> ", "sep_tab": "\t"}


class FormatVariantParams(Params):
    variants: list[FormatName] = Field(
        ["original", "upper", "double_space", "sep_colon"],
        min_length=1,
        description="Variants drawn per example.",
    )
    separator: str | None = Field(
        None, description="The prompt's separator for sep_* variants (default: meta 'separator')."
    )


def apply_format(prompt: str, variant: str, separator: str | None) -> str:
    """One surface-format change of ``prompt`` (meaning preserved)."""
    if variant == "lower":
        return prompt.lower()
    if variant == "upper":
        return prompt.upper()
    if variant == "title":
        return " ".join(w[:1].upper() + w[1:] for w in prompt.split(" "))
    if variant == "double_space":
        return prompt.replace(" ", "  ")
    if variant == "single_line":
        return " ".join(line.strip() for line in prompt.splitlines())
    if variant in _SEPS:
        if not separator:
            raise ValueError(f"format {variant!r} needs a separator (param or meta 'separator')")
        new = _SEPS[variant]
        out = prompt.replace(separator, new)
        end = separator.rstrip()
        if end and out.endswith(end) and not prompt.endswith(separator):
            out = out[: -len(end)] + (new.rstrip() or new)
        return out
    return prompt


@register("transform", "format_variant", FormatVariantParams)
def format_variant(p: FormatVariantParams, ex: Example, rng: random.Random) -> Example:
    """Change the prompt's surface format: casing, spacing, line breaks, or the separator
    between a demonstration and its label, leaving its content alone (Sclar et al. 2024,
    arXiv:2310.11324). Meta: ``format`` (the variant drawn)."""
    variant = rng.choice(p.variants)
    sep = p.separator or ex.meta.get("separator")
    return ex.with_(apply_format(ex.prompt, variant, sep), format=variant)


class ShuffleDemosParams(Params):
    n_orders: int = Field(4, ge=1, le=64, description="Distinct fixed orders to draw from.")
    include_identity: bool = Field(True, description="Order 0 is the original order.")
    order_seed: int = Field(0, ge=0, description="Seed of the fixed permutations.")


@register("transform", "shuffle_demonstrations", ShuffleDemosParams)
def shuffle_demonstrations(p: ShuffleDemosParams, ex: Example, rng: random.Random) -> Example:
    """Re-order the demonstrations by one of ``n_orders`` fixed permutations of their positions
    (shared by all inputs with the same number of demos), so "which order" is a predictor
    (Lu et al. 2022, arXiv:2104.08786). Needs meta ``demos``/``query``/``separator`` (from
    ``few_shot_labels`` or ``key_value_retrieval``); apply it before text-editing transforms.
    Meta: ``order`` (0..n_orders-1), ``permutation``, and updated ``demos``, ``last_label``,
    ``position`` (index of the demo whose word is the query, if any)."""
    try:
        demos, query, sep = ex.meta["demos"], ex.meta["query"], ex.meta["separator"]
    except KeyError as err:
        raise ValueError(f"shuffle_demonstrations needs meta {err}; use few_shot_labels") from None
    if ex.prompt != render_demos(demos, query, sep):
        raise ValueError("shuffle_demonstrations must come before transforms that edit the text")
    k = len(demos)
    order = rng.randrange(p.n_orders)
    perm = list(range(k))
    if not (p.include_identity and order == 0):
        derive_rng("orders", p.order_seed, k, order).shuffle(perm)
    new = [demos[j] for j in perm]
    pos = ex.meta.get("position", -1)
    meta = {"order": order, "permutation": perm, "demos": new, "last_label": new[-1][1]}
    if isinstance(pos, int) and 0 <= pos < k:
        meta["position"] = perm.index(pos)
        if "relative_position" in ex.meta:
            meta["relative_position"] = meta["position"] / (k - 1) if k > 1 else 0.0
    return ex.with_(render_demos(new, query, sep), **meta)


_DISTRACTORS = (
    "The museum closes early on holidays.",
    "Blue paint was on sale last week.",
    "Some birds fly south in the autumn.",
    "The train to the coast was late again.",
)


class DistractorParams(Params):
    sentences: list[str] = Field(list(_DISTRACTORS), min_length=1, description="Drawn from.")
    prob: float = Field(0.5, ge=0.0, le=1.0, description="Chance a distractor is inserted.")
    where: Literal["start", "before_last_line"] = Field("start", description="Insertion point.")


@register("transform", "insert_distractor", DistractorParams)
def insert_distractor(p: DistractorParams, ex: Example, rng: random.Random) -> Example:
    """Insert an irrelevant sentence (mispriming / distraction; Shi et al. 2023,
    arXiv:2302.00093) at the start or before the last line. Meta: ``distractor`` (0/1)."""
    if rng.random() >= p.prob:
        return ex.with_(distractor=0)
    s = rng.choice(p.sentences)
    if p.where == "start":
        return ex.with_(f"{s} {ex.prompt}", distractor=1)
    head, _, last = ex.prompt.rpartition("\n")
    prompt = f"{head}\n{s}\n{last}" if head else f"{s}\n{last}"
    return ex.with_(prompt, distractor=1)
