"""``panel2patch stats``: totals of a run directory."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from panel2patch.cli.app import app
from panel2patch.cli.render import print_totals
from panel2patch.output.stats import merge_stats, summarize
from panel2patch.pipeline.run import load_shard_stats


@app.command("stats")
def stats_command(
    run_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="A run directory made by `panel2patch run`."),
    as_json: bool = typer.Option(False, "--json", help="Print the totals as one JSON object."),
) -> None:
    """Print the totals of a run: articles, figures written, figures and articles per status."""
    parts = load_shard_stats(run_dir)
    if not parts:
        typer.echo(f"error: {run_dir} holds no finished shard (no stats/*.json)", err=True)
        raise typer.Exit(2)
    totals = summarize(merge_stats(parts))
    totals["shards"] = len(parts)
    if as_json:
        typer.echo(json.dumps(totals, sort_keys=True))
    else:
        print_totals(totals, Console())
