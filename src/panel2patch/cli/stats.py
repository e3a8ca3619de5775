"""``panel2patch stats``: totals of a run directory (a local path or a URL such as s3://bucket/run)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from panel2patch.cli.app import app
from panel2patch.cli.render import print_totals
from panel2patch.errors import MissingExtraError
from panel2patch.output.stats import merge_stats, summarize
from panel2patch.output.storage import is_url
from panel2patch.pipeline.run import load_shard_stats
from panel2patch.report.funnel import print_funnel, run_funnel


@app.command("stats")
def stats_command(
    run_dir: str = typer.Argument(..., help="A run directory made by `panel2patch run` (a path or a URL)."),
    as_json: bool = typer.Option(False, "--json", help="Print the totals as one JSON object."),
) -> None:
    """Print the totals of a run: articles, figures written, figures and articles per status, and
    (for a local run) the funnel articles -> figures -> panels -> regions with every drop reason."""
    if not is_url(run_dir) and not Path(run_dir).is_dir():
        typer.echo(f"error: {run_dir} is not a directory", err=True)
        raise typer.Exit(2)
    try:
        parts = load_shard_stats(run_dir)
    except MissingExtraError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not parts:
        typer.echo(f"error: {run_dir} holds no finished shard (no stats/*.json)", err=True)
        raise typer.Exit(2)
    totals = summarize(merge_stats(parts))
    totals["shards"] = len(parts)
    funnel = None if is_url(run_dir) else run_funnel(Path(run_dir))  # reads every sample's JSON: local runs only
    if as_json:
        typer.echo(json.dumps({**totals, **({"funnel": funnel} if funnel else {})}, sort_keys=True))
        return
    console = Console()
    print_totals(totals, console)
    if funnel:
        print_funnel(funnel, console)
    else:
        console.print("funnel: shown for local runs (copy the run, or open its report/index.html)")
