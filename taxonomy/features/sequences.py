"""Synthetic generators for repetition and ordered sequences: loops, glitch-like words, successors.

Same conventions as ``generators.py``: example ``i`` depends only on ``(params, seed, i)`` and
list-valued params are drawn per example.
"""

from __future__ import annotations

import random
from typing import Any, Literal

from pydantic import Field

from taxonomy.features.generators import draw, word_pool
from taxonomy.features.registry import Example, Params, register
from taxonomy.zoo import lexicon


class RepeatedPhraseParams(Params):
    phrase_length: int = Field(3, ge=1, le=64, description="Words in the repeated phrase.")
    repeats: list[int] = Field(
        [0, 1, 2, 4], min_length=1, description="Times the phrase occurs (drawn)."
    )
    context_words: int = Field(6, ge=0, le=512, description="Random words before the phrase.")
    pool_size: int = Field(
        256, ge=2, le=4096, description="Words drawn from the first N of the pool."
    )


@register("generator", "repeated_phrase", RepeatedPhraseParams)
def repeated_phrase(p: RepeatedPhraseParams, n: int, seed: int) -> list[Example]:
    """Random context words, then a phrase repeated r times ("w1 w2. w1 w2.", the zoo corpus's
    loop format): repeats already in context make a repetition loop more likely (Xu et al.
    2022, arXiv:2206.02369). Meta: ``repeats``, ``phrase``.
    """
    pool = word_pool(None, p.pool_size)

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        phrase = rng.sample(pool, p.phrase_length)
        r = rng.choice(p.repeats)
        ctx = [rng.choice(pool) for _ in range(p.context_words)]
        text = " ".join(ctx) + "." if ctx else ""
        loop = " ".join([" ".join(phrase) + "."] * r)
        return f"{text} {loop}".strip(), {"repeats": r, "phrase": " ".join(phrase)}

    return draw("repeated_phrase", n, seed, make)


_RARE = "cjqwxyh"


class RepeatWordParams(Params):
    sources: list[Literal["nonce", "unseen"]] = Field(
        ["nonce", "unseen"],
        min_length=1,
        description="Where the word comes from (drawn per example).",
    )
    repeats: int = Field(4, ge=1, le=64, description="Times the word is written in the prompt.")


@register("generator", "repeat_word", RepeatWordParams)
def repeat_word(p: RepeatWordParams, n: int, seed: int) -> list[Example]:
    """A word written ``repeats`` times: either a zoo nonce word (seen in training) or an unseen
    string of letters the zoo lexicon never uses (c, j, q, w, x, y, h), a stand-in for
    under-trained "glitch" tokens that models fail to repeat (Land & Bartolo 2024,
    arXiv:2405.05417). Meta: ``target`` (the word), ``source``.
    """
    pool = lexicon.nonce_words()

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        source = rng.choice(p.sources)
        if source == "nonce":
            w = rng.choice(pool)
        else:
            w = "".join(rng.choice(_RARE) + rng.choice("aeiou") for _ in range(rng.randint(2, 3)))
        return " ".join([w] * p.repeats), {"target": w, "source": source}

    return draw("repeat_word", n, seed, make)


SEQUENCES: dict[str, tuple[str, ...]] = {
    "digits": tuple(str(i) for i in range(1, 41)),
    "number_words": (
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ),
    "letters": tuple("abcdefghijklmnopqrstuvwxyz"),
    "weekdays": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "months": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


class CountingSequenceParams(Params):
    kinds: list[Literal["digits", "number_words", "letters", "weekdays", "months"]] = Field(
        ["number_words"], min_length=1, description="Sequence kinds (drawn per example)."
    )
    min_length: int = Field(3, ge=1, le=20, description="Fewest items shown.")
    max_length: int = Field(5, ge=1, le=20, description="Most items shown.")
    separator: str = Field(" ", description="Between items.")


@register("generator", "counting_sequence", CountingSequenceParams)
def counting_sequence(p: CountingSequenceParams, n: int, seed: int) -> list[Example]:
    """Consecutive items of an ordered sequence ("three four five"); the next one is the
    successor (successor heads; Gould et al. 2023, arXiv:2312.09230). Meta: ``target``,
    ``kind``, ``index`` (target's position in the sequence), ``choices`` (the whole sequence).
    """
    if p.min_length > p.max_length:
        raise ValueError("min_length must be <= max_length")

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        kind = rng.choice(p.kinds)
        seq = SEQUENCES[kind]
        length = rng.randint(p.min_length, min(p.max_length, len(seq) - 1))
        start = rng.randrange(len(seq) - length)
        shown = seq[start : start + length]
        target = seq[start + length]
        meta = {"target": target, "kind": kind, "index": start + length, "choices": list(seq)}
        return p.separator.join(shown), meta

    return draw("counting_sequence", n, seed, make)
