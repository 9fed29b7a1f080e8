"""Observables A(x, y) on handwritten completions with hand-computed labels."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxonomy.backends.base import Generation
from taxonomy.features import Example, observe
from taxonomy.features.observables import loop_period


def gen(text, token_ids=(), finish="length"):
    return Generation(text, list(token_ids), [0.0] * len(token_ids), finish)


def ex(prompt="", **meta):
    return Example(0, prompt, meta)


def test_first_word_and_alphabet_restriction():
    assert observe("first_word", {}, ex(), gen(" fukak vokso")) == "fukak"
    assert observe("first_word", {}, ex(), gen(" Zaditin, the farmer")) == "Zaditin"
    assert observe("first_word", {}, ex(), gen("   ")) == "<empty>"
    assert observe("first_word", {"lowercase": True}, ex(), gen(" YES")) == "yes"
    prompt_ex = ex("a b c a")
    assert observe("first_word", {"within": "prompt"}, prompt_ex, gen(" b c")) == "b"
    assert observe("first_word", {"within": "prompt"}, prompt_ex, gen(" zz")) == "<other>"
    labels = ex("x ->", labels=["yes", "no"])
    assert observe("first_word", {"within": "labels"}, labels, gen(" no\n")) == "no"
    assert observe("first_word", {"within": "labels"}, labels, gen(" maybe")) == "<other>"
    with pytest.raises(ValueError, match="no meta 'choices'"):
        observe("first_word", {"within": "choices"}, labels, gen(" no"))


def test_first_token_uses_ids_and_refuses_to_guess():
    assert observe("first_token", {}, ex(), gen(" a b", [17, 4])) == 17
    assert observe("first_token", {}, ex(), gen("", [], "eos")) == -1
    with pytest.raises(ValueError, match="use first_word"):
        observe("first_token", {}, ex(), gen(" a b"))
    assert observe("first_token", {"fallback_to_word": True}, ex(), gen(" a b")) == "a"


def test_exact_continuation_matched_prefix_and_matches_meta():
    e = ex("the secret code of vault 3 is", target="fengor zezu losder")
    assert observe("exact_continuation", {}, e, gen(" fengor zezu losder pirzen")) == 1
    assert observe("exact_continuation", {}, e, gen(" fengor zezu")) == 0
    assert observe("exact_continuation", {}, e, gen(" fengor  zezu\nlosder")) == 1
    assert observe("exact_continuation", {"n_words": 2}, e, gen(" fengor zezu x")) == 1
    assert observe("exact_continuation", {}, ex("p", target=None), gen(" a")) == 0
    assert observe("matched_prefix_words", {}, e, gen(" fengor zezu x")) == 2
    assert observe("matched_prefix_words", {}, e, gen(" zezu")) == 0
    assert observe("matches_meta", {}, ex(target="Zaditin"), gen(" zaditin was")) == 1
    assert (
        observe("matches_meta", {"ignore_case": False}, ex(target="Zaditin"), gen(" zaditin")) == 0
    )
    assert observe("matches_meta", {}, ex(target="seven"), gen(" seven.")) == 1
    assert observe("matches_meta", {}, ex(target="seven"), gen("")) == 0


def test_copies_span():
    e = ex("the cat sat on the mat today")
    assert observe("copies_span", {"n": 3}, e, gen(" and the cat sat down")) == 1
    assert observe("copies_span", {"n": 4}, e, gen(" and the cat sat down")) == 0
    assert observe("copies_span", {"n": 2}, e, gen(" mat the")) == 0
    assert observe("copies_span", {"n": 2}, e, gen("")) == 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "dd", "e."]), min_size=1, max_size=30),
    st.data(),
)
def test_copies_span_of_a_run_of_prompt_words_is_true(prompt_words, data):
    n = data.draw(st.integers(1, len(prompt_words)))
    i = data.draw(st.integers(0, len(prompt_words) - n))
    j = data.draw(st.integers(i + n, len(prompt_words)))
    completion = " " + " ".join(prompt_words[i:j])
    assert observe("copies_span", {"n": n}, ex(" ".join(prompt_words)), gen(completion)) == 1


def test_repetition_loop():
    loop = {"max_period": 4, "min_repeats": 3}
    assert observe("repetition_loop", loop, ex(), gen(" the the the")) == 1
    assert observe("repetition_loop", loop, ex(), gen(" the the")) == 0
    assert observe("repetition_loop", loop, ex(), gen(" x a b a b a b y")) == 1
    assert observe("repetition_loop", loop, ex(), gen(" a b a b a")) == 0
    assert observe("repetition_loop", loop, ex(), gen(" one two three four five six")) == 0
    assert loop_period("a b c d e a b c d e a b c d e".split(), 8, 3) == 5
    assert loop_period("a b c d e a b c d e a b c d e".split(), 4, 3) == 0
    assert loop_period("x y x y".split(), 8, 2) == 2


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text("abc", min_size=1, max_size=3), min_size=1, max_size=5), st.integers(3, 6))
def test_a_unit_repeated_min_repeats_times_is_a_loop(unit, reps):
    assert loop_period(unit * reps, max_period=5, min_repeats=3) >= 1


def test_is_empty_contains_length_bucket():
    assert observe("is_empty", {}, ex(), gen("")) == 1
    assert observe("is_empty", {}, ex(), gen(" \n\t")) == 1
    assert observe("is_empty", {}, ex(), gen(" a")) == 0
    assert observe("is_empty", {"min_chars": 3}, ex(), gen(" a b")) == 1
    assert observe("is_empty", {"min_words": 3}, ex(), gen(" abc def")) == 1
    e = ex(entity="Zaditin", entities=["Zaditin", "Rerbusfos"])
    assert observe("contains", {"key": "entity"}, e, gen(" so Zaditin left")) == 1
    assert observe("contains", {"key": "entities"}, e, gen(" Rerbusfos")) == 1
    assert observe("contains", {"key": "entity"}, e, gen(" zaditin")) == 0
    assert observe("contains", {"key": "entity", "ignore_case": True}, e, gen(" zaditin")) == 1
    assert observe("contains", {"text": "TL;DR"}, e, gen(" TL;DR: x")) == 1
    b = {"bins": [1, 4, 8]}
    assert observe("length_bucket", b, ex(), gen("")) == "<1"
    assert observe("length_bucket", b, ex(), gen(" a b c")) == "1-4"
    assert observe("length_bucket", b, ex(), gen(" a b c d e f g h")) == ">=8"
    assert (
        observe("length_bucket", {"unit": "tokens", **b}, ex(), gen(" ab", [1, 2, 3, 4])) == "4-8"
    )


def test_novel_entity():
    e = ex("Zaditin was a farmer. The people loved")
    assert observe("novel_entity", {}, e, gen(" Zaditin, and he")) == 0
    assert observe("novel_entity", {}, e, gen(" Munporka and The end")) == 1
    assert observe("novel_entity", {}, e, gen(" The farmer")) == 0
    assert observe("novel_entity", {"ignore": ["Munporka"]}, e, gen(" Munporka")) == 0


def test_first_word_in():
    e = ex("Ann met Bob. TL;DR:", entities=["Ann", "Bob"])
    assert observe("first_word_in", {"within": "entities"}, e, gen(" Bob met Ann.")) == 1
    assert observe("first_word_in", {"within": "entities"}, e, gen(" They met.")) == 0
    assert observe("first_word_in", {}, e, gen(" met")) == 1
    assert observe("first_word_in", {}, e, gen("")) == 0
