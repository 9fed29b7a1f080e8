"""Text helpers shared by features: words, buckets, label alphabets.

Black-box backends may not return token ids, so "tokens" here are whitespace-delimited words,
optionally with surrounding punctuation stripped ("fukak." -> "fukak").
"""

from __future__ import annotations

import bisect
import json
import string
from typing import Annotated, Any

from pydantic import AfterValidator

PUNCT = string.punctuation + "\u201c\u201d\u2018\u2019"
OTHER = "<other>"
EMPTY = "<empty>"
NONE = "<none>"


def words(text: str, strip_punct: bool = True, lower: bool = False) -> list[str]:
    """Whitespace-delimited words; punctuation-only words vanish when ``strip_punct``."""
    out = []
    for w in text.split():
        if strip_punct:
            w = w.strip(PUNCT)
            if not w:
                continue
        out.append(w.lower() if lower else w)
    return out


def bucket(value: float, bins: list[float]) -> str:
    """Label of the half-open bin holding ``value``: edges ``[b0, b1, ...]`` give
    ``"<b0"``, ``"b0-b1"`` (b0 <= v < b1), ..., ``">=bk"``."""
    i = bisect.bisect_right(bins, value)
    if i == 0:
        return f"<{bins[0]:g}"
    if i == len(bins):
        return f">={bins[-1]:g}"
    return f"{bins[i - 1]:g}-{bins[i]:g}"


def as_label(value: Any) -> str | int:
    """A hashable, JSON-stable label: ints and strings stay, bools become 0/1, the rest JSON."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return f"{value:g}"
    return json.dumps(value, sort_keys=True)


def check_bins(values: list[float]) -> list[float]:
    """Validate bin edges: strictly increasing."""
    if any(b >= a for a, b in zip(values[1:], values, strict=False)) or not values:
        raise ValueError(f"bins must be a non-empty strictly increasing list, got {values}")
    return values


Bins = Annotated[list[float], AfterValidator(check_bins)]
"""Bucket edges in a params model: validated as a non-empty, strictly increasing list."""
