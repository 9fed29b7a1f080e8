"""Predictors B(x): discrete labels of the input, with small alphabets.

I(A; B) is estimated from counts, so every predictor returns one of few labels (buckets,
an allow-list plus "<other>"); the engine treats labels as categories. Labels read from the
prompt text work for any input; ``meta_field`` reads facts a generator or transform recorded.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from taxonomy.features.registry import Example, Params, register
from taxonomy.features.text import NONE, OTHER, Bins, as_label, bucket, words


class InductionTargetParams(Params):
    lowercase: bool = Field(False, description="Compare and return words lowercased.")
    strip_punctuation: bool = Field(True, description="Strip punctuation around words.")
    none_label: str = Field(NONE, description="Label when the last word has no earlier occurrence.")


@register("predictor", "induction_target", InductionTargetParams)
def induction_target(p: InductionTargetParams, ex: Example) -> str:
    """The word that followed the most recent earlier occurrence of the prompt's last word: the
    token an induction head would copy ([A][B] ... [A] -> [B]; Olsson et al. 2022,
    arXiv:2209.11895). ``none_label`` when the last word never occurred before."""
    ws = words(ex.prompt, p.strip_punctuation, p.lowercase)
    if len(ws) < 2:
        return p.none_label
    last = ws[-1]
    for i in range(len(ws) - 2, -1, -1):
        if ws[i] == last:
            return ws[i + 1]
    return p.none_label


class ContainsPatternParams(Params):
    pattern: str = Field(description="Python regular expression searched in the prompt.")
    ignore_case: bool = Field(False, description="Case-insensitive match.")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as err:
            raise ValueError(f"invalid regular expression: {err}") from None
        return v


@register("predictor", "contains_pattern", ContainsPatternParams)
def contains_pattern(p: ContainsPatternParams, ex: Example) -> int:
    """1 if the prompt matches the regular expression ``pattern`` anywhere, else 0 (e.g.
    ``'TL;DR:\\s*$'`` for a prompt that ends with the summary cue)."""
    flags = re.IGNORECASE if p.ignore_case else 0
    return int(re.search(p.pattern, ex.prompt, flags) is not None)


class NoiseLevelParams(Params):
    key: str = Field("noise_rate", description="Meta key written by the noise transform.")
    bins: Bins | None = Field(None, description="Bucket edges (default: the exact rate).")


@register("predictor", "noise_level", NoiseLevelParams)
def noise_level(p: NoiseLevelParams, ex: Example) -> str:
    """The character-noise rate the ``char_noise`` transform applied (meta ``noise_rate``;
    0 when the input was never noised), as its value ("0.05") or its bucket."""
    rate = float(ex.meta.get(p.key, 0.0))
    if p.bins:
        return bucket(rate, p.bins)
    return f"{rate:g}"


class PromptLengthParams(Params):
    unit: Literal["words", "chars"] = Field("words", description="What is counted.")
    bins: Bins = Field([8, 16, 32, 64, 128], description="Bucket edges, increasing.")


@register("predictor", "prompt_length_bucket", PromptLengthParams)
def prompt_length_bucket(p: PromptLengthParams, ex: Example) -> str:
    """The prompt's length in words or characters, bucketed by ``bins``: "<8", "8-16",
    ..., ">=128" (source length predicts empty / short outputs; Stahlberg & Byrne 2019,
    arXiv:1908.10090)."""
    size = len(ex.prompt.split()) if p.unit == "words" else len(ex.prompt)
    return bucket(size, p.bins)


class MetaFieldParams(Params):
    key: str = Field(description="Meta key to read, e.g. 'repeats', 'position', 'majority'.")
    bins: Bins | None = Field(None, description="Bucket numeric values by these edges.")
    allowed: list[Any] | None = Field(
        None, description="Keep these values; everything else becomes '<other>'."
    )
    length: bool = Field(False, description="Use len(value) (e.g. of a list) instead.")
    missing: str = Field("<missing>", description="Label when the key is absent.")


@register("predictor", "meta_field", MetaFieldParams)
def meta_field(p: MetaFieldParams, ex: Example) -> str | int:
    """A fact the generator or a transform recorded (``meta[key]``): e.g. the canary's
    duplication count, the queried position, the majority demo label, the format variant.
    Optionally its length, a numeric bucket, or an allow-list with "<other>"."""
    if p.key not in ex.meta:
        return p.missing
    value = ex.meta[p.key]
    if p.length:
        value = len(value)
    if p.bins:
        return bucket(float(value), p.bins)
    if p.allowed is not None and value not in p.allowed:
        return OTHER
    return as_label(value)


class LastWordParams(Params):
    allowed: list[str] | None = Field(None, description="Keep these words, else '<other>'.")
    lowercase: bool = Field(True, description="Lowercase before comparing.")


@register("predictor", "last_word", LastWordParams)
def last_word(p: LastWordParams, ex: Example) -> str:
    """The prompt's last word (punctuation stripped), optionally restricted to an allow-list;
    e.g. the cue word of a template or the item before a successor."""
    ws = words(ex.prompt, True, p.lowercase)
    if not ws:
        return NONE
    allowed = [a.lower() for a in p.allowed] if p.allowed and p.lowercase else p.allowed
    return ws[-1] if allowed is None or ws[-1] in allowed else OTHER


class RepeatedInPromptParams(Params):
    lowercase: bool = Field(False, description="Compare words lowercased.")


@register("predictor", "last_word_seen", RepeatedInPromptParams)
def last_word_seen(p: RepeatedInPromptParams, ex: Example) -> int:
    """1 if the prompt's last word occurred earlier in the prompt, else 0: the condition under
    which in-context copying is possible at all (Olsson et al. 2022, arXiv:2209.11895)."""
    ws = words(ex.prompt, True, p.lowercase)
    return int(len(ws) >= 2 and ws[-1] in ws[:-1])
