"""What the marker stage returns: markers found on panels and the regions they mark."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# (x0, y0, x1, y1) in figure pixels, x1 / y1 exclusive (as ``panel2patch.layout.Box``).
Box = tuple[int, int, int, int]
Point = tuple[int, int]


@dataclass(frozen=True)
class Marker:
    """One visual marker drawn on a panel.

    ``type`` is one of ``vocabulary.MARKER_TYPES``; ``color`` one of
    ``vocabulary.COLOR_NAMES`` or None; ``tip`` the point an arrow or arrowhead points at
    (None for symbols and outlines); ``panel`` the index of the panel it lies in;
    ``score`` the detector's confidence in 0..1. The fields after ``score`` stay out of the
    JSON: ``direction`` is the unit vector from tail to tip, ``style`` how the glyph is
    drawn ("filled", "open", "line", "dashed", "corners": a box drawn as its corners),
    ``interior`` the enclosed area of an outline,
    ``panel_bbox`` the box of its panel (to size and clip its region).
    """

    type: str
    bbox: Box
    tip: Point | None
    color: str | None
    panel: int
    score: float
    direction: tuple[float, float] | None = None
    style: str = "filled"
    interior: Box | None = None
    panel_bbox: Box | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "bbox": [int(v) for v in self.bbox],
            "tip": [int(v) for v in self.tip] if self.tip is not None else None,
            "color": self.color,
            "panel": int(self.panel),
            "score": round(float(self.score), 3),
        }


@dataclass(frozen=True)
class Region:
    """The area a marker designates, with the caption text that says what it shows.

    ``marker`` indexes the marker list the region was made from, ``panel`` the panel.
    ``text`` is the caption phrase ("apoptotic nuclei") or None when no phrase matched;
    ``texts`` holds [phrase, clause] (the clause gives context: "White arrowheads indicate
    apoptotic nuclei"). ``links_to_panel`` is the panel that shows this region magnified
    ("the boxed area is magnified in C"), when the caption says so.
    """

    bbox: Box
    panel: int
    marker: int
    text: str | None = None
    texts: list[str] = field(default_factory=list)
    links_to_panel: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "bbox": [int(v) for v in self.bbox],
            "panel": int(self.panel),
            "marker": int(self.marker),
            "text": self.text,
            "texts": list(self.texts),
        }
        if self.links_to_panel is not None:
            out["links_to_panel"] = int(self.links_to_panel)
        return out
