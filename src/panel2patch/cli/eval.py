"""``panel2patch eval``: retrieval and zero-shot classification for one or several models."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import typer

from panel2patch.cli.app import app
from panel2patch.errors import MissingExtraError


@app.command("eval")
def eval_command(
    models: list[str] = typer.Option([], "--model", "-m", help="A model to evaluate; repeat for a side-by-side "
                                     "table. A preset (offline-lite, tiny-vit: as before training), a checkpoint "
                                     "of `panel2patch train` (CKPT or CKPT/final), ARCH:PRETRAINED for any open_clip "
                                     "model (ViT-B-32:laion2b_s34b_b79k, ViT-B-16:/path/weights.pt), or "
                                     "hf-hub:ORG/REPO. Prefix LABEL= to name it (before=offline-lite)."),
    run: Path | None = typer.Option(None, "--run", exists=True, file_okay=False, help="Run directory for the "
                                    "retrieval task; its splits.json (`panel2patch split`) says which articles are "
                                    "test. Without one the default split (0.8,0.1,0.1, seed 0) is used."),
    tasks: list[str] = typer.Option([], "--tasks", "-t", help="Comma list or repeated: retrieval, zeroshot (every "
                                    "registry task), local (the registry's sets shipped with this project's real "
                                    "data), all, or zero-shot task names (see --list-tasks). Default: retrieval "
                                    "with --run, else zeroshot."),
    split: str = typer.Option("test", "--split", help="Articles scored by retrieval: test, val, train or all."),
    levels: str = typer.Option("figure,panel,region,box_text", "--levels", help="Retrieval levels: figure, panel, "
                               "region (crop vs the clause defining its marker), box_text (crop vs marker phrase)."),
    data_root: Path | None = typer.Option(None, "--data-root", help="Folder the registry's relative dataset paths "
                                          "start from (default $PANEL2PATCH_EVAL_DATA). Missing data is reported "
                                          "as skipped, never downloaded."),
    registry: Path | None = typer.Option(None, "--registry", exists=True, dir_okay=False, help="A task registry "
                                         "YAML instead of the one shipped (panel2patch/eval/data/tasks.yaml)."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most N images per zero-shot task (a seeded "
                                     "random choice), for quick looks."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=0, help="Bootstrap resamples for the 95% intervals."),
    seed: int = typer.Option(0, "--seed", help="Seed of --limit, the bootstrap, and the random heads of an untrained "
                             "preset."),
    device: str = typer.Option("cpu", "--device", help="cpu or cuda."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per model and task on stdout (logs "
                                 "go to stderr)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write results.jsonl, results.csv, results.md "
                                    "(side-by-side table) and results.png (plot) here."),
    list_tasks: bool = typer.Option(False, "--list-tasks", help="List the registry's zero-shot tasks and exit."),
) -> None:
    """Evaluate models side by side: retrieval on a run's held-out articles and zero-shot classification.

    \b
    Retrieval (--run RUN --tasks retrieval): image->text and text->image Recall@1/5/10/100 at figure,
    panel and region level and box<->text, on the test split's articles, each with its number of
    candidates. Zero-shot (--tasks zeroshot --data-root DIR): accuracy, balanced accuracy and
    macro-F1 with bootstrap 95% intervals on the registry's datasets.

    \b
    panel2patch split RUN
    panel2patch eval --model offline-lite --model CKPT --run RUN --tasks retrieval --json
    panel2patch eval -m before=offline-lite -m after=CKPT --tasks local --data-root ../shared/data/classification --out OUT
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("panel2patch").setLevel(logging.INFO)
    try:
        from panel2patch.eval.tasks import TaskRegistryError, load_registry
        from panel2patch.eval.tasks import data_root as resolve_root

        task_registry = load_registry(registry)
    except (MissingExtraError, TaskRegistryError) as exn:
        typer.echo(f"error: {exn}", err=True)
        raise typer.Exit(2) from exn
    if list_tasks:
        for task in task_registry.values():
            where = "local" if task.local else "bring your own"
            typer.echo(f"{task.name:16s} {task.domain:13s} {len(task.class_names):3d} classes  {task.reader:6s} "
                       f"{task.path}  ({where})")
        return
    try:
        from panel2patch.eval.models import ModelSpecError, load_model, parse_model_spec
        from panel2patch.eval.report import rich_table, write_reports
        from panel2patch.eval.runner import (
            RetrievalEvaluator,
            RetrievalPlan,
            ZeroShotPlan,
            evaluate_zeroshot_tasks,
            task_names,
        )
    except MissingExtraError as exn:
        typer.echo(f"error: {exn}", err=True)
        raise typer.Exit(2) from exn

    if not models:
        raise typer.BadParameter("give at least one --model (a preset, a checkpoint, or ARCH:PRETRAINED)")
    try:
        retrieval, zeroshot = task_names(tasks or (["retrieval"] if run else ["zeroshot"]), task_registry)
        specs = [parse_model_spec(m) for m in models]
    except (ValueError, ModelSpecError) as exn:
        raise typer.BadParameter(str(exn)) from exn
    if retrieval and run is None:
        raise typer.BadParameter("the retrieval task needs --run RUN_DIR (a run made by `panel2patch run`)")
    evaluator = None
    if retrieval:
        try:
            evaluator = RetrievalEvaluator(RetrievalPlan(run, split, tuple(v.strip() for v in levels.split(",")
                                                                             if v.strip())))
        except ValueError as exn:
            raise typer.BadParameter(str(exn)) from exn
    plan = ZeroShotPlan(tuple(task_registry[n] for n in zeroshot), resolve_root(data_root), limit, bootstrap, seed)

    results = []
    for spec in specs:
        try:
            model = load_model(spec, device, seed)
        except ModelSpecError as exn:
            typer.echo(f"error: {exn}", err=True)
            raise typer.Exit(2) from exn
        produced = ([evaluator.evaluate(model)] if evaluator else []) + list(evaluate_zeroshot_tasks(model, plan))
        for result in produced:
            if as_json:
                typer.echo(json.dumps(result.to_dict()))
            results.append(result)
        del model
    if not as_json:
        from rich.console import Console

        Console().print(rich_table(results))
    if out is not None:
        written = write_reports(results, out)
        typer.echo("wrote " + ", ".join(str(p) for p in written), err=as_json)
