"""Gutters: runs of uniform rows or columns (background, white/black gaps, ruled lines).

A row is uniform inside a box when its grey values spread by at most ``tolerance``.
That single test covers white gutters on white figures, black gutters between
radiology images, and one-pixel separator lines between touching panels, with no
need to know the background colour first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# (x0, y0, x1, y1) in work-image pixels, exclusive ends.
WorkBox = tuple[int, int, int, int]

HORIZONTAL = 0  # a horizontal gutter (a run of rows): cutting it stacks pieces top to bottom
VERTICAL = 1  # a vertical gutter (a run of columns): pieces side by side


@dataclass(frozen=True)
class Gutter:
    axis: int  # HORIZONTAL or VERTICAL
    start: int  # first uniform row / column (absolute work-image coordinate)
    end: int  # one past the last

    @property
    def width(self) -> int:
        return self.end - self.start


def uniform_lines(gray: np.ndarray, box: WorkBox, axis: int, tolerance: int) -> np.ndarray:
    """Boolean flags, one per row (axis=HORIZONTAL) or column (VERTICAL) of ``box``."""
    x0, y0, x1, y1 = box
    region = gray[y0:y1, x0:x1]
    reduce_axis = 1 if axis == HORIZONTAL else 0
    spread = region.max(axis=reduce_axis).astype(np.int16) - region.min(axis=reduce_axis)
    return spread <= tolerance


def trim_box(gray: np.ndarray, box: WorkBox, tolerance: int) -> WorkBox | None:
    """Shrink ``box`` past uniform rows/columns at its edges; None when nothing is left."""
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return None
    rows = uniform_lines(gray, box, HORIZONTAL, tolerance)
    content_rows = np.flatnonzero(~rows)
    if content_rows.size == 0:
        return None
    y0, y1 = y0 + int(content_rows[0]), y0 + int(content_rows[-1]) + 1
    cols = uniform_lines(gray, (x0, y0, x1, y1), VERTICAL, tolerance)
    content_cols = np.flatnonzero(~cols)
    if content_cols.size == 0:
        return None
    x0, x1 = x0 + int(content_cols[0]), x0 + int(content_cols[-1]) + 1
    return (x0, y0, x1, y1)


def find_gutters(gray: np.ndarray, box: WorkBox, axis: int, tolerance: int, min_width: int) -> list[Gutter]:
    """Interior runs of uniform lines in a trimmed ``box`` that are at least ``min_width`` wide."""
    flags = uniform_lines(gray, box, axis, tolerance)
    offset = box[1] if axis == HORIZONTAL else box[0]
    return [Gutter(axis, offset + a, offset + b) for a, b in _interior_runs(flags) if b - a >= min_width]


def _interior_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True that have content (False) on both sides."""
    if flags.size < 3:
        return []
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, ends) if a > 0 and b < flags.size]


def cut_box(box: WorkBox, gutters: list[Gutter]) -> list[WorkBox]:
    """Split ``box`` along ``gutters`` (all of one axis), dropping the gutters themselves."""
    if not gutters:
        return [box]
    x0, y0, x1, y1 = box
    axis = gutters[0].axis
    pieces: list[WorkBox] = []
    start = y0 if axis == HORIZONTAL else x0
    for gutter in sorted(gutters, key=lambda g: g.start):
        if gutter.start > start:
            pieces.append((x0, start, x1, gutter.start) if axis == HORIZONTAL else (start, y0, gutter.start, y1))
        start = gutter.end
    stop = y1 if axis == HORIZONTAL else x1
    if stop > start:
        pieces.append((x0, start, x1, stop) if axis == HORIZONTAL else (start, y0, stop, y1))
    return pieces
