"""Exact repeatability: teacher-force stored samples and compare their log-probabilities.

The paper asks that a model's recorded behavior be exactly reproducible. A stored sample is
(prompt, completion token ids, per-token log-probabilities); re-scoring the same token ids with
the same weights must reproduce every log-probability.

Tolerance (``DEFAULT_TOLERANCE`` = 1e-3 nats, absolute, per token): generation runs batched and
left-padded while teacher forcing runs one right-padded forward pass, so the same weights give
log-probabilities that differ by float32 rounding only: we measured <= 1e-6 nats on CPU; GPU
kernels chosen by batch shape (TF32, split-K) stay below ~1e-4. Any real change (other weights,
another tokenizer, a changed prompt template) moves log-probabilities by 1e-2 nats or more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from taxonomy.backends.base import BackendError

DEFAULT_TOLERANCE = 1e-3


@dataclass(frozen=True)
class SampleCheck:
    """Outcome for one stored sample: status is "ok", "mismatch" or "not verifiable"."""

    index: int
    status: str
    max_abs_diff: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class VerifyReport:
    """Summary of a verify run; ``passed`` needs >= 1 checked sample and no mismatch."""

    tolerance: float
    checks: list[SampleCheck] = field(default_factory=list)

    @property
    def n_checked(self) -> int:
        return sum(c.status != "not verifiable" for c in self.checks)

    @property
    def n_mismatch(self) -> int:
        return sum(c.status == "mismatch" for c in self.checks)

    @property
    def n_unverifiable(self) -> int:
        return sum(c.status == "not verifiable" for c in self.checks)

    @property
    def max_abs_diff(self) -> float:
        diffs = [c.max_abs_diff for c in self.checks if c.max_abs_diff is not None]
        return max(diffs, default=0.0)

    @property
    def passed(self) -> bool:
        return self.n_checked > 0 and self.n_mismatch == 0

    def summary(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{verdict}: {self.n_checked} samples teacher-forced, {self.n_mismatch} over "
            f"{self.tolerance:g} nats, max |diff| {self.max_abs_diff:.3g} nats, "
            f"{self.n_unverifiable} not verifiable"
        )


def _get(record: Any, name: str):
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)


def _compare(i: int, stored: list[float], fresh: list[float] | None, tol: float) -> SampleCheck:
    if fresh is None:
        return SampleCheck(i, "not verifiable", reason="tokenization straddles the prompt boundary")
    if len(fresh) != len(stored):
        return SampleCheck(
            i, "mismatch", reason=f"{len(stored)} stored log-probabilities, {len(fresh)} recomputed"
        )
    diff = max((abs(a - b) for a, b in zip(stored, fresh, strict=True)), default=0.0)
    return SampleCheck(i, "ok" if diff <= tol else "mismatch", diff)


def verify(
    backend, records: Iterable[Any], *, tolerance: float = DEFAULT_TOLERANCE
) -> VerifyReport:
    """Teacher-force each record's completion and compare log-probabilities.

    Args:
      backend: any backend with ``score`` (hf; openai with ``/tokenize``) or ``score_text``.
      records: mappings or objects with ``prompt``, ``logprobs`` and ``token_ids`` and/or
        ``text``.
      tolerance: max absolute per-token difference in nats (see module docstring).

    Returns:
      A ``VerifyReport``.

    Raises:
      BackendError: when the backend cannot score at all (e.g. replay).
    """
    records = list(records)
    checks: dict[int, SampleCheck] = {}
    by_ids, by_text = [], []
    for i, r in enumerate(records):
        if not _get(r, "logprobs"):
            checks[i] = SampleCheck(i, "not verifiable", reason="no stored log-probabilities")
        elif _get(r, "token_ids"):
            by_ids.append(i)
        else:
            by_text.append(i)
    if by_ids:
        try:
            fresh = backend.score(
                [_get(records[i], "prompt") for i in by_ids],
                [list(_get(records[i], "token_ids")) for i in by_ids],
            )
            for i, f in zip(by_ids, fresh, strict=True):
                checks[i] = _compare(i, list(_get(records[i], "logprobs")), f, tolerance)
        except BackendError:
            if not hasattr(backend, "score_text"):
                raise
            by_text += by_ids
    if by_text:
        if not hasattr(backend, "score_text"):
            for i in by_text:
                checks[i] = SampleCheck(i, "not verifiable", reason="no token ids stored")
        else:
            fresh = backend.score_text(
                [_get(records[i], "prompt") for i in by_text],
                [_get(records[i], "text") or "" for i in by_text],
            )
            for i, f in zip(by_text, fresh, strict=True):
                stored, reason = (
                    list(_get(records[i], "logprobs")),
                    _get(records[i], "finish_reason"),
                )
                if reason == "stop":
                    checks[i] = SampleCheck(i, "not verifiable", reason="text cut at a stop string")
                    continue
                if reason == "eos" and f is not None and len(stored) == len(f) + 1:
                    stored = stored[:-1]  # the EOS token has no text to echo
                checks[i] = _compare(i, stored, f, tolerance)
    return VerifyReport(tolerance, [checks[i] for i in range(len(records))])
