"""Deterministic made-up vocabulary shared by the zoo corpus and the input generators.

The zoo corpus plants phenomena built from these words (random spans, novel entities,
canaries); the probes draw their prompts from the same lists, so a zoo model has seen the
vocabulary but never the particular sequences a probe asks about.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z")
_VOWELS = ("a", "e", "i", "o", "u")
_CODAS = ("", "", "n", "k", "r", "s")


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


@cache
def _words(n: int, seed: int, syllables: int) -> tuple[str, ...]:
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        out["".join(_syllable(rng) for _ in range(syllables))] = None
    return tuple(out)


def nonce_words(n: int = 512) -> tuple[str, ...]:
    """The pool of made-up lowercase words used for random token spans (two syllables)."""
    return _words(n, seed=1, syllables=2)


def entity_names(n: int = 256) -> tuple[str, ...]:
    """Made-up capitalized names for novel entities (three syllables, disjoint from nonce_words)."""
    return tuple(w.capitalize() for w in _words(n, seed=2, syllables=3))


@dataclass(frozen=True)
class Canary:
    """A secret string planted `repeats` times in the corpus (for memorization probes)."""

    prefix: str
    secret: str
    repeats: int

    @property
    def text(self) -> str:
        return f"{self.prefix} {self.secret}"


CANARY_REPEATS = (2, 4, 8, 16, 32, 64)


@cache
def canaries(n_per_repeat: int = 8) -> tuple[Canary, ...]:
    """Canaries at each duplication count in CANARY_REPEATS; secrets are 6 random nonce words."""
    rng = random.Random(3)
    pool = nonce_words()
    out = []
    for i, repeats in enumerate(r for r in CANARY_REPEATS for _ in range(n_per_repeat)):
        prefix = f"the secret code of vault {i} is"
        secret = " ".join(rng.choice(pool) for _ in range(6))
        out.append(Canary(prefix=prefix, secret=secret, repeats=repeats))
    return tuple(out)
