"""White-box detectors: find the attention heads that carry a learned structure.

Each takes ``(model, tokenizer, params)`` (a torch transformers model loaded with eager
attention, and its tokenizer), scores every head with ``taxonomy.heads`` (imported lazily: it
needs torch) and returns the selected ``(layer, head)`` pairs, best first.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from taxonomy.features.registry import Params, register


class HeadSelectParams(Params):
    top: int = Field(2, ge=1, le=4096, description="Keep at most this many heads, best first.")
    threshold: float = Field(0.0, ge=0.0, le=1.0, description="Keep heads scoring at least this.")
    n_seqs: int = Field(16, ge=1, le=1024, description="Random sequences scored.")
    span: int = Field(24, ge=2, le=512, description="Length of the random span, in tokens.")
    seed: int = Field(0, ge=0, description="Seed of the random sequences.")


def select_heads(scores: Any, top: int, threshold: float) -> list[tuple[int, int]]:
    """The ``top`` highest-scoring ``(layer, head)`` cells of a [layers, heads] array that are
    >= ``threshold``, best first (ties broken by position, so the result is deterministic)."""
    cells = [
        (float(scores[layer][head]), layer, head)
        for layer in range(len(scores))
        for head in range(len(scores[layer]))
    ]
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    return [(layer, head) for s, layer, head in cells[:top] if s >= threshold]


class PrefixMatchingParams(HeadSelectParams):
    repeats: int = Field(2, ge=2, le=16, description="Times the random span is repeated.")
    shift: int = Field(
        0,
        ge=0,
        le=8,
        description="Also score the targets up to this many tokens past Olsson's, keeping each "
        "head's best: shifted induction heads, which copy the same token through an earlier "
        "layer's head. 0 is Olsson's score.",
    )

    @model_validator(mode="after")
    def _shift_within_span(self) -> PrefixMatchingParams:
        if self.shift >= self.span:
            raise ValueError(f"shift {self.shift} must be below span {self.span}")
        return self


@register("detector", "prefix_matching", PrefixMatchingParams, light=False)
def prefix_matching(model: Any, tokenizer: Any, p: PrefixMatchingParams) -> list[tuple[int, int]]:
    """Induction heads by prefix-matching score (Olsson et al. 2022, arXiv:2209.11895): on a
    random token span repeated ``repeats`` times, the mean attention from each repeated token
    to the token right after its previous occurrence (with ``shift`` k, or up to k tokens past
    it: see ``taxonomy.heads.prefix_matching_scores``). Selects the ``top`` heads with score
    >= ``threshold``."""
    from taxonomy.heads import prefix_matching_scores

    scores = prefix_matching_scores(
        model,
        tokenizer,
        n_seqs=p.n_seqs,
        span=p.span,
        repeats=p.repeats,
        seed=p.seed,
        shift=p.shift,
    )
    return select_heads(scores, p.top, p.threshold)


class PreviousTokenParams(HeadSelectParams):
    text: Literal["english", "random"] = Field(
        "english",
        description="Score on English verses (the zoo corpus's), or on random repeated tokens.",
    )


@register("detector", "previous_token", PreviousTokenParams, light=False)
def previous_token(model: Any, tokenizer: Any, p: PreviousTokenParams) -> list[tuple[int, int]]:
    """Previous-token heads: mean attention from each position to the one before it, on
    ordinary text by default (the first half of the induction circuit; Elhage et al. 2021,
    Olsson et al. 2022, arXiv:2209.11895). Selects the ``top`` heads with score >=
    ``threshold``. With ``text: english`` the first ``n_seqs`` verses are used."""
    from taxonomy.heads import previous_token_scores

    texts = None
    if p.text == "english":
        from taxonomy.features.generators import filler_sentences

        texts = list(filler_sentences()[: p.n_seqs])
    scores = previous_token_scores(
        model, tokenizer, texts=texts, n_seqs=p.n_seqs, span=p.span, seed=p.seed
    )
    return select_heads(scores, p.top, p.threshold)
