"""The feature library: input generators, transforms, predictors, observables and detectors.

Everything a probe names lives here, registered by name with a pydantic params model and a
docstring the site renders (``catalog()``). Importing this package is light (no torch, jax or
transformers); detectors and ``hf_dataset`` import their heavy dependencies when run.
"""

from taxonomy.features import (  # noqa: F401  (registration side effects)
    datafiles,
    detectors,
    generators,
    incontext,
    observables,
    predictors,
    sequences,
    transforms,
)
from taxonomy.features.apply import detect, generate_inputs, observe, predict
from taxonomy.features.registry import (
    CATEGORIES,
    Example,
    FeatureSpec,
    Params,
    catalog,
    check_feature,
    derive_rng,
    get_feature,
    register,
)

__all__ = [
    "CATEGORIES",
    "Example",
    "FeatureSpec",
    "Params",
    "catalog",
    "check_feature",
    "derive_rng",
    "detect",
    "generate_inputs",
    "get_feature",
    "observe",
    "predict",
    "register",
]
