"""Mapping classes from corpus presence and model expression (paper section 3.5)."""

import pytest

from taxonomy.evaluation.mapping import compare_mapping, corpus_share, mapping_class

STATS = {"plants": {"n_docs": 10, "docs_by_kind": {"repeat": 6, "canary": 4}}}


@pytest.mark.parametrize(
    ("in_corpus", "in_model", "expected"),
    [
        (True, True, "shared"),
        (False, True, "idiosyncratic"),
        (True, False, "unexpressed"),
        (False, False, None),
    ],
)
def test_mapping_class(in_corpus, in_model, expected):
    assert mapping_class(in_corpus, in_model) == expected


def test_corpus_share_by_generator():
    assert corpus_share(STATS, "repeated_tokens") == 0.6
    assert corpus_share(STATS, "canary_prefix") == 0.4
    assert corpus_share(STATS, "tldr_passage") == 0.0  # imitates a kind never planted here
    assert corpus_share(STATS, "few_shot_labels") == 0.0  # imitates nothing in the corpus


def test_disagreement_is_reported_not_hidden():
    assert compare_mapping("shared", STATS, "repeated_tokens", 0.2)["verdict"] == "agrees"
    got = compare_mapping("shared", STATS, "repeated_tokens", -0.1)
    assert (got["computed"], got["verdict"]) == ("unexpressed", "disagrees")
    assert compare_mapping("contingent", STATS, "repeated_tokens", 0.2)["verdict"] == "unverifiable"
    assert compare_mapping(None, STATS, "few_shot_labels", 0.3)["computed"] == "idiosyncratic"
