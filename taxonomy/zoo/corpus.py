"""Seeded synthetic corpus for the zoo, with every planted phenomenon recorded where it lies.

Document kinds (each document is short enough to fit one training row, so no plant is cut):

- ``repeat``: a span of random nonce words that recurs later in the document, either right
  away (2-3 copies) or after an English verse: induction / generalized copying.
- ``canary``: a document that is a canary's text (lexicon.canaries); each canary's text occurs
  exactly ``repeats`` times in the corpus: memorization at known duplication counts.
- ``entity``: a template that introduces a made-up name and refers back to it: copying novel
  entities.
- ``tldr``: a passage, the marker " TL;DR:", and a short restatement of the passage.
- ``loop``: a short phrase repeated many times: repetition loops.
- ``english``: consecutive King James verses (models/kjv_sample.txt), to make outputs readable.

The same seed gives the same documents and the same plant records, byte for byte.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from taxonomy.zoo.english import read_kjv_sample
from taxonomy.zoo.lexicon import canaries, entity_names, nonce_words

EOS = "<|endoftext|>"

_NOUNS = ("farmer", "sailor", "weaver", "child", "merchant", "soldier", "singer", "judge")
_PLACES = ("the valley", "the city", "the harbor", "the forest", "the market", "the hills")
_OBJECTS = ("lamp", "goat", "ring", "boat", "scroll", "coin", "basket", "sword", "horse")
_ENTITY_TEMPLATES = (
    "There once was a {noun} named {E}. Every morning {E} walked to {place}.",
    "In {place} lived a {noun} called {E}. The people of {place} loved {E}, and {E} loved them.",
    "{E} was a {noun} from {place}. When the rain came, {E} stayed at home.",
    "A {noun} came to {place}, and the {noun} said: my name is {E}. So they called him {E}.",
)
_TLDR_STORIES = (
    "{E} found a {obj} in {place}. {E} carried the {obj} home and gave it to {F}. "
    "{F} kept the {obj} for many years.",
    "In {place}, {E} lost a {obj}. {F} searched all day and at night found the {obj}. "
    "{F} returned it to {E}.",
)
_TLDR_SUMMARIES = ("{E} gave {F} a {obj}.", "{F} found the {obj} of {E}.")


@dataclass(frozen=True)
class Plant:
    """One planted phenomenon: characters [start, end) of document `doc`.

    `source` is the character offset of the earlier text the plant copies (the first
    occurrence of a repeated span, the introduction of an entity, the passage restated after
    TL;DR), or -1 when it copies nothing in context (canary, English, a loop's first phrase).
    """

    kind: str
    doc: int
    start: int
    end: int
    source: int = -1
    detail: str = ""


@dataclass
class Corpus:
    """Documents (without EOS) and the plants recorded in them."""

    docs: list[str]
    plants: list[Plant]
    kinds: list[str]
    seed: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CorpusConfig:
    """How many documents of each kind (canary documents are fixed by the lexicon: 1008)."""

    seed: int = 0
    n_repeat: int = 300
    n_entity: int = 150
    n_tldr: int = 150
    n_loop: int = 100
    n_english: int = 150


class _Doc:
    """Builds one document while recording plant offsets."""

    def __init__(self) -> None:
        self.text = ""
        self.plants: list[tuple[str, int, int, int, str]] = []

    def add(self, s: str, kind: str | None = None, source: int = -1, detail: str = "") -> int:
        if self.text and not self.text.endswith(" ") and not s.startswith((".", ",", ":")):
            self.text += " "
        start = len(self.text)
        self.text += s
        if kind:
            self.plants.append((kind, start, len(self.text), source, detail))
        return start


def _repeat_doc(rng: random.Random, words: tuple[str, ...], verses: list[str]) -> _Doc:
    d = _Doc()
    span = " ".join(rng.choice(words) for _ in range(rng.randint(4, 16)))
    if rng.random() < 0.7:  # immediate repeats: "w1 ... wL w1 ... wL [w1 ...]"
        first = d.add(span)
        for _ in range(rng.randint(1, 4)):
            d.add(span, "repeat", first, "adjacent")
    else:  # distant repeat, separated by an English verse
        first = d.add(span + ".")
        d.add(rng.choice(verses))
        d.add(span + ".", "repeat", first, "distant")
    return d


def _entity_doc(rng: random.Random, names: tuple[str, ...]) -> _Doc:
    d = _Doc()
    name = rng.choice(names)
    template = rng.choice(_ENTITY_TEMPLATES)
    text = template.format(E=name, noun=rng.choice(_NOUNS), place=rng.choice(_PLACES))
    d.add(text)
    first = text.index(name)
    pos = text.find(name, first + 1)
    while pos >= 0:
        d.plants.append(("entity", pos, pos + len(name), first, name))
        pos = text.find(name, pos + 1)
    return d


def _tldr_doc(rng: random.Random, names: tuple[str, ...], verses: list[str]) -> _Doc:
    d = _Doc()
    if rng.random() < 0.6:
        e, f = rng.sample(names, 2)
        i = rng.randrange(len(_TLDR_STORIES))
        slots = {"E": e, "F": f, "obj": rng.choice(_OBJECTS), "place": rng.choice(_PLACES)}
        first = d.add(_TLDR_STORIES[i].format(**slots))
        d.add("TL;DR:")
        d.add(_TLDR_SUMMARIES[i].format(**slots), "tldr", first, "story")
    else:  # restate a verse by its first clause
        verse = rng.choice(verses)
        first = d.add(verse)
        clause = verse.replace(";", ",").replace(":", ",").split(",")[0].split()[:8]
        d.add("TL;DR:")
        d.add(" ".join(clause).rstrip(".") + ".", "tldr", first, "verse")
    return d


def _loop_doc(rng: random.Random, words: tuple[str, ...], verses: list[str]) -> _Doc:
    d = _Doc()
    if rng.random() < 0.5:
        phrase = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
    else:
        phrase = " ".join(rng.choice(verses).split()[: rng.randint(2, 6)]).rstrip(",;:.")
    first = d.add(phrase + ".")
    n = rng.randint(4, 12)
    for _ in range(n - 1):
        d.add(phrase + ".", "loop", first, f"x{n}")
    return d


def _canary_doc(text: str, secret: str) -> _Doc:
    d = _Doc()
    d.add(text + ".", "canary", -1, secret)
    return d


def generate(config: CorpusConfig = CorpusConfig()) -> Corpus:
    """Generate the corpus: documents shuffled with `config.seed`, plants recorded per document."""
    rng = random.Random(config.seed)
    words, names, verses = nonce_words(), entity_names(), read_kjv_sample()
    built: list[tuple[str, _Doc]] = []
    built += [("repeat", _repeat_doc(rng, words, verses)) for _ in range(config.n_repeat)]
    built += [("entity", _entity_doc(rng, names)) for _ in range(config.n_entity)]
    built += [("tldr", _tldr_doc(rng, names, verses)) for _ in range(config.n_tldr)]
    built += [("loop", _loop_doc(rng, words, verses)) for _ in range(config.n_loop)]
    for c in canaries():
        built += [("canary", _canary_doc(c.text, c.secret)) for _ in range(c.repeats)]
    for _ in range(config.n_english):
        i = rng.randrange(len(verses) - 3)
        d = _Doc()
        d.add(" ".join(verses[i : i + rng.randint(1, 2)]), "english")
        built.append(("english", d))
    rng.shuffle(built)
    docs, plants, kinds = [], [], []
    for i, (kind, d) in enumerate(built):
        docs.append(d.text)
        kinds.append(kind)
        plants += [Plant(k, i, s, e, src, det) for k, s, e, src, det in d.plants]
    return Corpus(docs, plants, kinds, config.seed, dict(Counter(kinds)))


def plant_summary(corpus: Corpus) -> dict:
    """Character-level statistics of each planted phenomenon (token-level ones: stats.py)."""
    n_chars = sum(len(d) for d in corpus.docs)
    by_kind: dict[str, list[Plant]] = {}
    for p in corpus.plants:
        by_kind.setdefault(p.kind, []).append(p)
    out: dict = {"n_docs": len(corpus.docs), "n_chars": n_chars, "docs_by_kind": corpus.counts}
    for kind, ps in sorted(by_kind.items()):
        out[kind] = {
            "n_plants": len(ps),
            "char_fraction": sum(p.end - p.start for p in ps) / n_chars,
            "details": dict(Counter(p.detail for p in ps).most_common(8))
            if kind != "canary"
            else {},
        }
    texts = Counter(p.detail for p in by_kind.get("canary", []))
    out["canary"]["occurrences"] = {c.text: texts[c.secret] for c in canaries()}
    return out


def corpus_text(corpus: Corpus) -> str:
    """All documents joined by the EOS marker (what the tokenizer is trained on)."""
    return EOS.join(corpus.docs) + EOS


__all__ = ["EOS", "Corpus", "CorpusConfig", "Plant", "corpus_text", "generate", "plant_summary"]
