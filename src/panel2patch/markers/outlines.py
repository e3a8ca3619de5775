"""Drawn outlines: rectangles, circles / ellipses, and dashed versions of both.

A solid outline is one blob of overlay colour enclosing a large hole whose outer contour
fills its minimum-area rectangle (a box) or its fitted ellipse (a circle), with a stroke
thin against its size. Dashed outlines are many short dashes of one colour: they are
bridged by a dilation as long as a gap, tested as a solid outline, then checked to be
made of several separate dashes covering only part of the perimeter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from panel2patch.markers.shapes import Blob
from panel2patch.markers.vocabulary import BOX, CIRCLE, DASHED_BOX


@dataclass(frozen=True)
class OutlineFit:
    type: str
    score: float
    interior: tuple[int, int, int, int]  # crop coordinates, x1/y1 exclusive
    stroke: float
    style: str = "line"


def fit_outline(blob: Blob, dashed: bool = False) -> OutlineFit | None:
    """A thin closed rectangle or ellipse around a hole (crop coordinates of ``blob``)."""
    if blob.filled_area < 60:
        return None
    if blob.hole_ratio < (0.35 if dashed else 0.45):
        return None
    outer = blob.outer
    perimeter = cv2.arcLength(outer, True)
    if perimeter <= 0:
        return None
    stroke = (blob.filled_area - blob.hole_area) / perimeter
    (_rcx, _rcy), (rw, rh), angle = cv2.minAreaRect(outer)
    short = min(rw, rh)
    if short < 6 or stroke > 0.2 * short:
        return None
    rect_fill = blob.filled_area / max(rw * rh, 1.0)
    tilt = min(abs(angle) % 90, 90 - abs(angle) % 90)
    hole = _hole_box(blob)
    if hole is None:
        return None
    box_score = circle_score = 0.0
    if rect_fill >= 0.9 and tilt <= 12:
        box_score = 0.5 + 0.5 * min(1.0, (rect_fill - 0.9) / 0.08) * (1.0 - tilt / 24)
    if len(outer) >= 5:
        # The contour runs through the outermost pixels' centres: the ellipse and rectangle
        # fitted to it are a pixel narrower than the blob whose pixels ``filled_area``
        # counts. Measured with that pixel back, a 14-20 px ring fills its ellipse (not by
        # 1.1) and not its rectangle like a box. (The box test keeps the plain measure: a
        # small square's corners, rounded by JPEG, would fill the wider rectangle like a ring.)
        (_ecx, _ecy), (ea, eb), _ = cv2.fitEllipse(outer)
        ellipse_area = math.pi * (ea + 1) * (eb + 1) / 4.0
        ratio = blob.filled_area / max(ellipse_area, 1.0)
        ring_fill = blob.filled_area / max((rw + 1) * (rh + 1), 1.0)
        if 0.9 <= ratio <= 1.08 and 0.7 <= ring_fill <= 0.86:
            circle_score = 0.5 + 0.5 * (1.0 - min(1.0, abs(1.0 - ratio) / 0.1))
    if box_score == 0 and circle_score == 0:
        return None
    thin = 1.0 - min(1.0, stroke / (0.2 * short))
    if box_score >= circle_score:
        kind, shape_score = (DASHED_BOX if dashed else BOX), box_score
    else:
        kind, shape_score = CIRCLE, circle_score
    score = 0.5 * shape_score + 0.25 + 0.25 * thin
    return OutlineFit(kind, round(min(1.0, score), 3), hole, float(stroke), "dashed" if dashed else "line")


def _hole_box(blob: Blob) -> tuple[int, int, int, int] | None:
    ys, xs = np.nonzero(blob.hole)
    if xs.size == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def dash_support(dash_mask: np.ndarray, ring: np.ndarray) -> tuple[int, float]:
    """(separate dashes touching the ring, share of the ring's turn they cover).

    Cover is angular, seen from the ring's centre (360 one-degree sectors), so it measures
    the length of the outline under ink, not the area of the bridged ring: a thin solid line
    that JPEG broke at a few points covers nearly all sectors however wide the bridge."""
    on_ring = (dash_mask > 0) & (ring > 0)
    count, _ = cv2.connectedComponents(on_ring.astype(np.uint8), connectivity=8)
    return count - 1, _angular_cover(on_ring, ring > 0)


def _angular_cover(ink: np.ndarray, ring: np.ndarray, sectors: int = 360) -> float:
    ys, xs = np.nonzero(ring)
    if xs.size == 0:
        return 0.0
    cy, cx = (ring.shape[0] - 1) / 2.0, (ring.shape[1] - 1) / 2.0

    def sectors_of(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        angle = np.arctan2(rows - cy, cols - cx)
        return np.minimum(((angle + np.pi) / (2 * np.pi) * sectors).astype(int), sectors - 1)

    possible = np.bincount(sectors_of(ys, xs), minlength=sectors) > 0
    iy, ix = np.nonzero(ink)
    inked = np.bincount(sectors_of(iy, ix), minlength=sectors) > 0 if ix.size else np.zeros(sectors, bool)
    return float((inked & possible).sum()) / max(1, int(possible.sum()))


def dashes_on_rectangle(centers: np.ndarray, sizes: np.ndarray, min_side: float) -> tuple[tuple, float, float] | None:
    """Sparse dashes drawn along a rectangle of any rotation: ``(minAreaRect, score, residual)``
    or None; ``residual``: the dashes' mean distance from the rectangle over its shorter side.

    ``centers``: the dashes' centre points, ``sizes``: their lengths. The dashes must lie on the
    perimeter of their own minimum-area rectangle (within a stroke-relative tolerance), populate
    all four sides, and the rectangle must not be much thicker than a few dashes (a cloud of dots
    is not a box). Gaps between dashes may be wider than the dashes themselves, which is where a
    bridging dilation fails."""
    n = len(centers)
    if n < 8:
        return None
    rect = cv2.minAreaRect(centers.astype(np.float32))
    (_cx, _cy), (rw, rh), _angle = rect
    if min(rw, rh) < min_side:
        return None
    corners = cv2.boxPoints(rect)
    tolerance = max(2.0, 0.8 * float(np.median(sizes)), 0.04 * min(rw, rh))
    distances = np.stack([_segment_distance(centers, corners[i], corners[(i + 1) % 4]) for i in range(4)], axis=1)
    nearest = distances.min(axis=1)
    on_edge = nearest <= tolerance
    if on_edge.mean() < 0.85:
        return None
    sides = np.bincount(distances[on_edge].argmin(axis=1), minlength=4)
    if sides.min() < 2:
        return None
    # the dashes of each side spread along it (a box, not two clumps in its corners)
    score = 0.55 + 0.25 * float(on_edge.mean() - 0.85) / 0.15 + 0.2 * min(1.0, sides.min() / 4)
    return rect, round(min(1.0, score), 3), float(nearest.mean()) / max(1.0, min(rw, rh))


def dashes_on_ellipse(centers: np.ndarray, sizes: np.ndarray, axes: np.ndarray, elongated: np.ndarray,
                      min_side: float) -> tuple[tuple, float, float] | None:
    """Sparse dashes drawn along an ellipse (a dashed circle): ``(fitEllipse box, score, residual)``
    or None; ``residual`` as for ``dashes_on_rectangle``, so the two fits can be compared.

    ``axes``: each dash's unit direction, ``elongated``: which dashes are long enough for one
    to mean something. The dashes must lie on their fitted ellipse (a radial tolerance relative
    to stroke and size), go most of the way round it without a wide gap (not an arc of texture),
    and the elongated ones run along it, tangent to the ellipse: lattice fringes, hairs and
    fibres that happen to line up on a ring are parallel to each other instead. Dashes too
    short to have a direction (dots) must instead all lie on the ellipse, evenly spaced."""
    n = len(centers)
    if n < 8:
        return None
    ellipse = cv2.fitEllipse(centers.astype(np.float32))
    (cx, cy), (ea, eb), angle = ellipse
    if not (np.isfinite([cx, cy, ea, eb]).all()) or min(ea, eb) < min_side or max(ea, eb) > 2.5 * min(ea, eb):
        return None
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    dx, dy = centers[:, 0] - cx, centers[:, 1] - cy
    u, v = dx * cos + dy * sin, -dx * sin + dy * cos  # ellipse frame: u along the first axis
    a, b = ea / 2.0, eb / 2.0
    r = np.hypot(u / a, v / b)
    tolerance = max(2.0, 0.8 * float(np.median(sizes)), 0.06 * min(a, b))
    on_ring = np.abs(r - 1.0) * min(a, b) <= tolerance
    if on_ring.mean() < 0.85:
        return None
    angles = np.arctan2(v[on_ring] / b, u[on_ring] / a)
    order = np.argsort(angles)
    phase = angles[order]
    gaps = np.diff(np.concatenate([phase, phase[:1] + 2 * math.pi]))
    if gaps.max() > math.radians(70):
        return None
    # tangent of the ellipse at each dash, in image coordinates
    t = np.arctan2(v / b, u / a)
    tu, tv = -a * np.sin(t), b * np.cos(t)
    tx, ty = tu * cos - tv * sin, tu * sin + tv * cos
    norm = np.maximum(np.hypot(tx, ty), 1e-9)
    along = np.abs(axes[:, 0] * tx / norm + axes[:, 1] * ty / norm)  # |cos| of the dash-tangent angle
    long_ones = elongated & on_ring
    if long_ones.sum() >= max(4, 0.5 * on_ring.sum()):
        tangent = float((along[long_ones] >= math.cos(math.radians(30))).mean())
        if tangent < 0.75:
            return None
        evenness = (tangent - 0.75) / 0.25
    else:
        # Short dashes (dots) carry no direction: they must instead lie right on the ellipse and
        # be evenly spaced along it, as only a drawn dash pattern is.
        spacing = _even_spacing(centers[on_ring][order])
        if n < 10 or on_ring.mean() < 0.95 or spacing > _DOT_SPACING_CV:
            return None
        evenness = 1.0 - spacing / _DOT_SPACING_CV
    score = 0.55 + 0.25 * float(on_ring.mean() - 0.85) / 0.15 + 0.2 * evenness
    residual = float(np.mean(np.abs(r - 1.0))) * min(a, b) / max(1.0, min(ea, eb))
    return ellipse, round(min(1.0, score), 3), residual


# Spread (std / mean) of the distances between neighbouring dots of a dotted ellipse at most.
_DOT_SPACING_CV = 0.2


def _even_spacing(points: np.ndarray) -> float:
    """Std / mean of the distances between neighbouring ``points`` (in order round a closed curve)."""
    steps = np.hypot(*np.diff(np.vstack([points, points[:1]]), axis=0).T)
    return float(np.std(steps)) / max(1e-9, float(np.mean(steps)))


def _segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(((points - a) @ ab) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    return np.linalg.norm(points - (a + t[:, None] * ab), axis=1)


# Small rings (``fit_small_ring``): most this much longer one way than the other, filling
# their bounding ellipse between these shares, a stroke at most this share of the width.
_SMALL_RING_ASPECT = 1.35
_SMALL_RING_FILL = (0.78, 1.15)
_SMALL_RING_STROKE = 0.3
# A small blob filling this share of its bounding box is a square (a disc fills 0.785).
_SMALL_BOX_FILL = 0.92
# ... and at most this many pixels (or 0.15 of the width): a small ring is drawn with a one-
# or two-pixel line; a shaded bead whose highlight makes a hole is a ring three or more thick.
_SMALL_RING_LINE = 2.0


# The outline of a small ring keeps within this many pixels of its fitted ellipse (the
# pixel grid's own steps); the flat side and corners of a "D", the tail of an "a" or "α"
# stray further.
_SMALL_RING_DEVIATION = 1.0


def _ellipse_deviation(outer: np.ndarray) -> float:
    """Largest distance (px, along the radius) of the contour from the ellipse fitted to it."""
    (cx, cy), (ea, eb), angle = cv2.fitEllipse(outer)
    if min(ea, eb) <= 0:
        return float("inf")
    theta = math.radians(angle)
    pts = outer.reshape(-1, 2).astype(np.float64)
    dx, dy = pts[:, 0] - cx, pts[:, 1] - cy
    u, v = dx * math.cos(theta) + dy * math.sin(theta), -dx * math.sin(theta) + dy * math.cos(theta)
    r = np.hypot(u / (ea / 2.0), v / (eb / 2.0))
    return float(np.abs(r - 1.0).max()) * min(ea, eb) / 2.0


def fit_small_ring(blob: Blob) -> OutlineFit | None:
    """A ring or a square too small for ``fit_outline``'s contour fits (5 to ~16 px): a circle
    round a spot of a diffraction pattern, a square marking a site, a pixel or two of stroke
    round a hole of a few more.

    Judged on pixels, not contours: the filled blob is round (fills its bounding ellipse) or
    square (fills its bounding box), its hole sits at its centre, ink surrounds the hole on
    all eight sides, and the stroke is thin for the width (a shaded bead with a highlight is
    a thick ring, its highlight off-centre); a ring's outline keeps to its ellipse within a
    pixel. (Letters "o", "O" and "0" pass all of this: lettering is told by its line,
    ``_lined_up``.)"""
    if blob.hole_area < 1:
        return None
    ys, xs = np.nonzero(blob.filled)
    w, h = int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)
    if max(w, h) > _SMALL_RING_ASPECT * min(w, h):
        return None
    square = blob.filled_area / (w * h) >= _SMALL_BOX_FILL
    roundness = blob.filled_area / (math.pi / 4.0 * w * h)
    if not square and not (_SMALL_RING_FILL[0] <= roundness <= _SMALL_RING_FILL[1]):
        return None
    cx, cy = xs.mean(), ys.mean()
    hy, hx = np.nonzero(blob.hole)
    if math.hypot(hx.mean() - cx, hy.mean() - cy) > 0.15 * min(w, h):
        return None
    iy, ix = np.nonzero(blob.mask)
    sectors = ((np.arctan2(iy - cy, ix - cx) + math.pi) / (2 * math.pi) * 8).astype(int) % 8
    if np.bincount(sectors, minlength=8).min() == 0:
        return None
    stroke = blob.area / ((2.0 if square else math.pi / 2.0) * (w + h))
    if stroke > small_ring_stroke_limit(min(w, h)):
        return None
    if not square and (len(blob.outer) < 5 or _ellipse_deviation(blob.outer) > _SMALL_RING_DEVIATION):
        return None
    if square:
        shape = min(1.0, (blob.filled_area / (w * h) - _SMALL_BOX_FILL) / 0.06)
    else:
        shape = 1.0 - min(1.0, abs(1.0 - roundness) / 0.25)
    score = small_ring_score(shape, stroke, min(w, h))
    x0, y0 = int(hx.min()), int(hy.min())
    return OutlineFit(BOX if square else CIRCLE, round(min(1.0, score), 3),
                      (x0, y0, int(hx.max()) + 1, int(hy.max()) + 1), float(stroke))


def small_ring_stroke_limit(width: float, share: float = _SMALL_RING_STROKE) -> float:
    """The thickest stroke of a small ring ``width`` across: ``share`` of its width, and a
    line of at most ``_SMALL_RING_LINE`` pixels (or 0.15 of the width)."""
    return min(share * width, max(_SMALL_RING_LINE, 0.15 * width))


def small_ring_score(shape: float, stroke: float, width: float) -> float:
    """A small ring's score from its shape's fit (0..1) and how thin its stroke is."""
    thin = 1.0 - stroke / (_SMALL_RING_STROKE * width)
    return 0.5 + 0.3 * shape + 0.2 * thin


def touching_rings(blob: Blob) -> bool:
    """The blob is two or more rings that touch (``split_touching_rings``)."""
    return split_touching_rings(blob) is not None


def split_touching_rings(blob: Blob) -> tuple[list[tuple[int, int, int, int]], float] | None:
    """The rings of a blob of two or more rings that touch: (each ring's box in the blob's mask
    coordinates, the stroke), or None.

    The blob has two or more holes (specks where rings meet aside), each round (it fills
    its bounding ellipse, aspect within ``_SMALL_RING_ASPECT``) and of one size (areas
    within 2x), together at least a quarter of the filled blob: thin rings, not beads whose
    highlights make holes (a tenth). The stroke solves blob area = sum of pi s (d + s) over
    the holes' diameters d; each ring is its hole's box grown by it."""
    contours, hierarchy = cv2.findContours(blob.mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return None
    holes = [c for c, link in zip(contours, hierarchy[0]) if link[3] >= 0]
    if len(holes) < 2:
        return None
    sizes = [cv2.contourArea(c) + 0.5 * cv2.arcLength(c, True) for c in holes]  # pixels, not centres
    # the gap where two rings meet is a speck of a hole: not counted
    holes = [(c, a) for c, a in zip(holes, sizes) if a >= 0.15 * max(sizes)]
    if len(holes) < 2:
        return None
    boxes = []
    for hole, area in holes:
        x, y, w, h = cv2.boundingRect(hole)
        if min(w, h) < 2 or max(w, h) > _SMALL_RING_ASPECT * min(w, h):
            return None
        if not (0.7 <= area / (math.pi / 4.0 * w * h) <= 1.25):
            return None
        boxes.append((x, y, x + w, y + h))
    areas = [a for _c, a in holes]
    if max(areas) > 2.0 * min(areas) or sum(areas) < 0.25 * blob.filled_area:
        return None
    diameters = [(b[2] - b[0] + b[3] - b[1]) / 2.0 for b in boxes]
    n, total = len(boxes), sum(diameters)
    stroke = (-total + math.sqrt(total * total + 4.0 * n * blob.area / math.pi)) / (2.0 * n)
    grow = round(stroke)
    return [(b[0] - grow, b[1] - grow, b[2] + grow, b[3] + grow) for b in boxes], stroke
