"""The registry file in git: its nodes at a revision, and which nodes changed since one.

Files are parsed with safe YAML and no validation, so an old revision in an older format still
reads; nodes are compared as plain dicts, so reformatting (``registry fmt``) changes nothing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


class HistoryError(ValueError):
    """The registry's git history cannot answer (not in a repository, unknown revision)."""


def parse_nodes(text: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """(version, nodes by id) of a registry file's text; raises on YAML that does not parse."""
    doc = YAML(typ="safe", pure=True).load(text) or {}
    nodes = {n["id"]: n for n in doc.get("nodes") or [] if isinstance(n, dict) and "id" in n}
    return str(doc.get("version", "?")), nodes


def git(root: str | Path, *args: str) -> subprocess.CompletedProcess:
    """``git -C root ARGS``, output captured, never raising on a non-zero exit."""
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def repo_path(path: str | Path) -> tuple[str, str]:
    """(repository root, the file's path inside it); HistoryError outside a repository."""
    path = Path(path).resolve()
    try:
        top = git(path.parent, "rev-parse", "--show-toplevel")
    except OSError as err:  # no git executable
        raise HistoryError(f"git is not available: {err}") from None
    if top.returncode != 0:
        raise HistoryError(f"{path} is not inside a git repository")
    root = top.stdout.strip()
    try:
        return root, path.relative_to(Path(root).resolve()).as_posix()
    except ValueError:  # e.g. reached through a symlink from outside the repository
        raise HistoryError(f"{path} is not inside the git repository {root}") from None


def changed_since(path: str | Path, ref: str) -> set[str]:
    """Ids of nodes in the registry file at ``path`` that are new or differ from revision ``ref``.

    Compares the file on disk (uncommitted edits included) with the same file at ``ref`` (a
    branch, tag or commit, e.g. ``origin/main``); a file missing at ``ref`` makes every node new.
    """
    if ref.startswith("-"):  # would be read as a git option
        raise HistoryError(f"{ref!r} is not a git revision")
    root, rel = repo_path(path)
    if git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise HistoryError(
            f"unknown git revision {ref!r} in {root} (fetch it first, e.g. git fetch origin main)"
        )
    old = git(root, "show", f"{ref}:{rel}")
    try:
        before = parse_nodes(old.stdout)[1] if old.returncode == 0 else {}
    except Exception as err:  # noqa: BLE001 - any YAML error: the old file is unreadable
        raise HistoryError(f"{rel} at {ref} is not readable YAML: {err}") from None
    now = parse_nodes(Path(path).read_text(encoding="utf-8"))[1]
    return {i for i, node in now.items() if before.get(i) != node}
