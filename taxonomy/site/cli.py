"""``registry site build`` and ``registry site serve`` (mounted by ``taxonomy.cli`` as ``site``).

Thin: each command parses its options and calls one function of ``taxonomy.site.build``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from taxonomy.errors import RegistryError
from taxonomy.site.paths import SITE_PROJECT

app = typer.Typer(help="Build or serve the published taxonomy site (mkdocs-material).")

REGISTRY = typer.Option(Path("registry.yaml"), "--registry", "-r", help="The registry file.")
RESULTS = typer.Option(None, "--results", help="Results store (SQLite) whose scores to show.")
OUT = typer.Option(SITE_PROJECT / "build", "--out", help="Output folder of the built HTML.")
DOCS = typer.Option(
    SITE_PROJECT / "docs" / "generated", "--docs-dir", help="Staging folder for generated pages."
)


def _build(registry: Path, results: Path | None, out: Path, docs_dir: Path):
    """Build, turning the user's mistakes (bad registry, missing store) into exit code 1."""
    from taxonomy.site.build import build_site

    try:
        report = build_site(registry, results, out, docs_dir)
    except (RegistryError, FileNotFoundError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
    typer.echo(
        f"built {report.pages} pages into {report.out} "
        f"(generate {report.generate_s:.1f} s, mkdocs {report.mkdocs_s:.1f} s)"
    )
    return report


@app.command("build")
def build_command(
    registry: Path = REGISTRY,
    results: Path | None = RESULTS,
    out: Path = OUT,
    docs_dir: Path = DOCS,
) -> None:
    """Generate every page from the registry (and results) and build the site into --out."""
    _build(registry, results, out, docs_dir)


@app.command("serve")
def serve_command(
    registry: Path = REGISTRY,
    results: Path | None = RESULTS,
    out: Path = OUT,
    docs_dir: Path = DOCS,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Build the site, then serve it over HTTP until interrupted (Ctrl-C)."""
    from taxonomy.site.build import serve_directory

    report = _build(registry, results, out, docs_dir)
    server, thread = serve_directory(report.out, host, port)
    typer.echo(f"serving {report.out} at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        thread.join()
    except KeyboardInterrupt:
        server.shutdown()
