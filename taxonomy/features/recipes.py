"""Ready-made behavior probes built from this library, in the shape of ``BehaviorProbe``.

Each recipe is plain data (what a ``probe:`` block in registry.yaml holds): an input
distribution, decoding settings, a predictor B(x) and an observable A(x, y), both with small
discrete alphabets. They operationalize behaviors from the literature (shared/BEHAVIORS.md)
on the zoo's vocabulary; ``tests/features/test_recipes.py`` checks that each one validates
and that a model exhibiting the behavior scores bits where a behavior-free one scores ~0.
"""

from __future__ import annotations

from typing import Any


def _probe(
    generator: str,
    params: dict,
    predictor: tuple,
    observable: tuple,
    *,
    n: int = 200,
    transforms: tuple = (),
    max_new_tokens: int = 4,
) -> dict[str, Any]:
    return {
        "inputs": {
            "generator": generator,
            "params": params,
            "n": n,
            "seed": 0,
            "transforms": [{"name": t, "params": tp} for t, tp in transforms],
        },
        "sampling": {"max_new_tokens": max_new_tokens, "temperature": 0.0, "k": 1},
        "predictor": {"name": predictor[0], "params": predictor[1]},
        "observable": {"name": observable[0], "params": observable[1]},
    }


def _meta(key: str, **kw: Any) -> tuple[str, dict]:
    return ("meta_field", {"key": key, **kw})


_TARGET = ("matches_meta", {"key": "target"})
_FEW = {"n_demos": 6, "labels": ["yes", "no"]}

RECIPES: dict[str, dict[str, Any]] = {
    # id -> probe (arXiv ids: the behavior's source; see the generator docstrings)
    "in-context-copying": _probe(  # Olsson et al. 2022, 2209.11895
        "repeated_tokens",
        {"pool_size": 32, "span_length": 8},
        ("induction_target", {}),
        ("first_word", {"within": "prompt"}),
    ),
    "generalized-copying": _probe(
        "repeated_tokens",
        {"pool_size": 64, "span_length": 8, "repeat_prob": 0.5},
        ("last_word_seen", {}),
        _TARGET,
    ),
    "copying-novel-entities": _probe(  # Holtzman et al. 2023, 2308.00189
        "entity_template",
        {"n_entities": 16, "n_filler": [0, 1]},
        _meta("entity"),
        ("first_word", {"within": "entities"}),
    ),
    "tldr-format-following": _probe(  # Radford et al. 2019
        "tldr_passage",
        {"marker_prob": 0.5},
        _meta("marked"),
        ("first_word_in", {"within": "entities"}),
    ),
    "hallucinated-entities": _probe(  # Maynez et al. 2020, 2005.00661
        "tldr_passage",
        {"n_filler": [0, 1, 2, 3]},
        _meta("n_filler"),
        ("novel_entity", {}),
        max_new_tokens=12,
    ),
    "repetition-loops": _probe(  # Xu et al. 2022, 2206.02369
        "repeated_phrase",
        {"repeats": [0, 1, 2, 4]},
        _meta("repeats"),
        ("repetition_loop", {"max_period": 4, "min_repeats": 3}),
        max_new_tokens=16,
    ),
    "short-outputs-by-source-length": _probe(  # Stahlberg & Byrne 2019, 1908.10090
        "entity_template",
        {"n_filler": [0, 1, 2, 4]},
        ("prompt_length_bucket", {"bins": [16, 32, 64]}),
        ("length_bucket", {"bins": [1, 4, 8]}),
        max_new_tokens=12,
    ),
    "verbatim-memorization": _probe(  # Carlini et al. 2023, 2202.07646
        "canary_prefix", {}, _meta("repeats"), ("exact_continuation", {}), n=48, max_new_tokens=12
    ),
    "frequency-dependent-recall": _probe(  # Kandpal et al. 2023, 2211.08411
        "canary_prefix", {"secret_words_given": 3}, _meta("repeats"), _TARGET, n=48
    ),
    "majority-label-bias": _probe(  # Zhao et al. 2021, 2102.09690
        "few_shot_labels", _FEW, _meta("majority"), ("first_word", {"within": "labels"})
    ),
    "recency-bias": _probe(  # Zhao et al. 2021, 2102.09690
        "few_shot_labels", _FEW, _meta("last_label"), ("first_word", {"within": "labels"})
    ),
    "following-demo-mapping": _probe(  # Min et al. 2022, 2202.12837
        "few_shot_labels",
        {**_FEW, "query": "repeat", "mapping": ["gold", "flipped"]},
        _meta("target"),
        ("first_word", {"within": "labels"}),
    ),
    "demonstration-order-sensitivity": _probe(  # Lu et al. 2022, 2104.08786
        "few_shot_labels",
        {**_FEW, "query": "repeat"},
        _meta("order"),
        _TARGET,
        transforms=(("shuffle_demonstrations", {"n_orders": 4}),),
    ),
    "lost-in-the-middle": _probe(  # Liu et al. 2024, 2307.03172
        "key_value_retrieval", {"n_pairs": 8}, _meta("position"), _TARGET
    ),
    "character-noise-brittleness": _probe(  # Belinkov & Bisk 2018, 1711.02173
        "repeated_tokens",
        {"pool_size": 32, "span_length": 8},
        ("noise_level", {}),
        _TARGET,
        transforms=(("char_noise", {"rate": [0.0, 0.05, 0.1, 0.2], "protect_last_words": 1}),),
    ),
    "prompt-format-sensitivity": _probe(  # Sclar et al. 2024, 2310.11324
        "key_value_retrieval",
        {"n_pairs": 4},
        _meta("format"),
        _TARGET,
        transforms=(
            (
                "format_variant",
                {"variants": ["original", "sep_arrow", "sep_equals", "double_space", "upper"]},
            ),
        ),
    ),
    "distraction": _probe(  # Shi et al. 2023, 2302.00093
        "key_value_retrieval",
        {"n_pairs": 4},
        _meta("distractor"),
        _TARGET,
        transforms=(("insert_distractor", {"where": "before_last_line"}),),
    ),
    "successor": _probe(  # Gould et al. 2023, 2312.09230
        "counting_sequence",
        {"kinds": ["number_words", "weekdays", "months"]},
        _meta("target"),
        ("first_word", {"within": "choices"}),
    ),
    "glitch-word-repetition": _probe(  # Land & Bartolo 2024, 2405.05417
        "repeat_word", {}, _meta("source"), _TARGET
    ),
    "indirect-object-identification": _probe(  # Wang et al. 2022, 2211.00593
        "ioi_names", {"n_entities": 8}, _meta("target"), ("first_word", {"within": "names"})
    ),
}
