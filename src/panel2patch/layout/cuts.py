"""Ways to cut a region: along gutters (coarse first, then fine), or along seams."""

from __future__ import annotations

from collections.abc import Iterator

from panel2patch.layout.canvas import Canvas
from panel2patch.layout.gutters import (
    HORIZONTAL,
    VERTICAL,
    WorkBox,
    cut_box,
    find_seams,
)


def candidate_splits(canvas: Canvas, box: WorkBox) -> Iterator[tuple[int, list[WorkBox]]]:
    """Ways to cut ``box``: coarse cuts (the widest gutters) first, then every gutter."""
    min_gap = max(1, round(canvas.config.min_gutter_fraction * canvas.long_side))
    background = canvas.background_level
    per_axis: dict[int, list] = {}
    for axis in (HORIZONTAL, VERTICAL):
        gutters = [
            g
            for g in canvas.gutters(box, axis)
            if g.width >= min_gap or _is_drawn_line(canvas, box, g, background)
        ]
        if gutters:
            per_axis[axis] = gutters
    if not per_axis:  # touching pictures: look for seams instead
        min_piece = max(8, round(canvas.config.min_panel_side_fraction * canvas.long_side))
        for axis in (HORIZONTAL, VERTICAL):
            seams = find_seams(canvas.gray, box, axis, min_piece)
            if seams:
                per_axis[axis] = seams
    order = sorted(per_axis, key=lambda a: -max(g.width for g in per_axis[a]))
    seen: set[tuple[int, int]] = set()
    for fine in (False, True):
        for axis in order:
            gutters = per_axis[axis]
            widest = max(g.width for g in gutters)
            chosen = gutters if fine else [g for g in gutters if g.width >= 0.5 * widest]
            if (axis, len(chosen)) in seen:
                continue
            seen.add((axis, len(chosen)))
            children = [c for c in (canvas.trim(p) for p in cut_box(box, chosen)) if c]
            if len(children) >= 2:
                yield axis, children


def _is_drawn_line(canvas: Canvas, box: WorkBox, gutter, background: float) -> bool:
    x0, y0, x1, y1 = box
    if gutter.axis == HORIZONTAL:
        strip = (x0, gutter.start, x1, gutter.end)
    else:
        strip = (gutter.start, y0, gutter.end, y1)
    return abs(canvas.mean_gray(strip) - background) > canvas.config.uniform_tolerance
