"""A thin frame drawn around the whole figure: lines of one colour at its edges.

The page colour is read on the figure's outermost pixels. A figure framed by a black line
(some journals and slide exports draw one; ruled grids of touching panels end in one)
would read as a black page: its white gutters then count as content and the figure stays
whole (on the real dev figures a 2-px black frame took ImageCLEF accuracy from 0.98 to
0.40, 0.60 with a white margin inside the line). Here each side's frame is found, the page
is read just inside it, and the analysis starts there.

A frame goes all round the figure. A side's frame is its outermost lines while they are
flat and of one colour, at most ``FRAME_DEPTH`` of the long side deep, followed by a line
that is not (content, or a margin of another colour), and the lines that blend it into
what follows. It is kept only where it cannot be the page's own margin: its colour differs
from the page read inside it, or, where the pictures reach the frame (no page inside), it
is not white (a thin white margin around touching pictures is page).
"""

from __future__ import annotations

import numpy as np

from panel2patch.layout.gutters import WorkBox

FRAME_DEPTH = 0.005  # deepest frame, as a share of the figure's long side (at least 2 px)
FRAME_END = 0.02  # share of a frame line at either end left out (corners of another colour)
FRAME_SPREAD_PERCENTILES = (2, 98)  # a frame line is flat between these (JPEG ringing)
FRAME_BLEND = 1  # lines inside a kept frame also left out: resampling blends the frame into them
BLEND_STEP = 8  # grey levels between successive lines of a frame's blend into the page


def frame_candidates(gray: np.ndarray, tolerance: int) -> list[tuple[int, float]]:
    """(depth, grey) of the flat one-colour lines at each edge: top, bottom, left, right,
    all four depth 0 unless every edge has such lines (a frame goes all round), and depth
    0 where the edge is content or a margin deeper than a frame. Flat and one colour:
    within ``tolerance`` (a resampled frame line blends with what it touches)."""
    height, width = gray.shape
    none = [(0, 0.0)] * 4
    deepest = max(2, round(FRAME_DEPTH * max(height, width)))
    if min(height, width) < 4 * (deepest + 1):
        return none
    edges = (  # views: no pixel is copied before it is looked at
        gray[: deepest + 1],
        gray[::-1][: deepest + 1],
        gray[:, : deepest + 1].T,
        gray[:, ::-1][:, : deepest + 1].T,
    )
    found = []
    for lines in edges:
        depth, grey = _edge_frame(lines, tolerance)
        if not depth:  # most figures: the first edge is a margin or content
            return none
        found.append((depth, grey))
    return found


def _edge_frame(lines: np.ndarray, tolerance: int) -> tuple[int, float]:
    """Frame depth and grey of one edge; ``lines``: the outermost lines, outside first."""
    end = int(lines.shape[1] * FRAME_END)
    inner = lines[:, end : lines.shape[1] - end]
    n = inner.shape[1] - 1
    low_k, high_k = (round(n * q / 100) for q in FRAME_SPREAD_PERCENTILES)
    ordered = np.partition(inner, (low_k, n // 2, high_k), axis=1)
    flat = ordered[:, high_k].astype(np.int16) - ordered[:, low_k] <= tolerance
    grey = ordered[:, n // 2].astype(np.float64)
    depth = 0
    while depth < len(lines) and flat[depth] and abs(grey[depth] - grey[0]) <= tolerance:
        depth += 1
    if depth == len(lines):  # still the same flat colour past the deepest frame: a margin
        return 0, 0.0
    # a resampled frame blends into what lies inside over a line or two: flat lines that
    # step on from the frame's grey toward the next line's (0, 44, 239, then a 255 page)
    while depth + 1 < len(lines) and flat[depth] and _steps_on(grey, depth):
        depth += 1
    return depth, float(grey[0])


def _steps_on(grey: np.ndarray, k: int) -> bool:
    """Line ``k`` lies on a monotone step from line ``k - 1`` to line ``k + 1``."""
    into, out = grey[k] - grey[k - 1], grey[k + 1] - grey[k]
    return into * out > 0 and abs(out) > BLEND_STEP


def keep_frame(
    candidates: list[tuple[int, float]], page_gray: float | None, tolerance: int
) -> tuple[int, int, int, int]:
    """Depths (top, bottom, left, right) of the frame sides kept. ``page_gray``: the page
    read inside the candidate frame, None where the pictures reach it (no page)."""
    kept = []
    for depth, grey in candidates:
        if page_gray is None:
            keep = grey < 255 - tolerance  # white at the edge of touching pictures is page
        else:
            keep = abs(grey - page_gray) > tolerance
        kept.append(depth + FRAME_BLEND if depth and keep else 0)
    return tuple(kept)


def inside(depths: tuple[int, int, int, int], width: int, height: int) -> WorkBox:
    """The box inside a frame of ``depths`` (top, bottom, left, right)."""
    top, bottom, left, right = depths
    return (left, top, width - right, height - bottom)
