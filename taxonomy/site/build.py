"""Generate the site's markdown and graph data, then build it with mkdocs-material.

Flow: ``SiteData`` -> markdown pages + ``graph.json`` in a staging folder (with a copy of the
static ``site/docs/`` assets) -> ``mkdocs build`` with ``docs_dir`` and ``nav`` overridden.
Generated pages are build output: the default staging folder ``site/docs/generated/`` and the
default output ``site/build/`` are gitignored.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from taxonomy.site.changelog import changelog, changelog_page, git_snapshots
from taxonomy.site.data import SiteData, load_site_data
from taxonomy.site.escape import front_matter_title
from taxonomy.site.layout import graph_json
from taxonomy.site.model_pages import (
    compare_index,
    compare_page,
    model_page,
    models_index,
    ordered_pair,
    pair_slug,
)
from taxonomy.site.node_pages import node_page, nodes_index
from taxonomy.site.paths import CARDS_DIR, SITE_PROJECT
from taxonomy.site.reference import contribute_page

NAV = [
    {"Home": "index.md"},
    {"Nodes": "nodes/index.md"},
    {"Models": "models/index.md"},
    {"Compare": "compare/index.md"},
    {"Changelog": "changelog.md"},
    {"Contribute": "contribute.md"},
]

HOME_INTRO = """\
An open, versioned taxonomy of what generative language models *do*. Each node is a
**benchmark**, a **skill**, a **behavior**, a **learned structure** or an **element** (the
hierarchy of Fig. 2 in arXiv:2308.00189), and every operationalized node is scored in bits:
how much information a predictor of the input gives about an observable of the output.

The graph runs from benchmarks (top) down to elements (bottom). Click a node to open its page;
tick levels to filter, type to search, scroll to zoom and drag to pan.
"""


@dataclass(frozen=True)
class BuildReport:
    """What a build produced: where, how many pages, and how long each stage took (seconds)."""

    out: Path
    docs: Path
    pages: int
    generate_s: float
    mkdocs_s: float


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def home_page(data: SiteData) -> str:
    counts = {
        k: sum(n.kind == k for n in data.nodes.values())
        for k in ("benchmark", "skill", "behavior", "structure", "element")
    }
    summary = ", ".join(f"{v} {k}{'s' if v != 1 else ''}" for k, v in counts.items())
    return (
        front_matter_title("Home", hide=("navigation", "toc"))
        + "# Behavior Registry\n\n"
        + HOME_INTRO
        + f"\nRegistry version {data.registry.version}: {len(data.nodes)} nodes ({summary}); "
        f"scores for {len(data.models)} model{'s' if len(data.models) != 1 else ''}.\n\n"
        '<div id="taxonomy-graph" data-src="graph.json" data-base="nodes/"></div>\n\n'
        '<noscript>The graph needs JavaScript; the <a href="nodes/">node list</a> '
        "does not.</noscript>\n"
    )


def generate_docs(
    data: SiteData,
    docs_dir: Path,
    *,
    registry_path: Path | None = None,
    static_dir: Path | None = None,
    cards_dir: Path | None = CARDS_DIR,
) -> int:
    """Write every page and ``graph.json`` into ``docs_dir`` (emptied first).

    Args:
        data: registry and results.
        docs_dir: staging folder; becomes mkdocs' ``docs_dir``.
        registry_path: the registry file, for its git history (changelog); None skips git.
        static_dir: the static docs to copy first (default ``site/docs``, minus ``generated``).
        cards_dir: where zoo model cards live (``<name>/card.md``).

    Returns:
        The number of markdown pages written.
    """
    static_dir = SITE_PROJECT / "docs" if static_dir is None else static_dir
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    shutil.copytree(static_dir, docs_dir, ignore=shutil.ignore_patterns("generated"))
    pages = {
        "index.md": home_page(data),
        "nodes/index.md": nodes_index(data),
        "models/index.md": models_index(data),
        "compare/index.md": compare_index(data),
        "contribute.md": contribute_page(),
    }
    snapshots = git_snapshots(registry_path) if registry_path is not None else []
    pages["changelog.md"] = changelog_page(
        data.registry, changelog(data.registry, snapshots), bool(snapshots)
    )
    for node_id in data.nodes:
        pages[f"nodes/{node_id}.md"] = node_page(data, node_id)
    for model in data.models:
        pages[f"models/{data.model_slugs[model]}.md"] = model_page(data, model, cards_dir)
    for i, x in enumerate(data.models):
        for y in data.models[i + 1 :]:
            a, b = ordered_pair(data, x, y)
            pages[f"compare/{pair_slug(data, a, b)}.md"] = compare_page(data, a, b)
    for rel, text in pages.items():
        _write(docs_dir / rel, text)
    best = {
        node_id: max(r.score for r in by.values() if r.score is not None)
        for node_id, by in data.results.items()
        if any(r.score is not None for r in by.values())
    }
    _write(docs_dir / "graph.json", json.dumps(graph_json(data, best), separators=(",", ":")))
    return len(pages)


def run_mkdocs(docs_dir: Path, out: Path, config_file: Path | None = None) -> None:
    """``mkdocs build`` of ``docs_dir`` into ``out`` with the project's mkdocs.yml."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file = SITE_PROJECT / "mkdocs.yml" if config_file is None else config_file
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    config = load_config(
        str(config_file),
        docs_dir=str(docs_dir.resolve()),
        site_dir=str(Path(out).resolve()),
        nav=NAV,
        use_directory_urls=True,
    )
    build(config)


def build_from_data(data: SiteData, out: Path, docs_dir: Path, **kwargs: object) -> BuildReport:
    """Generate then build; ``kwargs`` go to ``generate_docs``."""
    t0 = time.perf_counter()
    pages = generate_docs(data, docs_dir, **kwargs)  # type: ignore[arg-type]
    t1 = time.perf_counter()
    run_mkdocs(docs_dir, out)
    return BuildReport(Path(out), Path(docs_dir), pages, t1 - t0, time.perf_counter() - t1)


def build_site(
    registry: Path = Path("registry.yaml"),
    results: Path | None = None,
    out: Path = SITE_PROJECT / "build",
    docs_dir: Path = SITE_PROJECT / "docs" / "generated",
) -> BuildReport:
    """Load the registry (and results store), then generate and build the site into ``out``."""
    data = load_site_data(Path(registry), results)
    return build_from_data(data, Path(out), Path(docs_dir), registry_path=Path(registry))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def serve_directory(
    root: Path, host: str = "127.0.0.1", port: int = 0
) -> tuple[http.server.ThreadingHTTPServer, threading.Thread]:
    """Serve ``root`` over HTTP in a daemon thread (port 0 picks a free port).

    Returns the server (``server.server_address[1]`` is the port; call ``shutdown()``) and
    its thread.
    """
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
