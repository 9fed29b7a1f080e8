"""The ``registry`` command line: thin wrappers, each calling one library function.

Exit codes: 0 success, 1 the registry (or a check) failed, 2 usage error. Bad input never
prints a traceback: a ``RegistryError`` prints its issues, one per line, with file:line:column.
To add a command, write the library function, then a ``@app.command()`` of a few lines here
(or mount a sub-app with ``app.add_typer``). Heavy imports stay inside command bodies so
``registry validate`` starts fast.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from taxonomy.errors import Issue, RegistryError

app = typer.Typer(
    name="registry",
    help="A versioned taxonomy of what generative models do, every node scored in bits.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

Registry = Annotated[Path, typer.Option("--registry", "-r", help="The registry file.")]
DEFAULT = Path("registry.yaml")


class Format(StrEnum):
    text = "text"
    json = "json"


class KindChoice(StrEnum):
    benchmark = "benchmark"
    skill = "skill"
    behavior = "behavior"
    structure = "structure"
    element = "element"


def _print_issues(issues: list[Issue], console: Console = err) -> None:
    for issue in issues:
        style = "red" if issue.severity == "error" else "yellow"
        console.print(str(issue), style=style, markup=False)


def fail(error: RegistryError) -> typer.Exit:
    """Print a RegistryError's issues; the caller raises the returned Exit(1)."""
    _print_issues(error.issues)
    errors = len(error.errors)
    err.print(f"{errors} error{'s' * (errors != 1)}", style="bold red")
    return typer.Exit(1)


def _load(path: Path):
    from taxonomy.loader import load_registry

    try:
        return load_registry(path)
    except RegistryError as error:
        raise fail(error) from None


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="The registry file.")] = DEFAULT,
    format: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Check a registry: schema, graph, references, feature names. Exit 0 valid, 1 invalid."""
    from taxonomy.loader import validate as validate_file

    issues = validate_file(path)
    errors = [i for i in issues if i.severity == "error"]
    if format is Format.json:
        out.print(json.dumps([i.to_dict() for i in issues], indent=2), markup=False)
    else:
        _print_issues(issues, out)
        warnings = len(issues) - len(errors)
        if errors:
            out.print(f"{path}: {len(errors)} error(s), {warnings} warning(s)", style="bold red")
        else:
            out.print(f"{path}: valid ({warnings} warning(s))", style="green")
    if any(i.code in ("file-not-found", "file-unreadable") for i in errors):
        raise typer.Exit(2)
    raise typer.Exit(1 if errors else 0)


@app.command()
def fmt(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files to format.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Only report; exit 1 if changed.")] = False,
) -> None:
    """Rewrite registry files in canonical form (sorted, stable, comments kept)."""
    from taxonomy.fmt import format_file

    changed = []
    for path in paths or [DEFAULT]:
        try:
            if format_file(path, check=check):
                changed.append(path)
        except RegistryError as error:
            raise fail(error) from None
        except OSError as error:
            err.print(f"{path}: {error.strerror or error}", style="red", markup=False)
            raise typer.Exit(2) from None
    for path in changed:
        out.print(f"{'would reformat' if check else 'reformatted'} {path}", markup=False)
    if check and changed:
        out.print("run `registry fmt` to fix", style="yellow")
        raise typer.Exit(1)


@app.command()
def show(node_id: Annotated[str, typer.Argument(help="Node id.")], registry: Registry = DEFAULT):
    """Print one node: definition, references, parents, children, probe."""
    from taxonomy.views import show_text

    try:
        out.print(show_text(_load(registry), node_id), markup=False)
    except RegistryError as error:
        raise fail(error) from None


@app.command()
def tree(
    kind: Annotated[KindChoice | None, typer.Option(help="Start at nodes of this kind.")] = None,
    root: Annotated[str | None, typer.Option(help="Start at this node.")] = None,
    registry: Registry = DEFAULT,
) -> None:
    """Print the hierarchy top-down (? marks a hypothesis, not yet measurable)."""
    from taxonomy.views import tree_text

    try:
        out.print(tree_text(_load(registry), kind.value if kind else None, root), markup=False)
    except RegistryError as error:
        raise fail(error) from None


@app.command()
def new(
    kind: Annotated[KindChoice, typer.Argument(help="Kind of the node.")],
    node_id: Annotated[str, typer.Argument(metavar="ID", help="kebab-case id.")],
    parent: Annotated[list[str] | None, typer.Option(help="A parent id (repeatable).")] = None,
    print_only: Annotated[bool, typer.Option("--print", help="Print, do not write.")] = False,
    registry: Registry = DEFAULT,
) -> None:
    """Scaffold a valid hypothesis node and add it to the registry."""
    from taxonomy.scaffold import append_node, new_node

    try:
        if print_only:
            out.print(new_node(kind.value, node_id, parents=parent or []), markup=False, end="")
            return
        append_node(registry, kind.value, node_id, parents=parent or [])
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="ID") from None
    except RegistryError as error:
        raise fail(error) from None
    out.print(
        f"added {kind.value} '{node_id}' to {registry}; fill in its name, summary and "
        "references, then run `registry validate`",
        markup=False,
    )


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
    check: Annotated[bool, typer.Option(help="Exit 1 if --output is stale.")] = False,
) -> None:
    """JSON Schema of registry.yaml (committed as registry.schema.json for editors)."""
    from taxonomy.schema import registry_json_schema

    text = json.dumps(registry_json_schema(), indent=2) + "\n"
    if output is None:
        out.print(text, markup=False, end="")
    elif check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            err.print(f"{output} is stale; run `registry schema --output {output}`")
            raise typer.Exit(1)
    else:
        output.write_text(text, encoding="utf-8")


# Commands and sub-apps owned by other packages (their heavy imports stay inside commands).
from taxonomy.evaluation.cli import register as register_evaluation  # noqa: E402
from taxonomy.site.cli import app as site_app  # noqa: E402
from taxonomy.zoo.cli import app as zoo_app  # noqa: E402

register_evaluation(app)  # evaluate, results, compare, verify
app.add_typer(zoo_app, name="zoo")
app.add_typer(site_app, name="site")


def main() -> None:  # pragma: no cover - `python -m taxonomy.cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
