"""What the site shows, gathered once: the registry's nodes and edges plus the latest results.

Pages are pure functions of a ``SiteData``; nothing below reads files, so tests can build a
site from an in-memory ``Registry`` and synthetic ``ResultRecord`` rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taxonomy.schema import KINDS, Registry
from taxonomy.site.escape import slug

LAYERS: tuple[str, ...] = tuple(reversed(KINDS))
"""Kinds from the top of the graph down: benchmark, skill, behavior, structure, element."""

PLURAL = {
    "benchmark": "benchmarks",
    "skill": "skills",
    "behavior": "behaviors",
    "structure": "learned structures",
    "element": "elements",
}


@dataclass(frozen=True)
class SiteData:
    """The registry as a graph plus the latest result per (node, model).

    Attributes:
        registry: the validated registry.
        nodes: node id -> node, sorted by (layer, id).
        children: node id -> ids of the nodes that list it as a parent.
        results: node id -> model -> result record (a ``taxonomy.store.ResultRecord``).
        models: model names, sorted.
        model_slugs: model name -> URL path segment (unique).
    """

    registry: Registry
    nodes: dict[str, Any]
    children: dict[str, list[str]]
    results: dict[str, dict[str, Any]]
    models: list[str]
    model_slugs: dict[str, str]

    def record(self, node_id: str, model: str) -> Any | None:
        """The latest result of ``node_id`` on ``model``, or None."""
        return self.results.get(node_id, {}).get(model)


def collect(registry: Registry, records: Iterable[Any] = ()) -> SiteData:
    """Index a registry and result records (the newest record wins per (node, model))."""
    order = sorted(registry.nodes, key=lambda n: (LAYERS.index(n.kind), n.id))
    nodes = {n.id: n for n in order}
    children: dict[str, list[str]] = {n.id: [] for n in order}
    for node in order:
        for parent in node.parents:
            if parent in children:
                children[parent].append(node.id)
    results: dict[str, dict[str, Any]] = {}
    for rec in records:
        if rec.node_id not in nodes:
            continue  # a result for a node since removed from the registry
        previous = results.setdefault(rec.node_id, {}).get(rec.model)
        if previous is None or rec.created >= previous.created:
            results[rec.node_id][rec.model] = rec
    models = sorted({m for by_model in results.values() for m in by_model})
    return SiteData(registry, nodes, children, results, models, unique_slugs(models))


def unique_slugs(names: list[str]) -> dict[str, str]:
    """name -> slug, suffixing ``-2``, ``-3``... where two names slug alike."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(names):
        base = slug(name)
        candidate, i = base, 2
        while candidate in used:
            candidate, i = f"{base}-{i}", i + 1
        used.add(candidate)
        out[name] = candidate
    return out


def load_site_data(registry_path: Path, results_path: Path | None = None) -> SiteData:
    """Load and validate ``registry_path`` (the loader) and read the results store, if any."""
    from taxonomy.loader import load_registry

    loaded = load_registry(registry_path)
    records: list[Any] = []
    if results_path is not None:
        if not Path(results_path).exists():
            raise FileNotFoundError(
                f"results store {results_path} does not exist; run `registry evaluate` first "
                "or drop --results to build the site without scores"
            )
        from taxonomy.store import Store

        with Store(results_path) as store:
            records = attach_paired_tests(store.results(), store.comparisons())
    return collect(loaded.registry, records)


def attach_paired_tests(records: list[Any], comparisons: list[dict]) -> list[Any]:
    """Fold stored ``registry compare`` outcomes into each record's ``details["compare"]``.

    ``details["compare"][other_model] = {"significant", "p_value", "delta"}``: the paired
    bootstrap test the comparison pages prefer over overlapping intervals.
    """
    by_key = {(r.node_id, r.model): r for r in records}
    for comp in comparisons:
        pairs = ((comp["model_a"], comp["model_b"]), (comp["model_b"], comp["model_a"]))
        for row in comp["rows"]:
            for model, other in pairs:
                rec = by_key.get((row["node_id"], model))
                if rec is not None:
                    rec.details.setdefault("compare", {})[other] = {
                        "significant": row["verdict"] == "differs",
                        "p_value": row["p_value"],
                        "delta": row["delta"],
                    }
    return records
