"""CLI commands of the evaluation pipeline: evaluate, results, compare, verify.

Each command parses its options and calls one library function; this module only adds
progress bars, tables and the mapping from errors to one clear message and an exit code.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from taxonomy.store import DEFAULT_STORE  # stdlib + pydantic only: keeps the CLI light

if TYPE_CHECKING:
    from rich.progress import Progress

    from taxonomy.store import ResultRecord

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

RegistryOpt = Annotated[Path, typer.Option("--registry", "-r", help="The registry file.")]
StoreOpt = Annotated[Path, typer.Option("--store", help="The results store (SQLite file).")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto | cpu | cuda")]
NodesOpt = Annotated[
    str | None,
    typer.Option(
        "--nodes",
        help="ids, globs (copying-*), kind:KIND, under:ID or changed:GIT_REF, comma-separated",
    ),
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def _guard(fn):
    """Run ``fn`` turning the pipeline's own errors into one message and an exit code."""
    from taxonomy.backends import BackendError
    from taxonomy.errors import RegistryError
    from taxonomy.evaluation.selectors import SelectorError
    from taxonomy.evaluation.tasks import TaskDataError

    try:
        return fn()
    except RegistryError as err:
        for issue in err.issues:
            err_console.print(f"[red]{issue}[/]")
        raise typer.Exit(1) from None
    except SelectorError as err:
        raise _fail(str(err), 2) from None
    except (BackendError, TaskDataError) as err:
        raise _fail(f"{err}\n(cached samples and finished results are kept)") from None
    except KeyboardInterrupt:
        raise _fail(
            "interrupted; finished samples and results are saved: rerun to resume", 130
        ) from None


class RichReporter:
    """Per-node and per-batch progress bars with ETA."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.nodes = progress.add_task("nodes", total=None)
        self.samples = progress.add_task("samples", total=1, visible=False)

    def planned(self, n_nodes: int) -> None:
        self.progress.update(self.nodes, total=n_nodes)

    def node_started(self, model: str, node_id: str, samples_todo: int) -> None:
        self.progress.update(
            self.samples,
            description=f"{model} {node_id}",
            total=max(samples_todo, 1),
            completed=0,
            visible=True,
        )

    def samples_done(self, n: int) -> None:
        self.progress.advance(self.samples, n)

    def node_finished(self, record: ResultRecord, cached: bool) -> None:
        self.progress.advance(self.nodes)
        self.progress.update(self.samples, visible=False)


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}f}"


def results_table(records: list[ResultRecord], title: str = "scores (bits)") -> Table:
    table = Table(title=title)
    for col in ("model", "node", "kind", "score ± CI (bits)", "ceiling", "explained", "note"):
        table.add_column(col, overflow="fold")
    for r in records:
        if r.skipped:
            score, note = "-", f"skipped: {r.skipped}"
        else:
            score = f"{_fmt(r.score)} [{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]"
            notes = [r.details.get("note", "")]
            notes += [] if r.details.get("calibrated", True) else ["interval not calibrated"]
            note = "; ".join(n for n in notes if n)
        table.add_row(
            r.model,
            r.node_id,
            r.kind,
            score,
            _fmt(r.details.get("ceiling")),
            _fmt(r.details.get("explained_fraction"), 2),
            note,
        )
    return table


def mapping_table(records: list[ResultRecord]) -> Table:
    """Declared vs computed mapping classes (zoo models), disagreements in red."""
    table = Table(title="mapping classes on the zoo: declared vs computed from the corpus")
    for col in ("model", "behavior", "declared", "computed", "corpus share", "verdict"):
        table.add_column(col)
    for r in records:
        m = r.details["mapping"]
        style = "red" if m["verdict"] == "disagrees" else None
        table.add_row(
            r.model,
            r.node_id,
            m["declared"] or "-",
            m["computed"] or "-",
            f"{m['corpus_share']:.2f}",
            m["verdict"],
            style=style,
        )
    return table


def evaluate_cmd(
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="zoo:NAME, local path, hub id, URL or replay file; "
            "repeat for several. Default: every zoo model.",
        ),
    ] = None,
    backend: Annotated[str | None, typer.Option(help="hf | openai | replay (inferred)")] = None,
    nodes: NodesOpt = None,
    n: Annotated[
        int | None, typer.Option("--n", help="Inputs per node (overrides probes).")
    ] = None,
    samples: Annotated[int | None, typer.Option("--samples", help="Samples per input k.")] = None,
    seed: Annotated[
        int | None, typer.Option(help="One seed for inputs, sampling, bootstrap.")
    ] = None,
    device: DeviceOpt = "auto",
    batch_size: Annotated[str, typer.Option(help="Generation batch size or 'auto'.")] = "auto",
    store: StoreOpt = DEFAULT_STORE,
    registry: RegistryOpt = Path("registry.yaml"),
) -> None:
    """Score every operationalized node on a model (default: the reference zoo)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from taxonomy.evaluation.run import evaluate

    bs: int | str = int(batch_size) if batch_size.isdigit() else batch_size
    if bs != "auto" and not isinstance(bs, int):
        raise _fail(f"--batch-size {batch_size!r}: give a positive integer or 'auto'", 2)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        reporter = RichReporter(progress)
        outcome = _guard(
            lambda: evaluate(
                registry,
                model,
                backend=backend,
                nodes=nodes,
                n=n,
                k=samples,
                seed=seed,
                device=device,
                batch_size=bs,
                store=store,
                reporter=reporter,
            )
        )
    if not outcome.records:
        console.print(
            f"nothing to evaluate: no operationalized node matches --nodes {nodes!r}"
            if nodes
            else "nothing to evaluate: the registry has no operationalized node"
        )
        return
    console.print(results_table(outcome.records))
    mapped = [r for r in outcome.records if "mapping" in r.details]
    if mapped:
        console.print(mapping_table(mapped))
    console.print(
        f"samples: {outcome.generated} generated, {outcome.cached} reused from cache; "
        f"results stored in {store}"
    )


def results_cmd(
    model: Annotated[str | None, typer.Option("--model", "-m")] = None,
    node: Annotated[str | None, typer.Option("--node")] = None,
    export: Annotated[Path | None, typer.Option(help="Write to a .json or .parquet file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOpt = DEFAULT_STORE,
) -> None:
    """Show (or export) the latest stored score of every node and model."""
    from taxonomy.store import Store

    if not store.exists():
        raise _fail(f"no results store at {store}; run `registry evaluate` first")
    with Store(store) as db:
        records = db.results(model=model, node=node)
        if export is not None:
            try:
                db.export(export, model=model)
            except ValueError as err:
                raise _fail(str(err), 2) from None
            console.print(f"wrote {len(records)} results to {export}")
            return
    if as_json:
        console.print_json(json.dumps([r.model_dump() for r in records]))
    else:
        console.print(results_table(records, title=f"stored results ({store})"))


def compare_cmd(
    model: Annotated[list[str], typer.Option("--model", "-m", help="Exactly two models.")],
    nodes: NodesOpt = None,
    backend: Annotated[str | None, typer.Option()] = None,
    device: DeviceOpt = "auto",
    store: StoreOpt = DEFAULT_STORE,
    registry: RegistryOpt = Path("registry.yaml"),
) -> None:
    """Which behaviors two models share and where they differ (paired bootstrap)."""
    from taxonomy.evaluation.compare import ALPHA, compare

    if len(model) != 2:
        raise _fail(f"compare needs exactly two --model options, got {len(model)}", 2)
    a, b = model
    rows = _guard(
        lambda: compare(a, b, registry, nodes=nodes, backend=backend, device=device, store=store)
    )
    table = Table(title=f"{a} (A) vs {b} (B): I(A;B) per behavior, bits")
    for col in ("behavior", "A", "B", "B - A [CI]", "p", "verdict"):
        table.add_column(col)
    for c in rows:
        table.add_row(
            c.node_id,
            f"{_fmt(c.bits_a)} [{_fmt(c.ci_a[0])}, {_fmt(c.ci_a[1])}]",
            f"{_fmt(c.bits_b)} [{_fmt(c.ci_b[0])}, {_fmt(c.ci_b[1])}]",
            f"{_fmt(c.delta)} [{_fmt(c.ci_delta[0])}, {_fmt(c.ci_delta[1])}]",
            _fmt(c.p_value, 3),
            c.verdict,
        )
    console.print(table)
    for label in ("shared", "differs"):
        ids = [c.node_id for c in rows if c.verdict == label]
        console.print(f"[bold]{label}[/] ({len(ids)}): {', '.join(ids) or '-'}")
    console.print(f"(differs: paired bootstrap p < {ALPHA}; shared: both intervals above 0)")


def verify_cmd(
    model: Annotated[str, typer.Option("--model", "-m")],
    backend: Annotated[str | None, typer.Option()] = None,
    device: DeviceOpt = "auto",
    limit: Annotated[int | None, typer.Option(help="Check at most this many samples.")] = None,
    store: StoreOpt = DEFAULT_STORE,
) -> None:
    """Teacher-force stored samples and check their log-probabilities (exact repeatability)."""
    from taxonomy.evaluation.verification import verify_model

    report = _guard(
        lambda: verify_model(model, store=store, backend=backend, device=device, limit=limit)
    )
    console.print(report.summary())
    if not report.passed:
        raise typer.Exit(1)


def serve_cmd(
    model: Annotated[str, typer.Option("--model", "-m", help="zoo:NAME, local dir or hub id.")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    device: DeviceOpt = "auto",
) -> None:
    """Serve a model as an OpenAI-compatible completions endpoint (/v1/completions)."""
    from taxonomy.backends.serve import serve

    err_console.print(f"serving {model} at http://{host}:{port}/v1 (Ctrl-C stops)")
    _guard(lambda: serve(model, host, port, device=device))


def register(app: typer.Typer) -> None:
    """Add the evaluation commands to the main ``registry`` app."""
    app.command("evaluate")(evaluate_cmd)
    app.command("results")(results_cmd)
    app.command("compare")(compare_cmd)
    app.command("verify")(verify_cmd)
    app.command("serve")(serve_cmd)
