"""``find_markers``: arrows, arrowheads, asterisks, stars and outlines on picture panels.

Per panel: decide whether it is a picture (``panel_kind``); if so, label every pixel with an
overlay colour class (``colors``), take the connected blobs of each class, and test each
blob's geometry (``shapes`` for glyphs, ``outlines`` for boxes and circles). Glyphs that sit
in a row of similar blobs are text and dropped; overlapping detections keep the best score.
All sizes are fractions of the panel, so the same settings serve thumbnails and 5000 px
scans. Coordinates are mapped back to figure pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image

from panel2patch.layout import geometry
from panel2patch.markers.candidates import (
    Components,
    Context,
    Found,
    bracket_outlines,
    bridged_outlines,
    glyph_sized_boxes,
    glyphs,
    line_outlines,
    outlines,
    overlap_share,
    perimeter_outlines,
    row_dashed_outlines,
    sparse_dashed_outlines,
    straight_outlines,
    text_boxes,
)
from panel2patch.markers.colors import BLACK, CLASS_NAMES, WHITE, class_layers
from panel2patch.markers.config import MarkerConfig
from panel2patch.markers.imaging import as_rgb_array, border_pixels
from panel2patch.markers.panel_kind import picture_map
from panel2patch.markers.records import Box, Marker
from panel2patch.markers.shapes import fit_arrow
from panel2patch.markers.vocabulary import ARROW, ARROWHEAD, OUTLINE_TYPES


def find_markers(image: np.ndarray | Image.Image, panels: Sequence[Sequence[int]],
                 config: MarkerConfig | None = None, exclude: Sequence[Sequence[int]] = ()) -> list[Marker]:
    """Markers on every panel of ``image``; ``panels`` are figure-pixel boxes (x0, y0, x1, y1).

    ``Marker.panel`` is the index into ``panels``. ``exclude``: figure-pixel boxes known to hold
    something else (the printed panel labels the layout read): a detection lying mostly inside
    one is dropped, so a label "D" or "▲" is never taken for a marker. Never raises on odd input:
    an unusable image, an empty or out-of-range box, or a plot panel simply yields no markers.
    """
    config = config or MarkerConfig()
    try:
        rgb = as_rgb_array(image)
    except ValueError:
        return []
    height, width = rgb.shape[:2]
    found: list[Marker] = []
    for index, bbox in enumerate(panels):
        box = clip_box(bbox, width, height)
        if box is None or min(box[2] - box[0], box[3] - box[1]) < config.min_panel_side:
            continue
        found.extend(_panel_markers(rgb, box, index, config))
    return [m for m in found if not _mostly_inside(m.bbox, exclude)]


def _mostly_inside(box: Sequence[float], others: Sequence[Sequence[int]], share: float = 0.5) -> bool:
    """At least ``share`` of ``box``'s area lies inside one of ``others`` (grown by 20% of their size)."""
    x0, y0, x1, y1 = box
    area = max(1e-9, (x1 - x0) * (y1 - y0))
    for other in others:
        try:
            ox0, oy0, ox1, oy1 = (float(v) for v in other)
        except (TypeError, ValueError):
            continue
        pad_x, pad_y = 0.2 * (ox1 - ox0), 0.2 * (oy1 - oy0)
        w = min(x1, ox1 + pad_x) - max(x0, ox0 - pad_x)
        h = min(y1, oy1 + pad_y) - max(y0, oy0 - pad_y)
        if w > 0 and h > 0 and w * h >= share * area:
            return True
    return False


def clip_box(bbox: Sequence[int], width: int, height: int) -> Box | None:
    """``bbox`` rounded and clipped to the image; None when odd or empty."""
    try:
        x0, y0, x1, y1 = (round(float(v)) for v in bbox)
    except (TypeError, ValueError, OverflowError):
        return None
    x0, x1 = max(0, min(x0, width)), max(0, min(x1, width))
    y0, y1 = max(0, min(y0, height)), max(0, min(y1, height))
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def _panel_markers(rgb: np.ndarray, box: Box, index: int, config: MarkerConfig) -> list[Marker]:
    x0, y0, x1, y1 = box
    crop = rgb[y0:y1, x0:x1]
    scale = min(1.0, config.work_max_side / max(crop.shape[:2]))
    work = crop if scale >= 1.0 else cv2.resize(
        crop, (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale))),
        interpolation=cv2.INTER_AREA)
    # A panel shrunk for analysis thins its one- and two-pixel lines to a blended grey:
    # the same shrink of its lightest and darkest pixels (max / min over each shrunk
    # pixel's footprint) keeps them at full strength, for the thin-line arrow test.
    lines = _extremes(crop, work.shape[:2], scale) if scale <= _THIN_LINE_SCALE else None
    found = detect_in_panel(work, config, lines)
    return [_to_marker(f, x0, y0, scale, index, box) for f in found]


# Panels shrunk to this scale or below get the thin-line arrow test on their extremes.
_THIN_LINE_SCALE = 0.85


def _extremes(crop: np.ndarray, shape: tuple[int, int], scale: float) -> tuple[np.ndarray, np.ndarray]:
    """``crop`` shrunk to ``shape`` keeping, per work pixel, its lightest and its darkest
    pixel (grey-morphological dilation / erosion by the shrink's footprint, then area
    resampling)."""
    k = max(2, int(np.ceil(1.0 / scale)))
    kernel = np.ones((k, k), np.uint8)
    size = (shape[1], shape[0])
    light = cv2.resize(cv2.dilate(crop, kernel), size, interpolation=cv2.INTER_AREA)
    dark = cv2.resize(cv2.erode(crop, kernel), size, interpolation=cv2.INTER_AREA)
    return light, dark


def detect_in_panel(work: np.ndarray, config: MarkerConfig,
                    lines: tuple[np.ndarray, np.ndarray] | None = None) -> list[Found]:
    """Detections on one panel array (work coordinates), best first."""
    pictures = picture_map(work)
    if pictures.score < config.image_like_threshold:
        return []
    height, width = work.shape[:2]
    short = min(height, width)
    picture = pictures.mask(height, width)
    boxes = picture_boxes(picture)
    search = search_area(boxes, (height, width))
    grey = cv2.cvtColor(work, cv2.COLOR_RGB2GRAY)
    edge = border_pixels(grey)
    ctx = Context(work, grey, float(np.median(edge)), picture, int(search.sum()),
                  glyph_min=max(float(config.min_glyph_px), config.min_glyph_fraction * short),
                  glyph_max=config.max_glyph_fraction * short,
                  outline_min=max(8.0, config.min_outline_fraction * short),
                  max_outline_fraction=config.max_outline_fraction, picture_boxes=boxes,
                  ring_min=max(float(config.min_ring_px), config.min_ring_fraction * short))
    found: list[Found] = []
    words: list[tuple[str | None, np.ndarray]] = []  # (colour, letter boxes)
    glyph_boxes: list[tuple[str | None, np.ndarray]] = []
    coloured = search_area(boxes, (height, width), _COLOURED_MARGIN)
    for cls, layers in class_layers(work, search, coloured).items():
        color = CLASS_NAMES[cls]
        ink = Components(layers.ink, work)
        glyph_boxes.append((color, glyph_sized_boxes(ink, ctx, color)))
        if color in ("white", "black"):  # lettering is black or white nearly always
            words.append((color, text_boxes(ink, ctx, color)))
        found += glyphs(ink, color, ctx)
        ink_px = int(layers.ink.sum())
        if ink_px >= 2 * min(ctx.outline_min, ctx.ring_min):  # enough ink for a ring at all
            rings = ink if layers.ring is None else Components(layers.ring, work)
            found += outlines(rings, color, ctx)
        if ink_px >= 2 * ctx.outline_min:  # ... and for the larger outlines
            found += bridged_outlines(ink, color, ctx) + sparse_dashed_outlines(ink, color, ctx)
            found += straight_outlines(layers.ink, color, ctx) + row_dashed_outlines(ink, color, ctx)
            found += bracket_outlines(ink, color, ctx)
        if layers.line is not None and int(layers.line.sum()) >= 2 * ctx.outline_min:
            closed = cv2.morphologyEx(layers.line, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
            found += line_outlines(Components(closed, work), color, ctx)
            ridges = Components(layers.line, work)
            found += bridged_outlines(ridges, color, ctx, washed=True) + row_dashed_outlines(ridges, color, ctx, washed=True)
            found += bracket_outlines(ridges, color, ctx, washed=True)
            # box sides half ink, half ridge (JPEG washes a one-pixel side in places)
            found += straight_outlines(layers.ink | layers.line, color, ctx, washed=True)
        traced = _every_pixel(layers)
        # enough pixels for a ring of pieces twice the outline minimum; a colour covering much
        # of the picture is its own (an outline of it would not stand clear: not worth the time)
        if 4 * ctx.outline_min <= int(traced.sum()) <= _TRACED_MAX_SHARE * ctx.search_pixels:
            found += perimeter_outlines(traced, layers.ink, color, ctx)
        if layers.pure is not None and layers.pure.any():
            found += glyphs(Components(layers.pure, work), color, ctx)
        if layers.stroke is not None:
            found += glyphs(Components(layers.stroke, work), color, ctx, tests=(fit_arrow,), faint=layers.faint)
    if lines is not None:
        found += _thin_line_arrows(lines, search, coloured, ctx)
    found = [f for f in found if f.score >= config.min_score]
    # Nothing inside a letter: the counter of an "A", "4" or "0" is a perfect triangle or box.
    found = [f for f in found if not _in_letter(f, words) and not _counter(f, glyph_boxes)]
    return _suppress(_drop_arrow_heads(found))[: config.max_markers_per_panel]


# Outlines are read along their perimeter (``perimeter_outlines``) in colours covering at
# most this share of the search area (on the synthetic dev set, 2 of 114 such outlines lay in
# commoner colours, found by the other tests too, for 40% of the time).
_TRACED_MAX_SHARE = 0.1


def _every_pixel(layers) -> np.ndarray:
    """Every pixel of a colour class: its ink, faint stroke, thin-line ridges and hue-split
    pixels (uint8), where a broken thin outline keeps the most of itself."""
    traced = layers.ink.copy()
    for extra in (layers.stroke, layers.line, layers.ring):
        if extra is not None:
            traced |= extra
    return traced


def _thin_line_arrows(lines: tuple[np.ndarray, np.ndarray], search: np.ndarray, coloured: np.ndarray,
                      ctx: Context) -> list[Found]:
    """White and black line arrows found on the panel's lightest / darkest shrink
    (``_extremes``), judged on that image."""
    out: list[Found] = []
    for image, cls in ((lines[0], WHITE), (lines[1], BLACK)):
        layers = class_layers(image, search, coloured, only=cls).get(cls)
        if layers is None or layers.stroke is None:
            continue
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        there = replace(ctx, work=image, grey=grey)
        out += glyphs(Components(layers.stroke, image), CLASS_NAMES[cls], there, tests=(fit_arrow,),
                      faint=layers.faint)
    return out


def _drop_arrow_heads(found: list[Found]) -> list[Found]:
    """Drop arrowheads that are the head of a detected arrow: inside the arrow's box, at its
    tip. (A purer mask often holds only the head, which then scored higher than the arrow.)"""
    arrows = [f for f in found if f.type == ARROW and f.tip is not None]
    if not arrows:
        return found

    def is_head(head: Found) -> bool:
        if head.type != ARROWHEAD or head.tip is None:
            return False
        for arrow in arrows:
            length = max(arrow.bbox[2] - arrow.bbox[0], arrow.bbox[3] - arrow.bbox[1])
            size = max(head.bbox[2] - head.bbox[0], head.bbox[3] - head.bbox[1])
            near_tip = abs(head.tip[0] - arrow.tip[0]) + abs(head.tip[1] - arrow.tip[1]) <= 0.25 * length
            if size <= 0.7 * length and overlap_share(head.bbox, arrow.bbox) >= 0.7 and near_tip:
                return True
        return False

    return [f for f in found if not is_head(f)]


def _counter(found: Found, glyph_boxes: list[tuple[str | None, np.ndarray]]) -> bool:
    """A glyph sitting loosely inside a blob of another colour: the white wedge in an "N",
    the triangle in a "4". (A marker's own border hugs it: its box is nearly the same.)"""
    if found.type in OUTLINE_TYPES:
        return False
    x0, y0, x1, y1 = found.bbox
    w, h = x1 - x0, y1 - y0
    for color, boxes in glyph_boxes:
        if color == found.color or boxes.size == 0:
            continue
        inside = (boxes[:, 0] - 2 <= x0) & (x1 <= boxes[:, 2] + 2) & (boxes[:, 1] - 2 <= y0) & (y1 <= boxes[:, 3] + 2)
        bw, bh = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
        loose = (w < 0.75 * bw) & (h < 0.75 * bh)
        letter_sized = (bw <= 3.5 * w) & (bh <= 3.5 * h)  # not a big patch of the picture
        if bool((inside & loose & letter_sized).any()):
            return True
    return False


def _in_letter(found: Found, words: list[tuple[str | None, np.ndarray]]) -> bool:
    """``found`` lies in the counter of a letter of another colour. A letter of its own colour
    holds it as ink, not as a counter: the pure core of a white arrowhead inside the white blob
    it forms with a bright structure it touches."""
    return any(_inside_any(found.bbox, boxes) for color, boxes in words if color != found.color)


def _inside_any(bbox, boxes: np.ndarray) -> bool:
    """``bbox`` lies wholly within one of ``boxes`` (one pixel of slack), but is not it, and
    that box is letter-sized for it (at most 3x its width and height: a counter fills much of
    its letter; a glyph deep inside a large dark patch that happens to line up with lettering
    is not a counter)."""
    if boxes.size == 0:
        return False
    inside = (boxes[:, 0] - 1 <= bbox[0]) & (bbox[2] <= boxes[:, 2] + 1) \
        & (boxes[:, 1] - 1 <= bbox[1]) & (bbox[3] <= boxes[:, 3] + 1)
    w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    bw, bh = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    smaller = w * h < 0.8 * bw * bh
    letter_sized = (bw <= 3 * w) & (bh <= 3 * h)
    return bool((inside & smaller & letter_sized).any())


def picture_boxes(picture: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of the picture areas that are not specks."""
    height, width = picture.shape
    _count, _, stats, _ = cv2.connectedComponentsWithStats(picture.astype(np.uint8), connectivity=8)
    return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, pixels in stats[1:]
            if pixels >= 0.002 * height * width]


# Margins of the search area beside each picture, relative to the panel's shorter side: for
# any marker, and for saturated colours (``class_layers``' ``coloured``), which are never the
# page or its lettering: arrows drawn on the pale paper beside a specimen point at it from
# further away.
_MARGIN = 0.06
_COLOURED_MARGIN = 0.2


def search_area(boxes: list[tuple[int, int, int, int]], shape: tuple[int, int],
                margin_fraction: float = _MARGIN) -> np.ndarray:
    """Where markers may lie: the rectangle of each picture (a specimen photographed on
    white is one picture, margins included) widened by a margin for markers placed
    beside it, as arrowheads pointing into a micrograph often are."""
    height, width = shape
    margin = max(3, round(margin_fraction * min(height, width)))
    area = np.zeros((height, width), bool)
    for x0, y0, x1, y1 in _joined([(x0 - margin, y0 - margin, x1 + margin, y1 + margin) for x0, y0, x1, y1 in boxes]):
        area[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = True
    return area


def _joined(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Overlapping boxes replaced by the box around them, until none overlap: the parts of
    one picture (a CT slice's body breaks into pieces where dark lung or air meets the black
    ground) span the picture's whole rectangle, with the air around the body where arrows
    are drawn."""
    joined: list[tuple[int, int, int, int]] = []  # pairwise apart
    for box in boxes:
        # a grown box may reach boxes it missed before: absorb until none overlaps it
        while (hit := next((i for i, other in enumerate(joined) if geometry.intersects(box, other)), None)) is not None:
            box = geometry.union([box, joined.pop(hit)])
        joined.append(box)
    return joined


def _suppress(found: list[Found]) -> list[Found]:
    """Keep the best of overlapping detections of the same family (glyph vs outline).

    An outline of another colour well inside a larger one is a second marker, not a double
    reading: a dashed red circle round a nucleus within a purple zoom box."""
    kept: list[Found] = []
    for item in sorted(found, key=lambda f: -f.score):
        family = item.type in OUTLINE_TYPES
        if any((other.type in OUTLINE_TYPES) == family and _overlaps(item.bbox, other.bbox)
               and not (family and _nested(item, other)) for other in kept):
            continue
        kept.append(item)
    return kept


def _nested(a: Found, b: Found) -> bool:
    """Outlines of different colours, one less than half the other's area."""
    area_a = (a.bbox[2] - a.bbox[0]) * (a.bbox[3] - a.bbox[1])
    area_b = (b.bbox[2] - b.bbox[0]) * (b.bbox[3] - b.bbox[1])
    return a.color != b.color and min(area_a, area_b) < 0.5 * max(area_a, area_b)


def _overlaps(a, b) -> bool:
    return overlap_share(a, b) >= 0.4


def _to_marker(found: Found, x0: int, y0: int, scale: float, index: int, box: Box) -> Marker:
    def px(x: float, y: float) -> tuple[int, int]:
        return (round(x0 + x / scale), round(y0 + y / scale))

    bx0, by0 = px(found.bbox[0], found.bbox[1])
    bx1, by1 = px(found.bbox[2], found.bbox[3])
    bbox = (max(box[0], bx0), max(box[1], by0), min(box[2], max(bx1, bx0 + 1)), min(box[3], max(by1, by0 + 1)))
    tip = px(*found.tip) if found.tip is not None else None
    interior = None
    if found.interior is not None:
        ix0, iy0 = px(found.interior[0], found.interior[1])
        ix1, iy1 = px(found.interior[2], found.interior[3])
        interior = (ix0, iy0, max(ix1, ix0 + 1), max(iy1, iy0 + 1))
    return Marker(found.type, bbox, tip, found.color, index, round(float(found.score), 4), found.direction,
                  found.style, interior, box)
