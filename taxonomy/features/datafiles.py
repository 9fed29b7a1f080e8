"""Inputs from data: a local JSONL / CSV / Parquet file, or a ``datasets`` hub id (online only).

A field mapping says which column is the prompt and which columns become meta facts for
predictors and observables: ``fields: {prompt: question, target: answer, topic: subject}``;
or ``template: "Q: {question}\\nA:"`` builds the prompt from several columns.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import string
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from taxonomy.features.registry import Example, Params, derive_rng, register


class DataFileError(ValueError):
    """A data file that cannot be read as asked; the message names the file and how to fix it."""


class _Mapping(Params):
    fields: dict[str, str] = Field(
        {"prompt": "prompt"},
        description="Example field -> column: 'prompt' (unless template) and meta keys.",
    )
    template: str | None = Field(None, description="Prompt from columns: 'Q: {question}\\nA:'.")
    order: Literal["file", "shuffle"] = Field(
        "file", description="Take the first n, or a seeded shuffle."
    )

    @model_validator(mode="after")
    def _prompt_source(self) -> _Mapping:
        if self.template is None and "prompt" not in self.fields:
            raise ValueError("map a column to 'prompt' in fields, or give a template")
        if self.template is not None:
            names = {f[1] for f in string.Formatter().parse(self.template) if f[1]}
            if not names:
                raise ValueError("template names no column; write e.g. 'Q: {question}'")
        return self


def rows_to_examples(
    rows: list[dict[str, Any]], p: _Mapping, n: int, seed: int, where: str
) -> list[Example]:
    """Apply the field mapping to ``n`` rows (first n, or a seeded shuffle)."""
    if n > len(rows):
        raise DataFileError(f"{where}: has {len(rows)} rows but n={n}; set n: {len(rows)} or less")
    idx = list(range(len(rows)))
    if p.order == "shuffle":
        derive_rng("data", seed).shuffle(idx)
    out = []
    for i, r in enumerate(idx[:n]):
        row = rows[r]
        needed = [c for c in p.fields.values()]
        missing = [c for c in needed if c not in row]
        if missing:
            raise DataFileError(
                f"{where}: row {r} has no column {missing[0]!r}; columns: {sorted(row)}"
            )
        try:
            prompt = p.template.format(**row) if p.template else str(row[p.fields["prompt"]])
        except KeyError as err:
            raise DataFileError(f"{where}: template names column {err} not in row {r}") from None
        meta = {k: _jsonable(row[c]) for k, c in p.fields.items() if k != "prompt"}
        meta["row"] = r
        out.append(Example(i, prompt, meta))
    return out


def _jsonable(v: Any) -> Any:
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    if hasattr(v, "tolist"):
        return v.tolist()
    return v


def read_rows(path: Path, fmt: str) -> list[dict[str, Any]]:
    """All rows of a JSONL, CSV or Parquet file as dicts."""
    if fmt == "auto":
        fmt = {".jsonl": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}.get(
            path.suffix.lower(), ""
        )
        if not fmt:
            raise DataFileError(f"{path}: cannot tell the format from {path.suffix!r}; set format")
    if fmt == "jsonl":
        rows = []
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataFileError(f"{path}:{lineno}: not valid JSON ({err.msg})") from None
            if not isinstance(row, dict):
                raise DataFileError(f"{path}:{lineno}: each line must be a JSON object")
            rows.append(row)
        return rows
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


class DataFileParams(_Mapping):
    path: str = Field(description="Path to the file (relative to the working directory).")
    format: Literal["auto", "jsonl", "csv", "parquet"] = Field("auto", description="File format.")


@register("generator", "data_file", DataFileParams)
def data_file(p: DataFileParams, n: int, seed: int) -> list[Example]:
    """Inputs read from a JSONL, CSV or Parquet file with a field mapping: one column (or a
    template over columns) is the prompt, others become meta (e.g. ``target`` for
    ``exact_continuation``). ``n`` must not exceed the number of rows. Meta: the mapped
    fields and ``row`` (the row index in the file)."""
    path = Path(p.path).expanduser()
    if not path.is_file():
        raise DataFileError(f"{path}: data file not found (inputs.params.path)")
    return rows_to_examples(read_rows(path, p.format), p, n, seed, str(path))


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the dataset hub answers a TCP connection (so offline runs fail in milliseconds
    instead of after ``datasets``' retries). ``HF_DATASETS_OFFLINE=1`` / ``HF_HUB_OFFLINE=1``
    count as unreachable."""
    if any(os.environ.get(v, "0").lower() in ("1", "true") for v in _OFFLINE_VARS):
        return False
    from urllib.parse import urlparse

    url = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    try:
        socket.create_connection((url.hostname, url.port or 443), timeout=timeout).close()
    except OSError:
        return False
    return True


_OFFLINE_VARS = ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE")


class HfDatasetParams(_Mapping):
    name: str = Field(description="Dataset id on the hub, e.g. 'EdinburghNLP/xsum'.")
    config: str | None = Field(None, description="Dataset configuration name.")
    split: str = Field("test", description="Split to read.")
    revision: str | None = Field(None, description="Dataset revision (commit) for reproducibility.")


@register("generator", "hf_dataset", HfDatasetParams, light=False)
def hf_dataset(p: HfDatasetParams, n: int, seed: int) -> list[Example]:
    """Inputs from a ``datasets`` hub id (online only), with the same field mapping as
    ``data_file``. Offline, it fails with a clear error: download the data and use
    ``data_file``."""
    hint = "dataset hub unreachable; download the data and use data_file"
    if not hub_reachable():
        raise DataFileError(f"{p.name}: {hint}")
    try:
        import datasets
    except ImportError:
        raise DataFileError(f"the 'datasets' package is not installed; {hint}") from None
    try:
        ds = datasets.load_dataset(p.name, p.config, split=p.split, revision=p.revision)
    except Exception as err:  # connection, missing dataset, offline mode: all one message
        raise DataFileError(f"{p.name}: {hint} ({type(err).__name__}: {err})") from None
    rows = [
        dict(r) for r in ds.select(range(min(len(ds), max(n, 0) if p.order == "file" else len(ds))))
    ]
    return rows_to_examples(rows, p, n, seed, p.name)
