"""Token-level statistics of the zoo corpus: how often each planted phenomenon occurs.

These are the corpus-side rates against which a model's measured rates are read (the paper's
Fig. 6: a behavior is *shared* when every architecture expresses what the corpus contains,
*idiosyncratic* when only some do, *contingent* when it tracks the corpus rate, *unexpressed*
when the corpus has it but no model shows it).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from taxonomy.zoo.corpus import Corpus, plant_summary


def induction_base_rate(token_docs: list[list[int]]) -> dict:
    """How often the corpus rewards induction: P(x[t] = x[j+1] | x[t-1] = x[j], j < t-1 latest).

    Over every position t whose previous token occurred earlier in the same document (j its
    latest earlier occurrence), the fraction where the next token repeats what followed it.
    """
    matched = hits = total = 0
    for doc in token_docs:
        last: dict[int, int] = {}
        for t in range(1, len(doc)):
            total += 1
            j = last.get(doc[t - 1])
            if j is not None:
                matched += 1
                hits += doc[j + 1] == doc[t]
            last[doc[t - 1]] = t - 1
    return {
        "positions": total,
        "prefix_matched_fraction": matched / total,
        "induction_correct_given_match": hits / max(matched, 1),
    }


def corpus_statistics(
    corpus: Corpus, kinds: list[str], token_docs: list[list[int]], tokenizer
) -> dict:
    """Everything recorded about an epoch: the text corpus's plants (chars) and token-level
    rates by doc kind (`kinds[i]` is the kind of `token_docs[i]`, drills included)."""
    sizes = Counter()
    for kind, doc in zip(kinds, token_docs, strict=True):
        sizes[kind] += len(doc) + 1  # + EOS
    n_tokens = sum(sizes.values())
    by_kind = {}
    for kind in sorted(set(kinds)):
        docs = [d for k, d in zip(kinds, token_docs, strict=True) if k == kind]
        by_kind[kind] = {
            "docs": len(docs),
            "tokens": sizes[kind],
            "token_fraction": sizes[kind] / n_tokens,
        }
        by_kind[kind].update(induction_base_rate(docs))
    lengths = [len(d) for d in token_docs]
    return {
        "seed": corpus.seed,
        "n_docs": len(token_docs),
        "n_tokens": n_tokens,
        "vocab_size": len(tokenizer),
        "doc_tokens_p50_p90_max": [
            float(np.percentile(lengths, 50)),
            float(np.percentile(lengths, 90)),
            max(lengths),
        ],
        "induction_base_rate": induction_base_rate(token_docs),
        "by_kind": by_kind,
        "plants": plant_summary(corpus),
    }
