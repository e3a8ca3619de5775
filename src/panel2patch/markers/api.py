"""``parse_markers``: markers and regions of one figure in one call."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from panel2patch.captions import parse_caption
from panel2patch.markers.config import MarkerConfig
from panel2patch.markers.detect import find_markers
from panel2patch.markers.guided import find_named_markers
from panel2patch.markers.linking import link_markers
from panel2patch.markers.records import Box, Marker, Region


def _panel_boxes_and_labels(layout_panels: Any) -> tuple[list[Box], list[str | None], list[Box]]:
    """(panel boxes, their labels, the boxes of the printed labels read) from a
    ``PanelLayout``, a list of ``Panel`` (anything with ``bbox``, ``label`` and
    ``label_bbox``), or plain boxes."""
    panels = getattr(layout_panels, "panels", layout_panels)
    boxes: list[Box] = []
    labels: list[str | None] = []
    printed: list[Box] = []
    for panel in panels or ():
        bbox = getattr(panel, "bbox", panel)
        x0, y0, x1, y1 = (int(v) for v in bbox)
        boxes.append((x0, y0, x1, y1))
        labels.append(getattr(panel, "label", None))
        if getattr(panel, "label_bbox", None):
            printed.append(tuple(int(v) for v in panel.label_bbox))
    return boxes, labels, printed


def parse_markers(image: np.ndarray | Image.Image, layout_panels: Any, caption_text: str | None = None,
                  config: MarkerConfig | None = None) -> tuple[list[Marker], list[Region]]:
    """Find the markers on each panel and the region each designates, with caption text.

    ``layout_panels`` is a ``PanelLayout`` (or its ``panels``, or plain boxes); with
    ``caption_text`` the caption is parsed and each region gets the phrase that defines its
    marker. A figure without panels is treated as one panel covering the whole image. The
    printed panel labels the layout read (``label_bbox``) are not markers, as in a run.
    """
    boxes, labels, printed = _panel_boxes_and_labels(layout_panels)
    if not boxes:
        size = image.size if isinstance(image, Image.Image) else (np.shape(image)[1], np.shape(image)[0]) \
            if np.ndim(image) >= 2 else (0, 0)
        boxes, labels = [(0, 0, int(size[0]), int(size[1]))], [None]
    markers = find_markers(image, boxes, config, exclude=printed)
    parse = parse_caption(caption_text, [label for label in labels if label]) if caption_text else None
    if parse is not None:
        markers += find_named_markers(image, boxes, labels, parse.marker_phrases, markers)
    regions = link_markers(markers, parse, labels, boxes)
    return markers, regions
