"""``panel2patch report``: a static HTML report of a run (``RUN_DIR/report/index.html``)."""

from __future__ import annotations

from pathlib import Path

import typer

from panel2patch.cli.app import app
from panel2patch.report import write_run_report


@app.command("report")
def report_command(
    run_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="A run directory made by `panel2patch run`."),
    out: Path = typer.Option(None, "--out", "-o", help="Report folder (default RUN_DIR/report)."),
    gallery: int = typer.Option(24, min=0, help="Figures in the gallery (a fixed, deterministic sample)."),
    export: Path = typer.Option(None, exists=True, file_okay=False, help="Also show the stats of a `panel2patch export` folder."),
) -> None:
    """Write a static page (opens from disk, no server, nothing fetched): totals, the funnel per
    stage with drop reasons, distributions, and figures with panels, labels, markers and regions drawn."""
    try:
        index = write_run_report(run_dir, out, gallery_size=gallery, export_dir=export)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"report: {index}")
