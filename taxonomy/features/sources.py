"""The source code a feature runs, as a fingerprint comparable across git revisions.

A feature's fingerprint is the syntax tree (``ast.dump``, docstrings dropped, so comments,
formatting and docs change nothing) of its registered function and params model, plus every
top-level definition of the project's own modules they reach by name: helpers in the same
module, names imported from other ``taxonomy`` modules, and whole modules imported as such
(``from taxonomy.zoo import lexicon``). Third-party code is outside the fingerprint.

``changed_features(root, ref)`` compares each feature's fingerprint in the working tree with
the same definitions read from revision ``ref``: what ``registry evaluate --nodes changed:REF``
uses to rescore the nodes whose feature code a branch edits. ``code_fingerprints`` digests the
code that runs now (the features a node uses, and whole scoring packages such as
``estimators``): it goes into every result's cache key, so editing a feature or an estimator
rescores what it affects instead of reusing a stale result.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from taxonomy.features.registry import catalog
from taxonomy.history import HistoryError, git

PACKAGE = "taxonomy"

Reader = Callable[[str], str | None]  # repository-relative path -> file text (None: missing)


@cache
def _module_path(module: str) -> str | None:
    """Repository-relative path of a project module (None: third-party or standard library)."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        return None
    if spec is None:
        return None
    package = spec.submodule_search_locations is not None
    return "/".join(module.split(".")) + ("/__init__.py" if package else ".py")


def _strip_docs(tree: ast.AST) -> ast.AST:
    """Drop docstrings (they document; they do not change what the code computes)."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree


class _Module:
    """One parsed module: its top-level definitions by name and what its imports resolve to
    (``imported``: every import in the module, function-local ones included)."""

    def __init__(self, text: str) -> None:
        self.tree = _strip_docs(ast.parse(text))
        self.defs: dict[str, ast.AST] = {}
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.defs[node.name] = node
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name):
                            self.defs[n.id] = node
        self.imported = self.imports(self.tree)

    def imports(self, within: ast.AST) -> dict[str, tuple[str, str | None]]:
        """Local name -> (module, attribute or None for a module) for imports in ``within``."""
        found: dict[str, tuple[str, str | None]] = {}
        for node in ast.walk(within):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    found[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    found[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
        return found


def _reader(root: Path) -> Reader:
    """Reads repository-relative paths from the files under ``root``."""

    def read(path: str) -> str | None:
        file = root / path
        return file.read_text(encoding="utf-8") if file.is_file() else None

    return read


class _Tree:
    """The project's modules as one revision has them, parsed once each (``read`` gives text)."""

    def __init__(self, read: Reader) -> None:
        self.read = read
        self.modules: dict[str, _Module | None] = {}

    def load(self, module: str) -> _Module | None:
        if module not in self.modules:
            path = _module_path(module)
            text = self.read(path) if path else None
            self.modules[module] = _Module(text) if text is not None else None
        return self.modules[module]


def _fingerprint(start: list[tuple[str, str]], tree: _Tree) -> dict[tuple[str, str], str]:
    """{(module, name): ast dump} of the definitions reachable from ``start`` ((module, name)
    pairs; name "*" means the whole module) in ``tree``; absent ones map to ""."""

    out: dict[tuple[str, str], str] = {}
    todo = list(start)
    while todo:
        module, name = todo.pop()
        if (module, name) in out:
            continue
        mod = tree.load(module)
        node = None if mod is None else (mod.tree if name == "*" else mod.defs.get(name))
        out[(module, name)] = "" if node is None else ast.dump(node)
        if node is None:
            continue
        imported = {**mod.imported, **mod.imports(node)}
        for ref in {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}:
            if name != "*" and ref in mod.defs:
                todo.append((module, ref))
            elif ref in imported:
                target, attr = imported[ref]
                if _module_path(target) is None:
                    continue  # third-party or standard library
                if attr is not None and _module_path(f"{target}.{attr}") is None:
                    todo.append((target, attr))
                else:  # a whole module: ``from taxonomy.zoo import lexicon`` or ``import x``
                    todo.append((f"{target}.{attr}" if attr else target, "*"))
    return out


def _entry_points(spec) -> list[tuple[str, str]]:
    """Where a registered feature's code starts: its function and its params model."""
    return [
        (spec.fn.__module__, spec.fn.__name__),
        (spec.params_model.__module__, spec.params_model.__name__),
    ]


def changed_features(root: str | Path, ref: str) -> set[tuple[str, str]]:
    """(category, name) of every registered feature whose code differs between revision
    ``ref`` and the working tree of the repository at ``root`` (see the module docstring)."""
    root = Path(root)

    def then(path: str) -> str | None:
        shown = git(root, "show", f"{ref}:{path}")
        return shown.stdout if shown.returncode == 0 else None

    current, before = _Tree(_reader(root)), _Tree(then)
    changed = set()
    for category, specs in catalog().items():
        for name, spec in specs.items():
            start = _entry_points(spec)
            try:
                if _fingerprint(start, current) != _fingerprint(start, before):
                    changed.add((category, name))
            except SyntaxError as err:
                raise HistoryError(f"feature code at {ref} does not parse: {err}") from None
    return changed


def _installed_root() -> Path:
    """The directory holding the running ``taxonomy`` package (the checkout, when editable)."""
    return Path(importlib.util.find_spec(PACKAGE).origin).parent.parent


@cache
def _tree(root: Path) -> _Tree:
    return _Tree(_reader(root))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def code_fingerprints(
    features: Iterable[tuple[str, str]], packages: Iterable[str] = (), root: Path | None = None
) -> dict[str, str]:
    """Short digests of the code that runs: ``"category.name"`` for each registered feature
    (its fingerprint, as for ``changed_features``) and each importable module or package in
    ``packages`` (every module's docstring-free syntax tree). ``root`` is where the sources are
    read from (default: where the running package lies); parsed modules are cached."""
    root = _installed_root() if root is None else root
    out = {f"{c}.{n}": _feature_digest(root, c, n) for c, n in sorted(set(features))}
    out.update({package: _package_digest(root, package) for package in packages})
    return out


@cache
def _feature_digest(root: Path, category: str, name: str) -> str:
    start = _entry_points(catalog()[category][name])
    return _sha(repr(sorted(_fingerprint(start, _tree(root)).items())))


@cache
def _package_digest(root: Path, package: str) -> str:
    """Digest of a module's (or a whole package's) docstring-free syntax trees under ``root``."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ValueError(f"no importable module {package!r} to fingerprint")
    rel = Path(*package.split("."))
    if spec.submodule_search_locations is not None:
        files = sorted((root / rel).rglob("*.py"))
    else:
        files = [root / rel.with_suffix(".py")]
    if not files or not all(f.is_file() for f in files):
        raise ValueError(f"no source for {package!r} under {root}")
    dumps = [
        f"{f.relative_to(root).as_posix()}:{ast.dump(_strip_docs(ast.parse(f.read_text())))}"
        for f in files
    ]
    return _sha("\n".join(dumps))
