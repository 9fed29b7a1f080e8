"""The ``replay`` backend: recorded generations (JSONL or Parquet) for models nobody here can run.

Each row: ``prompt`` (str), ``seed`` (int), ``text`` (str), optional ``token_ids`` (list[int]),
``logprobs`` (list[float], same length as ``token_ids`` when both are given), ``finish_reason``
("length" | "eos" | "stop", default "length") and ``config`` (a ``DecodeConfig`` mapping).
Other fields are ignored. A request is answered by the row with the same (prompt, seed, config);
rows without ``config`` answer any config. ``write_replay`` records any backend's output.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from taxonomy.backends.base import BackendError, DecodeConfig, Generation, check_seeds

_MAX_REPORTED = 10


class ReplayRow(BaseModel):
    """One recorded generation."""

    model_config = ConfigDict(extra="ignore")

    prompt: str
    seed: int
    text: str
    token_ids: list[int] | None = None
    logprobs: list[float] | None = None
    finish_reason: str = "length"
    config: DecodeConfig | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ReplayRow:
        if self.finish_reason not in ("length", "eos", "stop"):
            raise ValueError(
                f"finish_reason must be length, eos or stop, not {self.finish_reason!r}"
            )
        if self.token_ids is not None and self.logprobs is not None:
            if len(self.token_ids) != len(self.logprobs):
                raise ValueError(
                    f"{len(self.token_ids)} token_ids but {len(self.logprobs)} logprobs; "
                    "they must pair one to one"
                )
        return self


def _config_key(config: DecodeConfig | None) -> str | None:
    return None if config is None else json.dumps(config.model_dump(), sort_keys=True)


def _read_rows(path: Path) -> list[tuple[str, Any]]:
    """(location, raw row) pairs; location is ``file:line`` (JSONL) or ``file:row N``."""
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            rows = pq.read_table(path).to_pylist()
        except (pa.ArrowInvalid, OSError) as err:
            raise BackendError(f"{path}: not a readable Parquet file ({err})") from err
        return [(f"{path}:row {i + 1}", r) for i, r in enumerate(rows)]
    out, errors = [], []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                out.append((f"{path}:{n}", json.loads(line)))
            except json.JSONDecodeError as err:
                errors.append(f"{path}:{n}: invalid JSON ({err.msg} at column {err.colno})")
    if errors:
        raise BackendError(_summarize("malformed replay file", errors))
    return out


def _summarize(title: str, errors: list[str]) -> str:
    more = f"\n  ... and {len(errors) - _MAX_REPORTED} more" if len(errors) > _MAX_REPORTED else ""
    return f"{title}:\n  " + "\n  ".join(errors[:_MAX_REPORTED]) + more


class ReplayBackend:
    """Answers ``generate`` from a recorded file; cannot ``score`` (there is no model)."""

    name = "replay"
    white_box = False

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise BackendError(f"replay file '{path}' does not exist")
        self.rows: dict[tuple[str, int, str | None], ReplayRow] = {}
        seen: dict[tuple, str] = {}
        errors = []
        for where, raw in _read_rows(self.path):
            try:
                row = ReplayRow.model_validate(raw)
            except ValidationError as err:
                for e in err.errors():
                    field = ".".join(map(str, e["loc"])) or "row"
                    errors.append(f"{where}: {field}: {e['msg']}")
                continue
            key = (row.prompt, row.seed, _config_key(row.config))
            if key in seen:
                errors.append(
                    f"{where}: duplicates the row at {seen[key]} (same prompt, seed, config)"
                )
            seen[key] = where
            self.rows[key] = row
        if errors:
            raise BackendError(_summarize("malformed replay file", errors))

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        with self.path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
        return "sha256:" + h.hexdigest()

    def generate(
        self, prompts: list[str], config: DecodeConfig, seeds: list[int]
    ) -> list[Generation]:
        check_seeds(prompts, seeds)
        key = _config_key(config)
        out = []
        for prompt, seed in zip(prompts, seeds, strict=True):
            row = self.rows.get((prompt, int(seed), key)) or self.rows.get(
                (prompt, int(seed), None)
            )
            if row is None:
                raise BackendError(
                    f"no recorded generation for prompt {prompt[:60]!r} with seed {seed} and this "
                    f"decoding config in {self.path}; record it, or evaluate with the same "
                    "sampling settings and seeds the file was made with"
                )
            out.append(
                Generation(row.text, row.token_ids or [], row.logprobs or [], row.finish_reason)
            )
        return out

    def score(self, prompts: list[str], completions: list[list[int]]) -> list[list[float]]:
        raise BackendError(
            "the replay backend cannot score: a recording has no model to teacher-force. "
            "Verify the recording against the model that made it (registry verify --model ...)"
        )

    def close(self) -> None:
        pass


def write_replay(
    path: str | Path,
    prompts: list[str],
    seeds: list[int],
    config: DecodeConfig,
    generations: list[Generation],
) -> Path:
    """Record generations as a replay file (``.jsonl`` or ``.parquet``, by suffix)."""
    rows = [
        {
            "prompt": p,
            "seed": int(s),
            "text": g.text,
            "token_ids": list(g.token_ids),
            "logprobs": list(g.logprobs),
            "finish_reason": g.finish_reason,
            "config": config.model_dump(),
        }
        for p, s, g in zip(prompts, seeds, generations, strict=True)
    ]
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
