"""Box arithmetic on work-image boxes (x0, y0, x1, y1), exclusive ends."""

from __future__ import annotations

from collections.abc import Sequence

from panel2patch.layout.gutters import HORIZONTAL, VERTICAL, WorkBox


def union(boxes: Sequence[WorkBox]) -> WorkBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def intersects(a: WorkBox, b: WorkBox) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def containing(boxes: list[WorkBox], point: tuple[float, float]) -> int | None:
    x, y = point
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if x0 <= x < x1 and y0 <= y < y1:
            return i
    return None


def area(b: WorkBox) -> int:
    return (b[2] - b[0]) * (b[3] - b[1])


def intersection(a: Sequence[float], b: Sequence[float]) -> float:
    """Area the two boxes share (0 when they do not meet)."""
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def overlap_share(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection of two boxes over the smaller box's area (0 for an empty box)."""
    small = min(area(a), area(b))
    return intersection(a, b) / small if small > 0 else 0.0


def clipped(a: WorkBox, b: WorkBox) -> WorkBox | None:
    """The part of ``a`` inside ``b``, or None when they do not overlap."""
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def extent(b: WorkBox, axis: int) -> int:
    """Size along the direction that ``axis`` cuts stack in (HORIZONTAL: height)."""
    return b[3] - b[1] if axis == HORIZONTAL else b[2] - b[0]


def start(b: WorkBox, axis: int) -> int:
    return b[1] if axis == HORIZONTAL else b[0]


def gap(a: WorkBox, b: WorkBox, axis: int) -> int:
    if axis == HORIZONTAL:
        return max(a[1] - b[3], b[1] - a[3], 0)
    return max(a[0] - b[2], b[0] - a[2], 0)


def box_gap(a: WorkBox, b: WorkBox) -> int:
    return max(gap(a, b, HORIZONTAL), gap(a, b, VERTICAL))


def overlap_fraction(a: WorkBox, b: WorkBox, axis: int) -> float:
    """Share of ``a``'s extent along x (axis 0) or y (axis 1) that ``b`` also covers."""
    lo, hi = (0, 2) if axis == 0 else (1, 3)
    length = a[hi] - a[lo]
    if length <= 0:
        return 0.0
    return max(0, min(a[hi], b[hi]) - max(a[lo], b[lo])) / length
