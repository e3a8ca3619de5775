"""One pass over a run's sample JSONs (no image decoded): the counts behind the funnel and charts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from panel2patch.dataset.concepts import UNLABELLED, figure_concept_entries, global_concepts, kind_name
from panel2patch.dataset.run_reader import iter_run, run_shards

# Why a detected panel has no text: the named reasons of the panel stage.
UNMATCHED = "unmatched_counts"  # panels and sub-captions could not be reconciled (panel_text=unmatched)
NO_SUBCAPTION = "no_subcaption_for_label"  # its label has no sub-caption in the caption
NO_TEXT = "no_text"  # anything else without text
NO_PHRASE = "no_caption_phrase"  # a region whose marker no caption phrase defines


def panel_kind(panel: dict[str, Any]) -> str | None:
    return kind_name(panel.get("kind"))


@dataclass
class RunProfile:
    samples: int = 0
    figure_kinds: Counter[str] = field(default_factory=Counter)  # figure / table
    panel_text: Counter[str] = field(default_factory=Counter)  # label / reading_order / position / unmatched / single_panel / no_layout
    panels_per_figure: Counter[int] = field(default_factory=Counter)
    compound_figures: int = 0
    panels: int = 0
    panels_with_text: int = 0
    panels_dropped: Counter[str] = field(default_factory=Counter)
    regions: int = 0
    regions_with_text: int = 0
    regions_dropped: Counter[str] = field(default_factory=Counter)
    marker_types: Counter[str] = field(default_factory=Counter)
    figure_concepts: Counter[str] = field(default_factory=Counter)
    panel_concepts: Counter[str] = field(default_factory=Counter)
    panel_kinds: Counter[str] = field(default_factory=Counter)
    license_groups: Counter[str] = field(default_factory=Counter)  # per figure sample
    license_codes: Counter[str] = field(default_factory=Counter)
    figure_sizes: list[tuple[int, int]] = field(default_factory=list)
    panel_sizes: list[tuple[int, int]] = field(default_factory=list)
    # (key, shard file, panels, regions) of every sample, for choosing the gallery
    figures: list[tuple[str, str, int, int]] = field(default_factory=list)

    def add(self, meta: dict[str, Any], key: str = "", shard: str = "") -> None:
        self.samples += 1
        figure = meta.get("figure") or {}
        license_ = (meta.get("article") or {}).get("license") or {}
        image = meta.get("image") or {}
        self.figure_kinds[figure.get("kind") or "figure"] += 1
        self.panel_text[meta.get("panel_text") or "no_layout"] += 1
        self.license_groups[license_.get("group") or "other"] += 1
        self.license_codes[license_.get("code") or "(none)"] += 1
        self.figure_sizes.append((int(image.get("width") or 0), int(image.get("height") or 0)))
        self.figure_concepts[(global_concepts(figure_concept_entries(meta)) or (UNLABELLED,))[0]] += 1
        panels = meta.get("panels") or []
        self.panels_per_figure[len(panels)] += 1
        self.compound_figures += bool(panels)
        for panel in panels:
            self._add_panel(panel, meta.get("panel_text"))
        for region in meta.get("regions") or []:  # a single-panel figure's own regions
            self._add_region(region)
        n_regions = sum(len(p.get("regions") or []) for p in panels) + len(meta.get("regions") or [])
        self.figures.append((key or str(meta.get("key")), shard, len(panels), n_regions))

    def _add_panel(self, panel: dict[str, Any], how: str | None) -> None:
        self.panels += 1
        if panel.get("text"):
            self.panels_with_text += 1
        elif how == "unmatched":
            self.panels_dropped[UNMATCHED] += 1
        elif panel.get("label") or panel.get("caption_label"):
            self.panels_dropped[NO_SUBCAPTION] += 1
        else:
            self.panels_dropped[NO_TEXT] += 1
        size = panel.get("size") or [0, 0]
        self.panel_sizes.append((int(size[0]), int(size[1])))
        self.panel_concepts[(global_concepts(panel.get("concepts")) or (UNLABELLED,))[0]] += 1
        self.panel_kinds[panel_kind(panel) or "(none)"] += 1
        for region in panel.get("regions") or []:
            self._add_region(region)

    def _add_region(self, region: dict[str, Any]) -> None:
        self.regions += 1
        self.marker_types[(region.get("marker") or {}).get("type") or "(unknown)"] += 1
        if region.get("text"):
            self.regions_with_text += 1
        else:
            self.regions_dropped[NO_PHRASE] += 1


def profile_run(run_dir: Path) -> RunProfile:
    profile = RunProfile()
    for sample in iter_run(run_dir, with_images=False):
        profile.add(sample.meta, sample.key, sample.shard)
    return profile


def _indexes(run_dir: Path) -> list[Path]:
    """The Parquet indexes of the finished shards."""
    return [path.with_suffix(".parquet") for path in run_shards(run_dir) if path.with_suffix(".parquet").exists()]


def failure_examples(run_dir: Path, per_status: int = 5) -> dict[str, list[dict[str, Any]]]:
    """``{"item:status": [row, ...]}``: the first few index rows of each non-ok status."""
    examples: dict[str, list[dict[str, Any]]] = {}
    for path in _indexes(run_dir):
        for row in pq.read_table(path, columns=["item", "package", "fig_id", "status", "error"]).to_pylist():
            if row["status"] != "ok":
                bucket = examples.setdefault(f"{row['item']}:{row['status']}", [])
                if len(bucket) < per_status:
                    bucket.append(row)
    return examples


def index_status_counts(run_dir: Path) -> dict[str, Counter[str]]:
    """``{item: Counter(status)}`` over every shard's Parquet index (articles, figures, tables, image files)."""
    counts: dict[str, Counter[str]] = {}
    for path in _indexes(run_dir):
        table = pq.read_table(path, columns=["item", "status"])
        for item, status in zip(table.column("item").to_pylist(), table.column("status").to_pylist(), strict=True):
            counts.setdefault(item, Counter())[status] += 1
    return counts
