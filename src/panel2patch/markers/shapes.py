"""Classify one connected blob of overlay colour as a marker glyph, or as nothing.

Each test reads the blob's binary mask (a small crop) and returns a ``GlyphFit`` with the
type, a fit score in 0..1, and for pointers the tip and direction, in crop coordinates:

* arrowhead: a filled (or outlined) triangle; the tip is its sharpest corner;
* arrow: a shaft of steady width ending in a head that is at least twice as wide and
  tapers to a point (filled block arrows and line arrows with an open "V" head alike);
* asterisk / star: k = 5..8 evenly spaced spokes around a solid hub (polar profile of the
  outline); a star's spokes are broad triangles, an asterisk's thin strokes.

Letters, scale bars, ticks and content blobs fail these tests on geometry alone; text
lines are removed later by their neighbours (``detect``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from panel2patch.markers.vocabulary import ARROW, ARROWHEAD, ASTERISK, STAR


@dataclass(frozen=True)
class GlyphFit:
    type: str
    score: float
    tip: tuple[float, float] | None = None  # crop coordinates (x, y)
    direction: tuple[float, float] | None = None  # unit vector towards the tip
    style: str = "filled"


@dataclass
class Blob:
    """A blob's mask crop and the measures every test needs."""

    mask: np.ndarray  # uint8 0/1, padded by one pixel
    outer: np.ndarray  # outer contour (N, 1, 2)
    area: float  # pixels of the blob
    filled_area: float  # area inside the outer contour (holes filled)
    hole_area: float
    hull_area: float
    filled: np.ndarray  # uint8 0/1 like ``mask``: inside the outer contour, holes filled

    @property
    def hole(self) -> np.ndarray:
        """bool like ``mask``: the holes (inside the outer contour, not the blob)."""
        return (self.filled > 0) & (self.mask == 0)

    @property
    def solidity(self) -> float:
        return self.filled_area / self.hull_area if self.hull_area > 0 else 0.0

    @property
    def hole_ratio(self) -> float:
        return self.hole_area / self.filled_area if self.filled_area > 0 else 0.0


def make_blob(mask: np.ndarray) -> Blob | None:
    """Measure a 0/1 mask crop; None when it has no usable outline."""
    padded = np.pad(mask.astype(np.uint8), 1)
    contours, hierarchy = cv2.findContours(padded, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if not contours or hierarchy is None:
        return None
    outer_ids = [i for i, h in enumerate(hierarchy[0]) if h[3] < 0]
    outer_id = max(outer_ids, key=lambda i: cv2.contourArea(contours[i]))
    outer = contours[outer_id]
    filled = np.zeros_like(padded)
    cv2.drawContours(filled, [outer], -1, 1, thickness=-1)
    filled_area = float(filled.sum())
    area = float(padded.sum())
    hull_mask = np.zeros_like(padded)
    cv2.fillConvexPoly(hull_mask, cv2.convexHull(outer), 1)
    hull_area = max(float(hull_mask.sum()), 1.0)
    return Blob(padded, outer, area, filled_area, max(0.0, filled_area - area), hull_area, filled)


# --- arrowheads -------------------------------------------------------------------------


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def _triangle_angles(tri: np.ndarray) -> list[float]:
    angles = []
    for i in range(3):
        a, b, c = tri[i], tri[(i + 1) % 3], tri[(i + 2) % 3]
        v1, v2 = b - a, c - a
        cos = float(np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2) + 1e-9))
        angles.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return angles


# Sharpest corner of an arrowhead, degrees. Drawn arrowheads open 30-90 degrees at the tip;
# slivers sharper than this are picture (the dark wedge between a neurite and a gutter, a
# half-disc cut by a line, a density-plot lobe). 18 let in 6 such on the real hand-marked
# figures and found no drawn arrowhead more.
MIN_CORNER = 28.0


def fit_arrowhead(blob: Blob, max_corner: float = 125.0, fill_floor: float | None = None) -> GlyphFit | None:
    """A triangle: filled, or outlined with a triangular hole ("open arrowhead"), whose
    widest corner is at most ``max_corner`` degrees."""
    if blob.filled_area < 20 or min(blob.mask.shape) < 7:
        return None
    hole_ratio = blob.hole_ratio
    open_style = 0.12 <= hole_ratio <= 0.8
    if hole_ratio > 0.06 and not open_style:
        return None
    if blob.solidity < 0.8:
        return None
    _, tri = cv2.minEnclosingTriangle(blob.outer.astype(np.float32))
    if tri is None:
        return None
    tri = tri.reshape(3, 2).astype(np.float64)
    tri_area = abs(_cross(tri[1] - tri[0], tri[2] - tri[0])) / 2.0
    if tri_area <= 0:
        return None
    # Pixel area of the blob against the triangle around its pixel outline: half a pixel
    # of outline is lost on each side, so compare with the triangle shrunk by that much.
    perimeter = float(sum(np.linalg.norm(tri[i] - tri[(i + 1) % 3]) for i in range(3)))
    fill = (float(cv2.contourArea(blob.outer)) + 0.5 * cv2.arcLength(blob.outer, True)) / (tri_area + 0.5 * perimeter)
    # Small glyphs lose their anti-aliased corners to the colour mask, so they fill their
    # triangle less; a disc fills 0.60 and a square 0.5 at any size.
    if fill_floor is None:
        fill_floor = 0.8 if max(blob.mask.shape) >= 26 else 0.73
    if fill < fill_floor:
        return None
    hull = cv2.convexHull(blob.outer)
    corners = cv2.approxPolyDP(hull, 0.07 * cv2.arcLength(hull, True), True)
    if len(corners) > 4:
        return None
    # Straight sides: the outline keeps close to the triangle's edges (a wedge of tissue
    # bulges or sags); judged away from the corners, which the mask rounds off.
    if _side_deviation(blob.outer.reshape(-1, 2).astype(np.float64), tri) > 0.09:
        return None
    angles = _triangle_angles(tri)
    if min(angles) < MIN_CORNER or max(angles) > max_corner:
        return None
    order = sorted(range(3), key=lambda i: angles[i])
    apex = order[0]
    tip = tri[apex]
    base_mid = (tri[(apex + 1) % 3] + tri[(apex + 2) % 3]) / 2.0
    direction = tip - base_mid
    norm = float(np.linalg.norm(direction))
    if norm < 1e-6:
        return None
    direction /= norm
    # The drawn apex is blunter than the enclosing triangle's: pull the tip to the blob.
    tip = _extreme_point(blob, direction, fallback=tip)
    distinct = angles[order[1]] - angles[apex]
    score = min(1.0, (fill - fill_floor) / 0.13) * 0.5 + min(1.0, (blob.solidity - 0.8) / 0.12) * 0.3
    score += 0.2 * min(1.0, distinct / 10.0)
    return GlyphFit(ARROWHEAD, round(min(1.0, 0.35 + score * 0.65), 3), (float(tip[0]), float(tip[1])),
                    (float(direction[0]), float(direction[1])), "open" if open_style else "filled")


def _side_deviation(points: np.ndarray, tri: np.ndarray) -> float:
    """90th percentile distance of outline points to the nearest triangle side, relative
    to the triangle's longest side (pixel stair-steps allowed)."""
    dists = []
    for i in range(3):
        a, b = tri[i], tri[(i + 1) % 3]
        ab = b - a
        length = float(np.hypot(ab[0], ab[1]))
        if length <= 0:
            continue
        t = np.clip(((points - a) @ ab) / (length * length), 0, 1)
        proj = a + t[:, None] * ab
        dists.append(np.hypot(*(points - proj).T))
    if not dists:
        return 1.0
    nearest = np.min(np.stack(dists), axis=0)
    longest = max(float(np.hypot(*(tri[i] - tri[(i + 1) % 3]))) for i in range(3))
    return max(0.0, float(np.percentile(nearest, 90)) - 1.0) / max(longest, 1.0)


def _extreme_point(blob: Blob, direction: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(blob.mask)
    if xs.size == 0:
        return fallback
    proj = xs * direction[0] + ys * direction[1]
    top = proj >= proj.max() - 1.0
    return np.array([xs[top].mean() + 0.5, ys[top].mean() + 0.5])


# --- arrows -----------------------------------------------------------------------------



# How far (in head widths) an arrow's width may take to rise from the shaft's to the head's,
# and from where. On the 106 marker-free MedPix dev slices, 0.6 turns 12 false white arrows
# (ribs, vessels) into 5 (0.5: 4) and loses 11 of 472 drawn arrows on 900 fresh synthetic
# dev samples (0.5: 15; 0.7, measured from 1.6 shaft widths, left 9 false arrows).
_BACK_RISE_MAX = 0.6
_BACK_RISE_LEVEL = 0.15


def fit_arrow(blob: Blob) -> GlyphFit | None:
    """A straight shaft with a head that widens then tapers to the tip."""
    if blob.hole_ratio > 0.1 or blob.solidity > 0.9:
        return None
    (_, _), (rw, rh), _ = cv2.minAreaRect(blob.outer)
    if max(rw, rh) < 1.6 * max(1.0, min(rw, rh)) or max(rw, rh) < 10:
        return None
    ys, xs = np.nonzero(blob.mask)
    if xs.size < 15:
        return None
    pts = np.stack([xs, ys], axis=1).astype(np.float64) + 0.5
    centre = pts.mean(axis=0)
    cov = np.cov((pts - centre).T)
    if not np.all(np.isfinite(cov)):
        return None
    _values, vectors = np.linalg.eigh(cov)
    axis = vectors[:, 1]
    normal = vectors[:, 0]
    s = (pts - centre) @ axis
    t = (pts - centre) @ normal
    length = float(s.max() - s.min())
    if length < 10:
        return None
    bins = int(min(24, max(10, length / 1.5)))
    best: GlyphFit | None = None
    for sign in (1.0, -1.0):
        fit = _arrow_towards(sign * s, t, length, bins, sign * axis, pts)
        if fit is not None and (best is None or fit.score > best.score):
            best = fit
    return best


def _arrow_towards(s: np.ndarray, t: np.ndarray, length: float, bins: int,
                   axis: np.ndarray, pts: np.ndarray) -> GlyphFit | None:
    lo = float(s.min())
    idx = np.minimum(((s - lo) / length * bins).astype(int), bins - 1)
    filled = np.bincount(idx, minlength=bins).astype(np.float64)
    if not filled.all():
        return None  # a gap: not one stroke
    top = np.full(bins, -np.inf)
    bottom = np.full(bins, np.inf)
    np.maximum.at(top, idx, t)
    np.minimum.at(bottom, idx, t)
    ext = top - bottom + 1.0
    mid = (top + bottom) / 2.0
    peak = int(np.argmax(ext))
    wmax = float(ext[peak])
    if peak < bins * 0.5 or peak > bins - 3:
        return None
    shaft = ext[: int(bins * 0.45)]
    shaft_w = float(np.median(shaft))
    if wmax < 1.9 * shaft_w or length < 1.6 * wmax:
        return None
    if float(np.std(shaft)) > 0.45 * shaft_w + 1.0:
        return None
    shaft_mid = float(np.median(mid[: int(bins * 0.45)]))
    if abs(mid[peak] - shaft_mid) > 0.2 * wmax + 1.0:
        return None
    # Barbs on both sides of the shaft (a "1" or a flag has one), nearly balanced: a drawn
    # head is symmetric, two strokes meeting at an angle (the limbs of a pose skeleton, a
    # leaf on its stalk) are lopsided. (0.3 let in twice the false arrows on the real
    # hand-marked figures; 0.4 loses drawn arrows whose heads JPEG blurred unevenly.)
    if min(top[peak] - shaft_mid, shaft_mid - bottom[peak]) < 0.35 * wmax:
        return None
    # The head tapers from the last of its widest bins: the barbs of a small head blurred by
    # JPEG span a few bins of nearly equal width, and the first of them would put half-way
    # to the tip on that plateau.
    base = peak
    while base + 1 < bins and ext[base + 1] >= 0.99 * wmax:
        base += 1
    head = ext[base:]
    if head[-1] > 0.5 * wmax:
        return None
    # The head's back is a step: a drawn head's barbs stand out from the shaft at once
    # (within 0.6 of the head's width), where a bright structure of the picture (a rib, a
    # contrast-filled vessel, a bone's cortex) widens gradually into a teardrop. Measured
    # from the last bin still within 15% of the way from the shaft's width to the head's.
    narrow = np.flatnonzero(ext[:peak] <= shaft_w + _BACK_RISE_LEVEL * (wmax - shaft_w))
    back = int(narrow[-1]) if narrow.size else 0
    if (peak - back) / bins * length > _BACK_RISE_MAX * wmax:
        return None
    # Gradual taper: half-way from the widest bin to the tip the head is still wide-ish,
    # but narrower than a round end (a disc is 0.87 of its width there: the knob of a
    # bone, a loop of a vessel, a ball-and-stick atom).
    half = ext[base + (len(head) - 1) // 2]
    if len(head) >= 3 and not (0.25 * wmax <= half <= 0.85 * wmax):
        return None
    if np.any(np.diff(head) > 0.25 * wmax):
        return None
    # The head's length should be comparable with its width (not a long thin wedge),
    # measured from its first widest bin (the plateau is part of the head).
    head_len = (bins - peak) / bins * length
    if not (0.35 * wmax <= head_len <= 2.2 * wmax):
        return None
    # Filled head (block arrow) or open "V" head (line arrow).
    head_fill = float(filled[peak:].sum()) / max(1.0, float((ext[peak:] * length / bins).sum()) * 0.5)
    style = "filled" if head_fill > 0.65 else "line"
    tip_sel = s >= s.max() - 1.0
    tip = pts[tip_sel].mean(axis=0)
    taper = 1.0 - head[-1] / wmax
    straight = 1.0 - min(1.0, float(np.std(shaft)) / (shaft_w + 1.0))
    ratio = min(1.0, (wmax / shaft_w - 1.9) / 1.5)
    score = 0.4 + 0.6 * (0.4 * taper + 0.3 * straight + 0.3 * ratio)
    return GlyphFit(ARROW, round(min(1.0, score), 3), (float(tip[0]), float(tip[1])),
                    (float(axis[0]), float(axis[1])), style)


# --- asterisks and stars ----------------------------------------------------------------


def fit_symbol(blob: Blob) -> GlyphFit | None:
    """k = 5..8 evenly spaced notches around a solid hub: an asterisk, or a five-point star.

    The notches are the convexity defects of the outline. A star's points are straight-sided
    triangles (the blob fills the polygon through its points and notches); an asterisk's
    arms are strokes or petals (thinner or fatter than that polygon).
    """
    h, w = blob.mask.shape
    if blob.filled_area < 25 or min(h, w) < 8:
        return None
    _x, _y, bw, bh = cv2.boundingRect(blob.outer)
    if not (0.6 <= bw / max(bh, 1) <= 1.65):
        return None
    open_style = blob.hole_ratio > 0.12
    if blob.hole_ratio > 0.05 and not open_style:
        return None
    if not (0.18 <= blob.solidity <= 0.85):
        return None
    outer = blob.outer
    moments = cv2.moments(outer)
    if moments["m00"] <= 0:
        return None
    cx, cy = moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]
    pts = outer.reshape(-1, 2).astype(np.float64)
    radius = float(np.hypot(pts[:, 0] - cx, pts[:, 1] - cy).max())
    if radius < 4:
        return None
    try:
        hull_idx = cv2.convexHull(outer, returnPoints=False)
        defects = cv2.convexityDefects(outer, hull_idx)
    except cv2.error:
        return None
    if defects is None:
        return None
    deep = [d for d in defects.reshape(-1, 4) if d[3] / 256.0 >= max(1.0, 0.12 * radius)]
    if len(deep) < 5:
        return None
    tips = _arm_tips(pts, deep, cx, cy, radius)
    k = len(tips)
    if not 5 <= k <= 8:
        return None
    angles = np.sort(np.array([a for a, _ in tips]))
    gaps = np.diff(np.concatenate([angles, angles[:1] + 2 * math.pi]))
    if gaps.min() <= 0 or gaps.max() > 1.8 * gaps.min():
        return None
    valleys = np.array([pts[d[2]] for d in deep])
    valley_r = float(np.mean(np.hypot(valleys[:, 0] - cx, valleys[:, 1] - cy))) / radius
    if valley_r > 0.7:
        return None
    # The hub must be solid: the centroid lies on the glyph (an open star's hole excepted).
    if not open_style and blob.mask[min(h - 1, int(cy)), min(w - 1, int(cx))] == 0:
        return None
    is_star = False
    if k == 5 and valley_r >= 0.28:
        polygon = _star_polygon(pts, deep, cx, cy)
        ratio = blob.filled_area / max(1.0, float(cv2.contourArea(polygon.astype(np.float32))) + 0.5 * cv2.arcLength(polygon.astype(np.float32), True))
        is_star = 0.82 <= ratio <= 1.12
    regular = 1.0 - min(1.0, (gaps.max() / gaps.min() - 1.0) / 1.0)
    score = 0.5 + 0.5 * (0.6 * regular + 0.4 * min(1.0, (0.7 - valley_r) / 0.35))
    return GlyphFit(STAR if is_star else ASTERISK, round(min(1.0, score), 3), None, None,
                    "open" if open_style else "filled")


def _arm_tips(pts: np.ndarray, deep, cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    """(angle, radius) of each arm: the outline point farthest out between two notches;
    arms closer than 22 degrees are one arm (pixel steps along a thin diagonal spoke)."""
    order = sorted(int(d[2]) for d in deep)
    n = len(pts)
    dist = np.hypot(pts[:, 0] - cx, pts[:, 1] - cy)
    tips: list[tuple[float, float]] = []
    for i, start in enumerate(order):
        end = order[(i + 1) % len(order)]
        span = np.arange(start, end) if end > start else np.concatenate([np.arange(start, n), np.arange(0, end)])
        if span.size == 0:
            continue
        far = int(span[np.argmax(dist[span])])
        if dist[far] >= 0.6 * radius:
            tips.append((math.atan2(pts[far, 1] - cy, pts[far, 0] - cx), float(dist[far])))
    tips.sort()
    merged: list[tuple[float, float]] = []
    for angle, r in tips:
        if merged and angle - merged[-1][0] < math.radians(22):
            if r > merged[-1][1]:
                merged[-1] = (angle, r)
            continue
        merged.append((angle, r))
    if len(merged) > 1 and merged[0][0] + 2 * math.pi - merged[-1][0] < math.radians(22):
        first, last = merged[0], merged.pop()
        merged[0] = first if first[1] >= last[1] else (last[0] - 2 * math.pi, last[1])
    return merged


def _star_polygon(pts: np.ndarray, deep, cx: float, cy: float) -> np.ndarray:
    """Polygon through the notches and, between each pair, the outline point farthest out."""
    order = sorted(int(d[2]) for d in deep)
    poly = []
    n = len(pts)
    for i, start in enumerate(order):
        end = order[(i + 1) % len(order)]
        span = list(range(start, end)) if end > start else list(range(start, n)) + list(range(end))
        far = max(span, key=lambda j: (pts[j, 0] - cx) ** 2 + (pts[j, 1] - cy) ** 2) if span else start
        poly += [pts[start], pts[far]]
    return np.array(poly)
