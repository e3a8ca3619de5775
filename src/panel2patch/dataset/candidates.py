"""Flatten a figure sample's hierarchy into candidate pairs: one image box + one text each.

figure ↔ full caption; panel ↔ panel text (shared preamble + its sub-caption); region ↔ the
caption phrase of its marker. A single-panel figure has no panel level (``panels == []``), so
the figure pair is never duplicated as a panel pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from panel2patch.dataset.concepts import figure_concept_entries, global_concepts, kind_name


class Level(StrEnum):
    FIGURE = "figure"
    PANEL = "panel"
    REGION = "region"


LEVELS = tuple(Level)
Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in figure pixels, x1/y1 exclusive


@dataclass(frozen=True)
class Candidate:
    """One would-be flat sample, before any pixel is touched."""

    key: str
    level: Level
    figure_key: str
    parent: str | None  # the figure for a panel, the panel for a region, None for a figure
    box: Box | None  # None when the JSON holds no usable box
    image_size: tuple[int, int]  # the whole figure's (width, height)
    text: str
    license_group: str
    concepts: tuple[str, ...] = ()  # global concepts, primary first
    kind: str | None = None
    label: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # level-specific JSON fields

    @property
    def concept(self) -> str | None:
        return self.concepts[0] if self.concepts else None


def _box(value: Any) -> Box | None:
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        return None
    try:
        x0, y0, x1, y1 = (round(float(v)) for v in value)
    except (TypeError, ValueError):
        return None
    return x0, y0, x1, y1


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def license_group(meta: dict[str, Any]) -> str:
    group = ((meta.get("article") or {}).get("license") or {}).get("group")
    return group if group in ("commercial", "noncommercial") else "other"


def figure_candidates(key: str, caption: str, meta: dict[str, Any], levels: tuple[Level, ...] = LEVELS) -> list[Candidate]:
    """Every candidate of one figure sample, figure first, then panels in order, each followed
    by its regions."""
    image = meta.get("image") or {}
    size = (int(image.get("width") or 0), int(image.get("height") or 0))
    group = license_group(meta)
    figure = meta.get("figure") or {}
    out: list[Candidate] = []
    if Level.FIGURE in levels:
        out.append(
            Candidate(
                key=key, level=Level.FIGURE, figure_key=key, parent=None, box=(0, 0, size[0], size[1]),
                image_size=size, text=_text(caption or figure.get("caption")), license_group=group,
                concepts=global_concepts(figure_concept_entries(meta)), kind=figure.get("kind"),
                label=figure.get("label"),
            )
        )
    for panel in meta.get("panels") or []:
        panel_key = str(panel.get("key") or f"{key}_p{int(panel.get('index', 0)) + 1}")
        concepts = global_concepts(panel.get("concepts"))
        if Level.PANEL in levels:
            out.append(
                Candidate(
                    key=panel_key, level=Level.PANEL, figure_key=key, parent=key, box=_box(panel.get("bbox")),
                    image_size=size, text=_text(panel.get("text")), license_group=group, concepts=concepts,
                    kind=kind_name(panel.get("kind")), label=panel.get("label") or panel.get("caption_label"),
                    extra={"subcaption": panel.get("subcaption"), "mentions": list(panel.get("mentions") or [])},
                )
            )
        if Level.REGION in levels:
            out += _regions(panel.get("regions"), key, panel_key, size, group, concepts, kind_name(panel.get("kind")))
    if Level.REGION in levels and meta.get("regions"):
        # a single-panel figure's regions hang off the figure itself
        figure_concepts = out[0].concepts if out and out[0].level is Level.FIGURE else ()
        out += _regions(meta["regions"], key, key, size, group, figure_concepts, None)
    return out


def _regions(
    regions: list[dict[str, Any]] | None,
    figure_key: str,
    parent: str,
    size: tuple[int, int],
    group: str,
    concepts: tuple[str, ...],
    kind: str | None,
) -> list[Candidate]:
    out = []
    for index, region in enumerate(regions or []):
        marker = region.get("marker") or {}
        out.append(
            Candidate(
                key=str(region.get("key") or f"{parent}_r{index + 1}"), level=Level.REGION, figure_key=figure_key,
                parent=parent, box=_box(region.get("bbox")), image_size=size, text=_text(region.get("text")),
                license_group=group, concepts=concepts, kind=kind, label=None,
                extra={"marker": {k: marker.get(k) for k in ("type", "color", "tip", "bbox") if k in marker}},
            )
        )
    return out
