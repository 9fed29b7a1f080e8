"""`registry zoo ...`: list the committed zoo models, or retrain them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="The reference zoo: tiny models trained here with planted behaviors.", no_args_is_help=True
)


@app.command("list")
def list_cmd() -> None:
    """List the committed zoo models (use them as --model zoo:NAME)."""
    from rich.console import Console
    from rich.table import Table

    from taxonomy.zoo import list_models

    table = Table(title="zoo models")
    for col in ("name", "architecture", "params", "summary"):
        table.add_column(col)
    for m in list_models():
        table.add_row(f"zoo:{m.name}", m.architecture, f"{m.n_params:,}", m.summary)
    Console().print(table)


@app.command()
def build(
    only: Annotated[
        list[str] | None, typer.Option(help="Model(s) to build (default: all).")
    ] = None,
    steps: Annotated[int | None, typer.Option(help="Override the training steps.")] = None,
    out: Annotated[Path | None, typer.Option(help="Output directory (default: the zoo).")] = None,
) -> None:
    """Regenerate the corpus and tokenizer and retrain the zoo models (minutes each on CPU).

    Run it alone: OpenMP's worker threads spin while they wait, so a second torch job on the
    same cores slows both several-fold (or set OMP_WAIT_POLICY=PASSIVE for both, at about 25%
    of the build's speed). The weights come out bit-identical on the CPU type a card records.
    """
    from taxonomy.zoo import ZOO_DIR
    from taxonomy.zoo.build import build as run_build

    written = run_build(out or ZOO_DIR, only=only, steps=steps, log=typer.echo)
    typer.echo("wrote " + ", ".join(str(p) for p in written))
