"""How the taxonomy evolved: nodes added, changed, deprecated and removed per registry version.

Two sources, merged:

- the ``since`` field of every node (declared in the file, always available): *added*;
- the git history of the registry file, when there is one: each commit's file is parsed (safe
  YAML, no validation, so old formats still read) and compared with the previous commit's;
  a node whose fields differ is *changed*, one whose status became ``deprecated`` is
  *deprecated*, one that disappeared is *removed*, all credited to the ``version`` of the newer
  file. Without history, currently deprecated nodes are listed under the current version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taxonomy.history import HistoryError, git, parse_nodes, repo_path
from taxonomy.schema import Registry
from taxonomy.site.escape import front_matter_title, md_inline


@dataclass
class VersionChanges:
    """The changes credited to one registry version (node ids, sorted on output)."""

    version: str
    added: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    deprecated: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


@dataclass(frozen=True)
class Snapshot:
    """The registry file at one commit: its version and nodes as plain dicts by id."""

    commit: str
    date: str
    version: str
    nodes: dict[str, dict[str, Any]]


def git_snapshots(registry_path: Path) -> list[Snapshot]:
    """Every committed version of ``registry_path``, oldest first ([] outside a git repo)."""
    try:
        root, rel = repo_path(registry_path)
    except HistoryError:
        return []
    log = git(root, "log", "--reverse", "--format=%H %cs", "--", rel)
    if log.returncode != 0:
        return []
    snapshots = []
    for line in filter(None, log.stdout.split("\n")):
        commit, date = line.split(" ", 1)
        show = git(root, "show", f"{commit}:{rel}")
        if show.returncode != 0:
            continue  # the file was deleted in this commit
        try:
            version, nodes = parse_nodes(show.stdout)
        except Exception:  # noqa: BLE001 - a broken historical file is skipped, not fatal
            continue
        snapshots.append(Snapshot(commit, date, version, nodes))
    return snapshots


def changelog(registry: Registry, snapshots: list[Snapshot]) -> list[VersionChanges]:
    """Changes per version, newest version first."""
    by_version: dict[str, VersionChanges] = {}

    def at(version: str) -> VersionChanges:
        return by_version.setdefault(version, VersionChanges(version))

    for node in registry.nodes:
        at(node.since).added.add(node.id)
    previous: dict[str, dict[str, Any]] = {}
    for snap in snapshots:
        entry = at(snap.version)
        entry.dates.add(snap.date)
        for node_id, now in snap.nodes.items():
            before = previous.get(node_id)
            if before is None:
                if node_id not in {n.id for n in registry.nodes}:
                    entry.added.add(node_id)  # added, then later removed
                continue
            if now.get("status") == "deprecated" and before.get("status") != "deprecated":
                entry.deprecated.add(node_id)
            elif now != before:
                entry.changed.add(node_id)
        entry.removed |= set(previous) - set(snap.nodes)
        previous = snap.nodes
    if not snapshots:
        for node in registry.nodes:
            if node.status == "deprecated":
                at(registry.version).deprecated.add(node.id)
    for entry in by_version.values():
        entry.changed -= entry.added
    return sorted(by_version.values(), key=lambda e: version_key(e.version), reverse=True)


def changelog_page(registry: Registry, entries: list[VersionChanges], from_git: bool) -> str:
    """Markdown of ``changelog.md``."""
    names = {n.id: n.name for n in registry.nodes}
    source = (
        "the `since` field of each node and the git history of the registry file"
        if from_git
        else "the `since` field of each node (no git history was available, so changes and "
        "removals are not tracked and deprecations are listed under the current version)"
    )
    parts = [
        front_matter_title("Changelog"),
        "# Changelog\n\n",
        f"The registry is at version {md_inline(registry.version)}. This page is built from "
        f"{source}.\n\n",
    ]
    for e in entries:
        dates = f" ({', '.join(sorted(e.dates))})" if e.dates else ""
        parts.append(f"## Version {md_inline(e.version)}{md_inline(dates)}\n\n")
        for label, ids in (
            ("Added", e.added),
            ("Changed", e.changed),
            ("Deprecated", e.deprecated),
            ("Removed", e.removed),
        ):
            if not ids:
                continue
            parts.append(f"**{label} ({len(ids)}):**\n\n")
            for i in sorted(ids):
                if i in names:
                    parts.append(f"- [{md_inline(names[i])}](nodes/{i}.md) (`{i}`)\n")
                else:
                    parts.append(f"- {md_inline(i)} (no longer in the registry)\n")
            parts.append("\n")
    return "".join(parts)
