"""Markers: arrows, arrowheads, asterisks, stars and drawn outlines on figure panels, and
the regions they designate paired with the caption phrase that defines them.

    from panel2patch.markers import find_markers, link_markers, parse_markers
    markers = find_markers(image, [panel.bbox for panel in layout.panels])
    regions = link_markers(markers, parse_caption(caption), layout.labels)
    markers, regions = parse_markers(image, layout, caption)   # both steps

Classical image analysis on a CPU, no model download; plots, diagrams and tables are
recognised (``panel_is_image_like``) and not searched, except for a marker the caption names
precisely ("the red box indicates...", ``find_named_markers``).
"""

from panel2patch.markers.api import parse_markers
from panel2patch.markers.config import MarkerConfig
from panel2patch.markers.detect import find_markers
from panel2patch.markers.guided import find_named_markers
from panel2patch.markers.linking import link_markers
from panel2patch.markers.panel_kind import panel_is_image_like
from panel2patch.markers.records import Marker, Region
from panel2patch.markers.regions import region_box
from panel2patch.markers.vocabulary import COLOR_NAMES, MARKER_TYPES

__all__ = [
    "COLOR_NAMES",
    "MARKER_TYPES",
    "Marker",
    "MarkerConfig",
    "Region",
    "find_markers",
    "find_named_markers",
    "link_markers",
    "panel_is_image_like",
    "parse_markers",
    "region_box",
]
