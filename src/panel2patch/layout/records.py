"""What the layout stage returns: a figure's panels in original pixel coordinates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# (x0, y0, x1, y1) in original image pixels, x1 / y1 exclusive.
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Panel:
    """One panel of a figure.

    ``label`` is the printed panel label normalised to its bare form ("A", "b", "ii", "3"),
    or None when the panel has no readable label. ``score`` is the backend's confidence in
    the box (1.0 for a single-panel figure, lower for boxes it had to guess).
    """

    bbox: Box
    label: str | None = None
    label_bbox: Box | None = None
    score: float = 1.0

    @property
    def width(self) -> int:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> int:
        return self.bbox[3] - self.bbox[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "bbox": [int(v) for v in self.bbox],
            "label": self.label,
            "label_bbox": [int(v) for v in self.label_bbox] if self.label_bbox else None,
            "kind": None,  # filled when the dataset stage classifies panels
        }


@dataclass
class PanelLayout:
    """A figure split into panels.

    ``compound`` is True when more than one panel was found. ``reason`` says why the
    answer is degenerate (no panel, or one panel by fallback) and is None otherwise.
    ``label_style`` names the label sequence found ("upper", "lower", "roman", "digit"),
    ``backend`` the backend that produced the layout.
    """

    width: int
    height: int
    panels: list[Panel] = field(default_factory=list)
    compound: bool = False
    reason: str | None = None
    label_style: str | None = None
    backend: str = "classical"

    def to_dict(self) -> dict[str, Any]:
        return {
            "width": int(self.width),
            "height": int(self.height),
            "panels": [panel.to_dict() for panel in self.panels],
            "compound": self.compound,
            "reason": self.reason,
            "label_style": self.label_style,
            "backend": self.backend,
        }

    @property
    def labels(self) -> list[str | None]:
        return [panel.label for panel in self.panels]
