"""Figure ▸ panel ▸ region items of one figure sample, read from its ``KEY.json``.

Schema-driven: a figure's ``panels`` (each with ``bbox`` in figure pixels, x1/y1 exclusive, and
``text``/``subcaption``) and each panel's ``regions`` (``bbox``, ``texts``/``text``). A figure
with ``panels == []`` is a single-panel figure: its panel level is the figure itself, and a
top-level ``regions`` list, when present, belongs to that implicit panel. Items without a usable
box or text are left out here (and counted), never passed on to fail later.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from panel2patch.train.config import HierarchyConfig, Level

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Node:
    """One image-text pair candidate: a box of the figure and the texts that describe it."""

    key: str
    level: Level
    box: Box  # figure pixels, x1/y1 exclusive
    texts: tuple[str, ...]  # one is drawn per step when there are several
    children: tuple[Node, ...] = ()


@dataclass(frozen=True)
class FigureTree:
    key: str
    article: str
    size: tuple[int, int]  # width, height the boxes refer to
    figure: Node
    panels: tuple[Node, ...]  # the panel level: real panels, or the implicit one of a single-panel figure
    multi_panel: bool  # the figure has >= 2 real panels


def article_of(key: str) -> str:
    """The article a sample belongs to: its key's first component (``PMC123_F2`` -> ``PMC123``)."""
    return key.split("_", 1)[0]


def _clean_box(raw: Any, width: int, height: int, min_side: int) -> Box | None:
    if not isinstance(raw, (list, tuple)) or len(raw) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in raw)
    except (TypeError, ValueError):
        return None
    x0, y0 = max(0.0, x0), max(0.0, y0)
    x1, y1 = min(float(width), x1), min(float(height), y1)
    if x1 - x0 < min_side or y1 - y0 < min_side:
        return None
    return (x0, y0, x1, y1)


def _texts(*candidates: Any) -> tuple[str, ...]:
    """Distinct non-empty strings, in order, from strings and lists of strings."""
    seen: list[str] = []
    for candidate in candidates:
        values = candidate if isinstance(candidate, (list, tuple)) else [candidate]
        for value in values:
            if isinstance(value, str) and value.strip() and value.strip() not in seen:
                seen.append(value.strip())
    return tuple(seen)


def _regions(raw_regions: Any, parent_key: str, width: int, height: int, config: HierarchyConfig,
             skipped: Counter) -> tuple[Node, ...]:
    regions = []
    for index, region in enumerate(raw_regions or ()):
        if not isinstance(region, dict):
            skipped["region_malformed"] += 1
            continue
        box = _clean_box(region.get("bbox"), width, height, config.min_box_side)
        texts = _texts(region.get("texts"), region.get("text"))
        if box is None:
            skipped["region_box"] += 1
        elif not texts:
            skipped["region_text"] += 1
        else:
            regions.append(Node(str(region.get("key") or f"{parent_key}_r{index + 1}"), Level.REGION, box, texts))
    return tuple(regions)


def figure_tree(key: str, meta: dict[str, Any], caption: str, size: tuple[int, int],
                config: HierarchyConfig = HierarchyConfig(), skipped: Counter | None = None) -> FigureTree:
    """Build the hierarchy of one sample. ``size`` is the decoded image size (boxes are scaled to it
    when the JSON's ``image`` size differs, e.g. after a re-encode)."""
    skipped = skipped if skipped is not None else Counter()
    width, height = size
    declared = meta.get("image") or {}
    sx = width / declared["width"] if declared.get("width") else 1.0
    sy = height / declared["height"] if declared.get("height") else 1.0

    def scaled(raw: Any) -> Any:
        if not isinstance(raw, (list, tuple)) or len(raw) != 4 or (sx == 1.0 and sy == 1.0):
            return raw
        try:
            return [float(raw[0]) * sx, float(raw[1]) * sy, float(raw[2]) * sx, float(raw[3]) * sy]
        except (TypeError, ValueError):
            return raw

    caption = caption.strip() or str((meta.get("figure") or {}).get("caption") or "").strip()
    panels = []
    for index, panel in enumerate(meta.get("panels") or ()):
        if not isinstance(panel, dict):
            skipped["panel_malformed"] += 1
            continue
        panel_key = str(panel.get("key") or f"{key}_p{index + 1}")
        box = _clean_box(scaled(panel.get("bbox")), width, height, config.min_box_side)
        texts = _texts(panel.get("text") or panel.get("subcaption"))
        if not texts and config.untexted_panels == "caption":
            texts = _texts(caption)
        if box is None:
            skipped["panel_box"] += 1
            continue
        if not texts:
            skipped["panel_text"] += 1
            continue
        raw_regions = [dict(r, bbox=scaled(r.get("bbox"))) if isinstance(r, dict) else r
                       for r in panel.get("regions") or ()]
        regions = _regions(raw_regions, panel_key, width, height, config, skipped)
        panels.append(Node(panel_key, Level.PANEL, box, texts, regions))

    whole = (0.0, 0.0, float(width), float(height))
    figure_texts = _texts(caption)
    multi = len(panels) >= 2
    if panels:
        level_panels = tuple(panels)
    elif config.single_panel_as_panel and figure_texts:
        raw_regions = [dict(r, bbox=scaled(r.get("bbox"))) if isinstance(r, dict) else r
                       for r in meta.get("regions") or ()]
        regions = _regions(raw_regions, key, width, height, config, skipped)
        level_panels = (Node(key, Level.PANEL, whole, figure_texts, regions),)
    else:
        level_panels = ()
    figure = Node(key, Level.FIGURE, whole, figure_texts, tuple(panels))
    return FigureTree(key, article_of(key), (width, height), figure, level_panels, multi)


def level_nodes(tree: FigureTree, level: Level, config: HierarchyConfig) -> list[tuple[Node, ...]]:
    """Items of ``level`` in this figure, each as its chain from the figure: (figure,),
    (figure, panel) or (figure, panel, region)."""
    if level is Level.FIGURE:
        if not tree.figure.texts or (config.figure_level == "multi" and not tree.multi_panel):
            return []
        return [(tree.figure,)]
    if level is Level.PANEL:
        return [(tree.figure, panel) for panel in tree.panels]
    return [(tree.figure, panel, region) for panel in tree.panels for region in panel.children]
