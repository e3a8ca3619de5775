"""Ways to cut a region: along gutters (coarse first, then fine), or along seams."""

from __future__ import annotations

from collections.abc import Iterator

from panel2patch.layout.canvas import Canvas
from panel2patch.layout.gutters import (
    HORIZONTAL,
    VERTICAL,
    Gutter,
    WorkBox,
    cut_box,
    find_seams,
)

# A page-coloured gutter narrower than the figure's smallest gutter (``min_gutter_fraction``)
# still separates two pieces when pictures run up to it from both sides, along at least this
# share of its length on each side: a thin white rule between touching pictures (ruled grids,
# 1-px white separators). Inside a plot or a drawing such a line meets white ground on one
# side at least. Synthetic dev 0.861 / 0.828 / 0.785 / 0.860 -> 0.873 / 0.837 / 0.800 /
# 0.872 (0.4: 0.868 / 0.834; a sum of both sides' shares instead split one real test figure)
TOUCHING_SHARE = 0.3


def candidate_splits(canvas: Canvas, box: WorkBox) -> Iterator[tuple[int, list[WorkBox]]]:
    """Ways to cut ``box``: coarse cuts (the widest gutters) first, then every gutter."""
    min_gap = max(1, round(canvas.config.min_gutter_fraction * canvas.long_side))
    background = canvas.background_level
    per_axis: dict[int, list] = {}
    for axis in (HORIZONTAL, VERTICAL):
        gutters = [
            g
            for g in canvas.gutters(box, axis)
            if g.width >= min_gap
            or _is_drawn_line(canvas, box, g, background)
            or _between_touching(canvas, box, g)
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


def _between_touching(canvas: Canvas, box: WorkBox, gutter: Gutter) -> bool:
    """Whether content lines ``gutter`` on both sides across ``box``: the lines just before
    and just after it each hold off-page pixels along ``TOUCHING_SHARE`` of its length."""
    before = _across(box, gutter.axis, gutter.start - 1, gutter.start)
    after = _across(box, gutter.axis, gutter.end, gutter.end + 1)
    length = box[2] - box[0] if gutter.axis == HORIZONTAL else box[3] - box[1]
    return min(canvas.ink_count(before), canvas.ink_count(after)) >= TOUCHING_SHARE * length


def _is_drawn_line(canvas: Canvas, box: WorkBox, gutter, background: float) -> bool:
    strip = _across(box, gutter.axis, gutter.start, gutter.end)
    return abs(canvas.mean_gray(strip) - background) > canvas.config.uniform_tolerance


def _across(box: WorkBox, axis: int, start: int, end: int) -> WorkBox:
    """The strip of ``box`` between ``start`` and ``end`` (rows for a HORIZONTAL gutter,
    columns for a VERTICAL one), across its whole width (height)."""
    x0, y0, x1, y1 = box
    return (x0, start, x1, end) if axis == HORIZONTAL else (start, y0, end, y1)
