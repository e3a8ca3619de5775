"""``panel2patch split``: assign every article of a run to train / val / test."""

from __future__ import annotations

from pathlib import Path

import typer

from panel2patch.cli.app import app
from panel2patch.eval.splits import DEFAULT_FRACTIONS, SPLIT_NAMES, SPLITS_FILE, SplitError, SplitRule, write_splits


@app.command("split")
def split_command(
    run_dir: Path = typer.Argument(..., exists=True, file_okay=False,
                                   help="A local run directory made by `panel2patch run`."),
    fractions: str = typer.Option(",".join(f"{f:g}" for f in DEFAULT_FRACTIONS), "--fractions",
                                  help="Fractions of articles in train,val,test (sum 1)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the article-id hash (0: the hash training's "
                             "--holdout-percent uses)."),
) -> None:
    """Split a run by article: every figure, panel and region of an article lands in one split.

    The split is a pure function of the article id (sha1 hash), the fractions and the seed, so it is
    stable when the run grows. Writes RUN_DIR/splits.json (rule, counts, article -> split).
    `panel2patch train RUN` then trains on the train split only, and `panel2patch eval --run RUN`
    scores retrieval on the test split.
    """
    try:
        splits = write_splits(run_dir, SplitRule.parse(fractions, seed))
    except SplitError as exn:
        raise typer.BadParameter(str(exn)) from exn
    counts = splits.counts()
    typer.echo(f"wrote {run_dir / SPLITS_FILE}")
    for name in SPLIT_NAMES:
        typer.echo(f"  {name:5s} {counts[name]['articles']:6d} articles  {counts[name]['figures']:7d} figures")
