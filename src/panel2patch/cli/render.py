"""Terminal tables shared by commands."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def print_totals(totals: dict[str, Any], console: Console) -> None:
    table = Table(title="run totals", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("packages found", str(totals["packages"]))
    table.add_row("distinct articles", str(totals["articles"]))
    for status, count in totals["articles_by_status"].items():
        table.add_row(f"  articles {status}", str(count))
    table.add_row("figures seen", str(totals["figures"]))
    table.add_row("figures ok (samples)", str(totals["figures_ok"]))
    for status, count in totals["figures_by_status"].items():
        if status != "ok":
            table.add_row(f"  figures {status}", str(count))
    table.add_row("tables as images", str(totals.get("tables", 0)))
    for status, count in totals.get("tables_by_status", {}).items():
        table.add_row(f"  tables {status}", str(count))
    for status, count in totals.get("image_files_by_status", {}).items():
        table.add_row(f"  image files not named by the XML: {status}", str(count))
    table.add_row("samples written", str(totals.get("samples", 0)))
    console.print(table)
    print_stage_seconds(totals, console)


def print_stage_seconds(totals: dict[str, Any], console: Console) -> None:
    """Where the workers' time went, per stage (summed over shards: CPU-side seconds, not wall time)."""
    by_stage = totals.get("seconds_by_stage") or {}
    total = totals.get("seconds") or sum(by_stage.values())
    if not by_stage or not total:
        return
    table = Table(title="time per stage (summed over shards)", show_header=True)
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("share", justify="right")
    figures = totals.get("samples") or 0
    if figures:
        table.add_column("ms per figure written", justify="right")
    for stage, seconds in sorted(by_stage.items(), key=lambda kv: -kv[1]):
        row = [stage, f"{seconds:.2f}", f"{seconds / total:.0%}"]
        table.add_row(*row, *([f"{1000 * seconds / figures:.0f}"] if figures else []))
    console.print(table)
