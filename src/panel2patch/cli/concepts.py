"""``panel2patch concepts fit|apply``: BIOMEDICA-style cluster labels for a run's figures and panels."""

from __future__ import annotations

from pathlib import Path

import typer

from panel2patch.cli.app import app
from panel2patch.errors import MissingExtraError

concepts_app = typer.Typer(
    name="concepts",
    help=(
        "Concept labels the BIOMEDICA way: embed every figure and panel, PCA + k-means, "
        "name each cluster in an editable table, propagate the names to every member."
    ),
    no_args_is_help=True,
)
app.add_typer(concepts_app, name="concepts")

_LEVELS = ("all", "figure", "panel")


def _check_level(level: str) -> str:
    if level not in _LEVELS:
        raise typer.BadParameter(f"must be one of {', '.join(_LEVELS)}")
    return level


@concepts_app.command("fit")
def fit_command(
    run_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="A run directory (its shards/*.tar)."),
    clusters: int = typer.Option(..., "--clusters", "-k", min=1, help="Number of k-means clusters (BIOMEDICA: 2000)."),
    out: Path = typer.Option(..., "--out", help="Model directory to write (model.json, model.npz, clusters.csv)."),
    embedder: str = typer.Option(
        "builtin",
        "--embedder",
        help="'builtin' (colour/texture histograms, no model), or a local model: a TorchScript file, "
        "a Hugging Face model directory, timm:ARCH=WEIGHTS, open_clip:ARCH=WEIGHTS, hub:REPO_DIR:ENTRY=WEIGHTS.",
    ),
    level: str = typer.Option("all", "--level", callback=_check_level, help="Items to cluster: all, figure or panel."),
    pca: int = typer.Option(25, "--pca", min=1, help="Principal components kept (BIOMEDICA paper: 25)."),
    seed: int = typer.Option(0, "--seed"),
    max_items: int | None = typer.Option(None, "--max-items", min=2, help="Fit on the first N items only."),
) -> None:
    """Fit PCA + k-means on a run's items and write a draft cluster-to-concept table to edit."""
    from panel2patch.concepts.cluster_run import fit_run

    try:
        summary = fit_run(run_dir, clusters, out, embedder, level, pca, seed, max_items)  # type: ignore[arg-type]
    except (MissingExtraError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{summary.items} items -> {summary.clusters} clusters; model in {summary.model_dir}")
    typer.echo(f"edit {summary.table} (global_class, local_class, confidence), then run `panel2patch concepts apply`")


@concepts_app.command("apply")
def apply_command(
    run_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="A run directory (its shards/*.tar)."),
    model: Path = typer.Option(..., "--model", exists=True, file_okay=False, help="A model directory made by `fit`."),
    out: Path = typer.Option(..., "--out", help="Parquet file to write: one row per figure / panel."),
    level: str | None = typer.Option(None, "--level", help="all, figure or panel (default: the level fitted)."),
    kind: bool = typer.Option(True, "--kind/--no-kind", help="Also record each item's panel kind from its pixels."),
) -> None:
    """Label every figure and panel of a run with its cluster's concept (from the edited table)."""
    from panel2patch.concepts.cluster_run import apply_run
    from panel2patch.concepts.clusters import TableError

    if level is not None:
        _check_level(level)
    try:
        rows = apply_run(run_dir, model, out, level, kind)  # type: ignore[arg-type]
    except (MissingExtraError, FileNotFoundError, TableError, ValueError, KeyError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{rows} items labelled -> {out}")
