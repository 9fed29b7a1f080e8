"""The registry of named features: catalog, lookup, validation messages, light import."""

import subprocess
import sys

import pytest
from pydantic import ValidationError

from taxonomy.features import CATEGORIES, catalog, check_feature, get_feature


def test_catalog_has_every_category_and_the_required_names():
    cat = catalog()
    assert tuple(cat) == CATEGORIES
    required = {
        "generator": {
            "repeated_tokens",
            "entity_template",
            "canary_prefix",
            "data_file",
            "hf_dataset",
            "tldr_passage",
            "few_shot_labels",
            "key_value_retrieval",
            "counting_sequence",
        },
        "transform": {"char_noise", "suffix", "format_variant", "shuffle_demonstrations"},
        "predictor": {
            "induction_target",
            "contains_pattern",
            "noise_level",
            "prompt_length_bucket",
            "meta_field",
        },
        "observable": {
            "first_word",
            "first_token",
            "exact_continuation",
            "copies_span",
            "repetition_loop",
            "is_empty",
            "contains",
            "length_bucket",
            "matches_meta",
            "novel_entity",
        },
        "detector": {"prefix_matching", "previous_token"},
    }
    for category, names in required.items():
        assert names <= set(cat[category]), names - set(cat[category])


def test_every_spec_is_documented_and_forbids_unknown_params():
    for category, specs in catalog().items():
        for name, spec in specs.items():
            assert spec.name == name and spec.category == category
            assert len(spec.doc) > 40, name
            assert spec.params_model.model_config["extra"] == "forbid", name
            for field, info in spec.params_model.model_fields.items():
                assert info.description, f"{category} {name}: param {field} has no description"


def test_check_feature_did_you_mean_and_param_errors():
    assert check_feature("observable", "first_word", {}) == []
    assert check_feature("observable", "first_wrd", {}) == [
        "unknown observable 'first_wrd'; did you mean 'first_word'?"
    ]
    assert check_feature("genrator", "x", {})[0].endswith("did you mean 'generator'?")
    msgs = check_feature("transform", "char_noise", {"rate": 2, "tpyes": ["swap"]})
    assert msgs == [
        "param 'rate': rate must be in [0, 1] (or a non-empty list of such) (got 2)",
        "param 'tpyes': unknown param (got ['swap']); did you mean 'types'?",
    ]
    assert check_feature("predictor", "meta_field", {}) == [
        "param 'key': required param is missing"
    ]
    assert check_feature("predictor", "contains_pattern", {"pattern": "("})[0].startswith(
        "param 'pattern': invalid regular expression"
    )
    assert check_feature("predictor", "prompt_length_bucket", {"bins": [4, 2]})[0].startswith(
        "param 'bins': bins must be a non-empty strictly increasing list"
    )
    assert check_feature("observable", "contains", {"text": "a", "key": "b"}) == [
        "param 'params': give exactly one of 'text' or 'key' (got {'text': 'a', 'key': 'b'})"
    ]
    assert check_feature("observable", "contains", []) == [
        "params of observable 'contains' must be a mapping, got list"
    ]


def test_get_feature_raises_keyerror_with_hint():
    with pytest.raises(KeyError, match="did you mean 'repeated_tokens'"):
        get_feature("generator", "repeated_token")
    spec = get_feature("observable", "copies_span")
    assert spec.params({"n": 3}).n == 3
    with pytest.raises(ValidationError):
        spec.params({"n": 0})


def test_import_is_light():
    code = (
        "import sys, taxonomy.features; "
        "print(sorted(m for m in ('torch', 'jax', 'transformers', 'datasets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
