"""The per-figure stages after decoding: layout (panels + labels), caption parsing, hierarchy.

Each stage is optional and isolated: a stage that fails on one figure records its error in
the figure's JSON and the figure is still written at figure level.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from panel2patch.captions import parse_caption
from panel2patch.concepts import image_features, label_figure, label_panel, label_table_image
from panel2patch.config import ExtractConfig
from panel2patch.layout import Panel, PanelLayout, parse_layout
from panel2patch.markers import find_markers, find_named_markers, link_markers
from panel2patch.naming import region_key
from panel2patch.pipeline.hierarchy import panel_records
from panel2patch.pipeline.timing import stage_timer
from panel2patch.records import FigureRecord

log = logging.getLogger(__name__)


@dataclass
class FigureAnalysis:
    panels: list[dict[str, Any]] = field(default_factory=list)
    layout: dict[str, Any] | None = None  # compound, reason, label_style, backend (or error)
    caption: dict[str, Any] | None = None  # preamble, subcaptions, marker_phrases, scale_bars
    panel_text: str = "single_panel"  # how panel texts were matched (see hierarchy.assign_panel_texts)
    concepts: dict[str, Any] | None = None  # figure-level kind + concepts (source, confidence each)
    markers: list[dict[str, Any]] = field(default_factory=list)  # overlays found on the panels
    regions: list[dict[str, Any]] = field(default_factory=list)  # a single-panel figure's regions


def _layout(image: Image.Image, figure: FigureRecord,
            config: ExtractConfig) -> tuple[PanelLayout | None, dict[str, Any] | None]:
    if config.layout_backend is None:
        return None, None
    if figure.kind == "table":  # a <table-wrap> given as an image is one table: its ruled cells are not panels
        layout = PanelLayout(image.width, image.height, [Panel((0, 0, image.width, image.height), score=1.0)],
                             reason="table image (one panel by markup)", backend="markup")
    else:
        try:
            with stage_timer("layout"):
                layout = parse_layout(image, backend=config.layout_backend)
        except Exception as exc:  # a stage bug on one figure must not lose the shard: record it
            log.warning("layout failed: %s", exc, exc_info=True)
            return None, {"error": f"{type(exc).__name__}: {exc}"}
    info = {k: v for k, v in layout.to_dict().items() if k not in ("panels", "width", "height")}
    return layout, info


def analyze_figure(image: Image.Image, figure: FigureRecord, key: str, config: ExtractConfig) -> FigureAnalysis:
    layout, layout_info = _layout(image, figure, config)
    labels = [label for label in (layout.labels if layout else []) if label]
    with stage_timer("captions"):
        caption = parse_caption(figure.caption, image_labels=labels or None)
        analysis = FigureAnalysis(layout=layout_info, caption=caption.to_dict())
    if layout is not None:
        with stage_timer("hierarchy"):
            analysis.panels, analysis.panel_text = panel_records(key, layout, caption, figure.mentions)
    else:
        analysis.panel_text = "no_layout"
    if config.markers and layout is not None:
        _find_regions(image, layout, caption, key, analysis)
    if config.concepts:
        _label_concepts(image, figure, analysis)
    return analysis


def _find_regions(image: Image.Image, layout: PanelLayout, caption: Any, key: str, analysis: FigureAnalysis) -> None:
    """Markers on every panel, linked to the caption's marker phrases; regions go under their
    panel (or to the figure when it has a single panel)."""
    try:
        boxes = [tuple(p.bbox) for p in layout.panels] or [(0, 0, image.width, image.height)]
        with stage_timer("markers"):
            labels = [tuple(p.label_bbox) for p in layout.panels if p.label_bbox]
            panel_labels = layout.labels or [None]
            markers = find_markers(image, boxes, exclude=labels)
            markers += find_named_markers(image, boxes, panel_labels, caption.marker_phrases, markers)
            regions = link_markers(markers, caption, panel_labels)
    except Exception as exc:  # a stage bug on one figure must not lose the shard: record it
        log.warning("marker stage failed: %s", exc, exc_info=True)
        analysis.markers = [{"error": f"{type(exc).__name__}: {exc}"}]
        return
    analysis.markers = [marker.to_dict() for marker in markers]
    for region in regions:
        record = region.to_dict()
        owner = analysis.panels[region.panel] if len(analysis.panels) > region.panel else None
        parent_key = owner["key"] if owner else key
        siblings = owner["regions"] if owner else analysis.regions
        record["key"] = region_key(parent_key, len(siblings))
        record["marker"] = analysis.markers[region.marker] if 0 <= region.marker < len(analysis.markers) else None
        siblings.append(record)


def _label_concepts(image: Image.Image, figure: FigureRecord, analysis: FigureAnalysis) -> None:
    """Kind and concepts for the figure (whole image + caption) and for each panel (crop + its
    own sub-caption: the shared preamble would bias every panel the same way)."""
    try:
        with stage_timer("concepts"):
            features = []
            for panel in analysis.panels:
                crop = image.crop(tuple(panel["bbox"]))
                features.append(image_features(crop))
                labels = label_panel(crop, panel["subcaption"], features=features[-1]).to_dict()
                panel["kind"], panel["kind_score"] = labels["kind"], labels["kind_score"]
                panel["concepts"] = labels["concepts"]
            if figure.kind == "table":  # a <table-wrap> given as an image: the markup says what it is
                analysis.concepts = label_table_image(figure.caption).to_dict()
            else:  # a compound figure is judged panel by panel, each by its area
                boxes = [tuple(panel["bbox"]) for panel in analysis.panels]
                analysis.concepts = label_figure(image, figure.caption, boxes, panel_features=features).to_dict()
    except Exception as exc:  # a stage bug on one figure must not lose the shard: record it
        log.warning("concept labelling failed: %s", exc, exc_info=True)
        analysis.concepts = {"error": f"{type(exc).__name__}: {exc}"}
