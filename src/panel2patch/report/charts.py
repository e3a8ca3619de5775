"""The report's charts, drawn with matplotlib (``pip install 'panel2patch[report]'``) to files.

SVG for bar charts (crisp, small, fonts as paths so nothing is fetched), PNG for scatter plots.
Every function returns the file name written inside ``folder``, or None when there is nothing
to draw. Output is deterministic (no dates in the SVG metadata, fixed hash salt).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from panel2patch.extras import require
from panel2patch.report.profile import RunProfile

_INK = "#1f3b57"
_ACCENT = ["#2f6f9f", "#e07b39", "#5a9e4b", "#b5485d", "#7a5ea8", "#c9a227", "#3d9a9a", "#8c6d46"]


def _pyplot() -> Any:
    matplotlib = require("matplotlib", "report", "the run report's charts")
    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "panel2patch",
            "svg.fonttype": "path",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlesize": 10,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, folder: Path, name: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    metadata = {"Date": None} if name.endswith(".svg") else {"Software": None}
    fig.savefig(folder / name, bbox_inches="tight", dpi=110, metadata=metadata)
    _pyplot().close(fig)
    return name


def _integer_ticks(axis: Any) -> None:
    """Counts are whole numbers: no 0.25 ticks."""
    axis.set_major_locator(require("matplotlib.ticker", "report").MaxNLocator(integer=True))


def hbar_chart(counts: Mapping[str, int], title: str, folder: Path, name: str, top: int = 20, color: str = _ACCENT[0]) -> str | None:
    """Horizontal bars, largest first (the rest summed into "other")."""
    items = sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return None
    if len(items) > top:
        items = items[: top - 1] + [("(other)", sum(v for _, v in items[top - 1 :]))]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 0.5 + 0.28 * len(items)))
    labels, values = [k for k, _ in items][::-1], [v for _, v in items][::-1]
    bars = ax.barh(labels, values, color=color)
    ax.bar_label(bars, padding=2, fontsize=8, color=_INK)
    _integer_ticks(ax.xaxis)
    ax.set_title(title, loc="left")
    ax.margins(x=0.12)
    return _save(fig, folder, name)


def funnel_chart(funnel: dict[str, Any], folder: Path, name: str = "funnel.svg") -> str:
    """In vs. out per stage: articles → figures → panels → regions."""
    plt = _pyplot()
    stages = funnel["stages"]
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    labels = [s["stage"] for s in stages][::-1]
    ins, outs = [s["in"] for s in stages][::-1], [s["out"] for s in stages][::-1]
    ax.barh(labels, ins, color="#d5dde6", label="in")
    bars = ax.barh(labels, outs, color=_ACCENT[0], height=0.5, label="kept")
    ax.bar_label(bars, labels=[f"{o} / {i}" for o, i in zip(outs, ins, strict=True)], padding=3, fontsize=8, color=_INK)
    ax.set_title("funnel: items in, items kept per stage", loc="left")
    ax.legend(frameon=False, loc="lower right")
    ax.margins(x=0.15)
    return _save(fig, folder, name)


def panels_per_figure_chart(profile: RunProfile, folder: Path, name: str = "panels_per_figure.svg") -> str | None:
    if not profile.panels_per_figure:
        return None
    plt = _pyplot()
    counts = profile.panels_per_figure
    xs = list(range(max(counts) + 1))
    fig, ax = plt.subplots(figsize=(5.2, 2.6))
    ax.bar(xs, [counts.get(x, 0) for x in xs], color=_ACCENT[1])
    _integer_ticks(ax.xaxis)
    _integer_ticks(ax.yaxis)
    ax.set_xlabel("panels in the figure (0 = single panel)")
    ax.set_ylabel("figures")
    ax.set_title("panels per figure", loc="left")
    return _save(fig, folder, name)


def sizes_chart(profile: RunProfile, folder: Path, name: str = "image_sizes.png") -> str | None:
    """Width vs. height of figures and of panels, log axes."""
    if not profile.figure_sizes:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    for sizes, label, color in ((profile.figure_sizes, "figures", _ACCENT[0]), (profile.panel_sizes, "panels", _ACCENT[1])):
        points = [(w, h) for w, h in sizes if w > 0 and h > 0]
        if points:
            ax.scatter([w for w, _ in points], [h for _, h in points], s=8, alpha=0.55, color=color, label=f"{label} ({len(points)})", linewidths=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ticker = require("matplotlib.ticker", "report")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xlabel("width (px)")
    ax.set_ylabel("height (px)")
    ax.set_title("image sizes", loc="left")
    ax.legend(frameon=False)
    return _save(fig, folder, name)


def draw_all(profile: RunProfile, funnel: dict[str, Any], folder: Path) -> dict[str, str | None]:
    """Every chart of the report: {chart id: file name or None}."""
    return {
        "funnel": funnel_chart(funnel, folder),
        "panels_per_figure": panels_per_figure_chart(profile, folder),
        "panel_text": hbar_chart(profile.panel_text, "how figures got panel texts", folder, "panel_text.svg", color=_ACCENT[2]),
        "figure_concepts": hbar_chart(profile.figure_concepts, "figure concepts (primary, global)", folder, "figure_concepts.svg", color=_ACCENT[3]),
        "panel_concepts": hbar_chart(profile.panel_concepts, "panel concepts (primary, global)", folder, "panel_concepts.svg", color=_ACCENT[3]),
        "panel_kinds": hbar_chart(profile.panel_kinds, "panel kinds", folder, "panel_kinds.svg", color=_ACCENT[4]),
        "licenses": hbar_chart(profile.license_codes, "figures per license", folder, "licenses.svg", color=_ACCENT[6]),
        "license_groups": hbar_chart(profile.license_groups, "figures per license group", folder, "license_groups.svg", color=_ACCENT[6]),
        "markers": hbar_chart(profile.marker_types, "region markers", folder, "markers.svg", color=_ACCENT[5]),
        "image_sizes": sizes_chart(profile, folder),
    }
