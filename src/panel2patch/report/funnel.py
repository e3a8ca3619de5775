"""The run funnel: articles → figures → panels → regions, with every drop under a named reason.

Article and figure drops come from the Parquet indexes (every input item has a status there);
panel and region drops from the samples' hierarchy. ``run_funnel`` is what ``panel2patch stats``
shows in the terminal and what the HTML report draws.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from panel2patch.report.profile import RunProfile, index_status_counts, profile_run

OK = "ok"


def _dropped(counts: Counter[str], *skip: str) -> dict[str, int]:
    return {status: n for status, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if status not in (OK, *skip)}


def funnel_from(profile: RunProfile, statuses: dict[str, Counter[str]]) -> dict[str, Any]:
    articles = statuses.get("article", Counter())
    graphics = statuses.get("figure", Counter()) + statuses.get("table", Counter())
    packages = sum(articles.values())
    distinct = packages - articles.get("duplicate_package", 0)
    stages = [
        {"stage": "packages", "in": packages, "out": distinct, "dropped": {k: v for k, v in articles.items() if k == "duplicate_package"}},
        {"stage": "articles", "in": distinct, "out": articles.get(OK, 0), "dropped": _dropped(articles, "duplicate_package")},
        {"stage": "figures", "in": sum(graphics.values()), "out": graphics.get(OK, 0), "dropped": _dropped(graphics)},
        {"stage": "panels", "in": profile.panels, "out": profile.panels_with_text, "dropped": dict(profile.panels_dropped.most_common())},
        {"stage": "regions", "in": profile.regions, "out": profile.regions_with_text, "dropped": dict(profile.regions_dropped.most_common())},
    ]
    compound = profile.compound_figures
    return {
        "stages": stages,
        "pairs": {"figure": profile.samples, "panel": profile.panels_with_text, "region": profile.regions_with_text},
        "figures": {
            "samples": profile.samples,
            "compound": compound,
            "single_panel": profile.panel_text.get("single_panel", 0),
            "by_kind": dict(sorted(profile.figure_kinds.items())),
            "panel_text": dict(sorted(profile.panel_text.items())),
        },
        "panel_pairs_per_compound_figure": round(profile.panels_with_text / compound, 3) if compound else 0.0,
        "panels_per_compound_figure": round(profile.panels / compound, 3) if compound else 0.0,
        "image_files_by_status": dict(sorted(statuses.get("image_file", Counter()).items())),
    }


def run_funnel(run_dir: Path) -> dict[str, Any]:
    """Totals per stage of a run directory (reads the Parquet indexes and the samples' JSON,
    never an image): ``{"stages": [{"stage", "in", "out", "dropped": {reason: n}}, ...],
    "pairs": {"figure", "panel", "region"}, ...}``."""
    return funnel_from(profile_run(Path(run_dir)), index_status_counts(Path(run_dir)))


def print_funnel(funnel: dict[str, Any], console: Console) -> None:
    """The funnel as a terminal table (for ``panel2patch stats``)."""
    table = Table(title="funnel", show_header=True)
    table.add_column("stage")
    table.add_column("in", justify="right")
    table.add_column("out", justify="right")
    table.add_column("dropped (reason: count)")
    for stage in funnel["stages"]:
        reasons = ", ".join(f"{reason}: {n}" for reason, n in stage["dropped"].items()) or "-"
        table.add_row(stage["stage"], str(stage["in"]), str(stage["out"]), reasons)
    console.print(table)
    pairs = funnel["pairs"]
    console.print(
        f"pairs: figure {pairs['figure']}, panel {pairs['panel']}, region {pairs['region']}; "
        f"compound figures {funnel['figures']['compound']} "
        f"({funnel['panel_pairs_per_compound_figure']} panel pairs each)"
    )
