"""The results store: one SQLite file holding content-addressed samples and scored results.

SQLite because it ships with Python, writes atomically (a transaction is all-or-nothing, WAL
journal) and survives ``kill -9`` at any point: a sample or result is either committed whole or
absent, so a rerun redoes exactly the unfinished work. (DuckDB is faster for analytics, but
its single-writer file is less forgiving of killed writers and adds a dependency.)

A sample's key is the sha256 of (model fingerprint, backend, prompt, decoding config, seed):
the same request always maps to the same row, whichever node or run asked for it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_STORE = Path(".registry") / "results.sqlite"
"""Where results go by default: a hidden folder of the working directory (git-ignored)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    key TEXT PRIMARY KEY,
    model_fingerprint TEXT NOT NULL,
    backend TEXT NOT NULL,
    prompt TEXT NOT NULL,
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    text TEXT NOT NULL,
    token_ids TEXT NOT NULL,
    logprobs TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_by_model ON samples (model_fingerprint);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    model_fingerprint TEXT NOT NULL,
    backend TEXT NOT NULL,
    score REAL,
    ci_low REAL,
    ci_high REAL,
    skipped TEXT,
    details TEXT NOT NULL,
    examples TEXT NOT NULL,
    provenance TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_by_node_model ON results (node_id, model);
CREATE TABLE IF NOT EXISTS comparisons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_a TEXT NOT NULL,
    model_b TEXT NOT NULL,
    rows TEXT NOT NULL,
    created TEXT NOT NULL
);
"""


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sample_key(fingerprint: str, backend: str, prompt: str, config: dict, seed: int) -> str:
    """Content address of one generation request."""
    payload = _canonical([fingerprint, backend, prompt, config, seed])
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class StoredSample:
    """One cached generation (the fields of a backend's Generation plus its request)."""

    key: str
    prompt: str
    seed: int
    config: dict
    text: str
    token_ids: list[int]
    logprobs: list[float]
    finish_reason: str


class ResultRecord(BaseModel):
    """One node scored on one model, with the provenance that makes it reproducible."""

    model_config = ConfigDict(extra="forbid")

    node_id: str
    kind: str
    model: str
    model_fingerprint: str
    backend: str
    score: float | None = Field(None, description="Bits; None when skipped.")
    ci_low: float | None = None
    ci_high: float | None = None
    skipped: str | None = Field(None, description="Why the node was not scored.")
    details: dict[str, Any] = Field(default_factory=dict)
    examples: list[dict[str, Any]] = Field(default_factory=list)
    provenance: dict[str, Any] = Field(default_factory=dict)
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class Store:
    """A SQLite results store; every write is one transaction."""

    def __init__(self, path: str | Path = DEFAULT_STORE) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- samples ---------------------------------------------------------------------------
    def get_samples(self, keys: Sequence[str]) -> dict[str, StoredSample]:
        """The cached samples among ``keys``, by key."""
        out: dict[str, StoredSample] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT key, prompt, seed, config, text, token_ids, logprobs, finish_reason "
                f"FROM samples WHERE key IN ({marks})",
                chunk,
            )
            for row in rows:
                out[row[0]] = _sample_from_row(row)
        return out

    def put_samples(
        self,
        fingerprint: str,
        backend: str,
        rows: Iterable[tuple[str, str, dict, int, Any]],
    ) -> None:
        """Commit (key, prompt, config, seed, generation) rows atomically."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO samples VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        key,
                        fingerprint,
                        backend,
                        prompt,
                        _canonical(config),
                        seed,
                        gen.text,
                        _canonical(list(gen.token_ids)),
                        _canonical([float(x) for x in gen.logprobs]),
                        gen.finish_reason,
                        now,
                    )
                    for key, prompt, config, seed, gen in rows
                ],
            )

    def samples_for_model(self, fingerprint: str) -> list[StoredSample]:
        rows = self._db.execute(
            "SELECT key, prompt, seed, config, text, token_ids, logprobs, finish_reason "
            "FROM samples WHERE model_fingerprint = ? ORDER BY key",
            (fingerprint,),
        )
        return [_sample_from_row(row) for row in rows]

    def count_samples(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM samples").fetchone()[0]

    # -- results ---------------------------------------------------------------------------
    def write_result(self, rec: ResultRecord) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO results (node_id, kind, model, model_fingerprint, backend, score, "
                "ci_low, ci_high, skipped, details, examples, provenance, created) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    rec.node_id,
                    rec.kind,
                    rec.model,
                    rec.model_fingerprint,
                    rec.backend,
                    rec.score,
                    rec.ci_low,
                    rec.ci_high,
                    rec.skipped,
                    _canonical(rec.details),
                    _canonical(rec.examples),
                    _canonical(rec.provenance),
                    rec.created,
                ),
            )

    def results(self, model: str | None = None, node: str | None = None) -> list[ResultRecord]:
        """The latest result per (node, model), optionally filtered."""
        where, args = [], []
        if model is not None:
            where.append("model = ?")
            args.append(model)
        if node is not None:
            where.append("node_id = ?")
            args.append(node)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(
            "SELECT node_id, kind, model, model_fingerprint, backend, score, ci_low, ci_high, "
            "skipped, details, examples, provenance, created FROM results WHERE id IN "
            f"(SELECT MAX(id) FROM results {clause} GROUP BY node_id, model) "
            "ORDER BY model, node_id",
            args,
        )
        return [_result_from_row(row) for row in rows]

    def write_comparison(self, model_a: str, model_b: str, rows: list[dict]) -> None:
        """Store one ``registry compare`` outcome (per-node paired differences)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.execute(
                "INSERT INTO comparisons (model_a, model_b, rows, created) VALUES (?,?,?,?)",
                (model_a, model_b, _canonical(rows), now),
            )

    def comparisons(self) -> list[dict]:
        """The latest comparison per (model A, model B): {model_a, model_b, rows, created}."""
        found = self._db.execute(
            "SELECT model_a, model_b, rows, created FROM comparisons WHERE id IN "
            "(SELECT MAX(id) FROM comparisons GROUP BY model_a, model_b) ORDER BY model_a, model_b"
        )
        return [
            {"model_a": a, "model_b": b, "rows": json.loads(rows), "created": created}
            for a, b, rows, created in found
        ]

    def models(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT model FROM results ORDER BY model")]

    def export(self, path: str | Path, model: str | None = None) -> Path:
        """Write the latest results to ``.json`` or ``.parquet`` (by the file's suffix)."""
        path = Path(path)
        records = [r.model_dump() for r in self.results(model=model)]
        if path.suffix == ".json":
            path.write_text(json.dumps(records, indent=2, ensure_ascii=False))
        elif path.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            for rec in records:
                for field in ("details", "examples", "provenance"):
                    rec[field] = _canonical(rec[field])
            pq.write_table(pa.Table.from_pylist(records), path)
        else:
            raise ValueError(f"cannot export to {path.name!r}: use a .json or .parquet file name")
        return path


def _sample_from_row(row: tuple) -> StoredSample:
    key, prompt, seed, config, text, token_ids, logprobs, finish = row
    return StoredSample(
        key=key,
        prompt=prompt,
        seed=seed,
        config=json.loads(config),
        text=text,
        token_ids=json.loads(token_ids),
        logprobs=json.loads(logprobs),
        finish_reason=finish,
    )


def _result_from_row(row: tuple) -> ResultRecord:
    names = (
        "node_id kind model model_fingerprint backend score ci_low ci_high skipped "
        "details examples provenance created"
    ).split()
    data = dict(zip(names, row, strict=True))
    for field in ("details", "examples", "provenance"):
        data[field] = json.loads(data[field])
    return ResultRecord(**data)
