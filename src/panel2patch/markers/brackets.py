"""Corner-bracket zoom boxes: three or four L-shaped corners of one colour around an area.

Figures often mark a zoomed area with the corners of its box alone (the sides left open so
the structure stays visible). Each corner is a thin L, two arms at a right angle. The
direction of its edges (its mask's gradients) and the tightest rectangle near that
direction give the arms' frame at any rotation, and in it the corner point (the vertex)
and the arms' directions and lengths. (The plain minimum-area rectangle of a turned L is
often set along its diagonal instead.) Ls of alike stroke at one angle
whose vertices make a rectangle, each with its arms running along that rectangle's sides
towards its other corners, are a box: nothing else in a picture is that regular. Every size
is relative to the Ls themselves and to the panel's smallest outline."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from panel2patch.layout import geometry

# An L: each arm at least this many strokes long, the longer arm at most this many times
# the shorter, and at least this share of its pixels on the two arms (a filled right
# triangle covers both legs too, but fills the space between them).
_MIN_ARM_STROKES = 2.5
_MAX_ARM_RATIO = 4.0
_ON_ARMS = 0.85
# The two arms are inked along at least this share of their length, the far sides of the
# L's rectangle (away from the vertex) along at most this share.
_ARM_COVER = 0.8
_FAR_COVER = 0.5
# An L's edges agree on one direction (modulo 90 degrees) by at least this share of their
# gradient (a straight-stroked L: ~0.6-0.9; a round blob: ~0).
_EDGE_AGREEMENT = 0.4
# ... and the arms' direction is then looked for within this many degrees of the edges'.
_TURN_SEARCH = 8.0
# Corners of one box: arms at one angle within this many degrees, strokes and arm lengths
# alike within these ratios.
_ANGLE_TOLERANCE = 8.0
_STROKE_RATIO = 2.5
_ARM_LENGTH_RATIO = 3.0
# Each arm at least this share of its side, and the box's sides at least this many arm
# lengths (the corners of one box do not touch: touching ones make a solid side).
_MIN_ARM_SHARE = 0.08
_MIN_SIDE_ARMS = 1.2
# Corners looked at per colour at most (picture texture can yield many small Ls).
_MAX_CORNERS = 60


@dataclass(frozen=True)
class Corner:
    """One L: its vertex, its arms' unit directions (from the vertex) and lengths, its stroke."""

    vertex: np.ndarray
    arms: tuple[np.ndarray, np.ndarray]
    lengths: tuple[float, float]
    stroke: float

    @property
    def angle(self) -> float:
        """The arms' direction in degrees, modulo 90 (one number for all four corners)."""
        return math.degrees(math.atan2(self.arms[0][1], self.arms[0][0])) % 90.0


@dataclass(frozen=True)
class BracketBox:
    bbox: tuple[float, float, float, float]  # work pixels, axis-aligned around the vertices
    corners: int  # Ls found (3 or 4)
    stroke: float


def corner_of(points: np.ndarray) -> Corner | None:
    """The L whose pixels are ``points`` (N x 2, x and y), or None when they make no L."""
    if len(points) < 8:
        return None
    turn = _edge_direction(points)
    if turn is None:
        return None
    turn = _tightest_turn(points, turn)
    e1 = np.array([math.cos(turn), math.sin(turn)])
    e2 = np.array([-e1[1], e1[0]])
    centres = points.astype(np.float64) + 0.5
    u, v = centres @ e1, centres @ e2
    keep = _without_spurs(u) & _without_spurs(v)
    centres, u, v = centres[keep], u[keep], v[keep]
    u, v = u - u.min() + 0.5, v - v.min() + 0.5  # in the frame of the arms, from the L's corner
    n1, n2 = float(u.max()) + 0.5, float(v.max()) + 0.5
    stroke = len(centres) / (n1 + n2)  # an L of arms n1 and n2, this thick, has about this area
    if min(n1, n2) < _MIN_ARM_STROKES * stroke or max(n1, n2) > _MAX_ARM_RATIO * min(n1, n2):
        return None
    band = max(1.5, 1.3 * stroke)
    near = {"u0": u <= band, "u1": u >= n1 - band, "v0": v <= band, "v1": v >= n2 - band}
    cover = {
        "u0": _covered(v[near["u0"]], n2), "u1": _covered(v[near["u1"]], n2),
        "v0": _covered(u[near["v0"]], n1), "v1": _covered(u[near["v1"]], n1),
    }
    for at_u, at_v in ((0, 0), (1, 0), (1, 1), (0, 1)):
        side_u, side_v = f"u{at_u}", f"v{at_v}"
        far_u, far_v = f"u{1 - at_u}", f"v{1 - at_v}"
        if min(cover[side_u], cover[side_v]) < _ARM_COVER or max(cover[far_u], cover[far_v]) > _FAR_COVER:
            continue
        if float(np.mean(near[side_u] | near[side_v])) < _ON_ARMS:
            return None
        low = (centres @ e1).min() - 0.5, (centres @ e2).min() - 0.5
        corner_u, corner_v = low[0] + at_u * n1, low[1] + at_v * n2
        vertex = corner_u * e1 + corner_v * e2
        along_u = e1 if at_u == 0 else -e1  # from the vertex along the arm on the v side
        along_v = e2 if at_v == 0 else -e2
        return Corner(vertex, (along_u, along_v), (n1, n2), stroke)
    return None


def _without_spurs(position: np.ndarray) -> np.ndarray:
    """Pixels not in the thin fringe at either end of ``position``'s range: JPEG grows single
    pixels off a stroke, which would stretch the L's rectangle past its arms. A fringe
    one-pixel bin holds at most half the pixels of the median bin."""
    bins = np.floor(position - position.min()).astype(int)
    counts = np.bincount(bins)
    solid = np.flatnonzero(counts > 0.5 * np.median(counts[counts > 0]))
    return (bins >= solid[0]) & (bins <= solid[-1])


def _tightest_turn(points: np.ndarray, turn: float) -> float:
    """Near ``turn``, the direction whose frame holds the points in the smallest rectangle:
    the arms' own (gradients of thin strokes on the pixel grid lean towards the axes)."""
    turns = turn + np.radians(np.arange(-_TURN_SEARCH, _TURN_SEARCH + 0.01, 0.5))
    xy = points.astype(np.float64)
    u = xy @ np.stack([np.cos(turns), np.sin(turns)])
    v = xy @ np.stack([-np.sin(turns), np.cos(turns)])
    areas = (np.ptp(u, axis=0) + 1) * (np.ptp(v, axis=0) + 1)
    return float(turns[int(np.argmin(areas))])


def _edge_direction(points: np.ndarray) -> float | None:
    """The direction (radians, modulo 90 degrees) of the edges of a shape of straight strokes
    at right angles, from its mask's gradients (their angle taken four times over, so edges
    at 0 and 90 degrees agree); None when the edges do not agree (a round or ragged blob)."""
    x0, y0 = points.min(axis=0)
    w, h = points.max(axis=0) - (x0, y0) + 1
    mask = np.zeros((int(h) + 4, int(w) + 4), np.float32)
    mask[points[:, 1] - y0 + 2, points[:, 0] - x0 + 2] = 1.0
    gx = cv2.Sobel(mask, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(mask, cv2.CV_32F, 0, 1, ksize=3)
    weight = np.hypot(gx, gy)
    total = float(weight.sum())
    if total <= 0:
        return None
    quad = np.sum(weight * np.exp(4j * np.arctan2(gy, gx)))
    if abs(quad) < _EDGE_AGREEMENT * total:
        return None
    return float(np.angle(quad)) / 4.0


def _covered(positions: np.ndarray, length: float) -> float:
    """Share of the one-pixel bins along [0, length] that hold at least one of ``positions``."""
    bins = max(1, int(round(length)))
    if positions.size == 0:
        return 0.0
    index = np.clip((positions / length * bins).astype(int), 0, bins - 1)
    return float(np.unique(index).size) / bins


def corners_of(labels: np.ndarray, stats: np.ndarray, ok: np.ndarray) -> list[Corner]:
    """The Ls among the ``ok`` components of a labelled mask (``cv2`` stats), largest first."""
    picks = np.flatnonzero(ok)
    picks = picks[np.argsort(-stats[picks, cv2.CC_STAT_AREA], kind="stable")][:_MAX_CORNERS]
    out: list[Corner] = []
    for label in picks.tolist():
        x, y, w, h = (int(v) for v in stats[label, :4])
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == label)
        corner = corner_of(np.stack([xs + x, ys + y], axis=1))
        if corner is not None:
            out.append(corner)
    return out


def bracket_boxes(corners: list[Corner], min_side: float) -> list[BracketBox]:
    """Boxes of three or four ``corners``, four-cornered ones first, none overlapping another."""
    found: list[BracketBox] = []
    for i, a in enumerate(corners):
        for b in corners[i + 1:]:
            box = _box_on_diagonal(a, b, corners, min_side)
            if box is not None:
                found.append(box)
    kept: list[BracketBox] = []
    for box in sorted(found, key=lambda f: -f.corners):
        if not any(geometry.overlap_share(box.bbox, other.bbox) >= 0.4 for other in kept):
            kept.append(box)
    return kept


def _box_on_diagonal(a: Corner, b: Corner, corners: list[Corner], min_side: float) -> BracketBox | None:
    """The box with ``a`` and ``b`` at opposite corners, when a third (or fourth) L agrees."""
    if not _alike(a, b):
        return None
    diagonal = b.vertex - a.vertex
    sides = (float(diagonal @ a.arms[0]), float(diagonal @ a.arms[1]))
    if min(sides) < min_side or not _fits(a, sides):
        return None
    # b's arms run back along the same two sides
    if not (_parallel(b.arms[0], -a.arms[0]) and _parallel(b.arms[1], -a.arms[1])
            or _parallel(b.arms[0], -a.arms[1]) and _parallel(b.arms[1], -a.arms[0])):
        return None
    if not _fits(b, sides if _parallel(b.arms[0], -a.arms[0]) else sides[::-1]):
        return None
    count = 2
    for k, vertex in enumerate((a.vertex + sides[0] * a.arms[0], a.vertex + sides[1] * a.arms[1])):
        # at the corner along a's arm k, one arm runs back towards a, the other on towards b
        back, on = -a.arms[k], a.arms[1 - k]
        tolerance = max(3.0, 1.5 * a.stroke, 0.08 * min(sides))
        if any(_alike(a, c) and float(np.hypot(*(c.vertex - vertex))) <= tolerance and _has_arms(c, back, on)
               for c in corners):
            count += 1
    if count < 3:
        return None
    vertices = np.array([a.vertex, b.vertex, a.vertex + sides[0] * a.arms[0], a.vertex + sides[1] * a.arms[1]])
    x0, y0 = vertices.min(axis=0)
    x1, y1 = vertices.max(axis=0)
    return BracketBox((float(x0), float(y0), float(x1), float(y1)), count, max(a.stroke, b.stroke))


def _alike(a: Corner, b: Corner) -> bool:
    turn = abs(a.angle - b.angle) % 90.0
    if min(turn, 90.0 - turn) > _ANGLE_TOLERANCE:
        return False
    if max(a.stroke, b.stroke) > _STROKE_RATIO * min(a.stroke, b.stroke):
        return False
    return max(max(a.lengths), max(b.lengths)) <= _ARM_LENGTH_RATIO * min(max(a.lengths), max(b.lengths))


def _fits(corner: Corner, sides: tuple[float, float]) -> bool:
    """``corner``'s arms (in the order of ``sides``) are brackets on sides that long."""
    return all(_MIN_ARM_SHARE * side <= arm and _MIN_SIDE_ARMS * arm <= side
               for arm, side in zip(corner.lengths, sides))


def _parallel(u: np.ndarray, v: np.ndarray) -> bool:
    return float(u @ v) >= math.cos(math.radians(_ANGLE_TOLERANCE))


def _has_arms(corner: Corner, first: np.ndarray, second: np.ndarray) -> bool:
    arms = corner.arms
    return (_parallel(arms[0], first) and _parallel(arms[1], second)) \
        or (_parallel(arms[0], second) and _parallel(arms[1], first))
