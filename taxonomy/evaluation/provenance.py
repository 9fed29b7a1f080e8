"""What makes a score reproducible: hashes, seeds, estimator config and package versions."""

from __future__ import annotations

import hashlib
import json
import platform
from functools import cache
from importlib import metadata

PACKAGES = ("behavior-registry", "numpy", "jax", "jaxlib", "flax", "optax", "torch", "transformers")


@cache
def package_versions() -> dict[str, str]:
    """Versions of the packages a score depends on (absent ones are left out)."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def digest(obj) -> str:
    """sha256 of the canonical JSON of ``obj``."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
