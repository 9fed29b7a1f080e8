"""The reference zoo: tiny models trained here, on a synthetic corpus with planted behaviors.

Three models share one corpus and tokenizer (see `corpus.py`, `tokenizer.py`, `specs.py`):
`gpt2-tiny` (2-layer GPT-2, forms induction heads), `ssm-tiny` (Mamba-2, no attention) and
`attn1-tiny` (1-layer attention-only negative control). Each lives in transformers format in
`models/<name>/` and loads with `AutoModelForCausalLM.from_pretrained(model_path(name))`;
`"zoo:NAME"` names one anywhere a model is expected. This module imports no torch.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

ZOO_DIR: Path = Path(__file__).parent / "models"
PREFIX = "zoo:"


@dataclass(frozen=True)
class ZooModel:
    """A committed zoo model, described from its card.json."""

    name: str
    path: Path
    architecture: str
    n_params: int
    summary: str


def _names() -> list[str]:
    return sorted(p.name for p in ZOO_DIR.iterdir() if (p / "config.json").is_file())


def list_models() -> list[ZooModel]:
    """Every committed zoo model, sorted by name."""
    out = []
    for name in _names():
        path = ZOO_DIR / name
        card_file = path / "card.json"
        card = json.loads(card_file.read_text()) if card_file.is_file() else {}
        out.append(
            ZooModel(
                name=name,
                path=path,
                architecture=card.get("architecture", "?"),
                n_params=int(card.get("n_params", 0)),
                summary=card.get("summary", ""),
            )
        )
    return out


def model_path(name: str) -> Path:
    """Directory of zoo model `name` (accepts a "zoo:" prefix).

    Raises:
        ValueError: if no such model is committed, naming the closest matches.
    """
    name = name.removeprefix(PREFIX)
    names = _names()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"unknown zoo model {name!r}.{hint} Available: {', '.join(names) or 'none'} "
            "(`registry zoo list`; `registry zoo build` retrains them)."
        )
    return ZOO_DIR / name


def resolve(spec: str) -> Path | None:
    """Path for "zoo:NAME", or None if `spec` does not start with "zoo:" (then it is not ours)."""
    if not spec.startswith(PREFIX):
        return None
    return model_path(spec)


def corpus_stats() -> dict:
    """Statistics of the phenomena planted in the zoo corpus (models/corpus_stats.json)."""
    return json.loads((ZOO_DIR / "corpus_stats.json").read_text())


__all__ = ["ZOO_DIR", "ZooModel", "corpus_stats", "list_models", "model_path", "resolve"]
