"""Predictors B(x) on handwritten inputs with hand-computed labels."""

from taxonomy.features import Example, predict


def ex(prompt, **meta):
    return Example(0, prompt, meta)


def test_induction_target_is_the_word_after_the_previous_occurrence():
    assert predict("induction_target", {}, ex("a b c d a b")) == "c"
    # the most recent earlier occurrence wins: "x" was followed by "p", then by "q"
    assert predict("induction_target", {}, ex("x p y x q z x")) == "q"
    assert predict("induction_target", {}, ex("a b c d")) == "<none>"
    assert predict("induction_target", {}, ex("Tom met Ann. Then Tom")) == "met"
    assert predict("induction_target", {"lowercase": True}, ex("The cat saw the")) == "cat"
    assert predict("induction_target", {}, ex("The cat saw the")) == "<none>"
    assert predict("induction_target", {}, ex("")) == "<none>"


def test_contains_pattern():
    assert predict("contains_pattern", {"pattern": r"TL;DR:\s*$"}, ex("story. TL;DR:")) == 1
    assert predict("contains_pattern", {"pattern": r"TL;DR:\s*$"}, ex("TL;DR: story")) == 0
    assert predict("contains_pattern", {"pattern": "tl;dr", "ignore_case": True}, ex("TL;DR")) == 1


def test_noise_level_and_prompt_length_bucket():
    assert predict("noise_level", {}, ex("x", noise_rate=0.05)) == "0.05"
    assert predict("noise_level", {}, ex("x")) == "0"
    assert predict("noise_level", {"bins": [0.01, 0.1]}, ex("x", noise_rate=0.05)) == "0.01-0.1"
    bins = {"bins": [2, 4]}
    assert predict("prompt_length_bucket", bins, ex("one")) == "<2"
    assert predict("prompt_length_bucket", bins, ex("one two")) == "2-4"
    assert predict("prompt_length_bucket", bins, ex("a b c")) == "2-4"
    assert predict("prompt_length_bucket", bins, ex("a b c d")) == ">=4"
    assert predict("prompt_length_bucket", {"unit": "chars", "bins": [5]}, ex("abcde")) == ">=5"


def test_meta_field_values_buckets_allow_list_and_missing():
    e = ex("p", repeats=8, majority="yes", flag=True, span=["a", "b", "c"], rate=0.25)
    assert predict("meta_field", {"key": "repeats"}, e) == 8
    assert predict("meta_field", {"key": "majority"}, e) == "yes"
    assert predict("meta_field", {"key": "flag"}, e) == 1
    assert predict("meta_field", {"key": "rate"}, e) == "0.25"
    assert predict("meta_field", {"key": "span", "length": True}, e) == 3
    assert predict("meta_field", {"key": "span"}, e) == '["a", "b", "c"]'
    assert predict("meta_field", {"key": "repeats", "bins": [2, 16]}, e) == "2-16"
    assert predict("meta_field", {"key": "majority", "allowed": ["no"]}, e) == "<other>"
    assert predict("meta_field", {"key": "nothing"}, e) == "<missing>"


def test_last_word_and_last_word_seen():
    assert predict("last_word", {}, ex("Every morning,")) == "morning"
    assert predict("last_word", {"allowed": ["evening"]}, ex("Every morning")) == "<other>"
    assert predict("last_word_seen", {}, ex("a b c a")) == 1
    assert predict("last_word_seen", {}, ex("a b c d")) == 0
