"""Run registered features: draw inputs (generator + transforms), label inputs and outputs.

These are the calls the evaluation engine makes. Everything is deterministic in its arguments:
example ``i`` of a synthetic generator depends only on ``(generator, params, seed, i)``, so the
first ``n`` inputs of a larger draw are the same inputs (caches can grow, runs can resume), and
transform ``t`` of example ``i`` uses ``derive_rng(seed, t, i)``.
"""

from __future__ import annotations

from typing import Any

from taxonomy.features.registry import Example, Label, derive_rng, get_feature


def generate_inputs(
    generator: str,
    params: dict[str, Any] | None,
    n: int,
    seed: int,
    transforms: list[tuple[str, dict[str, Any]]] | None = None,
) -> list[Example]:
    """Draw ``n`` inputs from a generator, then apply each transform in order to each input.

    Args:
      generator: registered generator name, e.g. ``"repeated_tokens"``.
      params: the generator's params (validated; ``pydantic.ValidationError`` if wrong).
      n: number of inputs.
      seed: seed of the generator and the transforms.
      transforms: ``[(name, params), ...]`` applied in order (the paper's Cartesian product of
        a behavior with a skill's inputs, section 2.4).

    Returns:
      ``n`` examples with ids ``0..n-1``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    spec = get_feature("generator", generator)
    examples = list(spec.fn(spec.params(params), n, seed))
    for t, (name, t_params) in enumerate(transforms or []):
        tspec = get_feature("transform", name)
        p = tspec.params(t_params)
        examples = [tspec.fn(p, ex, derive_rng("transform", seed, t, ex.id)) for ex in examples]
    return examples


def predict(name: str, params: dict[str, Any] | None, example: Example) -> Label:
    """Label of the predictor B(x) for one input."""
    spec = get_feature("predictor", name)
    return spec.fn(spec.params(params), example)


def observe(name: str, params: dict[str, Any] | None, example: Example, completion: Any) -> Label:
    """Label of the observable A(x, y) for one completion (duck-typed ``Generation``)."""
    spec = get_feature("observable", name)
    return spec.fn(spec.params(params), example, completion)


def detect(
    name: str, params: dict[str, Any] | None, model: Any, tokenizer: Any
) -> list[tuple[int, int]]:
    """Run a white-box detector; returns the selected ``(layer, head)`` pairs."""
    spec = get_feature("detector", name)
    return spec.fn(model, tokenizer, spec.params(params))
