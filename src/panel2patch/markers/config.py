"""Settings of the classical marker detector. Sizes are fractions of the panel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MarkerConfig:
    # Panels are analysed on a copy whose longer side is at most this many pixels (markers
    # are drawn at figure scale, so a 5000 px panel loses nothing at this size).
    work_max_side: int = 800
    # Panels smaller than this (either side, original pixels) are not searched.
    min_panel_side: int = 24
    # A panel is searched when its image-likeness score (share of the panel covered by
    # photographic content, see ``panel_kind``) reaches this.
    image_like_threshold: float = 0.18
    # Glyph markers (arrows, arrowheads, symbols): longer side between these fractions of
    # the panel's shorter side, and at least ``min_glyph_px`` work pixels.
    min_glyph_fraction: float = 0.012
    max_glyph_fraction: float = 0.4
    min_glyph_px: int = 7
    # Outline markers (boxes, circles): shorter side at least this fraction of the panel's
    # shorter side, longer side at most ``max_outline_fraction`` of the image area side.
    min_outline_fraction: float = 0.04
    max_outline_fraction: float = 0.92
    # Rings of a saturated colour (a circle round a diffraction spot) may be smaller: down
    # to this fraction of the shorter side, and ``min_ring_px`` work pixels (a stroke, a
    # hole and a stroke, each a pixel or two).
    min_ring_fraction: float = 0.025
    min_ring_px: int = 5
    # Markers scoring below this are dropped.
    min_score: float = 0.62
    # At most this many markers per panel (best scores kept): more is clutter, not markers.
    max_markers_per_panel: int = 40
