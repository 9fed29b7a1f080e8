"""Every behavior probe of the shipped registry validates, has small discrete alphabets, and
separates a simulated model that exhibits the behavior (bits) from one that does not (~0 bits)."""

import math
import random
from collections import Counter
from pathlib import Path

import pytest

from taxonomy.backends.base import Generation
from taxonomy.features import check_feature, generate_inputs, observe, predict
from taxonomy.loader import load_registry

REGISTRY = Path(__file__).parents[2] / "registry.yaml"
PROBES = {
    i: n.probe
    for i, n in load_registry(REGISTRY).nodes.items()
    if n.kind == "behavior" and n.probe is not None
}

OTHER_WORDS = ["the", "yes", "no", "Zaditin", "fukak"]


def plugin_mi(a, b):
    """I(A;B) in bits from paired labels (plug-in)."""
    n = len(a)
    pab, pa, pb = Counter(zip(a, b, strict=True)), Counter(a), Counter(b)
    return sum(c / n * math.log2(c * n / (pa[x] * pb[y])) for (x, y), c in pab.items())


def wrong(e):
    return " " + next(w for w in OTHER_WORDS if w != e.meta.get("target"))


EXHIBIT = {
    "in-context-copying": lambda e: " " + predict("induction_target", {}, e),
    "generalized-copying": lambda e: " " + (e.meta["target"] or "fukak"),
    "copying-novel-entities": lambda e: " " + e.meta["entity"] + " went home",
    "tldr-summary-format": lambda e: " " + e.meta["summary"] if e.meta["marked"] else " and so",
    "hallucinated-entities": lambda e: (
        " Mukkaka left." if e.meta["n_filler"] >= 1 else " " + e.meta["summary"]
    ),
    "repetition-loops": lambda e: (
        " " + " ".join([e.meta["phrase"]] * 4) if e.meta["repeats"] >= 2 else " a b c d"
    ),
    "empty-outputs": lambda e: "" if len(e.prompt.split()) >= 32 else " a b c d e f",
    "verbatim-memorization": lambda e: (
        " " + e.meta["secret"] if e.meta["repeats"] >= 8 else wrong(e)
    ),
    "frequency-dependent-recall": lambda e: (
        " " + e.meta["target"] if e.meta["repeats"] >= 8 else wrong(e)
    ),
    "majority-label-bias": lambda e: " " + e.meta["majority"],
    "recency-bias": lambda e: " " + e.meta["last_label"],
    "follows-demonstration-mapping": lambda e: " " + e.meta["target"],
    "demonstration-order-sensitivity": lambda e: (
        " " + e.meta["target"] if e.meta["order"] == 0 else wrong(e)
    ),
    "lost-in-the-middle": lambda e: (
        " " + e.meta["target"] if e.meta["position"] in (0, 7) else wrong(e)
    ),
    "character-noise-brittleness": lambda e: (
        " " + e.meta["target"] if e.meta["noise_rate"] == 0 else wrong(e)
    ),
    "prompt-format-sensitivity": lambda e: (
        " " + e.meta["target"] if e.meta["format"] == "original" else wrong(e)
    ),
    "irrelevant-context-distraction": lambda e: (
        wrong(e) if e.meta["distractor"] else " " + e.meta["target"]
    ),
    "successor-incrementation": lambda e: " " + e.meta["target"],
    "glitch-token-failures": lambda e: (
        " " + e.meta["target"] if e.meta["source"] == "nonce" else wrong(e)
    ),
    "indirect-object-identification": lambda e: " " + e.meta["target"],
}


def test_every_behavior_probe_has_an_exhibiting_model():
    assert len(PROBES) >= 15 and set(EXHIBIT) == set(PROBES)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_validates_and_separates_behavior_from_none(name):
    probe = PROBES[name]
    inputs = probe.inputs
    assert check_feature("generator", inputs.generator, inputs.params) == []
    for t in inputs.transforms:
        assert check_feature("transform", t.name, t.params) == []
    assert check_feature("predictor", probe.predictor.name, probe.predictor.params) == []
    assert check_feature("observable", probe.observable.name, probe.observable.params) == []

    n = max(inputs.n, 300) if inputs.generator != "canary_prefix" else inputs.n
    transforms = [(t.name, t.params) for t in inputs.transforms]
    examples = generate_inputs(inputs.generator, inputs.params, n, inputs.seed, transforms)
    b = [predict(probe.predictor.name, probe.predictor.params, e) for e in examples]
    rng = random.Random(0)

    def labels(text_of):
        out = []
        for e in examples:
            g = Generation(text_of(e), [], [], "length")
            out.append(observe(probe.observable.name, probe.observable.params, e, g))
        return out

    a_yes = labels(EXHIBIT[name])
    a_no = labels(lambda e: " " + " ".join(rng.choice(OTHER_WORDS) for _ in range(3)))
    assert 2 <= len(set(b)) <= 64 and len(set(a_yes)) <= 64 and len(set(a_no)) <= 64
    assert all(isinstance(x, str | int) for x in b + a_yes + a_no)
    mi_yes, mi_no = plugin_mi(a_yes, b), plugin_mi(a_no, b)
    assert mi_no < 0.25, (name, mi_no)
    assert mi_yes > mi_no + 0.5, (name, mi_yes, mi_no)


def test_in_context_copying_gives_no_bits_to_order_blind_copying():
    """A model that continues with a random word of its prompt's span, not the one that followed
    the last word, is independent of the target when every span orders the same words: its
    true I(A;B) is 0. With a larger pool the span itself reveals the target's neighbourhood and
    the same copier earns bits (what pool size = span length rules out)."""
    probe = PROBES["in-context-copying"]
    params = probe.inputs.params
    assert params["pool_size"] == params["span_length"]

    def copier_mi(params):
        examples = generate_inputs("repeated_tokens", params, 3000, 0, [])
        rng = random.Random(0)
        b = [predict(probe.predictor.name, probe.predictor.params, e) for e in examples]
        a = [
            observe(
                probe.observable.name,
                probe.observable.params,
                e,
                Generation(" " + rng.choice(e.meta["span"]), [], [], "length"),
            )
            for e in examples
        ]
        return plugin_mi(a, b)

    # plug-in bias for independent 8 x 8 labels: 49 / (2 * 3000 ln 2) = 0.012 bits
    assert copier_mi(params) < 0.03
    assert copier_mi({**params, "pool_size": 32}) > 0.1
