"""The work copy of a figure and the measurements every later step reads.

The figure is shrunk to ``work_max_side`` once; background colour, the content mask,
its connected components and the typical text height are computed here, so the
splitting and labelling steps only look things up.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import cv2
import numpy as np

from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.page import erase_outside, find_page, gray_of, off_page
from panel2patch.layout.gutters import WorkBox, find_gutters, is_white_page, too_light_for_flat, trim_box

T = TypeVar("T")  # what ``Canvas.remembered`` computes

# Components whose smaller side reaches this many text heights are drawings or images,
# not glyphs.
GRAPHIC_SIDE_IN_TEXT_HEIGHTS = 2.5
TEXT_LINE_SIDE = 3.5  # a line of text on the coarse mask is at most this many text heights across
GLYPH_SIDE = 2.5  # ... and its glyphs at most this many text heights either way
TEXT_LINE_SPAN = 0.8  # ... spanning this share of its length
LIGHT_INK_ABOVE = 170  # grey level of light glyphs: white text on dark images
DARK_INK_BELOW = 110  # grey level of dark glyphs (black, red, blue, green text) and lines
WHITE_PAGE_NOISE = 8  # a page this close to white is white (JPEG leaves white pages at 247-255)
OFF_WHITE = 25  # ... and one at most this much darker is an off-white (scanned, tinted) one
MAX_FLAT_GUTTER = 0.02  # widest gutter of a flat non-page colour, as a share of the long side
NO_PAGE = -1000  # background grey that no pixel is near
COARSE = 4  # drawings are found on a mask shrunk this many times (any ink keeps a pixel)


@dataclass
class Canvas:
    rgb: np.ndarray  # work image, uint8 (h, w, 3)
    gray: np.ndarray  # uint8 (h, w)
    scale: float  # original pixels per work pixel
    background: np.ndarray  # RGB of the figure background, uint8 (3,)
    background_gray: int  # grey of the page, or NO_PAGE when pictures reach the border
    content: np.ndarray  # bool (h, w): differs from the background
    components: np.ndarray  # (n, 5) int32: x, y, w, h, area of content components (coarse)
    dark_ink: np.ndarray  # bool (h, w): dark pixels (text, lines)
    dark_components: np.ndarray  # (n, 5) int32: components of ``dark_ink``
    text_height: float  # typical glyph height in work pixels
    config: LayoutConfig
    frame: WorkBox  # where the figure's page is (``page.find_page``): inside a frame, or all of it

    # the work image never changes: its sides are read once (the splitting steps ask for
    # them tens of thousands of times per figure set)
    @functools.cached_property
    def width(self) -> int:
        return int(self.gray.shape[1])

    @functools.cached_property
    def height(self) -> int:
        return int(self.gray.shape[0])

    @functools.cached_property
    def long_side(self) -> int:
        return max(self.width, self.height)

    @property
    def graphic_side(self) -> float:
        """The smaller side from which a component is a drawing or picture, not a glyph."""
        return GRAPHIC_SIDE_IN_TEXT_HEIGHTS * self.text_height

    def is_graphic(self, box: WorkBox) -> bool:
        """Whether ``box`` holds a drawing or picture, not only text."""
        return self.largest_component_side(box) >= self.graphic_side

    def largest_component_side(self, box: WorkBox) -> float:
        """Smaller side of the biggest content component centred in ``box`` (remembered
        per box: the label split asks again about the pieces the gutter split looked at)."""
        return self.remembered(("largest component side", tuple(box)), lambda: self._largest_side(box))

    def _largest_side(self, box: WorkBox) -> float:
        # clipped to the box: a component reaching across a ruled line counts only inside
        clipped = self._big_in(box)
        if clipped.shape[0] == 0:
            return 0.0
        return float(np.minimum(clipped[:, 2] - clipped[:, 0], clipped[:, 3] - clipped[:, 1]).max())

    def straddling(self, pieces: list[WorkBox]) -> list[WorkBox]:
        """Big components centred in none of ``pieces`` (in a gutter between them, or
        beyond them) that reach into one: pictures merged across gutters narrower than
        the coarse mask's blocks."""
        b = self._big_boxes
        if not len(b) or len(pieces) < 2:
            return []
        centred = np.zeros(len(b), bool)
        reaching = np.zeros(len(b), bool)
        for x0, y0, x1, y1 in pieces:
            centred |= self._centred_in((x0, y0, x1, y1))
            reaching |= (b[:, 0] < x1) & (b[:, 2] > x0) & (b[:, 1] < y1) & (b[:, 3] > y0)
        return [tuple(box) for box in b[reaching & ~centred].tolist()]

    def graphic_components(self, box: WorkBox) -> list[WorkBox]:
        """Drawings and pictures (components of panel-part size) centred in ``box``, clipped to it."""
        return [(x0, y0, x1, y1) for x0, y0, x1, y1 in self._big_in(box).tolist()]

    def _big_in(self, box: WorkBox) -> np.ndarray:
        """(n, 4) x0, y0, x1, y1 of the big components centred in ``box``, clipped to it."""
        x0, y0, x1, y1 = box
        inside = self._big_boxes[self._centred_in(box)]
        return np.minimum(np.maximum(inside, (x0, y0, x0, y0)), (x1, y1, x1, y1))

    def _centred_in(self, box: WorkBox) -> np.ndarray:
        """Which big components have their centre in ``box``."""
        x0, y0, x1, y1 = box
        cx, cy = self._big_cx, self._big_cy
        return (cx >= x0) & (cx < x1) & (cy >= y0) & (cy < y1)

    @functools.cached_property
    def gray_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Integral images of the grey values and of their squares (float64), for box
        means and spreads. The sums are int32 (10x faster) while they cannot overflow."""
        depth = cv2.CV_32S if self.gray.size * 255 < 2**31 else cv2.CV_64F
        return cv2.integral2(self.gray, sdepth=depth, sqdepth=cv2.CV_64F)

    @functools.cached_property
    def background_level(self) -> float:
        """Grey level of the background colour (page or not)."""
        return float(cv2.cvtColor(self.background.reshape(1, 1, 3), cv2.COLOR_RGB2GRAY)[0, 0])

    @functools.cached_property
    def light_ink(self) -> tuple[np.ndarray, np.ndarray]:
        """Light pixels (white glyphs on dark pictures) and their components."""
        light = self.gray > LIGHT_INK_ABOVE
        return light, connected_boxes(light.view(np.uint8))

    @functools.cached_property
    def _white_page(self) -> tuple[np.ndarray, np.ndarray] | None:
        """On a white page (``gutters.is_white_page``), the integral images that give the
        gutters' line flags with few pixel reads; None on any other ground."""
        tolerance, page = self.config.uniform_tolerance, self.background_gray
        if page == NO_PAGE or not is_white_page(tolerance, page):
            return None
        light = self.gray >= too_light_for_flat(tolerance, page)
        return self._content_sum, cv2.integral(light.view(np.uint8))

    def is_substantial(self, box: WorkBox) -> bool:
        """Big enough to be a panel on its own (relative to the whole figure)."""
        w, h = box[2] - box[0], box[3] - box[1]
        side = self.config.min_panel_side_fraction * self.long_side
        area = self.config.min_panel_area_fraction * self.width * self.height
        return w >= side and h >= side and w * h >= area

    def trim(self, box: WorkBox) -> WorkBox | None:
        """``box`` without the uniform rows and columns at its edges (None if blank).
        Remembered per box: the splitting steps trim the same pieces again and again."""
        if self.background_gray == NO_PAGE:  # no page: no margin to trim
            return box if box[2] > box[0] and box[3] > box[1] else None
        key = tuple(box)  # any sequence of four ints
        if key not in self._trimmed:
            # ``content`` is the off-page mask of ``trim_box`` (same grey, same tolerance)
            tolerance = self.config.uniform_tolerance
            self._trimmed[key] = trim_box(self.gray, box, tolerance, self.background_gray, self._content_sum)
        return self._trimmed[key]

    def gutters(self, box: WorkBox, axis: int) -> list:
        """Gutters (runs of uniform lines) across ``box`` along ``axis`` (remembered per box)."""
        key = (tuple(box), axis)
        if key not in self._gutters:
            max_flat = max(4, round(MAX_FLAT_GUTTER * self.long_side))
            tolerance = self.config.uniform_tolerance
            found = find_gutters(self.gray, box, axis, tolerance, self.background_gray, max_flat, self._white_page)
            self._gutters[key] = tuple(found)
        return list(self._gutters[key])

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per canvas: a measurement that more than one later step
        (or one step run twice) needs, such as the label candidates of light glyphs."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def mean_gray(self, box: WorkBox) -> float:
        """Mean grey level of a non-empty ``box``: ``gray[y0:y1, x0:x1].mean()`` to the
        last bit (an exact sum divided by the count), from the integral image."""
        x0, y0, x1, y1 = box
        return float(box_sum(self.gray_sums[0], box)) / ((x1 - x0) * (y1 - y0))

    def ink_count(self, box: WorkBox) -> int:
        return int(box_sum(self._content_sum, box))

    def to_original(self, box: WorkBox, width: int, height: int) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = box
        s = self.scale
        # ``math`` rounds a Python or numpy float exactly as ``np.floor`` / ``np.ceil`` do, at
        # a tenth of the cost per call
        return (
            max(0, min(width, math.floor(x0 * s))),
            max(0, min(height, math.floor(y0 * s))),
            max(0, min(width, math.ceil(x1 * s))),
            max(0, min(height, math.ceil(y1 * s))),
        )

    def __post_init__(self) -> None:
        side = self.graphic_side
        comps = self.components
        big = np.minimum(comps[:, 2], comps[:, 3]) >= side if comps.size else np.zeros(0, bool)
        big_comps = comps[big] if comps.size else comps.reshape(0, 5)
        big_comps = big_comps[~text_lines(big_comps, self.dark_components, self.text_height)]
        # centres and x0, y0, x1, y1 of the components big enough to be drawings, for ``_big_in``
        self._big_cx = big_comps[:, 0] + big_comps[:, 2] / 2
        self._big_cy = big_comps[:, 1] + big_comps[:, 3] / 2
        self._big_boxes = np.concatenate([big_comps[:, :2], big_comps[:, :2] + big_comps[:, 2:4]], axis=1)
        self._content_sum = cv2.integral(self.content.astype(np.uint8))
        self._trimmed: dict[WorkBox, WorkBox | None] = {}
        self._gutters: dict[tuple[WorkBox, int], tuple] = {}
        self._memo: dict[Hashable, Any] = {}


def dark_ink_below(page_gray: int) -> int:
    """Grey level below which a pixel is dark ink: ``DARK_INK_BELOW`` on a white page,
    as much lower as an off-white page is darker than white (a scanned or tinted page
    darkens greys alike: light fills then turned to ink, and the typical glyph height
    that every size limit follows shrank). Grey and dark pages keep the white page's level."""
    if page_gray == NO_PAGE:
        return DARK_INK_BELOW
    darker = 255 - page_gray
    return DARK_INK_BELOW - darker if WHITE_PAGE_NOISE < darker <= OFF_WHITE else DARK_INK_BELOW


def text_lines(components: np.ndarray, glyphs: np.ndarray, text_height: float) -> np.ndarray:
    """Which ``components`` (content, coarse) are lines of text, not drawings: short
    across (at most ``TEXT_LINE_SIDE`` text heights) and long along, and made of glyphs:
    at least three dark components of glyph size lie inside, spanning most of its length,
    and no bigger one. Large type blurs into one component per line on the coarse mask,
    as tall as a small drawing; a column of category names beside a bar chart then read
    as a drawing of its own and was cut off as a panel."""
    flags = np.zeros(len(components), bool)
    if not len(components) or not len(glyphs):
        return flags
    w, h = components[:, 2], components[:, 3]
    short, long = np.minimum(w, h), np.maximum(w, h)
    gx0, gy0 = glyphs[:, 0], glyphs[:, 1]
    gx1, gy1 = gx0 + glyphs[:, 2], gy0 + glyphs[:, 3]
    glyph_sized = np.maximum(glyphs[:, 2], glyphs[:, 3]) <= GLYPH_SIDE * text_height
    for i in np.flatnonzero((short <= TEXT_LINE_SIDE * text_height) & (long >= 2 * short)):
        x0, y0, x1, y1 = components[i, 0], components[i, 1], components[i, 0] + w[i], components[i, 1] + h[i]
        inside = (gx0 >= x0) & (gy0 >= y0) & (gx1 <= x1) & (gy1 <= y1)
        if inside.sum() < 3 or not glyph_sized[inside].all():
            continue
        along = (gx0[inside].min(), gx1[inside].max()) if w[i] >= h[i] else (gy0[inside].min(), gy1[inside].max())
        flags[i] = along[1] - along[0] >= TEXT_LINE_SPAN * long[i]
    return flags


def box_sum(table: np.ndarray, box: WorkBox):
    """Sum of the image under ``box`` from its integral image ``table`` (the table's type)."""
    x0, y0, x1, y1 = box
    return table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]


def build_canvas(rgb: np.ndarray, config: LayoutConfig) -> Canvas:
    height, width = rgb.shape[:2]
    scale = max(1.0, max(height, width) / config.work_max_side)
    if scale > 1.0:
        size = (max(1, round(width / scale)), max(1, round(height / scale)))
        work = shrink_for_work(rgb, size)
        scale = width / size[0]
    else:
        work = rgb
    gray = cv2.cvtColor(work, cv2.COLOR_RGB2GRAY)
    page = find_page(work, gray, config.uniform_tolerance)
    if page.box != (0, 0, work.shape[1], work.shape[0]):
        work = erase_outside(work, page.box, page.colour)
        gray = cv2.cvtColor(work, cv2.COLOR_RGB2GRAY)
    background, is_page = page.colour, page.is_page
    background_gray = gray_of(background)
    # pictures up to the border (no page): only flat lines count as gutters
    page_gray = background_gray if is_page else NO_PAGE
    content = page.content if page.content is not None else off_page(gray, background_gray, config.uniform_tolerance)
    dark_ink = gray < dark_ink_below(page_gray)
    dark_components = connected_boxes(dark_ink.view(np.uint8))
    return Canvas(
        rgb=work,
        gray=gray,
        scale=scale,
        background=background,
        background_gray=page_gray,
        content=content,
        components=coarse_components(content),
        dark_ink=dark_ink,
        dark_components=dark_components,
        text_height=estimate_text_height(dark_components, max(work.shape[:2])),
        config=config,
        frame=page.box,
    )


def shrink_for_work(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``rgb`` shrunk to ``size`` (width, height), close to what INTER_AREA gives at a
    third to a half of its cost.

    OpenCV's INTER_AREA is fast only at whole factors; at others it takes a generic path
    (5-8 ms for a 1500-px figure against 1-2 ms linear). Here the figure is resampled
    linearly to twice ``size`` and averaged 2x2 (INTER_AREA at exactly 2, its fast path):
    every work pixel still averages four samples, so a one-pixel rule keeps its contrast
    within a few grey levels of INTER_AREA, where linear resampling alone loses such rules
    at factors near and above 2."""
    doubled = cv2.resize(rgb, (2 * size[0], 2 * size[1]), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(doubled, size, interpolation=cv2.INTER_AREA)


def coarse_components(mask: np.ndarray) -> np.ndarray:
    """Components of ``mask`` at 1/COARSE resolution, in full-resolution pixels.

    Only big components matter for telling drawings from text; shrinking with INTER_AREA
    and keeping any non-zero pixel preserves one-pixel lines."""
    h, w = mask.shape
    if h < 4 * COARSE or w < 4 * COARSE:
        return connected_boxes(mask.view(np.uint8))
    small = cv2.resize(mask.view(np.uint8) * 255, (w // COARSE, h // COARSE), interpolation=cv2.INTER_AREA) > 0
    boxes = connected_boxes(small.view(np.uint8)).astype(np.int64)
    boxes[:, :4] *= COARSE
    boxes[:, 4] *= COARSE * COARSE
    return boxes.astype(np.int32)


def connected_boxes(mask: np.ndarray) -> np.ndarray:
    """(n, 5) x, y, w, h, area of the 8-connected components of a 0/1 uint8 mask.

    The same numbers as OpenCV's ``connectedComponentsWithStats``, whose statistics pass
    visits every pixel and costs 4-8x the labelling itself: here they come from the
    runs of ink along each row (a run lies in one component), a few per glyph row."""
    count, labels = cv2.connectedComponentsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_BBDT)
    if count <= 1:
        return np.zeros((0, 5), np.int32)
    starts, ends, rows = _row_runs(mask)
    run_label = labels[rows, starts]
    # accumulators of the runs' own dtype (int64): ufunc.at is 30x slower when it casts
    x0 = np.full(count, mask.shape[1], np.int64)
    np.minimum.at(x0, run_label, starts)
    x1 = np.zeros(count, np.int64)
    np.maximum.at(x1, run_label, ends)
    y0 = np.full(count, mask.shape[0], np.int64)
    np.minimum.at(y0, run_label, rows)
    y1 = np.zeros(count, np.int64)
    np.maximum.at(y1, run_label, rows)
    area = np.bincount(run_label, weights=ends - starts, minlength=count).astype(np.int64)
    return np.stack([x0, y0, x1 - x0, y1 + 1 - y0, area], axis=1)[1:].astype(np.int32)


def _row_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first column, one past the last, row) of every run of non-zero pixels in a row,
    in raster order."""
    padded = cv2.copyMakeBorder(mask, 0, 0, 1, 1, cv2.BORDER_CONSTANT, value=0)
    edges = cv2.bitwise_xor(padded[:, 1:], padded[:, :-1])  # 0/1: numpy reads it as bool
    rows, columns = np.divmod(np.flatnonzero(edges.view(bool)), edges.shape[1])
    # each row starts and ends outside a run, so its edges alternate: a start, then an end
    return columns[0::2], columns[1::2], rows[0::2]


def estimate_text_height(components: np.ndarray, long_side: int) -> float:
    """Median height of glyph-like components; a size-relative guess when there are few."""
    fallback = max(4.0, 0.012 * long_side)
    if components.size == 0:
        return fallback
    w, h, area = components[:, 2], components[:, 3], components[:, 4]
    glyph = (h >= 4) & (h <= max(6, 0.05 * long_side)) & (w <= 2.5 * h) & (area >= 6)
    if glyph.sum() < 5:
        return fallback
    return float(np.median(h[glyph]))
