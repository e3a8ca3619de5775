"""Outlines read along their perimeter: an ellipse or rectangle fitted to scattered pieces.

A thin drawn outline that JPEG and a shrink broke into specks and short arcs (a dashed
circle whose dashes are 1-3 px pieces, a one-pixel ring split into two half-strength
pixels wherever it falls between pixel centres) is no blob with a hole, and its pieces
are too unlike for the dash tests. Its pieces still lie on one ellipse or rectangle.
Here a curve is fitted to a group of pieces (trimmed: pieces far from the first fit are
dropped and it is fitted again) and then judged by what lies along it: ink near most of
its length, in no long gap and on all four sides, the group's pixels on it, the line's
centre keeping to it (a drawn curve, not the wavering rim of a bone or a cell), and its
colour rare inside it and just outside it. Sizes are in pixels of the stroke or relative
to the fitted curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

ELLIPSE, RECTANGLE = "ellipse", "rectangle"
Curve = tuple[tuple[float, float], tuple[float, float], float]  # cv2 (centre, size, angle)

# Trimmed fit: pixels kept within these shares of the curve's shorter side of the previous
# fit, then within ``2 * tolerance``; a trim keeping under half the pixels stops.
_TRIMS = (0.25, 0.12, 0.0)
# Samples along the curve this many pixels apart; the line's profile is read this far
# (pixels) to either side of it in half-pixel steps.
_STEP = 1.0
_PROFILE_REACH = 4.0


@dataclass(frozen=True)
class Along:
    """Where a group's pieces lie along a fitted curve (``coverage_along``)."""

    points: np.ndarray  # samples along the curve, about a pixel apart (N, 2)
    sides: np.ndarray  # each sample's side (rectangle) or quarter (ellipse), 0-3
    covered: np.ndarray  # bool: a group pixel within the tolerance of the sample
    cover: float  # share of the curve covered
    longest_gap: float  # the longest run of the curve not covered, as a share of it
    weakest_side: float  # the least cover of its four sides (quarters of an ellipse)


@dataclass(frozen=True)
class Support:
    """What else lies along a fitted curve (``perimeter_support``)."""

    on_curve: float  # share of the group's pixels within the tolerance of the curve
    inside: float  # share of the colour's pixels inside the curve, off its band
    outside: float  # ... in a band just outside it
    wobble: float  # std (px) of the line's centre across the curve where it is inked
    stroke: float  # median width (px) of the line across the curve
    ink_runs: int  # separate runs of strong ink along the curve (dashes)
    runs: int  # separate runs of the group's pixels right on the curve (within a pixel)


def fit_curve(kind: str, xs: np.ndarray, ys: np.ndarray) -> Curve | None:
    """The ellipse (``cv2.fitEllipse``) or the minimum-area rectangle through the pixels'
    middle (a pixel in from their outermost centres) of the points ``xs``, ``ys``."""
    points = np.stack([xs, ys], axis=1).astype(np.float32)
    if kind == ELLIPSE:
        if len(points) < 5:
            return None
        curve = cv2.fitEllipse(points)
    else:
        (cx, cy), (w, h), angle = cv2.minAreaRect(points)
        curve = ((cx, cy), (max(1.0, w - 1.0), max(1.0, h - 1.0)), angle)
    (cx, cy), (a, b), _angle = curve
    if not np.isfinite([cx, cy, a, b]).all() or min(a, b) < 2:
        return None
    return curve


def trimmed_fit(kind: str, xs: np.ndarray, ys: np.ndarray, tolerance: float) -> Curve | None:
    """``fit_curve`` refitted on the pixels near the previous fit (``_TRIMS``): picture
    content of the colour grouped with the outline pulls the first fit, not the last."""
    curve = fit_curve(kind, xs, ys)
    for share in _TRIMS:
        if curve is None:
            return None
        near = curve_distance(kind, curve, xs, ys) <= max(2.0 * tolerance, share * min(curve[1]))
        if near.sum() < max(10, 0.5 * len(xs)):
            return curve
        curve = fit_curve(kind, xs[near], ys[near])
    return curve


def curve_distance(kind: str, curve: Curve, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Distance (px) of the points from the curve: exact for a rectangle, along the ray from
    the centre for an ellipse (close enough for the elongations kept)."""
    (cx, cy), (w, h), angle = curve
    theta = math.radians(angle)
    dx, dy = xs - cx, ys - cy
    u, v = dx * math.cos(theta) + dy * math.sin(theta), -dx * math.sin(theta) + dy * math.cos(theta)
    a, b = w / 2.0, h / 2.0
    if kind == ELLIPSE:
        radius = np.hypot(u, v)
        return radius * np.abs(1.0 - 1.0 / np.maximum(np.hypot(u / a, v / b), 1e-9))
    qu, qv = np.abs(u) - a, np.abs(v) - b
    return np.where((qu > 0) | (qv > 0), np.hypot(np.maximum(qu, 0), np.maximum(qv, 0)), -np.maximum(qu, qv))


def curve_points(kind: str, curve: Curve, step: float = _STEP) -> tuple[np.ndarray, np.ndarray]:
    """Points along the curve about ``step`` px apart (N, 2), and each one's side (0-3:
    the rectangle's sides, the ellipse's quarters)."""
    (cx, cy), (w, h), angle = curve
    if kind == ELLIPSE:
        a, b = w / 2.0, h / 2.0
        length = math.pi * (3 * (a + b) - math.sqrt((3 * a + b) * (a + 3 * b)))  # Ramanujan
        t = np.linspace(0.0, 2 * math.pi, max(16, int(length / step)), endpoint=False)
        theta = math.radians(angle)
        u, v = a * np.cos(t), b * np.sin(t)
        points = np.stack([cx + u * math.cos(theta) - v * math.sin(theta),
                           cy + u * math.sin(theta) + v * math.cos(theta)], axis=1)
        return points, (t // (math.pi / 2)).astype(int) % 4
    corners = cv2.boxPoints(curve)
    runs, sides = [], []
    for i in range(4):
        start, end = corners[i], corners[(i + 1) % 4]
        n = max(2, int(np.hypot(*(end - start)) / step))
        runs.append(start + np.linspace(0.0, 1.0, n, endpoint=False)[:, None] * (end - start))
        sides.append(np.full(n, i))
    return np.concatenate(runs), np.concatenate(sides)


def distance_to(mask: np.ndarray) -> np.ndarray:
    """Distance (px) of every pixel from the nearest pixel of ``mask`` (bool)."""
    return cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 3)


def coverage_along(kind: str, curve: Curve, away: np.ndarray, tolerance: float) -> Along:
    """How much of ``curve`` has a group pixel within ``tolerance``; ``away``: the distance
    from the group (``distance_to``) over the group's crop."""
    points, sides = curve_points(kind, curve)
    covered = (_sampled(away, points) <= tolerance) & _in_crop(points, away.shape)
    return Along(points, sides, covered, float(covered.mean()), _longest_false_run(covered) / len(covered),
                 min(float(covered[sides == i].mean()) if (sides == i).any() else 0.0 for i in range(4)))


def perimeter_support(group: np.ndarray, layer: np.ndarray, ink: np.ndarray, along: Along, away: np.ndarray,
                      tolerance: float) -> Support:
    """What lies along a curve (``along``, read at ``tolerance``): ``group`` (bool) holds the
    pieces fitted, ``layer`` every pixel of their colour, ``ink`` its strong pixels, ``away``
    the distance from the group, all crops of one shape."""
    points, covered = along.points, along.covered
    band, filled = _band_and_fill(points, group.shape, tolerance)
    inner = (filled > 0) & (band == 0)
    grown = 2 * max(3, round(2 * tolerance)) + 1
    outer = (cv2.dilate(band, np.ones((grown, grown), np.uint8)) > 0) & (filled == 0) & (band == 0)
    stroke, wobble = _profile(group, points, covered)
    near_group = cv2.dilate(group.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    in_crop = _in_crop(points, group.shape)
    inked = (_sampled(distance_to(ink & near_group), points) <= 1.0) & in_crop
    return Support(
        on_curve=float((group & (band > 0)).sum()) / max(1, int(group.sum())),
        inside=float(layer[inner].mean()) if inner.any() else 1.0,
        outside=float(layer[outer].mean()) if outer.any() else 0.0,
        wobble=wobble, stroke=stroke,
        ink_runs=_runs(inked), runs=_runs((_sampled(away, points) <= 1.0) & in_crop))


def _sampled(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``values`` at the pixels nearest ``points`` (clipped to the array)."""
    cols = np.clip(np.round(points[:, 0]).astype(int), 0, values.shape[1] - 1)
    rows = np.clip(np.round(points[:, 1]).astype(int), 0, values.shape[0] - 1)
    return values[rows, cols]


def _in_crop(points: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return (points[:, 0] >= 0) & (points[:, 0] < shape[1]) & (points[:, 1] >= 0) & (points[:, 1] < shape[0])


def _band_and_fill(points: np.ndarray, shape: tuple[int, int], tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """The curve drawn ``2 * tolerance + 1`` wide, and its inside filled (uint8 masks)."""
    polygon = np.round(points).astype(np.int32).reshape(-1, 1, 2)
    band = np.zeros(shape, np.uint8)
    cv2.polylines(band, [polygon], True, 1, int(2 * tolerance + 1))
    filled = np.zeros(shape, np.uint8)
    cv2.fillPoly(filled, [polygon], 1)
    return band, filled


def _profile(group: np.ndarray, points: np.ndarray, covered: np.ndarray) -> tuple[float, float]:
    """(median width, std of the centre's offset) of the group's line read across the curve
    at the covered samples, in pixels."""
    tangent = np.roll(points, -1, axis=0) - np.roll(points, 1, axis=0)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1) / np.maximum(1e-9, np.hypot(*tangent.T))[:, None]
    offsets = np.arange(-_PROFILE_REACH, _PROFILE_REACH + 0.25, 0.5)
    across = points[:, None, :] + offsets[None, :, None] * normal[:, None, :]
    cols = np.clip(np.round(across[..., 0]).astype(int), 0, group.shape[1] - 1)
    rows = np.clip(np.round(across[..., 1]).astype(int), 0, group.shape[0] - 1)
    profile = group[rows, cols]
    widths = profile.sum(axis=1) * 0.5
    read = covered & (widths > 0)
    if not read.any():
        return 0.0, float("inf")
    centres = (profile[read] * offsets[None, :]).sum(axis=1) / widths[read] * 0.5
    return float(np.median(widths[read])), float(np.std(centres))


def _runs(values: np.ndarray) -> int:
    """Separate runs of True in a circular bool array."""
    return int((np.diff(np.concatenate([values, values[:1]]).astype(np.int8)) == 1).sum())


def _longest_false_run(values: np.ndarray) -> int:
    """Length of the longest run of False in a circular bool array."""
    if values.all():
        return 0
    if not values.any():
        return len(values)
    rolled = np.roll(values, -int(np.argmax(values)))  # start on a True: no run wraps
    edges = np.flatnonzero(np.diff(np.concatenate([[1], rolled.astype(np.int8), [1]])))
    return int((edges[1::2] - edges[::2]).max()) if edges.size >= 2 else 0
