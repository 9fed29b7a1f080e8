"""Registration and lookup of named features: generators, transforms, predictors, observables,
detectors.

A registry node refers to code only by name (STYLE habit 8): ``@register("observable",
"first_word", Params)`` attaches a pydantic params model (``extra="forbid"``, so a typo in a
YAML param is an error) and the function's docstring, which the site renders with a params
table. Lookups that miss say "did you mean ...?" (difflib), like lm-evaluation-harness.

Function signatures per category (``P`` is the validated params model instance):

- generator: ``fn(P, n, seed) -> list[Example]``
- transform: ``fn(P, example, rng: random.Random) -> Example``
- predictor: ``fn(P, example) -> str | int`` (label of B(x))
- observable: ``fn(P, example, completion) -> str | int`` (label of A(x, y))
- detector: ``fn(model, tokenizer, P) -> list[tuple[int, int]]`` (white-box; heavy imports inside)
"""

from __future__ import annotations

import difflib
import hashlib
import inspect
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

Category = Literal["generator", "transform", "predictor", "observable", "detector"]
CATEGORIES: tuple[str, ...] = ("generator", "transform", "predictor", "observable", "detector")
Label = str | int


class Params(BaseModel):
    """Base of every feature's params model: unknown params are errors; instances immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Example:
    """One input x: an id, the prompt text, and JSON-serializable facts the generator knows.

    ``meta`` holds what predictors and observables may read (e.g. ``{"target": "fukak"}``);
    transforms add what they did (e.g. ``{"noise_rate": 0.05}``).
    """

    id: int
    prompt: str
    meta: dict[str, Any] = field(default_factory=dict)

    def with_(self, prompt: str | None = None, **meta: Any) -> Example:
        """A copy with a new prompt and/or extra meta keys (the original is untouched)."""
        return Example(self.id, self.prompt if prompt is None else prompt, {**self.meta, **meta})


@dataclass(frozen=True)
class FeatureSpec:
    """A registered feature: its name, category, params model, function and docstring.

    ``light`` is False when running the feature needs a heavy or online dependency (torch, the
    ``datasets`` hub); such features still validate and document without it.
    """

    name: str
    category: str
    params_model: type[BaseModel]
    fn: Callable[..., Any]
    doc: str
    light: bool = True

    def params(self, params: dict[str, Any] | None = None) -> BaseModel:
        """Validate raw params; raises ``pydantic.ValidationError``."""
        return self.params_model.model_validate(params or {})


_REGISTRY: dict[str, dict[str, FeatureSpec]] = {c: {} for c in CATEGORIES}


def register(
    category: Category, name: str, params_model: type[BaseModel], *, light: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: register ``fn`` under ``(category, name)`` with its params model."""
    if category not in _REGISTRY:
        raise ValueError(f"unknown feature category {category!r}; use one of {CATEGORIES}")
    if params_model.model_config.get("extra") != "forbid":
        raise TypeError(f"{name}: params model must forbid extra fields (subclass Params)")

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in _REGISTRY[category]:
            raise ValueError(f"{category} {name!r} is registered twice")
        doc = inspect.cleandoc(fn.__doc__ or "")
        if not doc:
            raise ValueError(f"{category} {name!r} needs a docstring (the site renders it)")
        _REGISTRY[category][name] = FeatureSpec(name, category, params_model, fn, doc, light)
        return fn

    return deco


def catalog() -> dict[str, dict[str, FeatureSpec]]:
    """Every registered feature: category -> name -> spec (sorted by name)."""
    return {c: dict(sorted(specs.items())) for c, specs in _REGISTRY.items()}


def _did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(options))}"


def get_feature(category: str, name: str) -> FeatureSpec:
    """The spec of a registered feature; ``KeyError`` with a did-you-mean hint otherwise."""
    if category not in _REGISTRY:
        raise KeyError(
            f"unknown feature category {category!r}" + _did_you_mean(category, list(CATEGORIES))
        )
    specs = _REGISTRY[category]
    if name not in specs:
        raise KeyError(f"unknown {category} {name!r}" + _did_you_mean(name, list(specs)))
    return specs[name]


def format_errors(err: ValidationError) -> list[str]:
    """One message per pydantic error: ``param 'rate': Input should be ...``."""
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "params"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown param"
        out.append(
            f"param {loc!r}: {msg} (got {e.get('input')!r})"
            if e["type"] != "missing"
            else f"param {loc!r}: required param is missing"
        )
    return out


def check_feature(category: str, name: str, params: dict[str, Any] | None) -> list[str]:
    """Validate a feature reference: ``[]`` if OK, else every problem as a message."""
    try:
        spec = get_feature(category, name)
    except KeyError as e:
        return [e.args[0]]
    if params is not None and not isinstance(params, dict):
        return [f"params of {category} {name!r} must be a mapping, got {type(params).__name__}"]
    try:
        spec.params(params)
    except ValidationError as e:
        msgs = format_errors(e)
        known = sorted(spec.params_model.model_fields)
        return [
            m + (_did_you_mean(m.split("'")[1], known) if "unknown param" in m else "")
            for m in msgs
        ]
    return []


def derive_rng(*parts: object) -> random.Random:
    """A ``random.Random`` seeded by a stable hash of ``parts`` (independent of PYTHONHASHSEED)."""
    digest = hashlib.sha256(repr(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))
