"""``RUN_DIR/report/index.html``: totals, the funnel, distributions, and a gallery of figures.

Everything the page shows lies in the report folder (charts/, gallery/), referred to by
relative paths, so the folder can be opened from disk, zipped, or served as it is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from panel2patch import __version__
from panel2patch.dataset.run_reader import run_shards
from panel2patch.output.atomic import write_bytes_atomic
from panel2patch.report import html_page as html
from panel2patch.report.charts import draw_all
from panel2patch.report.funnel import funnel_from
from panel2patch.report.gallery import choose_figures, render_gallery
from panel2patch.report.profile import failure_examples, index_status_counts, profile_run

REPORT_DIR = "report"
CHARTS_DIR = "charts"
GALLERY_DIR = "gallery"
CHART_TITLES = {
    "panels_per_figure": "panels per figure",
    "panel_text": "how figures got panel texts",
    "image_sizes": "image sizes",
    "panel_kinds": "panel kinds",
    "panel_concepts": "panel concepts",
    "figure_concepts": "figure concepts",
    "license_groups": "license groups",
    "licenses": "licenses",
    "markers": "region markers",
}


def write_run_report(run_dir: Path, out_dir: Path | None = None, gallery_size: int = 24, export_dir: Path | None = None) -> Path:
    """Write the report folder (default ``RUN_DIR/report``) and return its ``index.html``."""
    run_dir = Path(run_dir)
    out_dir = Path(out_dir) if out_dir else run_dir / REPORT_DIR
    if not run_shards(run_dir):
        raise FileNotFoundError(f"{run_dir} holds no finished shard (shards/*.tar + done/*.json): is it a `panel2patch run` output?")
    for folder in (CHARTS_DIR, GALLERY_DIR):  # no stale files from an earlier report
        shutil.rmtree(out_dir / folder, ignore_errors=True)
    profile = profile_run(run_dir)
    funnel = funnel_from(profile, index_status_counts(run_dir))
    charts = draw_all(profile, funnel, out_dir / CHARTS_DIR)
    gallery = render_gallery(run_dir, choose_figures(profile, gallery_size), out_dir / GALLERY_DIR)

    pairs = funnel["pairs"]
    stages = {s["stage"]: s for s in funnel["stages"]}
    sections = [
        "<h2>Totals</h2>",
        html.cards(
            [
                ("articles with figures", stages["articles"]["out"]),
                ("figure pairs", pairs["figure"]),
                ("compound figures", funnel["figures"]["compound"]),
                ("panel pairs", pairs["panel"]),
                ("panel pairs per compound figure", funnel["panel_pairs_per_compound_figure"]),
                ("region pairs", pairs["region"]),
                ("packages found", stages["packages"]["in"]),
                ("figures + tables seen", stages["figures"]["in"]),
            ]
        ),
        "<h2>Funnel</h2>",
        "<div class=\"funnel\">" + html.funnel_table(funnel)
        + html.chart_grid({"funnel": charts["funnel"]}, {"funnel": "funnel"}, CHARTS_DIR, css_class="single") + "</div>",
        "<h2>Distributions</h2>",
        html.chart_grid(charts, CHART_TITLES, CHARTS_DIR),
    ]
    if export_dir is not None:
        sections += _export_section(Path(export_dir))
    sections += [f"<h2>Gallery ({len(gallery)} figures, a fixed sample)</h2>"]
    sections += [html.gallery_entry(item) for item in gallery] or ["<p class=\"none\">no figures</p>"]
    sections += ["<h2>Examples of each failure</h2>", html.failures_table(failure_examples(run_dir))]
    config = run_dir / "config.json"
    if config.exists():
        sections.append(html.json_block("run configuration (config.json)", json.loads(config.read_text())))
    sections.append(html.json_block("funnel (as `panel2patch stats` sees it)", funnel))
    page = html.page("panel2patch run report", f"{run_dir.resolve().name} · panel2patch {__version__}", sections)
    index = out_dir / "index.html"
    write_bytes_atomic(index, page.encode("utf-8"))
    return index


def _export_section(export_dir: Path) -> list[str]:
    stats_path = export_dir / "export.json"
    if not stats_path.exists():
        return ["<h2>Export</h2>", f"<p class=\"none\">{html._e(export_dir)} holds no finished export (no export.json)</p>"]
    stats: dict[str, Any] = json.loads(stats_path.read_text())
    kept = {f"{level}: kept": n for level, n in stats.get("kept", {}).items()}
    dropped = {f"{level}: {reason}": n for level, reasons in stats.get("dropped", {}).items() for reason, n in reasons.items()}
    return ["<h2>Export</h2>", html.counts_table("flat export: kept per level", kept), "<br>",
            html.counts_table("flat export: dropped per level and reason", dropped)]
