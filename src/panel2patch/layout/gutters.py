"""Gutters: runs of uniform rows or columns (background, white/black gaps, ruled lines).

A row is uniform inside a box when its grey values spread by at most ``tolerance``.
That single test covers white gutters on white figures, black gutters between
radiology images, and one-pixel separator lines between touching panels, with no
need to know the background colour first.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

# (x0, y0, x1, y1) in work-image pixels, exclusive ends.
WorkBox = tuple[int, int, int, int]

FLAT_TOLERANCE = 12  # spread of a flat line of any colour (JPEG noise included)
DARK_TOLERANCE = 12  # spread allowed in a black page line (grows with the line's brightness)
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


def uniform_lines(
    gray: np.ndarray, box: WorkBox, axis: int, tolerance: int, background: int, page_only: bool = False
) -> np.ndarray:
    """Boolean flags, one per row (axis=HORIZONTAL) or column (VERTICAL) of ``box``.

    A line is uniform when it is flat (a drawn separator, a solid gutter of any colour)
    or when it stays near the background colour within ``tolerance`` (a page gutter with
    JPEG ringing). Near-black lines must be flatter: the dark background of a micrograph
    (noise of a few levels around 20) is not a black gutter (0 plus ringing).
    """
    page, flat = _line_flags(gray, box, axis, tolerance, background)
    return page if page_only else page | flat


def _line_flags(
    gray: np.ndarray, box: WorkBox, axis: int, tolerance: int, background: int
) -> tuple[np.ndarray, np.ndarray]:
    """(page-coloured lines, flat lines) of ``box`` along ``axis``, from one pass."""
    x0, y0, x1, y1 = box
    region = gray[y0:y1, x0:x1]
    reduce_axis = 1 if axis == HORIZONTAL else 0
    # uint8 throughout: the spread cannot underflow and the limit stays under 76
    top = region.max(axis=reduce_axis)
    bottom = region.min(axis=reduce_axis)
    spread = top - bottom
    near_page = (top <= background + tolerance) & (bottom >= background - tolerance)
    page = near_page & (spread <= np.minimum(tolerance, DARK_TOLERANCE + top // 4))
    return page, spread <= FLAT_TOLERANCE


def trim_box(
    gray: np.ndarray, box: WorkBox, tolerance: int, background: int, off_page: np.ndarray | None = None
) -> WorkBox | None:
    """Shrink ``box`` past page-coloured rows/columns at its edges; None when nothing is left.

    Without a page (pictures up to the border) nothing is trimmed. A solid block of one
    colour is content, not margin. ``off_page``: the integral image (``cv2.integral``) of
    the pixels further than ``tolerance`` from ``background``; with it only the margins
    are examined line by line (a line holding such a pixel is content), not the whole box.
    """
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return None
    rows = _content_span(gray, box, HORIZONTAL, tolerance, background, off_page)
    if rows is None:
        return None
    y0, y1 = rows
    cols = _content_span(gray, (x0, y0, x1, y1), VERTICAL, tolerance, background, off_page)
    if cols is None:
        return None
    x0, x1 = cols
    return (x0, y0, x1, y1)


def _content_span(
    gray: np.ndarray, box: WorkBox, axis: int, tolerance: int, background: int, off_page: np.ndarray | None
) -> tuple[int, int] | None:
    """First and one-past-last line of ``box`` along ``axis`` that is not page-coloured."""
    x0, y0, x1, y1 = box
    start, stop = (y0, y1) if axis == HORIZONTAL else (x0, x1)
    holding = None if off_page is None else _per_line(off_page, box, axis).nonzero()[0]
    if holding is not None and _clean_lines_are_page(tolerance, background):
        return (start + int(holding[0]), start + int(holding[-1]) + 1) if holding.size else None
    if holding is None or holding.size == 0:
        content = np.flatnonzero(~uniform_lines(gray, box, axis, tolerance, background, page_only=True))
        return (start + int(content[0]), start + int(content[-1]) + 1) if content.size else None
    first, last = start + int(holding[0]), start + int(holding[-1]) + 1
    # lines before the first and after the last such line hold only near-page pixels:
    # only they can be page lines, and only they are looked at one by one
    lo, hi = first, last
    if first > start:
        head = np.flatnonzero(~_margin_flags(gray, box, axis, start, first, tolerance, background))
        lo = start + int(head[0]) if head.size else first
    if stop > last:
        tail = np.flatnonzero(~_margin_flags(gray, box, axis, last, stop, tolerance, background))
        hi = last + int(tail[-1]) + 1 if tail.size else last
    return lo, hi


def _per_line(table: np.ndarray, box: WorkBox, axis: int) -> np.ndarray:
    """Pixels of a mask in each line of ``box`` along ``axis``, from its integral image."""
    x0, y0, x1, y1 = box
    if axis == HORIZONTAL:
        before = table[y0 : y1 + 1, x1] - table[y0 : y1 + 1, x0]
    else:
        before = table[y1, x0 : x1 + 1] - table[y0, x0 : x1 + 1]
    return before[1:] - before[:-1]


@functools.lru_cache(maxsize=256)  # one (tolerance, page) per figure, asked for by every trim
def _clean_lines_are_page(tolerance: int, background: int) -> bool:
    """Whether every line without an off-page pixel is a page line (``_line_flags``): its
    grey values lie within ``tolerance`` of the page, and when even the widest such spread
    passes the flatness test (a pure white page), margins need no pixel-by-pixel look."""
    high, low = min(255, background + tolerance), max(0, background - tolerance)
    return high - low <= min(tolerance, DARK_TOLERANCE + high // 4)


def _margin_flags(
    gray: np.ndarray, box: WorkBox, axis: int, a: int, b: int, tolerance: int, background: int
) -> np.ndarray:
    """Page flags of lines ``a`` to ``b`` of ``box`` along ``axis``."""
    x0, y0, x1, y1 = box
    margin = (x0, a, x1, b) if axis == HORIZONTAL else (a, y0, b, y1)
    return uniform_lines(gray, margin, axis, tolerance, background, page_only=True)


def is_white_page(tolerance: int, background: int) -> bool:
    """A page so light that off-page pixels are all darker than it, and every line without
    one is a page line: its line flags follow from two masks (``white_page_flags``)."""
    return background + tolerance >= 255 and _clean_lines_are_page(tolerance, background)


def too_light_for_flat(tolerance: int, background: int) -> int:
    """On a white page, a pixel this light or lighter never shares a flat line with an
    off-page pixel (darker than ``background - tolerance``)."""
    return background - tolerance + FLAT_TOLERANCE


def white_page_flags(
    gray: np.ndarray, box: WorkBox, axis: int, off_page: np.ndarray, light: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(page lines, flat lines that are not page lines) of ``box`` along ``axis`` on a
    white page, as ``_line_flags`` gives them. ``off_page`` and ``light``: integral images
    of the off-page pixels and of those ``too_light_for_flat``. A line without off-page
    pixels is a page line; one with a light pixel too is not flat; only the rest (rare:
    ruled lines, solid bars) are read pixel by pixel."""
    page = _per_line(off_page, box, axis) == 0
    flat_only = np.zeros_like(page)
    maybe_flat = np.flatnonzero(~page & (_per_line(light, box, axis) == 0))
    if maybe_flat.size:
        x0, y0, x1, y1 = box
        region = gray[y0:y1, x0:x1]
        if axis == HORIZONTAL:
            lines, reduce_axis = region[maybe_flat], 1
        else:
            lines, reduce_axis = region[:, maybe_flat], 0
        flat_only[maybe_flat] = lines.max(axis=reduce_axis) - lines.min(axis=reduce_axis) <= FLAT_TOLERANCE
    return page, flat_only


def find_gutters(
    gray: np.ndarray, box: WorkBox, axis: int, tolerance: int, background: int, max_flat: int,
    white_page: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[Gutter]:
    """Interior runs of uniform lines across ``box``.

    Flat lines that are not page-coloured count only in runs at most ``max_flat`` wide:
    a separator line or a coloured gutter, not a solid block (which is content).
    ``white_page``: the integral images of ``white_page_flags`` (on a white page only)."""
    if white_page is not None:
        page, flat_only = white_page_flags(gray, box, axis, *white_page)
    else:
        page, flat = _line_flags(gray, box, axis, tolerance, background)
        flat_only = flat & ~page
    marks = page.copy()
    for a, b in _runs(flat_only):
        if b - a <= max_flat:
            marks[a:b] = True
    offset = box[1] if axis == HORIZONTAL else box[0]
    return [Gutter(axis, offset + a, offset + b) for a, b in _interior_runs(marks)]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of every run of True."""
    if not flags.any():
        return []
    padded = np.zeros(flags.size + 2, np.int8)
    padded[1:-1] = flags
    edges = np.flatnonzero(padded[1:] != padded[:-1])  # alternately a start and an end
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _interior_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True that have content (False) on both sides."""
    if flags.size < 3:
        return []
    return [(a, b) for a, b in _runs(flags) if a > 0 and b < flags.size]


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


SEAM_STEP = 10  # grey-level step between the strips either side of a seam, per row
SEAM_ROWS = 0.6  # share of rows (columns) that must show the step
SEAM_STRIP = 3  # strip width compared on either side
SEAM_SKIP = 2  # pixels skipped either side of the seam (lines, JPEG ringing)
SEAM_CONTEXT = 6  # lines this far either side are compared with the seam
# ... and must step this many times more than they do: in fur, grass or foliage the lines
# a few pixels inside a photo step nearly as much as a seam, and at 2x the seams between
# such photos showed in only ~half the rows (synthetic touching-photo labels 0.47 -> 0.51)
SEAM_BESIDE = 1.5
SEAM_TEXTURE = 0.35  # share of neighbouring pixels differing by 2+ grey levels (photos: 0.4-0.7)


def find_seams(gray: np.ndarray, box: WorkBox, axis: int, min_piece: int) -> list[Gutter]:
    """Seams between touching pictures with no gutter: a line along which the strips on
    either side differ in most rows, much more than the lines around it do.

    Each seam is returned as a zero-width gutter (start == end) at the first pixel of
    the second piece; pieces shorter than ``min_piece`` are not cut off.
    """
    x0, y0, x1, y1 = box
    pixels = gray[y0:y1, x0:x1]
    across, along = (y1 - y0, x1 - x0) if axis == HORIZONTAL else (x1 - x0, y1 - y0)
    if across < 2 * min_piece or along < 8:
        return []
    # only pictures touch without a gutter; drawings on a flat page have no texture
    jumps = cv2.absdiff(pixels[1:], pixels[:-1]) if axis == HORIZONTAL else cv2.absdiff(pixels[:, 1:], pixels[:, :-1])
    if np.count_nonzero(jumps >= 2) / jumps.size < SEAM_TEXTURE:
        return []
    k, skip = SEAM_STRIP, SEAM_SKIP
    share = _seam_shares(pixels, axis)  # boundary b = i + k + skip
    seams = []
    for i in np.flatnonzero(share >= SEAM_ROWS):
        b = i + k + skip
        if b < min_piece or across - b < min_piece:
            continue
        around = np.concatenate([share[max(0, i - 12) : max(0, i - 4)], share[i + 5 : i + 13]])
        if around.size and share[i] >= share[max(0, i - 3) : i + 4].max() and np.median(around) <= 0.5 * share[i]:
            seams.append(b)
    seams = [b for j, b in enumerate(seams) if j == 0 or b - seams[j - 1] > k]
    offset = y0 if axis == HORIZONTAL else x0
    return [Gutter(axis, offset + b, offset + b) for b in seams]


def _seam_shares(pixels: np.ndarray, axis: int) -> np.ndarray:
    """Per boundary b (index + ``SEAM_STRIP`` + ``SEAM_SKIP``): the share of lines along
    ``axis`` in which the strips either side of b step by more than ``SEAM_STEP`` and more
    than ``SEAM_BESIDE`` times the lines ``SEAM_CONTEXT`` either side of b do.

    The strip means are compared as they lie in memory (a horizontal seam's as rows, not
    as a transposed view) and the shares are counts over the line count: the same float32
    steps and float64 shares as before, at ~80% of the cost."""
    k, skip, shift = SEAM_STRIP, SEAM_SKIP, SEAM_CONTEXT
    means = _strip_means(pixels, k, axis)
    position = 1  # the axis of ``means`` that runs across the seams
    if axis == HORIZONTAL:
        means, position = means.T, 0  # ``_strip_means`` gives a transposed view: undo it

    def at(start: int | None, stop: int | None) -> tuple[slice, slice]:
        return (slice(start, stop), slice(None)) if position == 0 else (slice(None), slice(start, stop))

    # step at boundary b compares [b - skip - k, b - skip) with [b + skip, b + skip + k):
    # a drawn line at b has the same page on both sides, two touching pictures do not
    span = k + 2 * skip
    steps = np.abs(means[at(span, None)] - means[at(None, -span)])
    # a seam steps much more than the lines a few pixels either side (which lie inside
    # the pictures): smooth shading and broad gradients step everywhere alike
    beside = np.full_like(steps, np.inf)
    np.maximum(steps[at(None, -2 * shift)], steps[at(2 * shift, None)], out=beside[at(shift, -shift)])
    beside *= SEAM_BESIDE
    hits = steps > SEAM_STEP
    hits &= steps > beside
    return np.count_nonzero(hits, axis=1 - position) / hits.shape[1 - position]


def _strip_means(pixels: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Means of ``k`` consecutive lines across ``axis``, one row per line along it
    (float32; sums of uint8 are exact, so this equals a float32 running-sum difference)."""
    wide = pixels.astype(np.uint16)
    if axis == HORIZONTAL:  # lines are rows: sum k consecutive rows, then one row per column
        sums = sum(wide[i : wide.shape[0] - k + 1 + i] for i in range(k))
        return (sums.astype(np.float32) / k).T
    sums = sum(wide[:, i : wide.shape[1] - k + 1 + i] for i in range(k))
    return sums.astype(np.float32) / k
