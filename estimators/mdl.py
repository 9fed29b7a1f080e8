"""Description length ``|C(B)|`` and the MDL score ``|C(B)| + alpha * H[A|B]`` (DESIGN.md).

Declared code: ``|C(B)| = 8 * len(raw DEFLATE(canonical UTF-8 text), zlib level 9)`` bits.
Canonical text: newlines normalised to ``\\n``, trailing whitespace stripped from every line,
leading/trailing blank lines removed; a mapping is first serialised as JSON with sorted keys
and compact separators.  DEFLATE at a fixed level is deterministic for a given zlib, so the
number is reproducible and an upper bound (up to the code's overhead) on the Kolmogorov
complexity of the predictor's specification.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping


def canonical_text(spec: str | bytes | Mapping) -> bytes:
    """The canonical UTF-8 bytes whose compressed length is ``|C(B)|``."""
    if isinstance(spec, Mapping):
        spec = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if isinstance(spec, bytes):
        spec = spec.decode("utf-8")
    if not isinstance(spec, str):
        raise TypeError(f"spec must be str, bytes or a mapping, not {type(spec).__name__}")
    lines = spec.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n").encode("utf-8")


def description_length_bits(spec: str | bytes | Mapping) -> float:
    """``|C(B)|`` in bits: 8 x raw-DEFLATE (level 9) length of :func:`canonical_text`."""
    comp = zlib.compressobj(level=9, method=zlib.DEFLATED, wbits=-15, memLevel=9)
    data = comp.compress(canonical_text(spec)) + comp.flush()
    return 8.0 * len(data)


def mdl_score(description_bits: float, h_a_given_b: float, alpha: float = 1.0) -> float:
    """``|C(B)| + alpha * H[A|B]`` in bits (lower is better)."""
    return float(description_bits) + float(alpha) * float(h_a_given_b)
