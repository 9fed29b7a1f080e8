"""Load ``registry.yaml`` into validated nodes, or report every problem at once.

Pipeline: safe YAML tree with positions (``taxonomy.yamltree``) -> pydantic schema
(``taxonomy.schema``) -> graph rules (``taxonomy.graph``) -> feature names and params
(``taxonomy.features``). Each stage reports all its issues; later stages run on whatever the
earlier ones could validate, so one broken node never hides another's error.

One file is the root, and one file is enough: ``registry fmt`` sorts nodes by (level, id) with
a blank line between nodes, so two pull requests that add different nodes touch different
lines and merge without conflict; an include mechanism would add a second place to look and
no merge benefit.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from taxonomy.diagnose import issues_from_validation
from taxonomy.errors import Issue, RegistryError, did_you_mean, sort_issues
from taxonomy.graph import build_graph, check_graph
from taxonomy.schema import Node, Registry
from taxonomy.yamltree import MAX_BYTES, parse, too_large

if TYPE_CHECKING:
    import networkx as nx

_NODE = TypeAdapter(Node)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8: the text that registry and node hashes are taken of."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


@dataclass
class LoadedRegistry:
    """A valid registry with everything tools need to act on it and to point back into it."""

    registry: Registry
    path: Path
    nodes: dict[str, Any]
    positions: dict[str, tuple[int, int]]
    warnings: list[Issue]
    hash: str
    field_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict, repr=False)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The taxonomy as a networkx DiGraph (edge child -> parent), built on first use."""
        return build_graph(self.nodes.values())

    def node_hash(self, node_id: str) -> str:
        """sha256 of the node's canonical JSON (defaults included: the effective probe)."""
        return _sha256(self.nodes[node_id].model_dump(mode="json"))

    def locate(self, node_id: str, *path: str | int) -> tuple[int | None, int | None]:
        """(line, column) of a node's field, e.g. ``locate("gem", "probe", "inputs")``."""
        nodes = list(self.nodes.values())
        return _locator(self.field_positions, nodes, range(len(nodes)))(self.nodes[node_id], *path)


def registry_hash(registry: Registry) -> str:
    """sha256 of the canonical JSON of the registry, nodes sorted by id (order-independent,
    so ``registry fmt`` never changes it)."""
    nodes = sorted((n.model_dump(mode="json") for n in registry.nodes), key=lambda n: n["id"])
    return _sha256({"version": registry.version, "nodes": nodes})


def _locator(values: dict, nodes: list[Any], indices: Any):
    """``locate(node, *path)``: position of a node's field, by the node's index in the file."""
    index = {id(node): i for node, i in zip(nodes, indices, strict=True)}

    def locate(node: Any, *path: str | int) -> tuple[int | None, int | None]:
        if id(node) not in index:
            return (None, None)
        where = ("nodes", index[id(node)], *path)
        while len(where) > 2 and where not in values:
            where = where[:-1]
        return values.get(where, (None, None))

    return locate


def _load(path: str | Path) -> tuple[LoadedRegistry | None, list[Issue]]:
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [too_large(file, size)]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [
            Issue(
                file,
                None,
                None,
                None,
                "file-not-found",
                "no such file",
                "run in the repository root, or pass the path: registry validate PATH",
            )
        ]
    except OSError as err:
        return None, [
            Issue(
                file,
                None,
                None,
                None,
                "file-unreadable",
                str(err.strerror or err),
                "check the path and its permissions",
            )
        ]
    return _load_text(raw, path)


def _load_text(raw: str | bytes, path: Path) -> tuple[LoadedRegistry | None, list[Issue]]:
    file = str(path)
    document, issues = parse(raw, file)
    data = document.data()
    if any(i.severity == "error" for i in issues) and data is None:
        return None, issues
    if not isinstance(data, dict):
        issues.append(
            Issue(
                file,
                1,
                1,
                None,
                "wrong-type",
                "the registry must be a mapping with 'version' and 'nodes'",
                "start the file with 'version: \"0.1\"' and 'nodes:'",
            )
        )
        return None, issues
    values, keys = document.positions()
    issues = _attribute(issues, data, values)
    try:
        registry = Registry.model_validate(data)
    except ValidationError as err:
        issues += issues_from_validation(err, data, values, keys, file)
        registry = None
    raw_nodes = data.get("nodes") if isinstance(data.get("nodes"), list) else []
    if registry is not None:
        nodes, indices = list(registry.nodes), list(range(len(registry.nodes)))
    else:  # validate nodes one by one, so the graph checks still see the valid ones
        nodes, indices = [], []
        for i, raw_node in enumerate(raw_nodes):
            try:
                nodes.append(_NODE.validate_python(raw_node))
                indices.append(i)
            except ValidationError:
                pass
    locate = _locator(values, nodes, indices)
    version = data.get("version")
    issues += check_graph(nodes, None, locate, file)
    issues += _check_versions(nodes, version, locate, file)
    issues += _check_features(nodes, locate, file)
    if any(i.severity == "error" for i in issues) or registry is None:
        return None, issues
    loaded = LoadedRegistry(
        registry=registry,
        path=path,
        nodes={n.id: n for n in nodes},
        positions={n.id: values[("nodes", i)] for n, i in zip(nodes, indices, strict=True)},
        warnings=[i for i in issues if i.severity == "warning"],
        hash=registry_hash(registry),
        field_positions=values,
    )
    return loaded, issues


def _attribute(issues: list[Issue], data: dict, values: dict) -> list[Issue]:
    """Name the node that a YAML-level issue (tag, alias, duplicate key) falls inside."""
    nodes = data.get("nodes") if isinstance(data.get("nodes"), list) else []
    starts = [
        (values[("nodes", i)][0], node.get("id"))
        for i, node in enumerate(nodes)
        if isinstance(node, dict) and ("nodes", i) in values
    ]
    out = []
    for issue in issues:
        if issue.node is None and issue.line is not None:
            inside = [ident for line, ident in starts if line <= issue.line]
            if inside and isinstance(inside[-1], str):
                issue = replace(issue, node=inside[-1])
        out.append(issue)
    return out


def load_registry(path: str | Path = "registry.yaml") -> LoadedRegistry:
    """Load and validate a registry; raises ``RegistryError`` listing every error found."""
    loaded, issues = _load(path)
    if loaded is None:
        raise RegistryError(sort_issues(issues))
    return loaded


def validate(path: str | Path = "registry.yaml") -> list[Issue]:
    """Every error and warning of a registry file, in reading order; never raises for content."""
    return sort_issues(_load(path)[1])


def load_text(text: str | bytes, path: str | Path = "registry.yaml") -> LoadedRegistry:
    """``load_registry`` for text in memory (an editor buffer, a pull request's blob);
    ``path`` only names the file in issues and resolves relative paths."""
    loaded, issues = _load_text(text, Path(path))
    if loaded is None:
        raise RegistryError(sort_issues(issues))
    return loaded


def validate_text(text: str | bytes, path: str | Path = "registry.yaml") -> list[Issue]:
    """``validate`` for text in memory."""
    return sort_issues(_load_text(text, Path(path))[1])


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _check_versions(nodes: list[Any], version: Any, locate, file: str) -> list[Issue]:
    """A node cannot be added in a registry version later than the file's own."""
    if not isinstance(version, str):
        return []
    try:
        current = _version(version)
    except ValueError:
        return []
    return [
        Issue(
            file,
            *locate(n, "since"),
            n.id,
            "since-future",
            f"since '{n.since}' is later than the registry version '{version}'",
            f'set since: "{version}" (or bump the registry version)',
        )
        for n in nodes
        if _version(n.since) > current
    ]


def feature_uses(node: Any) -> list[tuple[str, str, dict, tuple]]:
    """(category, name, params, path) for each feature a node's probe names; the name is at
    path + ("generator" or "name"), the params at path + ("params",)."""
    probe = getattr(node, "probe", None)
    uses: list[tuple[str, str, dict, tuple]] = []
    inputs = getattr(probe, "inputs", None)
    if inputs is not None:
        uses.append(("generator", inputs.generator, inputs.params, ("probe", "inputs")))
        for i, t in enumerate(inputs.transforms):
            uses.append(("transform", t.name, t.params, ("probe", "inputs", "transforms", i)))
    for attr, category in (
        ("predictor", "predictor"),
        ("observable", "observable"),
        ("success", "observable"),
        ("detector", "detector"),
    ):
        ref = getattr(probe, attr, None)
        if ref is not None:
            uses.append((category, ref.name, ref.params, ("probe", attr)))
    return uses


def _check_features(nodes: list[Any], locate, file: str) -> list[Issue]:
    """Names and params of generators/transforms/predictors/observables/detectors exist."""
    if not any(getattr(n, "probe", None) is not None for n in nodes):
        return []
    if importlib.util.find_spec("taxonomy.features") is None:
        return []
    from taxonomy.features import catalog, check_feature

    known = catalog()
    issues = []
    for node in nodes:
        for category, name, params, path in feature_uses(node):
            messages = check_feature(category, name, params)
            if not messages:
                continue
            names = known.get(category, {})
            if name not in names:  # one message; its suggestion goes to the fix
                hint = did_you_mean(name, names)
                where = (*path, "generator" if category == "generator" else "name")
                issues.append(
                    Issue(
                        file,
                        *locate(node, *where),
                        node.id,
                        "unknown-feature",
                        f"unknown {category} '{name}'",
                        hint or f"use a registered {category}: {', '.join(names)}",
                    )
                )
                continue
            issues.extend(
                Issue(
                    file,
                    *locate(node, *path, "params"),
                    node.id,
                    "bad-params",
                    m,
                    f"fix the params of {category} '{name}'",
                )
                for m in messages
            )
    return issues
