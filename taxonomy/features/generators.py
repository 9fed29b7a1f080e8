"""Synthetic input generators for copying, memorization, repetition and sequence behaviors.

Prompts are built from the zoo's shared vocabulary (``taxonomy.zoo.lexicon``: nonce words,
made-up entity names, canaries) in the formats the zoo corpus plants, so probes work on the
zoo; every pool can be swapped through params (``words``, ``entities``) for hub models.
Example ``i`` depends only on ``(generator, params, seed, i)``: drawing more inputs extends a
draw without changing its first ones. Params given as lists are drawn uniformly per example,
which is how a predictor gets something to predict from (e.g. ``repeats: [0, 1, 2, 4]``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import Field, model_validator

from taxonomy.features.registry import Example, Params, derive_rng, register
from taxonomy.zoo import lexicon

Make = Callable[[random.Random], tuple[str, dict[str, Any]]]


def draw(name: str, n: int, seed: int, make: Make) -> list[Example]:
    """``n`` examples; example ``i`` from ``make(derive_rng(name, seed, i))``."""
    out = []
    for i in range(n):
        prompt, meta = make(derive_rng("generator", name, seed, i))
        out.append(Example(i, prompt, meta))
    return out


def word_pool(words: list[str] | None, pool_size: int) -> list[str]:
    """The first ``pool_size`` of ``words`` (default: the zoo's nonce words)."""
    pool = list(words) if words else list(lexicon.nonce_words())
    if pool_size > len(pool):
        raise ValueError(f"pool_size={pool_size} exceeds the {len(pool)} available words")
    return pool[:pool_size]


class RepeatedTokensParams(Params):
    pool_size: int = Field(
        32, ge=2, le=4096, description="Words drawn from the first N of the pool."
    )
    span_length: int = Field(8, ge=2, le=256, description="Length of the random span, in words.")
    repeat_prefix_length: list[int] | None = Field(
        None,
        min_length=1,
        description="How many words of the span are repeated before the model must continue; "
        "drawn per example. Default: 1..span_length-1.",
    )
    repeat_prob: float = Field(
        1.0, ge=0.0, le=1.0, description="Chance the tail repeats the span (else fresh words)."
    )
    words: list[str] | None = Field(None, description="Word pool (default: zoo nonce words).")

    @model_validator(mode="after")
    def _fits(self) -> RepeatedTokensParams:
        if self.span_length > self.pool_size:
            raise ValueError("span_length must be <= pool_size (span words are distinct)")
        for j in self.repeat_prefix_length or []:
            if not 1 <= j < self.span_length:
                raise ValueError(f"repeat_prefix_length {j} must be in 1..span_length-1")
        return self


@register("generator", "repeated_tokens", RepeatedTokensParams)
def repeated_tokens(p: RepeatedTokensParams, n: int, seed: int) -> list[Example]:
    """A span of distinct random words, then the first j of them again (induction; Olsson et
    al. 2022, arXiv:2209.11895): ``w1 .. wL w1 .. wj`` where the next word should be
    ``w(j+1)``. With ``repeat_prob < 1`` some tails are fresh words (no earlier occurrence to
    copy). Meta: ``target`` (null when not repeated), ``span``, ``repeat_length``, ``repeated``.
    """
    pool = word_pool(p.words, p.pool_size)
    lengths = p.repeat_prefix_length or list(range(1, p.span_length))

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        span = rng.sample(pool, p.span_length)
        j = rng.choice(lengths)
        repeated = rng.random() < p.repeat_prob
        if repeated:
            tail, target = span[:j], span[j]
        else:
            tail, target = rng.sample([w for w in pool if w not in span], j), None
        meta = {"target": target, "span": span, "repeat_length": j, "repeated": repeated}
        return " ".join(span + tail), meta

    return draw("repeated_tokens", n, seed, make)


# Formats of the zoo corpus's entity documents (taxonomy/zoo/corpus.py), cut right before the
# entity's second mention: (introduction, cue after which the entity is the next word).
_NOUNS = ("farmer", "sailor", "weaver", "child", "merchant", "soldier", "singer", "judge")
_PLACES = ("the valley", "the city", "the harbor", "the forest", "the market", "the hills")
_OBJECTS = ("lamp", "goat", "ring", "boat", "scroll", "coin", "basket", "sword", "horse")
_ENTITY_FORMATS = (
    ("There once was a {noun} named {e}.", "Every morning"),
    ("In {place} lived a {noun} called {e}.", "The people of {place} loved"),
    ("{e} was a {noun} from {place}.", "When the rain came,"),
    ("A {noun} came to {place}, and the {noun} said: my name is {e}.", "So they called him"),
)


@cache
def filler_sentences() -> tuple[str, ...]:
    """English filler: the King James verses mixed into the zoo corpus."""
    from taxonomy.zoo.english import read_kjv_sample

    return tuple(read_kjv_sample())


class EntityTemplateParams(Params):
    n_entities: int = Field(16, ge=1, le=4096, description="Entities drawn from the first N names.")
    n_filler: list[int] = Field(
        [0], min_length=1, description="English sentences between intro and cue (drawn)."
    )
    n_distractors: int = Field(0, ge=0, le=8, description="Other entities mentioned in passing.")
    entities: list[str] | None = Field(None, description="Name pool (default: zoo entity names).")


@register("generator", "entity_template", EntityTemplateParams)
def entity_template(p: EntityTemplateParams, n: int, seed: int) -> list[Example]:
    """A sentence introducing a made-up entity, optional filler, then a cue after which the
    entity is the natural next word (copying novel entities; Holtzman et al. 2023,
    arXiv:2308.00189), in the zoo corpus's formats: "Zaditin was a judge from the city. When
    the rain came,". Meta: ``entity`` (= ``target``), ``entities`` (all names in the prompt),
    ``n_filler``.
    """
    pool = list(p.entities or lexicon.entity_names())[: p.n_entities]
    if len(pool) < 1 + p.n_distractors:
        raise ValueError("need n_entities > n_distractors")
    verses = filler_sentences()

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        names = rng.sample(pool, 1 + p.n_distractors)
        e, others = names[0], names[1:]
        intro, cue = rng.choice(_ENTITY_FORMATS)
        slots = {"e": e, "noun": rng.choice(_NOUNS), "place": rng.choice(_PLACES)}
        k = rng.choice(p.n_filler)
        body = [intro.format(**slots)] + [rng.choice(verses) for _ in range(k)]
        body += [f"{o} was there too." for o in others]
        prompt = " ".join(body + [cue.format(**slots)])
        return prompt, {"entity": e, "target": e, "entities": names, "n_filler": k}

    return draw("entity_template", n, seed, make)


class CanaryPrefixParams(Params):
    repeats: list[int] | None = Field(
        None, description="Keep canaries planted this many times (default: all, 1..32)."
    )
    secret_words_given: int = Field(
        0, ge=0, le=5, description="Words of the secret appended to the prefix (a longer prompt)."
    )


@register("generator", "canary_prefix", CanaryPrefixParams)
def canary_prefix(p: CanaryPrefixParams, n: int, seed: int) -> list[Example]:
    """The prefix of a canary planted in the zoo corpus ("the secret code of vault 7 is");
    greedy continuation equal to the secret is verbatim memorization (Carlini et al. 2023,
    arXiv:2202.07646), expected to grow with the duplication count. Example ``i`` is canary
    ``i mod K`` of the K kept ones in a seeded order (each K in a row covers all of them).
    Meta: ``target`` (rest of the secret), ``secret``, ``repeats`` (times planted), ``vault``.
    """
    kept = [
        (i, c) for i, c in enumerate(lexicon.canaries()) if not p.repeats or c.repeats in p.repeats
    ]
    if not kept:
        raise ValueError(f"no canary has repeats in {p.repeats}; zoo uses {lexicon.CANARY_REPEATS}")
    derive_rng("canaries", seed).shuffle(kept)
    out = []
    for i in range(n):
        vault, c = kept[i % len(kept)]
        secret = c.secret.split()
        given = secret[: p.secret_words_given]
        prompt = " ".join([c.prefix, *given])
        meta = {
            "target": " ".join(secret[len(given) :]),
            "secret": c.secret,
            "repeats": c.repeats,
            "vault": vault,
        }
        out.append(Example(i, prompt, meta))
    return out


_STORIES = (
    (
        "{e} found a {obj} in {place}. {e} carried the {obj} home and gave it to {f}.",
        "{e} gave {f} a {obj}.",
    ),
    (
        "In {place}, {e} lost a {obj}. {f} searched all day and found the {obj}.",
        "{f} found the {obj} of {e}.",
    ),
    (
        "{e} sold a {obj} to {f} in {place}. {f} paid with bread and went home.",
        "{e} sold {f} a {obj}.",
    ),
)


class TldrPassageParams(Params):
    n_entities: int = Field(16, ge=2, le=4096, description="Names drawn from the first N names.")
    n_filler: list[int] = Field(
        [0], min_length=1, description="English sentences added to the passage (drawn)."
    )
    marker: str = Field(" TL;DR:", description="Summary marker appended to the passage.")
    marker_prob: float = Field(1.0, ge=0.0, le=1.0, description="Chance the marker is appended.")


@register("generator", "tldr_passage", TldrPassageParams)
def tldr_passage(p: TldrPassageParams, n: int, seed: int) -> list[Example]:
    """A short story about two made-up people, then (with ``marker_prob``) " TL;DR:", the
    summarize-by-prompt format (Radford et al. 2019) planted in the zoo corpus. A model that
    follows it restates the story, starting with one of its names. Meta: ``entity`` (the
    summary's first name, = ``target``), ``entities`` (both names), ``summary`` (a reference
    restatement), ``marked`` (0/1), ``n_filler``.
    """
    pool = list(lexicon.entity_names())[: p.n_entities]
    verses = filler_sentences()

    def make(rng: random.Random) -> tuple[str, dict[str, Any]]:
        e, f = rng.sample(pool, 2)
        story, summary = rng.choice(_STORIES)
        slots = {"e": e, "f": f, "obj": rng.choice(_OBJECTS), "place": rng.choice(_PLACES)}
        k = rng.choice(p.n_filler)
        sents = [story.format(**slots)] + [rng.choice(verses) for _ in range(k)]
        marked = rng.random() < p.marker_prob
        prompt = " ".join(sents) + (p.marker if marked else "")
        summary = summary.format(**slots)
        meta = {
            "entity": summary.split()[0],
            "target": summary.split()[0],
            "entities": [e, f],
            "summary": summary,
            "marked": int(marked),
            "n_filler": k,
        }
        return prompt, meta

    return draw("tldr_passage", n, seed, make)
