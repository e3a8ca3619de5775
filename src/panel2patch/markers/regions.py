"""The area each marker designates, in figure pixels, clipped to its panel.

* arrow / arrowhead: a square just beyond the tip, along the pointing direction, as big
  as the marker suggests (an arrow points at something about its own length across) and
  between 8% and 35% of the panel's shorter side;
* asterisk / star: a square centred on the symbol, a few symbol widths across;
* box / circle / dashed box: the enclosed interior.
"""

from __future__ import annotations

import math

from panel2patch.markers.records import Box, Marker
from panel2patch.markers.vocabulary import ARROW, ARROWHEAD, OUTLINE_TYPES, SYMBOL_TYPES

# Region side relative to the marker's longer side, and bounds relative to the panel.
_POINTER_FACTOR = {ARROW: 1.2, ARROWHEAD: 3.0}
_SYMBOL_FACTOR = 3.5
_MIN_FRACTION = 0.08
_MAX_FRACTION = 0.35


def region_box(marker: Marker, panel: Box) -> Box:
    """The region ``marker`` designates inside ``panel`` (x1 / y1 exclusive, never empty)."""
    x0, y0, x1, y1 = marker.bbox
    size = max(x1 - x0, y1 - y0, 1)
    short = max(1, min(panel[2] - panel[0], panel[3] - panel[1]))
    low, high = _MIN_FRACTION * short, max(_MIN_FRACTION * short, _MAX_FRACTION * short)
    if marker.type in OUTLINE_TYPES:
        return _clip(marker.interior or marker.bbox, panel)
    if marker.type in SYMBOL_TYPES or marker.tip is None:
        side = min(high, max(low, _SYMBOL_FACTOR * size))
        cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        return _clip(_square(cx, cy, side), panel)
    side = min(high, max(low, _POINTER_FACTOR.get(marker.type, 2.0) * size))
    dx, dy = marker.direction or _direction_from_box(marker)
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    # Centre a little past the tip so the square starts just behind it.
    cx = marker.tip[0] + dx * side * 0.4
    cy = marker.tip[1] + dy * side * 0.4
    return _clip(_square(cx, cy, side), panel)


def _direction_from_box(marker: Marker) -> tuple[float, float]:
    """Without a stored direction: from the box centre towards the tip."""
    x0, y0, x1, y1 = marker.bbox
    if marker.tip is None:
        return 0.0, 0.0
    return marker.tip[0] - (x0 + x1) / 2.0, marker.tip[1] - (y0 + y1) / 2.0


def _square(cx: float, cy: float, side: float) -> tuple[float, float, float, float]:
    half = side / 2.0
    return cx - half, cy - half, cx + half, cy + half


def _clip(box, panel: Box) -> Box:
    px0, py0, px1, py1 = panel
    x0 = round(min(max(box[0], px0), px1 - 1))
    y0 = round(min(max(box[1], py0), py1 - 1))
    x1 = round(max(min(box[2], px1), x0 + 1))
    y1 = round(max(min(box[3], py1), y0 + 1))
    return x0, y0, x1, y1
