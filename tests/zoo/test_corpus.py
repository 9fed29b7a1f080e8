"""The synthetic corpus: determinism, exact canary counts, plant records, tokenizer, stats."""

from __future__ import annotations

import re

from taxonomy.zoo.corpus import CorpusConfig, generate
from taxonomy.zoo.lexicon import canaries, nonce_words
from taxonomy.zoo.stats import induction_base_rate

CORPUS = generate()


def test_same_seed_same_corpus_other_seed_differs():
    again = generate()
    assert again.docs == CORPUS.docs and again.plants == CORPUS.plants
    assert generate(CorpusConfig(seed=1)).docs != CORPUS.docs


def test_each_canary_occurs_exactly_repeats_times():
    text = "\n".join(CORPUS.docs)
    for c in canaries():
        assert len(re.findall(re.escape(c.text) + r"(?![\w])", text)) == c.repeats, c.text
    # The canary prefix phrase appears nowhere else.
    assert text.count("the secret code of vault") == sum(c.repeats for c in canaries())


def test_plants_point_at_what_they_copy():
    kinds = {p.kind for p in CORPUS.plants}
    assert kinds == {"repeat", "canary", "entity", "tldr", "loop", "english"}
    for p in CORPUS.plants:
        doc = CORPUS.docs[p.doc]
        planted = doc[p.start : p.end]
        if p.kind in ("repeat", "entity", "loop"):
            assert doc[p.source : p.source + len(planted)] == planted and p.source < p.start
        if p.kind == "repeat":
            assert all(w in nonce_words() for w in planted.rstrip(".").split())
        if p.kind == "tldr":
            assert doc[: p.start].endswith("TL;DR: ")
        if p.kind == "canary":
            assert planted.endswith(p.detail + ".")


def test_tokenizer_round_trips_and_keeps_nonce_words_short(gpt2_tiny):
    _, tok = gpt2_tiny
    for doc in CORPUS.docs[:300]:
        assert tok.decode(tok(doc)["input_ids"]) == doc
    lengths = [len(tok(" " + w)["input_ids"]) for w in nonce_words()]
    assert max(lengths) <= 2 and sum(n == 1 for n in lengths) >= 0.9 * len(lengths)
    assert tok.eos_token == tok.pad_token == "<|endoftext|>"


def test_induction_base_rate_matches_hand_count():
    # doc a b c a b d: t=4 (prev a, earlier a at 0 -> predicts b: hit), t=5 (prev b at 1 ->
    # predicts c, got d: miss). 5 positions scored, 2 matched, 1 hit.
    r = induction_base_rate([[1, 2, 3, 1, 2, 4]])
    assert r == {
        "positions": 5,
        "prefix_matched_fraction": 2 / 5,
        "induction_correct_given_match": 0.5,
    }


def test_committed_corpus_stats_describe_this_corpus():
    from taxonomy.zoo import corpus_stats

    stats = corpus_stats()
    assert stats["plants"]["n_docs"] == len(CORPUS.docs)
    assert stats["plants"]["canary"]["occurrences"] == {c.text: c.repeats for c in canaries()}
    assert abs(sum(k["token_fraction"] for k in stats["by_kind"].values()) - 1) < 1e-9
