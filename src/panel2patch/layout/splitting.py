"""Split a region into panels along gutters when no labels guide the cut.

A cut is kept only when it separates at least two substantial drawings or pictures of
comparable size; text strips (axis titles, legends) and small drawings (colour bars)
stay with their nearest neighbour.
"""

from __future__ import annotations

from panel2patch.layout.canvas import Canvas
from panel2patch.layout.cuts import candidate_splits
from panel2patch.layout.geometry import (
    area,
    box_gap,
    clipped,
    extent,
    gap,
    intersects,
    overlap_fraction,
    start,
    union,
)
from panel2patch.layout.gutters import WorkBox

# A drawing next to one that is this much bigger is an attachment (legend, colour bar).
MINOR_AREA_RATIO = 0.2
MINOR_EXTENT_RATIO = 0.5
MINOR_AREA_RATIO_IF_SHORT = 0.35


def split_unlabeled(canvas: Canvas, box: WorkBox) -> list[WorkBox]:
    trimmed = canvas.trim(box)
    if trimmed is None:
        return []
    for axis, children in candidate_splits(canvas, trimmed):
        majors = major_drawings(canvas, children, axis)
        if len(majors) >= 2:
            parts: list[WorkBox] = []
            for main, members in attach_to_nearest(children, majors, axis):
                sub = split_unlabeled(canvas, main)
                if len(sub) <= 1:
                    parts.append(union(members))
                else:
                    parts.extend(_attach_extras(sub, [m for m in members if m != main]))
            return parts
        if len(majors) == 1:
            sub = split_unlabeled(canvas, majors[0])
            if len(sub) > 1:
                return _attach_extras(sub, [c for c in children if c != majors[0]])
        break  # the best cut found no two drawings: one panel
    return [trimmed]


def major_drawings(canvas: Canvas, children: list[WorkBox], axis: int) -> list[WorkBox]:
    drawings = [c for c in children if canvas.is_substantial(c) and canvas.is_graphic(c)]
    if len(drawings) < 2:
        straddling = canvas.straddling(children)
        drawings = [c for c in children if canvas.is_substantial(c) and _holds_part(canvas, c, straddling)]
    if len(drawings) < 2:
        return drawings
    areas = [area(c) for c in drawings]
    extents = [extent(c, 1 - axis) for c in drawings]
    biggest, longest = max(areas), max(extents)
    return [
        c
        for c, a, e in zip(drawings, areas, extents)
        if a >= MINOR_AREA_RATIO * biggest
        and not (e < MINOR_EXTENT_RATIO * longest and a < MINOR_AREA_RATIO_IF_SHORT * biggest)
    ]


def _holds_part(canvas: Canvas, child: WorkBox, straddling: list[WorkBox]) -> bool:
    """``child`` holds a drawing of its own, or a graphic-sized part of one of the
    ``straddling`` components (``Canvas.straddling``): six pictures with 6-px gutters merge
    into one component per column on the coarse mask, centred in the gutter between the
    rows, and neither row held a drawing."""
    if canvas.is_graphic(child):
        return True
    for part in (clipped(box, child) for box in straddling):
        if part is not None and min(part[2] - part[0], part[3] - part[1]) >= canvas.graphic_side:
            return True
    return False


def attach_to_nearest(
    children: list[WorkBox], majors: list[WorkBox], axis: int
) -> list[tuple[WorkBox, list[WorkBox]]]:
    groups = {m: [m] for m in majors}
    for child in children:
        if child in groups:
            continue
        nearest = min(majors, key=lambda m: (gap(child, m, axis), start(m, axis) > start(child, axis)))
        groups[nearest].append(child)
    return [(m, groups[m]) for m in majors]


def _attach_extras(parts: list[WorkBox], extras: list[WorkBox]) -> list[WorkBox]:
    """Give each extra piece (a caption strip, a legend) to the part it lines up with."""
    parts = list(parts)
    for extra in extras:
        best = None
        for i, part in enumerate(parts):
            overlap = max(overlap_fraction(extra, part, 0), overlap_fraction(extra, part, 1))
            grown = union([part, extra])
            clashes = any(intersects(grown, other) for j, other in enumerate(parts) if j != i)
            if overlap >= 0.5 and not clashes and (best is None or box_gap(extra, part) < box_gap(extra, parts[best])):
                best = i
        if best is not None:
            parts[best] = union([parts[best], extra])
    return parts
