"""Ruled lines: long, thin straight runs of ink (panel frames, separators of a ruled grid).

A label set in the corner of a framed panel sits a few pixels from the frame; the frame
is not text beside the label, so a label's clear margins stop at a ruled line
(``label_hits``). A ruled line is a run of ink at least ``RULE_MIN_LENGTH`` of the
figure's side long whose pixels have no ink ``RULE_CLEAR`` pixels off either side of
it (at most a few pixels thick: not the edge of a solid block).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

HORIZONTAL, VERTICAL = 0, 1
RULE_MIN_LENGTH = 0.15  # of the figure's width (horizontal rules) or height (vertical ones)
RULE_CLEAR = 3  # pixels: a rule is thinner than this; ink this far off either side is not the rule


@dataclass(frozen=True)
class Rule:
    axis: int  # HORIZONTAL (a run along a row) or VERTICAL (along a column)
    at: int  # its row (column)
    start: int  # first column (row) of the run
    end: int  # one past the last


def ruled_lines(ink: np.ndarray) -> list[Rule]:
    """The ruled lines of a boolean ink mask."""
    height, width = ink.shape
    mask = ink.view(np.uint8)
    found = _runs(_thin(mask, HORIZONTAL), HORIZONTAL, RULE_MIN_LENGTH * width)
    return found + _runs(_thin(mask, VERTICAL), VERTICAL, RULE_MIN_LENGTH * height)


def _thin(mask: np.ndarray, axis: int) -> np.ndarray:
    """0/1 mask of the ink pixels with no ink ``RULE_CLEAR`` pixels above and below them
    (``axis`` HORIZONTAL), or left and right (VERTICAL); beyond the figure is no ink."""
    d = RULE_CLEAR
    if axis == HORIZONTAL:
        padded = cv2.copyMakeBorder(mask, d, d, 0, 0, cv2.BORDER_CONSTANT, value=0)
        before, after = padded[: -2 * d], padded[2 * d :]
    else:
        padded = cv2.copyMakeBorder(mask, 0, 0, d, d, cv2.BORDER_CONSTANT, value=0)
        before, after = padded[:, : -2 * d], padded[:, 2 * d :]
    clear = cv2.bitwise_not(cv2.bitwise_or(before, after))  # 0/1 inputs: 254 or 255 = clear
    return cv2.bitwise_and(mask, clear)  # 0/1: ink and clear


def _runs(thin: np.ndarray, axis: int, min_length: float) -> list[Rule]:
    """Runs of a 0/1 mask at least ``min_length`` long along its rows (``axis``
    HORIZONTAL) or columns; only lines with that much of the mask in all are looked at."""
    counts = cv2.reduce(thin, 1 if axis == HORIZONTAL else 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    lines = np.flatnonzero(counts >= min_length)
    if not lines.size:
        return []
    picked = thin[lines] if axis == HORIZONTAL else thin[:, lines].T
    padded = np.zeros((picked.shape[0], picked.shape[1] + 2), np.int8)
    padded[:, 1:-1] = picked
    line, edge = np.nonzero(np.diff(padded, axis=1))  # per line: a start, then an end
    starts, ends, at = edge[0::2], edge[1::2], lines[line[0::2]]
    keep = ends - starts >= min_length
    return [Rule(axis, int(a), int(b), int(e)) for a, b, e in zip(at[keep], starts[keep], ends[keep])]


def margin_bounds(
    boxes: tuple[np.ndarray, ...], reach: np.ndarray, rules: list[Rule], width: int, height: int
) -> tuple[np.ndarray, ...]:
    """Per box (x0, y0, x1, y1 arrays): the (left, top, right, bottom) limits of its
    margins: just past the nearest ruled line (and the few pixels a thick one has on
    either side of its middle) within ``reach`` of each side that runs
    along the box, for a box in a top corner of such lines (one above it and one at its
    left or right: a frame's or a ruled grid's corner, where labels are set), else the
    figure's edge. A single line beside a word is more often a table's rule or a plot's
    axis, with text under it that is not a label, and the corner the axes make is at
    the bottom, round the plot's marks."""
    if not rules:
        return np.zeros_like(boxes[0]), np.zeros_like(boxes[1]), np.full_like(boxes[2], width), np.full_like(boxes[3], height)
    x0, y0, x1, y1 = (v[:, None] for v in boxes)
    near = reach[:, None]
    bounds = []
    for axis, first, last, lo, hi, size in ((VERTICAL, x0, x1, y0, y1, width), (HORIZONTAL, y0, y1, x0, x1, height)):
        mine = [r for r in rules if r.axis == axis]
        at = np.array([r.at for r in mine], np.int64)
        start = np.array([r.start for r in mine], np.int64)
        end = np.array([r.end for r in mine], np.int64)
        along = (start < hi) & (end > lo)
        # a thick rule's thin rows are its middle: its ink goes on up to RULE_CLEAR - 1 past them
        before = np.where(along & (at < first) & (at >= first - near), at + RULE_CLEAR, 0).max(axis=1, initial=0)
        after = np.where(along & (at >= last) & (at < last + near), at - RULE_CLEAR + 1, size).min(axis=1, initial=size)
        before, after = np.minimum(before, boxes[0 if axis == VERTICAL else 1]), np.maximum(after, boxes[2 if axis == VERTICAL else 3])
        bounds.append((before, after))
    (lo_x, hi_x), (lo_y, hi_y) = bounds
    cornered = (lo_y > 0) & ((lo_x > 0) | (hi_x < width))
    return (np.where(cornered, lo_x, 0), np.where(cornered, lo_y, 0),
            np.where(cornered, hi_x, width), np.where(cornered, hi_y, height))
