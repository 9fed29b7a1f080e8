"""Input generators: determinism, and meta that agrees with the prompt text (checked by parsing)."""

import json
from collections import Counter

import pytest

from taxonomy.features import catalog, generate_inputs, predict
from taxonomy.features.incontext import prior_label
from taxonomy.zoo import lexicon

SYNTHETIC = sorted(set(catalog()["generator"]) - {"data_file", "hf_dataset"})


@pytest.mark.parametrize("name", SYNTHETIC)
def test_deterministic_seed_sensitive_and_prefix_stable(name):
    a = generate_inputs(name, {}, 24, seed=3)
    assert a == generate_inputs(name, {}, 24, seed=3)
    assert [e.prompt for e in a] != [e.prompt for e in generate_inputs(name, {}, 24, seed=4)]
    assert generate_inputs(name, {}, 10, seed=3) == a[:10]
    assert [e.id for e in a] == list(range(24))
    for e in a:  # meta is JSON-serializable and survives a round trip unchanged
        assert json.loads(json.dumps(e.meta)) == e.meta


def test_repeated_tokens_target_is_the_induction_target():
    p = {"pool_size": 32, "span_length": 8}
    pool = set(lexicon.nonce_words()[:32])
    for e in generate_inputs("repeated_tokens", p, 200, seed=0):
        words = e.prompt.split()
        span, j = e.meta["span"], e.meta["repeat_length"]
        assert words == span + span[:j] and len(set(span)) == 8 and set(span) <= pool
        assert e.meta["target"] == span[j] == predict("induction_target", {}, e)
    lengths = Counter(
        e.meta["repeat_length"] for e in generate_inputs("repeated_tokens", p, 700, 0)
    )
    assert set(lengths) == set(range(1, 8))


def test_repeated_tokens_control_has_no_earlier_occurrence():
    exs = generate_inputs("repeated_tokens", {"repeat_prob": 0.5}, 400, seed=1)
    fresh = [e for e in exs if not e.meta["repeated"]]
    assert 150 < len(fresh) < 250  # Binomial(400, 0.5): 5.0 sd either side
    for e in fresh:
        assert e.meta["target"] is None and predict("induction_target", {}, e) == "<none>"


def test_canary_prefix_matches_the_lexicon_and_covers_all_canaries():
    exs = generate_inputs("canary_prefix", {}, 48, seed=0)
    by_vault = {e.meta["vault"]: e for e in exs}
    assert len(by_vault) == 48
    for vault, c in enumerate(lexicon.canaries()):
        e = by_vault[vault]
        assert e.prompt == c.prefix == f"the secret code of vault {vault} is"
        assert e.meta["secret"] == e.meta["target"] == c.secret and e.meta["repeats"] == c.repeats
    e = generate_inputs("canary_prefix", {"repeats": [32], "secret_words_given": 2}, 1, 0)[0]
    secret = e.meta["secret"].split()
    assert e.meta["repeats"] == 32 and e.prompt.endswith(" ".join(secret[:2]))
    assert e.meta["target"] == " ".join(secret[2:])


def test_entity_template_mentions_the_entity_once_before_the_cue():
    for e in generate_inputs("entity_template", {"n_filler": [0, 2], "n_distractors": 1}, 50, 0):
        name = e.meta["entity"]
        assert e.prompt.count(name) == 1 and name in lexicon.entity_names()[:16]
        assert e.meta["entities"][0] == name and e.meta["entities"][1] in e.prompt


def test_tldr_passage_marker_probability_and_entities():
    exs = generate_inputs("tldr_passage", {"marker_prob": 0.5}, 400, seed=0)
    marked = [e for e in exs if e.meta["marked"]]
    assert 150 < len(marked) < 250
    for e in exs:
        assert e.prompt.endswith(" TL;DR:") == bool(e.meta["marked"])
        assert all(name in e.prompt for name in e.meta["entities"])
        assert e.meta["summary"].startswith(e.meta["target"])


def test_few_shot_labels_meta_agrees_with_the_demo_lines():
    p = {"n_demos": 7, "mapping": ["gold", "flipped"], "query": "repeat"}
    for e in generate_inputs("few_shot_labels", p, 100, seed=0):
        lines = e.prompt.split("\n")
        demos = [line.split(" -> ") for line in lines[:-1]]
        assert demos == e.meta["demos"] and lines[-1] == e.meta["query"] + " ->"
        labels = [y for _, y in demos]
        top, count = Counter(labels).most_common(1)[0]
        assert (e.meta["majority"], e.meta["majority_count"]) == (top, count) and count >= 4
        assert e.meta["last_label"] == labels[-1]
        assert demos[e.meta["position"]] == [e.meta["query"], e.meta["target"]]
        for x, y in demos:
            gold = prior_label(x, ["yes", "no"])
            assert (gold == y) == (e.meta["mapping"] == "gold")


def test_few_shot_majority_and_last_label_are_not_tied():
    exs = generate_inputs("few_shot_labels", {"n_demos": 6}, 600, seed=0)
    same = sum(e.meta["majority"] == e.meta["last_label"] for e in exs) / len(exs)
    # last label = majority with probability E[m]/6 = (4+5+6)/18 = 0.833, not 1
    assert 0.78 < same < 0.88


def test_key_value_retrieval_target_is_the_value_of_the_queried_key():
    positions = Counter()
    for e in generate_inputs("key_value_retrieval", {"n_pairs": 5}, 300, seed=0):
        *pairs, query = e.prompt.split("\n")
        table = dict(line.split(": ") for line in pairs)
        key = query.removesuffix(":")
        assert table[key] == e.meta["target"] and list(table).index(key) == e.meta["position"]
        positions[e.meta["position"]] += 1
    assert set(positions) == set(range(5)) and min(positions.values()) > 35


def test_counting_sequence_target_is_the_successor():
    p = {"kinds": ["digits", "weekdays", "letters"]}
    for e in generate_inputs("counting_sequence", p, 100, seed=0):
        items = e.prompt.split(" ")
        seq = e.meta["choices"]
        i = seq.index(items[0])
        assert items == seq[i : i + len(items)] and e.meta["target"] == seq[i + len(items)]
    first = generate_inputs("counting_sequence", {"kinds": ["digits"]}, 1, 0)[0]
    assert int(first.meta["target"]) == int(first.prompt.split()[-1]) + 1


def test_repeated_phrase_repeat_word_and_ioi():
    for e in generate_inputs("repeated_phrase", {}, 40, seed=0):
        assert e.prompt.count(e.meta["phrase"] + ".") == e.meta["repeats"]
    for e in generate_inputs("repeat_word", {}, 40, seed=0):
        assert e.prompt == " ".join([e.meta["target"]] * 4)
        seen = e.meta["target"] in lexicon.nonce_words()
        assert seen == (e.meta["source"] == "nonce")
    for e in generate_inputs("ioi_names", {}, 40, seed=0):
        a, b = e.meta["names"]
        assert e.prompt.count(e.meta["subject"]) == 2 and e.prompt.count(e.meta["target"]) == 1
        assert {e.meta["subject"], e.meta["target"]} == {a, b}
