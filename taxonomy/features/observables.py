"""Observables A(x, y): discrete labels of one completion, computed from its text.

Black-box backends may give no token ids, so observables read ``completion.text`` (the
completion only) and treat whitespace-delimited words as tokens; ``first_token`` uses token ids
where present. Binary observables return 1 / 0, so any of them can serve as a task's
``success``. ``completion`` is duck-typed (``taxonomy.backends.base.Generation``: ``.text``,
``.token_ids``, ``.logprobs``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from taxonomy.features.registry import Example, Params, register
from taxonomy.features.text import EMPTY, OTHER, Bins, bucket, words


def _allowed(within: str | None, ex: Example, lower: bool) -> set[str] | None:
    if within is None:
        return None
    if within == "prompt":
        return set(words(ex.prompt, True, lower))
    value = ex.meta.get(within)
    if value is None:
        raise ValueError(f"within={within!r}: the input has no meta {within!r}")
    items = value if isinstance(value, list) else [value]
    return {str(v).lower() if lower else str(v) for v in items}


class FirstWordParams(Params):
    within: str | None = Field(
        None,
        description="Restrict the alphabet: 'prompt' (words of the prompt) or a meta key holding "
        "the allowed words (e.g. 'labels', 'choices'); other words become '<other>'.",
    )
    lowercase: bool = Field(False, description="Lowercase the word.")
    max_chars: int = Field(24, ge=1, description="Truncate long words (keeps labels short).")


@register("observable", "first_word", FirstWordParams)
def first_word(p: FirstWordParams, ex: Example, completion: Any) -> str:
    """The completion's first whitespace-delimited word, punctuation stripped ("<empty>" if
    none): the black-box "first token". Use ``within`` to keep the label alphabet small."""
    ws = words(completion.text, True, p.lowercase)
    if not ws:
        return EMPTY
    allowed = _allowed(p.within, ex, p.lowercase)
    if allowed is not None and ws[0] not in allowed:
        return OTHER
    return ws[0][: p.max_chars]


class FirstWordInParams(Params):
    within: str = Field(
        "prompt", description="'prompt' (its words) or a meta key holding the allowed words."
    )
    lowercase: bool = Field(False, description="Compare lowercased.")


@register("observable", "first_word_in", FirstWordInParams)
def first_word_in(p: FirstWordInParams, ex: Example, completion: Any) -> int:
    """1 if the completion's first word is one of ``within`` (the prompt's words, or a meta
    list such as the passage's ``entities`` or the few-shot ``labels``), else 0: a binary
    "answers in the expected vocabulary" (e.g. a TL;DR restatement starts with a name)."""
    ws = words(completion.text, True, p.lowercase)
    return int(bool(ws) and ws[0] in _allowed(p.within, ex, p.lowercase))


class FirstTokenParams(Params):
    fallback_to_word: bool = Field(
        False, description="Without token ids, label by the first word instead of failing."
    )


@register("observable", "first_token", FirstTokenParams)
def first_token(p: FirstTokenParams, ex: Example, completion: Any) -> int | str:
    """The first generated token id (-1 for an empty completion). Needs a backend that returns
    token ids; black-box endpoints may not (then use ``first_word``)."""
    ids = list(getattr(completion, "token_ids", None) or [])
    if ids:
        return int(ids[0])
    if not completion.text.strip():
        return -1
    if p.fallback_to_word:
        ws = words(completion.text)
        return ws[0] if ws else EMPTY
    raise ValueError("first_token needs token ids and this completion has none; use first_word")


class ExactContinuationParams(Params):
    key: str = Field("target", description="Meta key holding the expected continuation.")
    n_words: int | None = Field(None, ge=1, description="Compare only the first N words.")
    ignore_case: bool = Field(False, description="Case-insensitive comparison.")


@register("observable", "exact_continuation", ExactContinuationParams)
def exact_continuation(p: ExactContinuationParams, ex: Example, completion: Any) -> int:
    """1 if the completion starts with the expected continuation ``meta[key]`` word for word
    (whitespace- and punctuation-normalized, so "... rabuk." matches "... rabuk"; its first
    ``n_words`` only if set), else 0: verbatim extraction
    (Carlini et al. 2021, arXiv:2012.07805). 0 when the input has no expected continuation."""
    target = ex.meta.get(p.key)
    if not target:
        return 0
    want = words(str(target), lower=p.ignore_case)[: p.n_words]
    got = words(completion.text, lower=p.ignore_case)[: len(want)]
    return int(got == want)


class MatchedWordsParams(Params):
    key: str = Field("target", description="Meta key holding the expected continuation.")


@register("observable", "matched_prefix_words", MatchedWordsParams)
def matched_prefix_words(p: MatchedWordsParams, ex: Example, completion: Any) -> int:
    """How many leading words of the completion equal the expected continuation ``meta[key]``
    (0..len(target)): a graded memorization score."""
    want = words(str(ex.meta.get(p.key) or ""))
    n = 0
    for a, b in zip(want, words(completion.text), strict=False):
        if a != b:
            break
        n += 1
    return n


class MatchesMetaParams(Params):
    key: str = Field("target", description="Meta key holding the expected word.")
    ignore_case: bool = Field(True, description="Case-insensitive comparison.")


@register("observable", "matches_meta", MatchesMetaParams)
def matches_meta(p: MatchesMetaParams, ex: Example, completion: Any) -> int:
    """1 if the completion's first word (punctuation stripped) equals the first word of
    ``meta[key]``, else 0: "correct" for one-word answers (labels, values, successors)."""
    target = words(str(ex.meta.get(p.key) or ""), True, p.ignore_case)
    got = words(completion.text, True, p.ignore_case)
    return int(bool(target) and bool(got) and got[0] == target[0])


class CopiesSpanParams(Params):
    n: int = Field(4, ge=1, le=256, description="Minimum span length, in words.")
    strip_punctuation: bool = Field(False, description="Compare words with punctuation stripped.")


@register("observable", "copies_span", CopiesSpanParams)
def copies_span(p: CopiesSpanParams, ex: Example, completion: Any) -> int:
    """1 if the completion contains ``n`` consecutive words that also occur consecutively in
    the prompt, else 0 (copying from the source; See et al. 2017, arXiv:1704.04368)."""
    out = words(completion.text, p.strip_punctuation)
    src = words(ex.prompt, p.strip_punctuation)
    if len(out) < p.n:
        return 0
    grams = {tuple(src[i : i + p.n]) for i in range(len(src) - p.n + 1)}
    return int(any(tuple(out[i : i + p.n]) in grams for i in range(len(out) - p.n + 1)))


class RepetitionLoopParams(Params):
    max_period: int = Field(8, ge=1, le=64, description="Longest repeating unit, in words.")
    min_repeats: int = Field(3, ge=2, le=64, description="Times the unit must repeat in a row.")


def loop_period(ws: list[str], max_period: int, min_repeats: int) -> int:
    """Smallest period p <= max_period such that some run of ``min_repeats * p`` words is
    p-periodic (a unit repeated ``min_repeats`` times in a row); 0 if none."""
    for period in range(1, max_period + 1):
        need = min_repeats * period
        run = 0  # length of the current p-periodic run, counted from its start
        for i in range(period, len(ws)):
            run = run + 1 if ws[i] == ws[i - period] else 0
            if run + period >= need:
                return period
    return 0


@register("observable", "repetition_loop", RepetitionLoopParams)
def repetition_loop(p: RepetitionLoopParams, ex: Example, completion: Any) -> int:
    """1 if the completion falls into a repetition loop: a unit of 1..``max_period`` words
    repeated ``min_repeats`` times in a row (neural text degeneration; Holtzman et al. 2020,
    arXiv:1904.09751; Xu et al. 2022, arXiv:2206.02369), else 0."""
    return int(loop_period(completion.text.split(), p.max_period, p.min_repeats) > 0)


class IsEmptyParams(Params):
    min_chars: int = Field(1, ge=1, description="Fewer non-space characters than this is empty.")
    min_words: int = Field(0, ge=0, description="Fewer words than this is empty too.")


@register("observable", "is_empty", IsEmptyParams)
def is_empty(p: IsEmptyParams, ex: Example, completion: Any) -> int:
    """1 if the completion is empty, whitespace-only, or shorter than ``min_chars`` non-space
    characters / ``min_words`` words (the empty-output problem of exact search; Stahlberg &
    Byrne 2019, arXiv:1908.10090), else 0."""
    text = completion.text
    short = len("".join(text.split())) < p.min_chars or len(text.split()) < p.min_words
    return int(short)


class ContainsParams(Params):
    text: str | None = Field(None, description="A fixed string to look for.")
    key: str | None = Field(
        None, description="Or a meta key whose value (or any item) to look for."
    )
    ignore_case: bool = Field(False, description="Case-insensitive search.")

    @model_validator(mode="after")
    def _one(self) -> ContainsParams:
        if (self.text is None) == (self.key is None):
            raise ValueError("give exactly one of 'text' or 'key'")
        return self


@register("observable", "contains", ContainsParams)
def contains(p: ContainsParams, ex: Example, completion: Any) -> int:
    """1 if the completion contains ``text`` (or ``meta[key]``, or any item of it when it is a
    list: e.g. the entity of the source), else 0."""
    value = p.text if p.text is not None else ex.meta.get(p.key)
    needles = [str(v) for v in (value if isinstance(value, list) else [value]) if v]
    hay = completion.text.lower() if p.ignore_case else completion.text
    return int(any((s.lower() if p.ignore_case else s) in hay for s in needles))


class LengthBucketParams(Params):
    unit: Literal["words", "chars", "tokens"] = Field("words", description="What is counted.")
    bins: Bins = Field([1, 4, 8, 16], description="Bucket edges, increasing.")


@register("observable", "length_bucket", LengthBucketParams)
def length_bucket(p: LengthBucketParams, ex: Example, completion: Any) -> str:
    """The completion's length in words, characters or tokens (token ids; words if absent),
    bucketed: "<1", "1-4", ..., ">=16"."""
    if p.unit == "chars":
        size = len(completion.text)
    elif p.unit == "tokens" and getattr(completion, "token_ids", None):
        size = len(completion.token_ids)
    else:
        size = len(completion.text.split())
    return bucket(size, p.bins)


_COMMON = frozenset(
    "A An And As At But By For From He Her His How I If In Is It Its My No Not Of On One Or "
    "She So That The Their Then There They This To We What When Where Which While Who Why You "
    "Yes After Before Every Everyone Later TL DR".split()
)


class NovelEntityParams(Params):
    ignore: list[str] = Field([], description="Capitalized words that never count as entities.")
    min_chars: int = Field(2, ge=1, description="Shorter capitalized words are ignored.")


@register("observable", "novel_entity", NovelEntityParams)
def novel_entity(p: NovelEntityParams, ex: Example, completion: Any) -> int:
    """1 if the completion names an entity absent from the prompt: a capitalized word (not a
    common function word, not in ``ignore``) that the prompt never contains, else 0
    (hallucinated entities; Maynez et al. 2020, arXiv:2005.00661)."""
    seen = set(words(ex.prompt))
    skip = _COMMON | set(p.ignore)
    for w in words(completion.text):
        if len(w) >= p.min_chars and w[0].isupper() and w not in seen and w not in skip:
            return 1
    return 0
