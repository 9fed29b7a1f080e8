"""Transforms: measured noise rates against binomial bounds, identities, re-ordering, formats."""

import math
import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy.features import Example, generate_inputs, get_feature, predict


def apply(name, params, example, seed=0):
    spec = get_feature("transform", name)
    return spec.fn(spec.params(params), example, random.Random(seed))


def within_binomial(k, n, p, sd=5.0):
    return abs(k - n * p) <= sd * math.sqrt(n * p * (1 - p))


def test_substitution_rate_matches_the_requested_rate():
    text = " ".join("abcdefghij" for _ in range(2000))  # 20,000 letters
    for rate in (0.01, 0.05, 0.2):
        out = apply("char_noise", {"rate": rate, "types": ["substitute"]}, Example(0, text))
        assert len(out.prompt) == len(text)
        changed = sum(a != b for a, b in zip(text, out.prompt, strict=True))
        assert within_binomial(changed, 20_000, rate), (rate, changed)
        assert changed == out.meta["noise_edits"] and out.meta["noise_rate"] == rate
        assert all(out.prompt[i] == " " for i in range(10, len(text), 11))  # spaces untouched


def test_drop_rate_and_mixed_edit_count():
    text = "x" * 10_000
    out = apply("char_noise", {"rate": 0.1, "types": ["drop"]}, Example(0, text), seed=1)
    assert within_binomial(10_000 - len(out.prompt), 10_000, 0.1)
    mixed = apply("char_noise", {"rate": 0.1}, Example(0, "ab" * 5000), seed=2)
    # swaps consume two characters, so edits are Binomial over slightly fewer than 10,000 trials
    assert 850 < mixed.meta["noise_edits"] < 1100


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.integers(0, 2**31))
def test_rate_zero_is_the_identity(text, seed):
    out = apply("char_noise", {"rate": 0.0}, Example(0, text, {"k": 1}), seed)
    assert out.prompt == text and out.meta == {"k": 1, "noise_rate": 0.0, "noise_edits": 0}


def test_protected_words_and_rate_lists():
    e = Example(0, "alpha beta gamma delta epsilon")
    out = apply("char_noise", {"rate": 1.0, "types": ["substitute"], "protect_last_words": 2}, e)
    assert out.prompt.endswith(" delta epsilon") and not out.prompt.startswith("alpha")
    exs = generate_inputs(
        "repeated_tokens", {}, 300, seed=0, transforms=[("char_noise", {"rate": [0.0, 0.3]})]
    )
    levels = Counter(predict("noise_level", {}, e) for e in exs)
    assert set(levels) == {"0", "0.3"} and within_binomial(levels["0"], 300, 0.5)
    clean = generate_inputs("repeated_tokens", {}, 300, seed=0)
    for a, b in zip(exs, clean, strict=True):
        assert (a.prompt == b.prompt) == (a.meta["noise_rate"] == 0.0 or a.meta["noise_edits"] == 0)


def test_transforms_are_deterministic_and_seeded_per_example():
    t = [("char_noise", {"rate": 0.2}), ("suffix", {"prob": 0.5})]
    a = generate_inputs("entity_template", {}, 50, seed=7, transforms=t)
    assert a == generate_inputs("entity_template", {}, 50, seed=7, transforms=t)
    assert a != generate_inputs("entity_template", {}, 50, seed=8, transforms=t)
    assert a[:20] == generate_inputs("entity_template", {}, 20, seed=7, transforms=t)


def test_suffix_and_prefix():
    e = Example(0, "A story.")
    assert apply("suffix", {}, e).prompt == "A story. TL;DR:"
    assert apply("suffix", {"prob": 0.0}, e).meta["suffix"] == ""
    assert apply("prefix", {"text": "Summarize: "}, e).prompt == "Summarize: A story."
    exs = generate_inputs("tldr_passage", {"marker_prob": 0.0}, 200, 0, [("suffix", {"prob": 0.5})])
    cue = {"pattern": r"TL;DR:\s*$"}
    assert all(predict("contains_pattern", cue, e) == int(e.meta["suffix"] != "") for e in exs)


def test_format_variants():
    e = Example(0, "a -> yes\nb -> no\nc ->", {"separator": " -> "})
    fmt = {
        v: apply("format_variant", {"variants": [v]}, e)
        for v in ("original", "upper", "double_space", "single_line", "sep_colon", "sep_tab")
    }
    assert fmt["original"].prompt == e.prompt
    assert fmt["upper"].prompt == "A -> YES\nB -> NO\nC ->"
    assert fmt["double_space"].prompt == "a  ->  yes\nb  ->  no\nc  ->"
    assert fmt["single_line"].prompt == "a -> yes b -> no c ->"
    assert fmt["sep_colon"].prompt == "a: yes\nb: no\nc:"
    assert fmt["sep_tab"].prompt == "a\tyes\nb\tno\nc\t"
    assert fmt["sep_colon"].meta["format"] == "sep_colon"


def test_shuffle_demonstrations_permutes_demos_consistently():
    p = {"n_demos": 5, "query": "repeat"}
    t = [("shuffle_demonstrations", {"n_orders": 3})]
    base = generate_inputs("few_shot_labels", p, 60, seed=0)
    shuffled = generate_inputs("few_shot_labels", p, 60, seed=0, transforms=t)
    perms = {}
    for b, s in zip(base, shuffled, strict=True):
        perm = s.meta["permutation"]
        perms.setdefault(s.meta["order"], perm)
        assert perms[s.meta["order"]] == perm  # a fixed permutation per order id
        assert s.meta["demos"] == [b.meta["demos"][j] for j in perm]
        assert s.meta["demos"][s.meta["position"]] == [s.meta["query"], s.meta["target"]]
        assert s.meta["last_label"] == s.meta["demos"][-1][1]
        assert s.prompt.split("\n")[-1] == b.prompt.split("\n")[-1]
    assert perms[0] == list(range(5)) and len({tuple(v) for v in perms.values()}) == 3


def test_insert_distractor():
    e = Example(0, "a: b\nc:")
    out = apply(
        "insert_distractor",
        {"prob": 1.0, "where": "before_last_line", "sentences": ["Noise here."]},
        e,
    )
    assert out.prompt == "a: b\nNoise here.\nc:" and out.meta["distractor"] == 1
    assert apply("insert_distractor", {"prob": 0.0}, e).prompt == e.prompt
