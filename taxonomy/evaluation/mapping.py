"""Behavioral mapping classes (the paper's Fig. 6, section 3.5) computed on the zoo.

On the zoo we know the training data: the corpus statistics record which phenomena were
planted. A behavior is *in the corpus* when the document kind its probe's prompts imitate was
planted, and *in the model* when its score's interval lies above zero. Then:
shared = both, idiosyncratic = model only, unexpressed = corpus only; absent from both gives no
class. *Contingent* (corpus behavior yields a different model behavior) cannot be read off two
booleans, so a declared ``contingent`` is reported as unverifiable rather than as agreement.
"""

from __future__ import annotations

GENERATOR_KIND = {
    "repeated_tokens": "repeat",
    "canary_prefix": "canary",
    "entity_template": "entity",
    "tldr_passage": "tldr",
    "repeated_phrase": "loop",
}
"""Which planted document kind (zoo corpus) each generator's prompts imitate."""


def corpus_share(stats: dict, generator: str) -> float:
    """Fraction of corpus documents of the kind ``generator`` imitates (0 if never planted)."""
    kind = GENERATOR_KIND.get(generator)
    plants = stats["plants"]
    return plants["docs_by_kind"].get(kind, 0) / plants["n_docs"] if kind else 0.0


def mapping_class(in_corpus: bool, in_model: bool) -> str | None:
    if in_corpus and in_model:
        return "shared"
    if in_model:
        return "idiosyncratic"
    if in_corpus:
        return "unexpressed"
    return None


def compare_mapping(declared: str | None, stats: dict, generator: str, ci_low: float) -> dict:
    """The computed class beside the declared one; disagreements are reported, not hidden."""
    share = corpus_share(stats, generator)
    computed = mapping_class(share > 0, ci_low > 0)
    if declared is None:
        verdict = "undeclared"
    elif declared == "contingent":
        verdict = "unverifiable"
    else:
        verdict = "agrees" if declared == computed else "disagrees"
    return {"declared": declared, "computed": computed, "corpus_share": share, "verdict": verdict}
