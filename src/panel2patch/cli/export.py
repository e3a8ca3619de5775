"""``panel2patch export``: flat, open_clip-ready pairs (one crop + one text) from a run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from panel2patch.cli.app import app
from panel2patch.dataset import (
    DEFAULT_LIMITS,
    LEVELS,
    LICENSE_GROUPS,
    DedupConfig,
    ExportConfig,
    ExportExistsError,
    FilterConfig,
    Level,
    LevelLimits,
    SubsetConfig,
    export_run,
)


def _names(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _per_level(value: str | None, option: str) -> dict[Level, int]:
    """``"64"`` (every level) or ``"panel=48,region=16"`` (those levels)."""
    if value is None:
        return {}
    if "=" not in value:
        return dict.fromkeys(LEVELS, _int(value, option))
    out = {}
    for part in _names(value):
        name, _, number = part.partition("=")
        if name.strip() not in {str(level) for level in LEVELS}:
            raise typer.BadParameter(f"unknown level {name!r} (figure, panel, region)", param_hint=option)
        out[Level(name.strip())] = _int(number, option)
    return out


def _int(value: str, option: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a whole number", param_hint=option) from None
    if number < 0:
        raise typer.BadParameter("must be >= 0", param_hint=option)
    return number


def _limits(min_side: str | None, min_text: str | None) -> dict[Level, LevelLimits]:
    sides, texts = _per_level(min_side, "--min-side"), _per_level(min_text, "--min-text-chars")
    return {
        level: LevelLimits(sides.get(level, DEFAULT_LIMITS[level].min_side), texts.get(level, DEFAULT_LIMITS[level].min_text_chars))
        for level in LEVELS
    }


@app.command("export")
def export_command(
    run_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="A run directory made by `panel2patch run`."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the flat shards (created; must be empty)."),
    levels: str = typer.Option("figure,panel,region", help="Levels to export, comma-separated."),
    license_groups: str = typer.Option(None, "--license", help="Keep only these license groups: commercial,noncommercial,other."),
    split_license: bool = typer.Option(True, "--split-license/--no-split-license", help="One folder per license group (BIOMEDICA's split)."),
    min_side: str = typer.Option(None, help="Minimum crop side in px: N for every level, or figure=N,panel=N,region=N. "
                                 f"Default {','.join(f'{k}={v.min_side}' for k, v in DEFAULT_LIMITS.items())}."),
    min_text_chars: str = typer.Option(None, help="Minimum text length: N, or per level as for --min-side. "
                                       f"Default {','.join(f'{k}={v.min_text_chars}' for k, v in DEFAULT_LIMITS.items())}."),
    drop_concepts: str = typer.Option(None, help='Drop samples whose primary global concept is one of these, e.g. "Plots and Charts,Tables".'),
    drop_kinds: str = typer.Option(None, help='Drop panels (and their regions) of these kinds, e.g. "plot,diagram,table" (Panel2Patch keeps image-like panels).'),
    cap_per_concept: int = typer.Option(None, min=0, help="At most N samples per concept and level (a uniform, reproducible sample)."),
    dedup: bool = typer.Option(True, "--dedup/--no-dedup", help="Drop exact and near-duplicate images across the run."),
    near_threshold: int = typer.Option(DedupConfig().phash_threshold, min=0, max=15, help="pHash Hamming distance for a near duplicate."),
    shard_size: int = typer.Option(10_000, min=1, help="Samples per output shard."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes for cropping and hashing."),
    overwrite: bool = typer.Option(False, help="Replace an earlier export in --out."),
    as_json: bool = typer.Option(False, "--json", help="Print the export stats as JSON."),
) -> None:
    """Materialise one crop + one text per sample (figure, panel, region) as WebDataset shards
    that open_clip reads as they are (`--dataset-type webdataset`, keys jpg / txt)."""
    try:
        chosen = tuple(Level(name) for name in _names(levels))
    except ValueError:
        raise typer.BadParameter(f"levels must be among {', '.join(LEVELS)}", param_hint="--levels") from None
    groups = _names(license_groups) or None
    if groups and set(groups) - set(LICENSE_GROUPS):
        raise typer.BadParameter(f"license groups are {', '.join(LICENSE_GROUPS)}", param_hint="--license")
    config = ExportConfig(
        levels=chosen,
        filters=FilterConfig(limits=_limits(min_side, min_text_chars), license_groups=tuple(groups) if groups else None),
        subsets=SubsetConfig(
            drop_concepts=tuple(_names(drop_concepts)), cap_per_concept=cap_per_concept, drop_kinds=tuple(_names(drop_kinds))
        ),
        dedup=DedupConfig(phash_threshold=near_threshold) if dedup else None,
        split_license=split_license,
        shard_max_count=shard_size,
    )
    console = Console(stderr=as_json)
    try:
        with console.status("exporting…"):
            stats = export_run(run_dir, out, config, workers=workers, overwrite=overwrite)
    except ExportExistsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(stats, sort_keys=True))
        return
    print_export_stats(stats, console)
    console.print(f"output: {out}  (stats: {out / 'export.json'}, every drop: {out / 'drops.parquet'})")


def print_export_stats(stats: dict[str, Any], console: Console) -> None:
    table = Table(title="export", show_header=True)
    table.add_column("level")
    table.add_column("candidates", justify="right")
    table.add_column("kept", justify="right")
    table.add_column("dropped (reason: count)")
    for level, kept in stats["kept"].items():
        reasons = stats["dropped"].get(level, {})
        table.add_row(level, str(stats["candidates"].get(level, 0)), str(kept),
                      ", ".join(f"{r}: {n}" for r, n in sorted(reasons.items(), key=lambda kv: -kv[1])) or "-")
    console.print(table)
    concepts = Table(title="concepts (before → after)", show_header=True)
    concepts.add_column("level")
    concepts.add_column("concept")
    concepts.add_column("before", justify="right")
    concepts.add_column("after", justify="right")
    for level, counts in stats["concepts_before"].items():
        after = stats["concepts_after"].get(level, {})
        for concept, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            concepts.add_row(level, concept, str(n), str(after.get(concept, 0)))
    console.print(concepts)
    for group, pattern in stats["train_data"].items():
        total = sum(stats["shards"][group].values())
        console.print(f"[bold]{group}[/]: {total} samples  --train-data '{pattern}' (relative to the output folder)")
