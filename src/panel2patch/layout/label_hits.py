"""Find panel-label candidates: short, isolated, glyph-sized words, dark or light.

A candidate is one to five glyph components grouped into a word ("A", "(b)", "ii",
"C."), whose top and left sides are clear of other ink of the same polarity (the label
sits in a gutter or in a quiet image corner). Candidates are ranked before OCR: labels
are large and bold for their figure, have room above and to their left, and do not come
in tight rows or columns of equal words the way axis tick labels do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from panel2patch.layout.canvas import Canvas, box_sum, connected_boxes
from panel2patch.layout.gutters import WorkBox

LABEL_MIN_HEIGHT_FRACTION = 0.008  # of the mean side (square root of the area), work pixels
DARK_AREA_FOR_LIGHT_TEXT = 0.02  # look for light glyphs only if this share of pixels is dark
DARK_AREA_FOR_THIN_LIGHT_TEXT = 0.15  # ... and thin light ones (a look of ~1.4 ms): a dark page, dark pictures
MAX_GLYPHS = 5
MAX_HEAD_GLYPHS = 3  # a label run into following text: at most this many glyphs ("(a)")
WORD_SPACE = 0.25  # a gap this many heights wide separates words
SMALLER_TEXT = 0.75  # text after a space this much smaller than the head is not part of a label
# ... judged only on heads this tall (work pixels): in small type glyph heights vary with
# blur and thin strokes (at 0.6x the dev figures lost 3.7 points of labels without it)
SMALLER_TEXT_MIN_HEIGHT = 14
MAX_WORD_ASPECT = 3.2  # width / height of "(iii)"
CLEARANCE = 0.3  # clear margin above / left of a label, in label heights
ROOM = 1.0  # a label usually has this much room above and to its left (ranking only)
STRAY_INK = 0.06  # ink allowed in a clear margin (dots, JPEG specks), in label heights squared
FLAT_STD = {True: 18.0, False: 32.0}  # grey spread allowed around dark / light labels
THIN_INK_BELOW = 160  # grey cores of thin strokes (see ``thin_ink``)
THIN_CONTRAST = 100  # ... at least this much darker than the lightest pixel beside them
THIN_TEXT_HEIGHT = 9  # typical glyph height (work pixels) at or below which type may be thin
# a light glyph more than this many times taller than the one before it is not the next
# letter of its word: white labels on a picture chained the picture's bright parts after ")"
NEXT_LIGHT_GLYPH_GROWTH = 2.0
# grey type on a white page (labels set in 50% grey, "(a)" over a plot): glyphs darker
# than this are ink for the grey look, and a grey word holds at most this share of dark ink
GREY_INK_BELOW = 185
GREY_WORD_DARK_SHARE = 0.2
SERIES_GAP = 5.0  # equal words closer than this (in heights) along a row or column are ticks


@dataclass(frozen=True)
class LabelCandidate:
    box: WorkBox
    dark: bool  # dark glyphs on a light surround (else light on dark)
    glyphs: int
    prior: float  # ranking score before OCR

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


INFERRED_CONFIDENCE = 0.5  # score of a label placed, not read (a hole in the sequence, a grid cell)


@dataclass(frozen=True)
class LabelHit:
    """A read and accepted panel label."""

    box: WorkBox
    text: str  # normalised ("A", "b", "ii", "3")
    index: int  # 0-based position in its sequence (A -> 0, ii -> 1)
    confidence: float
    inferred: bool = False  # not read: implied by a hole in the sequence (box: a point, or the labels' grid cell)

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def center(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


def find_label_candidates(
    canvas: Canvas, limit: int | None = None, thin: bool = False, least_height: int | None = None
) -> list[LabelCandidate]:
    """Label candidates, best first, at most ``limit`` (default: the config's maximum).

    ``thin``: also count as dark ink the grey cores of thin strokes (small or light
    serif type, whose one-pixel strokes never reach the dark-ink level) - a second
    look for figures where the first found no label sequence. ``least_height``: a lower
    floor than the figure's for the thin look's glyphs (set by the labels already read)."""
    h_min, h_max = _height_band(canvas)
    thin_min = min(h_min, least_height) if thin and least_height is not None else h_min
    if thin:
        ink = thin_ink(canvas)
        found = _polarity_candidates(canvas, True, ink, connected_boxes(ink.view(np.uint8)), thin_min, h_max)
    else:
        found = _polarity_candidates(canvas, True, canvas.dark_ink, canvas.dark_components, h_min, h_max)
    # light glyphs are found once; the thin-stroke look adds those of thin light strokes
    found += canvas.remembered("light label candidates", lambda: _light_candidates(canvas, h_min, h_max))
    if thin:
        seen = {c.box for c in found}
        found += [c for c in _light_candidates(canvas, thin_min, h_max, thin=True) if c.box not in seen]
    found.sort(key=lambda c: -c.prior)
    return found[: limit if limit is not None else canvas.config.max_label_candidates]


def _height_band(canvas: Canvas) -> tuple[int, float]:
    """(least, greatest) height of a label, in work pixels."""
    cfg = canvas.config
    # The floor scales with the figure's mean side, not its longer one: a tall figure of
    # two columns by four rows has the labels of a narrow one (eLife 30274 fig2-figsupp2 at
    # 600 x 1140: none of its 8 labels read under a floor of 9 work pixels, 7 above 8).
    h_min = max(cfg.label_min_height_px, round(LABEL_MIN_HEIGHT_FRACTION * math.sqrt(canvas.width * canvas.height)))
    return h_min, max(h_min + 2, cfg.label_max_height_fraction * canvas.long_side)


def find_grey_label_candidates(canvas: Canvas, limit: int) -> list[LabelCandidate]:
    """Candidates of grey glyphs on a white page, best first: words whose ink is mostly
    lighter than dark ink (type set in grey, which the dark-ink level does not see). []
    on any other ground."""
    if canvas.background_gray < 255 - canvas.config.uniform_tolerance:
        return []
    h_min, h_max = _height_band(canvas)
    ink = canvas.gray < GREY_INK_BELOW
    found = _polarity_candidates(canvas, True, ink, connected_boxes(ink.view(np.uint8)), h_min, h_max)
    if not found:
        return []
    ink_sum, dark_sum = cv2.integral(ink.view(np.uint8)), cv2.integral(canvas.dark_ink.view(np.uint8))
    grey = [c for c in found if box_sum(dark_sum, c.box) <= GREY_WORD_DARK_SHARE * box_sum(ink_sum, c.box)]
    grey.sort(key=lambda c: -c.prior)
    return grey[:limit]


def _polarity_candidates(
    canvas: Canvas, dark: bool, ink: np.ndarray, stats: np.ndarray, h_min: int, h_max: float
) -> list[LabelCandidate]:
    """The candidates among the glyphs of one polarity (``ink``, its components ``stats``)."""
    ink_sum = cv2.integral(ink.view(np.uint8))
    words, parts = _words(stats, h_min, h_max, ink_sum, canvas.width, canvas.height, light=not dark)
    if words.shape[0]:
        words = words[~_text_on_the_left(words, parts)]
    if not words.shape[0]:
        return []
    return _candidates(words, dark, ink_sum, canvas.gray_sums, canvas)


def _light_candidates(canvas: Canvas, h_min: int, h_max: float, thin: bool = False) -> list[LabelCandidate]:
    """Candidates of light glyphs, looked for only where enough of the figure is dark.
    ``thin``: also the light cores of thin strokes (``thin_ink``)."""
    dark = canvas.remembered("pixels under 80", lambda: np.count_nonzero(canvas.gray < 80))
    if dark <= DARK_AREA_FOR_LIGHT_TEXT * canvas.gray.size:
        return []
    if thin and dark <= DARK_AREA_FOR_THIN_LIGHT_TEXT * canvas.gray.size:
        return []
    if thin:
        ink = thin_ink(canvas, light=True)
        return _polarity_candidates(canvas, False, ink, connected_boxes(ink.view(np.uint8)), h_min, h_max)
    return _polarity_candidates(canvas, False, *canvas.light_ink, h_min, h_max)


def thin_ink(canvas: Canvas, light: bool = False) -> np.ndarray:
    """Dark ink plus pixels clearly darker than their lightest neighbour (stroke cores of
    anti-aliased thin type); flat grey areas and pale lines stay out. ``light``: the same
    for white type on a dark ground, whose thin strokes break into dots at the light-ink
    level: light ink plus pixels clearly lighter than their darkest neighbour."""
    gray, kernel = canvas.gray, np.ones((3, 3), np.uint8)
    if light:
        core = (gray > 255 - THIN_INK_BELOW) & (cv2.subtract(gray, cv2.erode(gray, kernel)) > THIN_CONTRAST)
        return canvas.light_ink[0] | core
    core = (gray < THIN_INK_BELOW) & (cv2.subtract(cv2.dilate(gray, kernel), gray) > THIN_CONTRAST)
    return canvas.dark_ink | core


def has_thin_type(canvas: Canvas) -> bool:
    """Small type (glyphs of a few pixels) whose strokes may stay lighter than dark ink."""
    return canvas.text_height <= THIN_TEXT_HEIGHT


def _words(
    stats: np.ndarray, h_min: int, h_max: float, ink_sum: np.ndarray, width: int, height: int, light: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(n, 6) x0, y0, x1, y1, glyph count, max glyph height: glyphs chained into words.

    A word starts at a glyph of label height and takes the next glyph to its right while
    it overlaps the same line and the gap is under half a height. Smaller glyphs (the
    bowl of "a" in "(a)", a dot) may join a word but never start one. ``light``: white
    glyphs on a picture, where a glyph more than ``NEXT_LIGHT_GLYPH_GROWTH`` times taller
    than the one before it is a bright part of the picture, not the word's next letter.
    """
    empty = np.zeros((0, 6), np.int32)
    if stats.shape[0] == 0:
        return empty, stats
    stats = _with_dots(stats)
    w, h = stats[:, 2], stats[:, 3]
    part = (h >= max(2, h_min // 2)) & (h <= h_max) & (w <= 1.6 * h) & (stats[:, 4] >= 0.08 * w * h)
    parts = stats[part]
    if parts.shape[0] == 0 or parts.shape[0] > 8000:
        return empty, parts
    order = _stable_order(parts[:, 0])
    parts = parts[order]
    px0, py0 = parts[:, 0], parts[:, 1]
    px1, py1 = px0 + parts[:, 2], py0 + parts[:, 3]
    ph = parts[:, 3]
    # a word starts at a glyph of label height with clear space above and to its left
    c = np.maximum(2, np.round(CLEARANCE * ph)).astype(np.int64)
    stray = STRAY_INK * ph * ph + 1
    margins = [(px0 - c, py0 - c, px1 + c, py0), (px0 - c, py0, px0, py1)]  # above, to the left
    above, beside = _per_set(_box_sums(ink_sum, *_stacked(margins), width, height), len(margins))
    clear_top, clear_left = above <= stray, beside <= stray
    # each glyph's next glyph on its line: the first to its right within half a height
    i, j = _window_pairs(px0, px1 - 0.2 * ph, px1 + 0.5 * ph)
    overlap = np.minimum(py1[i], py1[j]) - np.maximum(py0[i], py0[j])
    valid = (j != i) & (px1[j] > px1[i]) & (overlap >= 0.4 * np.minimum(ph[i], ph[j]))
    if light:
        valid &= ph[j] <= NEXT_LIGHT_GLYPH_GROWTH * ph[i]
    following = np.full(parts.shape[0], -1)
    firsts, where = np.unique(i[valid], return_index=True)
    following[firsts] = j[valid][where]
    continues = np.zeros(parts.shape[0], bool)
    continues[following[following >= 0]] = True
    cur = np.flatnonzero((ph >= h_min) & clear_top & clear_left & ~continues)
    x0, y0, x1, y1, top_h = px0[cur], py0[cur], px1[cur], py1[cur], ph[cur]
    count = np.ones(cur.size, np.int64)
    alive = np.ones(cur.size, bool)
    head = np.zeros((cur.size, 6), np.int64)  # the word before its first space ("a)" of "a) E. coli")
    spaced = np.zeros(cur.size, bool)
    tail_h = np.zeros(cur.size, np.int64)  # tallest glyph after that space
    for _ in range(MAX_GLYPHS):
        nxt = following[cur]
        grow = alive & (nxt >= 0)
        space = grow & ~spaced & (count <= MAX_HEAD_GLYPHS) & (px0[np.maximum(nxt, 0)] - x1 >= WORD_SPACE * top_h)
        if space.any():  # most rounds find no space: no (n, 6) stack to build
            head[space] = np.stack([x0, y0, x1, y1, count, top_h], axis=1)[space]
            spaced |= space
        tail_h = np.where(grow & spaced, np.maximum(tail_h, ph[np.maximum(nxt, 0)]), tail_h)
        cur = np.where(grow, nxt, cur)
        x1 = np.where(grow, px1[cur], x1)
        y0, y1 = np.where(grow, np.minimum(y0, py0[cur]), y0), np.where(grow, np.maximum(y1, py1[cur]), y1)
        top_h = np.where(grow, np.maximum(top_h, ph[cur]), top_h)
        count += grow
        alive = grow
    short = ~(alive & (following[cur] >= 0))  # more than MAX_GLYPHS glyphs: a text line
    words = np.stack([x0, y0, x1, y1, count, top_h], axis=1)
    # a label beside a short run of smaller type (the label "B" chained to the tick "0.027")
    # is its head alone: a word whose glyphs shrink after a space is no label as a whole
    beside_smaller = short & spaced & (tail_h < SMALLER_TEXT * head[:, 5]) & (head[:, 5] >= SMALLER_TEXT_MIN_HEIGHT)
    words[beside_smaller] = head[beside_smaller]
    words = words[short]
    # a label run into the text after it: keep the part before the space
    words = np.concatenate([words, head[~short & spaced]])
    return words.astype(np.int32), parts


def _with_dots(stats: np.ndarray) -> np.ndarray:
    """Stems joined to the dot above them ("i", "ii", "iii"): the dot is a component of
    its own, and left apart it breaks the clear margin above the stem."""
    x, y, w, h = (stats[:, k].astype(np.int64) for k in range(4))
    stem = (w <= 0.6 * h) & (h >= 4)
    dot = (h <= 0.5 * np.maximum(w, 2) + 2) & (w <= 0.6 * np.max(h, initial=1))
    if not stem.any() or not dot.any():
        return stats
    s_idx, d_idx = np.flatnonzero(stem), np.flatnonzero(dot)
    d_cx = x[d_idx] + w[d_idx] / 2
    order = _stable_order(2 * x[d_idx] + w[d_idx])  # the centres doubled: integers, the same order
    d_idx, d_cx = d_idx[order], d_cx[order]
    i, j = _window_pairs(d_cx, x[s_idx] - 0.2 * h[s_idx], x[s_idx] + w[s_idx] + 0.2 * h[s_idx])
    si, dj = s_idx[i], d_idx[j]
    gap = y[si] - (y[dj] + h[dj])
    fits = (
        (si != dj)
        & (gap >= 0)
        & (gap <= 0.45 * h[si])
        & (h[dj] <= 0.4 * h[si])
        & (w[dj] <= 2.0 * w[si] + 2)
        & (w[dj] >= 0.5 * w[si])
    )
    if not fits.any():
        return stats
    out = stats.copy()
    si, dj = si[fits], dj[fits]
    _, first = np.unique(si, return_index=True)  # one dot per stem
    si, dj = si[first], dj[first]
    top = y[dj]
    out[si, 3] = (y[si] + h[si] - top).astype(stats.dtype)
    out[si, 1] = top.astype(stats.dtype)
    out[si, 4] += stats[dj, 4]
    keep = np.ones(len(stats), bool)
    keep[dj] = False
    return out[keep]


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of integer keys, sorted as 16-bit integers where
    they fit (image coordinates do): numpy sorts those by radix, in linear time. A stable
    sort of floats or wider integers is a merge sort: on the thousands of specks of a
    noisy micrograph (10,000 dots) 0.6 ms against 0.04 ms."""
    if keys.size and 0 <= keys.min() and keys.max() < 2**16:
        keys = keys.astype(np.uint16)
    return np.argsort(keys, kind="stable")


def _window_pairs(keys: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with lows[i] <= keys[j] <= highs[i]; ``keys`` sorted ascending."""
    lo = np.searchsorted(keys, lows, side="left")
    hi = np.searchsorted(keys, highs, side="right")
    counts = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(lows.size), counts)
    j = np.repeat(lo, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return i, j


def _text_on_the_left(words: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Words that continue a line of text ("Protein A", "Gene B"): a glyph of similar
    height ends less than one height to their left on the same line."""
    out = np.zeros(words.shape[0], bool)
    if parts.shape[0] == 0 or words.shape[0] == 0:
        return out
    order = np.argsort(parts[:, 0] + parts[:, 2])
    parts = parts[order]
    gx1 = parts[:, 0] + parts[:, 2]
    x0, y0, y1, h = words[:, 0], words[:, 1], words[:, 3], words[:, 5].astype(float)
    w, g = _window_pairs(gx1, x0 - h, x0.astype(float))
    gy0, gh = parts[g, 1], parts[g, 3]
    overlap = np.minimum(y1[w], gy0 + gh) - np.maximum(y0[w], gy0)
    similar = (gh >= 0.5 * h[w]) & (gh <= 1.5 * h[w]) & (overlap >= 0.6 * np.minimum(gh, y1[w] - y0[w]))
    out[w[similar]] = True
    return out


def _stacked(boxes: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    """Several sets of boxes (x0, y0, x1, y1 arrays, one box per word) as one set, for one
    box-sum call (``_per_set`` splits its result again). On the few dozen to few hundred
    words of a figure, each box-sum call costs numpy's per-call overhead (~20 us) far more
    than its pixel reads: seven sets summed at once cost about what one set does."""
    return tuple(np.concatenate(side) for side in zip(*boxes))


def _per_set(values: np.ndarray, sets: int) -> list[np.ndarray]:
    """``values`` computed on ``_stacked`` boxes, split back into one array per set."""
    n = values.shape[0] // sets
    return [values[k * n : (k + 1) * n] for k in range(sets)]


def _box_sums(table: np.ndarray, x0, y0, x1, y1, width: int, height: int) -> np.ndarray:
    """Vectorised box sums over an integral image (boxes clipped to the image)."""
    return _sums_within(table, *_clipped((x0, y0, x1, y1), width, height))


def _clipped(box, width: int, height: int) -> tuple[np.ndarray, ...]:
    """Box coordinates (arrays) clipped to the image. ``np.minimum`` / ``np.maximum``,
    not ``np.clip``, whose Python wrapper costs three times as much on short arrays."""
    x0, y0, x1, y1 = box
    return (np.minimum(np.maximum(x0, 0), width), np.minimum(np.maximum(y0, 0), height),
            np.minimum(np.maximum(x1, 0), width), np.minimum(np.maximum(y1, 0), height))


def _sums_within(table: np.ndarray, x0, y0, x1, y1) -> np.ndarray:
    """Box sums over an integral image, boxes already inside the image (empty ones: 0)."""
    return np.where((x1 > x0) & (y1 > y0), box_sum(table, (x0, y0, x1, y1)), 0)


def _candidates(
    words: np.ndarray,
    dark: bool,
    ink_sum: np.ndarray,
    gray_sums: tuple[np.ndarray, np.ndarray],
    canvas: Canvas,
) -> list[LabelCandidate]:
    x0, y0, x1, y1 = (words[:, i].astype(np.int64) for i in range(4))
    glyphs = words[:, 4]
    h, w = y1 - y0, x1 - x0
    W, H = canvas.width, canvas.height
    keep = w <= MAX_WORD_ASPECT * h
    c = np.maximum(2, np.round(CLEARANCE * h)).astype(np.int64)
    stray = STRAY_INK * h * h + 1

    def ink(bx0, by0, bx1, by1):
        return _box_sums(ink_sum, bx0, by0, bx1, by1, W, H)

    if dark:
        c = np.minimum(c, _box_padding(x0, y0, x1, y1, h, c, ink, gray_sums, W, H))
    room = np.round(ROOM * h).astype(np.int64)
    boxes = [
        (x0 - c, y0 - c, x1 + c, y0),  # the clear margin above
        (x0 - c, y0, x0, y1),  # ... to the left
        (x1, y0, x1 + c, y1),  # ... to the right
        (x0 - c, y1, x1 + c, y1 + c),  # ... below
        (x0 - c, y0 - room, x1 + c, y0),  # the room above
        (x0 - room, y0, x0, y1),  # ... to the left
        (x0, y0, x1, y1),  # the word itself
    ]
    sums = _per_set(ink(*_stacked(boxes)), len(boxes))
    top, left, right, bottom, room_top, room_left = (s <= stray for s in sums[:6])
    inside = sums[6]
    keep &= top & left & (right | bottom)
    # the clear margins must be flat (page or a quiet image corner), not texture
    near = np.maximum(1, np.round(0.15 * h)).astype(np.int64)
    strips = [(x0 - c, y0 - c, x1 + near, y0 - near), (x0 - c, y0 - near, x0 - near, y1)]
    keep &= np.logical_and(*_per_set(_std(gray_sums, _stacked(strips), W, H) <= FLAT_STD[dark], len(strips)))
    if not dark:
        keep &= _mean(gray_sums, (x0 - c, y0 - c, x1 + c, y1 + c), W, H) < 110
    fill = inside / np.maximum(1, w * h)
    size = np.minimum(3.0, h / max(1.0, canvas.text_height))
    # weights fitted by eye on the dev figures (top-12 recall of true labels 89%)
    prior = (
        size
        + 0.3 * fill
        + 0.6 * room_top
        + 0.6 * room_left
        + 1.0 * (right & bottom)
        - 0.25 * (glyphs - 1)
        - 0.5 * _in_series(x0, y0, x1, y1, h, keep)
    )
    return [
        LabelCandidate(box=(int(x0[i]), int(y0[i]), int(x1[i]), int(y1[i])), dark=dark, glyphs=int(glyphs[i]),
                       prior=float(prior[i]))
        for i in np.flatnonzero(keep)
    ]


def _in_series(x0, y0, x1, y1, h, keep) -> np.ndarray:
    """Words with two or more equal-height neighbours close along their row or column
    (axis ticks, category names) are unlikely to be panel labels."""
    idx = np.flatnonzero(keep)
    out = np.zeros(len(x0), bool)
    if idx.size < 3:
        return out
    hh = h[idx].astype(float)
    cx, cy = (x0[idx] + x1[idx]) / 2, (y0[idx] + y1[idx]) / 2
    same_h = np.abs(hh[:, None] - hh[None, :]) <= 0.2 * np.maximum(hh[:, None], hh[None, :])
    dx, dy = np.abs(cx[:, None] - cx[None, :]), np.abs(cy[:, None] - cy[None, :])
    row = (dy <= 0.3 * hh[:, None]) & (dx <= SERIES_GAP * hh[:, None])
    right_edge = np.abs(x1[idx][:, None] - x1[idx][None, :]) <= 0.3 * hh[:, None]
    column = (right_edge | (dx <= 0.3 * hh[:, None])) & (dy <= SERIES_GAP * hh[:, None])
    near = same_h & (row | column)
    np.fill_diagonal(near, False)
    out[idx] = near.sum(axis=1) >= 2
    return out


BOX_PAD = 0.12  # thinnest padding of a label box, in label heights
BOX_TONE = 200  # a label box is at least this light round dark glyphs ...
BOX_EDGE = 140  # ... and the picture past its top and left edges darker than this on average


def _box_padding(x0, y0, x1, y1, h, c, ink, gray_sums, width: int, height: int) -> np.ndarray:
    """For dark words in a light box on a darker picture (a black "(a)" in a white box
    on a radiograph), the box's padding above and to the left, which stands for the
    clear margin ``c``; ``c`` for the other words. The box: a ring of ``BOX_PAD`` round
    the word free of ink and light, then, within ``c`` more, a row above and a column to
    the left darker than ``BOX_EDGE`` on average (text lines above a word are not)."""
    r = np.maximum(2, np.round(BOX_PAD * h)).astype(np.int64)
    word, outer = (x0, y0, x1, y1), (x0 - r, y0 - r, x1 + r, y1 + r)
    ring_area = np.maximum((x1 - x0 + 2 * r) * (y1 - y0 + 2 * r) - (x1 - x0) * (y1 - y0), 1)
    ring_ink = np.subtract(*_per_set(ink(*_stacked([outer, word])), 2))
    ring_grey = np.subtract(*_per_set(_sum(gray_sums, _stacked([outer, word]), width, height), 2))
    boxed = np.flatnonzero((ring_ink == 0) & (ring_grey / ring_area >= BOX_TONE))
    if not boxed.size:
        return c
    # the edges are looked for round the boxed words only (on a white page, many)
    bx0, by0, bx1, by1, br, bc = (v[boxed] for v in (x0, y0, x1, y1, r, c))
    # one row (column) of distances k per boxed word: the first dark row above (column
    # to the left) at k from the word, where k lies in [r, c + r] and inside the figure
    k = np.arange(int(br.min()), int((bc + br).max()) + 1)[:, None]
    row = _mean(gray_sums, (bx0 - br, by0 - k - 1, bx1 + br, by0 - k), width, height)
    col = _mean(gray_sums, (bx0 - k - 1, by0 - br, bx0 - k, by1 + br), width, height)
    within = (k >= br) & (k <= bc + br) & (by0 - k - 1 >= 0) & (bx0 - k - 1 >= 0)

    def first(edge: np.ndarray) -> np.ndarray:
        return np.where(edge.any(axis=0), k[edge.argmax(axis=0), 0], -1)

    top, left = first(within & (row < BOX_EDGE)), first(within & (col < BOX_EDGE))
    padding = c.copy()
    found = (top > 0) & (left > 0)
    padding[boxed[found]] = np.maximum(br, np.minimum(top, left) - 1)[found]  # less the edge's blend
    return padding


def _sum(sums: tuple[np.ndarray, np.ndarray], box, width: int, height: int) -> np.ndarray:
    return _sums_within(sums[0], *_clipped(box, width, height))


def _std(sums: tuple[np.ndarray, np.ndarray], box, width: int, height: int) -> np.ndarray:
    total, squares = sums
    x0, y0, x1, y1 = _clipped(box, width, height)
    n = np.maximum((x1 - x0) * (y1 - y0), 1)
    s = _sums_within(total, x0, y0, x1, y1)
    q = _sums_within(squares, x0, y0, x1, y1)
    return np.sqrt(np.maximum(0.0, q / n - (s / n) ** 2))


def _mean(sums: tuple[np.ndarray, np.ndarray], box, width: int, height: int) -> np.ndarray:
    x0, y0, x1, y1 = _clipped(box, width, height)
    return _sums_within(sums[0], x0, y0, x1, y1) / np.maximum((x1 - x0) * (y1 - y0), 1)
