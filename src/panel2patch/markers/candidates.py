"""Blobs of one colour class and the markers among them, in the work pixels of a panel.

``Components`` labels a mask once; ``glyphs`` tests the blobs of marker size with the
shape fits, ``outlines`` the large ring-shaped ones, ``bridged_outlines`` joins dashes (and
the pieces of thin outlines JPEG broke) into rings. Every candidate must also look drawn over the picture
(``overlay_evidence``) and must not be a letter of a word (``in_text_line``).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from panel2patch.layout.geometry import overlap_share
from panel2patch.markers.brackets import bracket_boxes, corners_of
from panel2patch.markers.colors import CHROMATIC, MIN_CHROMA, class_map
from panel2patch.markers.dash_rows import MIN_DASHES as _ROW_MIN_DASHES
from panel2patch.markers.dash_rows import row_dashed_boxes
from panel2patch.markers.imaging import border_pixels
from panel2patch.markers.perimeters import (
    ELLIPSE,
    RECTANGLE,
    Along,
    Curve,
    Support,
    coverage_along,
    distance_to,
    perimeter_support,
    trimmed_fit,
)
from panel2patch.markers.outlines import (
    OutlineFit,
    dash_support,
    dashes_on_ellipse,
    dashes_on_rectangle,
    fit_outline,
    fit_small_ring,
    small_ring_score,
    small_ring_stroke_limit,
    split_touching_rings,
    touching_rings,
)
from panel2patch.markers.shapes import (
    Blob,
    GlyphFit,
    fit_arrow,
    fit_arrowhead,
    fit_symbol,
    make_blob,
)
from panel2patch.markers.vocabulary import BOX, CIRCLE, DASHED_BOX

GlyphTest = Callable[[Blob], "GlyphFit | None"]
ALL_GLYPHS: tuple[GlyphTest, ...] = (fit_arrowhead, fit_symbol, fit_arrow)

# Blobs examined per mask at most (picture texture can yield thousands).
_MAX_BLOBS = 80
# Glyphs whose longer side is under this many work pixels are also cut from an upsampled
# crop (``fine_blobs``): their colour mask is too coarse for the shape tests.
_SMALL_GLYPH_PX = 20
# Tests of the upsampled cut. Its arrowheads must be sharp (widest corner <= 80 degrees, as
# drawn arrowheads are: apex 30-65 degrees): the smallest triangle around a rounded blob
# (a shadow wedge, a dot with a line running off it) is right-angled or obtuse. The cut
# rounds their corners, so they fill less of that triangle than large ones (0.76, not 0.8;
# an ellipse of any aspect fills 0.60).
_FINE_TESTS: tuple[GlyphTest, ...] = (partial(fit_arrowhead, max_corner=80.0, fill_floor=0.76), fit_symbol)
# Rings of thin-line ridges (washed-out colour, no ink purity to go by): at least this many
# outline minimums across (smaller thin rings are the counters of letters and digits).
_LINE_RING_MIN = 2.5
# Neck cut: a glyph whose blob merged with picture content of its own tone (a white arrow
# whose tip touches bright bone, an arrowhead touching a bright cell) is larger than a
# glyph or fits no shape. Blobs up to this many ``glyph_max`` on a side, and no larger in
# area than a square of ``glyph_max``, are cut at their thin connections (``neck_pieces``);
# at most this many blobs per mask, this many pieces of each (the largest). Cut picture
# blobs yield pieces of roughly any shape: a piece must be at least ``_SMALL_GLYPH_PX``
# long (erosion wears a smaller glyph's corners away) and fit a shape by this much (on
# the synthetic dev set and MedPix dev slices most pieces of bone fit at 0.68-0.78).
_NECK_MAX_SIDE = 2.0
_MAX_NECKS = 10
_NECK_PIECES = 3
_NECK_MIN_FIT = 0.8
# Overlay evidence below this rejects a blob; above it, it scales the shape score from
# 0.6 (borderline: blended JPEG edges) to 1 (pure ink, sharp edge).
_MIN_EVIDENCE = 0.35


def _weigh(evidence: float) -> float:
    return 0.6 + 0.4 * evidence


@dataclass
class Found:
    """A detection in work coordinates of one panel."""

    type: str
    bbox: tuple[float, float, float, float]
    score: float
    color: str | None
    tip: tuple[float, float] | None = None
    direction: tuple[float, float] | None = None
    style: str = "filled"
    interior: tuple[float, float, float, float] | None = None


@dataclass
class Context:
    """What every test needs to know about the panel."""

    work: np.ndarray  # RGB work array
    grey: np.ndarray  # its grey levels
    margin_level: float  # median grey of the panel's outermost pixels (its page colour)
    picture: np.ndarray  # bool: photographic blocks
    search_pixels: int
    glyph_min: float
    glyph_max: float
    outline_min: float
    max_outline_fraction: float
    picture_boxes: list[tuple[int, int, int, int]]  # bounding boxes of the picture areas
    ring_min: float = 0.0  # smallest ring of a saturated colour (``fit_small_ring``); 0: none



class Components:
    """Connected blobs of one mask with their boxes, areas and mean colours."""

    def __init__(self, mask: np.ndarray, work: np.ndarray) -> None:
        self.mask = mask
        self.count, self.labels, self.stats = label_in_bounds(mask)
        on = mask > 0
        owner = self.labels[on]
        area = np.maximum(self.stats[:, cv2.CC_STAT_AREA], 1).astype(np.float64)
        colours = work[on].astype(np.float64)
        self.means = np.stack([np.bincount(owner, weights=colours[:, c], minlength=self.count) / area
                               for c in range(3)], axis=1)

    def blob(self, label: int) -> Blob | None:
        x, y, w, h, _ = (int(v) for v in self.stats[label])
        return make_blob(self.labels[y:y + h, x:x + w] == label)


def label_in_bounds(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats`` (8-connected) of a uint8 mask, labelling only its
    bounding rectangle (overlay colours are usually sparse): (count, labels, stats), the
    labels and stats in the mask's own coordinates."""
    x, y, w, h = cv2.boundingRect(mask)
    labels = np.zeros(mask.shape, np.int32)
    if w == 0 or h == 0:
        return 1, labels, np.zeros((1, 5), np.int32)
    count, inner, stats, _ = cv2.connectedComponentsWithStats(np.ascontiguousarray(mask[y:y + h, x:x + w]),
                                                              connectivity=8)
    labels[y:y + h, x:x + w] = inner
    stats[:, 0] += x
    stats[:, 1] += y
    return count, labels, stats


def _strong_ink(means: np.ndarray, color: str | None, faint: bool) -> np.ndarray:
    """Blobs whose mean colour is ink at nearly full strength (cheap first filter)."""
    slack = 25 if faint else 0
    if color == "white":
        return means.min(axis=1) >= 215 - slack
    if color == "black":
        return means.max(axis=1) <= 60 + slack
    return (means.max(axis=1) - means.min(axis=1)) >= 70 - slack


def glyphs(comps: Components, color: str | None, ctx: Context,
           tests: Sequence[GlyphTest] = ALL_GLYPHS, faint: np.ndarray | None = None) -> list[Found]:
    """Arrows, arrowheads, asterisks and stars among the blobs of ``comps``.

    With ``faint`` (the blended stroke pixels added to the ink), only blobs holding some of
    them are tested, with a looser ink filter: line arrows whose thin strokes the strict
    mask broke apart."""
    stats = comps.stats
    if comps.count <= 1:
        return []
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    size = np.maximum(w, h)
    fill = area / np.maximum(w * h, 1)
    keep = (size >= ctx.glyph_min) & (size <= ctx.glyph_max) & (area >= 12) & (fill >= 0.08)
    # The pure core of a small anti-aliased glyph can be smaller than a glyph: a seed for
    # ``fine_blobs`` (only on the plain ink mask).
    seed = (size >= 3) & (size < ctx.glyph_min) & (area >= 5) & (faint is None) & (tests == ALL_GLYPHS)
    strong = _strong_ink(comps.means, color, faint is not None) & ~_cut_by_edge(comps)
    keep &= strong
    seed &= strong
    if faint is not None:
        grew = np.bincount(comps.labels[faint], minlength=comps.count) > 0
        elongated = (size >= 1.5 * np.maximum(np.minimum(w, h), 1)) | (fill <= 0.4)
        keep &= grew & elongated
    wanted = np.flatnonzero(keep)
    wanted = wanted[wanted > 0]
    if wanted.size > _MAX_BLOBS:  # picture texture, not only ink: the most compact blobs
        wanted = wanted[np.argsort(-fill[wanted])[:_MAX_BLOBS]]
    # A colour that is also the picture's own (black background, bright bone, green cells)
    # yields glyph-like blobs by chance: ask more of them.
    share = float(comps.mask.sum()) / max(1, ctx.search_pixels)
    penalty = 1.0 if share < 0.03 and wanted.size <= 30 else (0.8 if share < 0.15 else 0.7)
    seeds = np.flatnonzero(seed)
    seeds = seeds[seeds > 0]
    if seeds.size > _MAX_BLOBS:
        seeds = seeds[np.argsort(-fill[seeds])[:_MAX_BLOBS]]
    wanted = np.concatenate([wanted, seeds])
    out: list[Found] = []
    failed: list[int] = []  # tested blobs that fit no shape: maybe a glyph merged with content
    # JPEG keeps colour at half resolution: a small coloured glyph's colour blob loses its
    # notches and thin arms, its grey levels keep them (``luma_blob``).
    refine = faint is None and color not in ("white", "black")
    # A stroke blob's faint pixels are blended edge, not ink: its purity is its ink's.
    judged = comps.labels if faint is None else np.where(faint, 0, comps.labels)
    for label in (int(v) for v in wanted):
        blob = comps.blob(label)
        if blob is None:
            continue
        x, y, bw, bh = (int(v) for v in stats[label, :4])
        small = max(bw, bh) < ctx.glyph_min
        results = [] if small else [fit for fit in (test(blob) for test in tests) if fit is not None]
        if not results and refine and not small:
            sharper = luma_blob(comps, label, ctx)
            if sharper is not None:
                blob, (x, y, bw, bh) = sharper
                results = [fit for fit in (test(blob) for test in tests) if fit is not None]
        up, own = 1, None
        best = max((f.score for f in results), default=0.0)
        # A small coloured glyph's colour mask is blurred (4:2:0 JPEG), so even a good fit there
        # may be of the wrong type (a blurred asterisk fits a star): its upsampled cut is always
        # tried; a white or black one's only when its fit is weak.
        if (best < 0.85 or refine) and faint is None and tests == ALL_GLYPHS and max(bw, bh) < _SMALL_GLYPH_PX:
            for finer in fine_blobs(comps, label, ctx):
                fine = [fit for fit in (test(finer[0]) for test in _FINE_TESTS) if fit is not None]
                if fine and max(f.score for f in fine) > best:
                    results, (blob, (x, y, bw, bh), up, own) = fine, finer
                    break
        if not results:
            if not small:
                failed.append(label)
            continue
        fit = max(results, key=lambda f: f.score)
        if in_text_line(stats, comps.means, int(label)):
            continue
        if own is None:
            evidence = overlay_evidence(ctx.work, judged, int(label), tuple(int(v) for v in stats[label, :4]), color)
        else:  # judged on the glyph's own footprint: the ink blob is only its core
            evidence = _footprint_evidence(ctx, *own, (x, y, bw, bh), color)
        if evidence < _MIN_EVIDENCE:
            continue
        if own is None and color == "black" and not _stands_out(ctx.grey, judged, int(label), stats[label]):
            continue
        out.append(_found(fit, (x, y, bw, bh), up, evidence, penalty, color))
    if faint is None and tests == ALL_GLYPHS:
        merged = np.flatnonzero(strong & (size > ctx.glyph_max) & (size <= _NECK_MAX_SIDE * ctx.glyph_max)
                                & (area <= ctx.glyph_max ** 2))
        necks = np.array([v for v in np.concatenate([merged, np.array(failed, int)]) if v > 0], int)
        for label in necks[np.argsort(-area[necks])][:_MAX_NECKS]:
            out += _neck_glyphs(comps, int(label), color, ctx, tests, penalty)
    return out


def _neck_glyphs(comps: Components, label: int, color: str | None, ctx: Context,
                 tests: Sequence[GlyphTest], penalty: float) -> list[Found]:
    """Glyphs among the pieces of blob ``label`` cut at its thin connections, judged as
    glyph blobs are: each piece on its own footprint, by its own box against text lines."""
    out: list[Found] = []
    for blob, (x, y, bw, bh), ((ox, oy), footprint) in neck_pieces(comps, label, ctx):
        results = [fit for fit in (test(blob) for test in tests) if fit is not None]
        if not results:
            continue
        fit = max(results, key=lambda f: f.score)
        if fit.score < _NECK_MIN_FIT:
            continue
        stats = comps.stats.copy()
        stats[label, :4] = (x, y, bw, bh)
        if in_text_line(stats, comps.means, label):
            continue
        evidence = _footprint_evidence(ctx, (ox, oy), footprint, (x, y, bw, bh), color)
        if evidence < _MIN_EVIDENCE:
            continue
        window = (slice(oy, oy + footprint.shape[0]), slice(ox, ox + footprint.shape[1]))
        if color == "black" and not _stands_out(ctx.grey[window], footprint, 1, np.array((x - ox, y - oy, bw, bh))):
            continue
        out.append(_found(fit, (x, y, bw, bh), 1, evidence, penalty, color))
    return out


def _footprint_evidence(ctx: Context, origin: tuple[int, int], footprint: np.ndarray,
                        box: tuple[int, int, int, int], color: str | None) -> float:
    """``overlay_evidence`` of a glyph judged on its own footprint (a 0/1 array placed at
    ``origin``), not on the ink blob it was cut from; ``box`` (x, y, w, h) in panel pixels."""
    (ox, oy), (x, y, bw, bh) = origin, box
    window = ctx.work[oy:oy + footprint.shape[0], ox:ox + footprint.shape[1]]
    return overlay_evidence(window, footprint, 1, (x - ox, y - oy, bw, bh), color)


def _found(fit, box: tuple[int, int, int, int], up: int, evidence: float, penalty: float,
           color: str | None) -> Found:
    """The detection of ``fit`` on the glyph at ``box`` (x, y, w, h; its crop upsampled
    ``up`` times): its shape score weighed by the overlay ``evidence`` and the colour-share
    ``penalty``, its tip in panel pixels."""
    x, y, bw, bh = box
    tip = (x + (fit.tip[0] - 1) / up, y + (fit.tip[1] - 1) / up) if fit.tip else None
    return Found(fit.type, (x, y, x + bw, y + bh), fit.score * _weigh(evidence) * penalty, color, tip,
                 fit.direction, fit.style)


def neck_pieces(comps: Components, label: int, ctx: Context, radius: int = 1):
    """Glyph-sized pieces of blob ``label`` once its thin connections are cut.

    A glyph touching picture content of its own tone joins it through a neck a few pixels
    wide (the tip of an arrow on bright bone). Eroding by ``radius`` cuts the neck; the
    remaining pieces grow back within the blob (geodesic reconstruction). Yields, for the
    largest ``_NECK_PIECES`` pieces of glyph size that are not the whole blob again, the piece,
    its box (x, y, w, h) in panel pixels and its footprint (crop origin and 0/1 array),
    the crop padded for the ground around it (``_stands_out``)."""
    x, y, w, h = (int(v) for v in comps.stats[label, :4])
    pad = max(3, max(w, h) // 2)
    y0, y1 = max(0, y - pad), min(ctx.work.shape[0], y + h + pad)
    x0, x1 = max(0, x - pad), min(ctx.work.shape[1], x + w + pad)
    inside = (comps.labels[y0:y1, x0:x1] == label).astype(np.uint8)
    kernel = np.ones((3, 3), np.uint8)
    count, pieces, stats, _ = cv2.connectedComponentsWithStats(cv2.erode(inside, kernel, iterations=radius),
                                                               connectivity=8)
    if count <= 1 or count > 4096:
        return
    whole = float(comps.stats[label, cv2.CC_STAT_AREA])
    sizes = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    order = [p for p in np.argsort(-stats[:, cv2.CC_STAT_AREA]) if p > 0 and sizes[p] <= ctx.glyph_max]
    if not order:
        return
    # Pieces grow back together, each claiming the blob's pixels it reaches first: a neck
    # is shared at its middle, and the glyph gets back its whole outline (a sharp tip).
    claimed = pieces.astype(np.uint16)
    for _ in range(2 * radius + 1):
        free = (claimed == 0) & (inside > 0)
        claimed[free] = cv2.dilate(claimed, kernel)[free]
    shortest = max(ctx.glyph_min, _SMALL_GLYPH_PX)
    yielded = 0
    for piece in order:
        if yielded >= _NECK_PIECES:
            break
        grown = (claimed == piece).astype(np.uint8)
        px, py, pw, ph = cv2.boundingRect(grown)
        if not shortest <= max(pw, ph) <= ctx.glyph_max or float(grown.sum()) > 0.9 * whole:
            continue
        blob = make_blob(grown[py:py + ph, px:px + pw])
        if blob is None or blob.area < 12:
            continue
        yielded += 1
        yield blob, (x0 + px, y0 + py, pw, ph), ((x0, y0), grown.astype(np.int32))


# A black glyph's grey level differs from the median of the ground around it (out to half
# its size) by at least this much, unless a light outline rings it: a patch of the
# picture's own dark ground that lines cut off (a black corner of a fluorescence image
# between a neurite and the gutter) has the ground's colour; a marker drawn in it would not
# be seen. (White glyphs are left alone: white arrowheads outlined in black on pale ground
# are common, and their ring is dark while the ground beyond is as pale as they are.)
_GROUND_CONTRAST = 60
_OUTLINE_LIGHT = 175
_OUTLINE_SHARE = 0.7


def _stands_out(grey: np.ndarray, labels: np.ndarray, label: int, stat: np.ndarray) -> bool:
    """The black blob ``label`` differs from the ground around it, or is outlined in a light
    colour."""
    x, y, w, h = (int(v) for v in stat[:4])
    reach = max(3, max(w, h) // 2)
    y0, y1 = max(0, y - reach), min(grey.shape[0], y + h + reach)
    x0, x1 = max(0, x - reach), min(grey.shape[1], x + w + reach)
    inside = (labels[y0:y1, x0:x1] == label).astype(np.uint8)
    near = cv2.dilate(inside, np.ones((3, 3), np.uint8)) > 0
    ring = (cv2.dilate(inside, np.ones((5, 5), np.uint8)) > 0) & ~near
    around = (cv2.dilate(inside, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0) & ~near
    if not around.any() or not inside.any():
        return True
    patch = grey[y0:y1, x0:x1]
    if ring.any() and float((patch[ring] >= _OUTLINE_LIGHT).mean()) >= _OUTLINE_SHARE:
        return True
    return abs(float(np.median(patch[inside > 0])) - float(np.median(patch[around]))) >= _GROUND_CONTRAST


def luma_blob(comps: Components, label: int, ctx: Context) -> tuple[Blob, tuple[int, int, int, int]] | None:
    """The glyph under a coloured blob, cut by its grey level instead of its colour.

    Pixels near the blob whose grey level lies on the glyph's side of the midpoint between
    the blob's core and its surroundings; the piece that covers most of the blob, with its
    box (x, y, w, h) in panel pixels. None when the glyph does not differ in grey level
    from what surrounds it, or not sharply."""
    x, y, w, h = (int(v) for v in comps.stats[label, :4])
    pad = max(3, round(0.3 * max(w, h)))
    y0, y1 = max(0, y - pad), min(ctx.grey.shape[0], y + h + pad)
    x0, x1 = max(0, x - pad), min(ctx.grey.shape[1], x + w + pad)
    inside = (comps.labels[y0:y1, x0:x1] == label).astype(np.uint8)
    grey = ctx.grey[y0:y1, x0:x1]
    core = cv2.erode(inside, np.ones((3, 3), np.uint8)) > 0
    if core.sum() < 3:
        core = inside > 0
    near = cv2.dilate(inside, np.ones((5, 5), np.uint8)) > 0
    ring = (cv2.dilate(inside, np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)) > 0) & ~near
    if not ring.any():
        return None
    ink, ground = float(np.median(grey[core])), float(np.median(grey[ring]))
    if abs(ink - ground) < 40:
        return None
    middle = (ink + ground) / 2.0
    # A drawn glyph steps sharply from its grey to the ground's; a glowing spot of the
    # picture (a fluorescent cell) fades, leaving many pixels half-way.
    halfway = (np.abs(grey.astype(np.float64) - middle) <= 0.25 * abs(ink - ground)) & near
    if float(halfway.sum()) > 0.24 * float(near.sum()):
        return None
    cut = (((grey > middle) if ink > ground else (grey < middle)) & near).astype(np.uint8)
    count, pieces = cv2.connectedComponents(cut, connectivity=8)
    if count <= 1:
        return None
    overlap = np.bincount(pieces[inside > 0], minlength=count)
    overlap[0] = 0
    piece = pieces == int(np.argmax(overlap))
    ys, xs = np.nonzero(piece)
    px0, py0, px1, py1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
    blob = make_blob(piece[py0:py1, px0:px1])
    if blob is None:
        return None
    return blob, (x0 + px0, y0 + py0, px1 - px0, py1 - py0)


def fine_blobs(comps: Components, label: int, ctx: Context, up: int = 4, levels: tuple[float, ...] = (0.5, 0.65)):
    """Small glyphs cut from an ``up`` times upsampled crop around an ink blob.

    The ink mask of a 10-14 px glyph is its pure core: anti-aliasing and JPEG blend the
    arms, notches and corners into the ground, and its outline is a few pixels. Each pixel
    of the (bicubic) upsampled crop is placed between the ground's colour (the crop's
    border) and the ink's (the blob's median) and cut at each of ``levels`` (half-way first;
    higher keeps the notches of fat-armed asterisks). Yields, per level, the piece under the
    blob, its box (x, y, w, h) in panel pixels, ``up``, and its footprint in panel pixels
    (the crop's origin and a 0/1 label array of the crop). Nothing when the ink does not stand out from its
    ground; no piece at a level where it runs out of the crop (part of something larger:
    at a higher level a glyph 1 px from a dark bar parts from it)."""
    x, y, w, h = (int(v) for v in comps.stats[label, :4])
    pad = max(3, max(w, h))
    y0, y1 = max(0, y - pad), min(ctx.work.shape[0], y + h + pad)
    x0, x1 = max(0, x - pad), min(ctx.work.shape[1], x + w + pad)
    crop = ctx.work[y0:y1, x0:x1].astype(np.float32)
    inside = comps.labels[y0:y1, x0:x1] == label
    size = (crop.shape[1] * up, crop.shape[0] * up)
    seed = cv2.resize(inside.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    for level_map in _level_maps(crop, ctx.grey[y0:y1, x0:x1].astype(np.float32), inside, size):
        yield from _fine_pieces(level_map, seed, levels, (x0, y0), crop.shape[:2], up, ctx)


# A glyph stands out from its ground by at least this much (grey levels along the colour
# difference) for ``fine_blobs`` to cut it ...
_FINE_CONTRAST = 60
# ... and on the grey level, for a coloured glyph (its second map): 4:2:0 JPEG keeps a small
# coloured glyph's shape only in its grey level, often a few dozen levels off its ground
# (a green arrowhead on brown tissue: 33; a cyan asterisk on a blue cell: 28), while its
# colour map is a blurred disc.
_FINE_GREY_CONTRAST = 20


def _level_maps(crop: np.ndarray, grey: np.ndarray, inside: np.ndarray, size: tuple[int, int]):
    """Upsampled maps (to ``size``) placing each pixel between the ground (0; the crop's
    border) and the ink (1; the blob's median): along the colour difference, then, for a
    coloured glyph, along the grey level. JPEG keeps colour at half resolution, so a
    coloured glyph's colour map is blurred over two pixels; its grey level keeps its arms
    and notches (a blue star, a red asterisk on white)."""
    border = border_pixels(crop)
    ink, ground = np.median(crop[inside], axis=0), np.median(border, axis=0)
    axis = ink - ground
    if float(np.abs(axis).max()) >= _FINE_CONTRAST:
        big = cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC)
        yield ((big - ground) @ axis) / float(axis @ axis)
    if float(np.ptp(ink)) < MIN_CHROMA:  # white, black: the colour map is the grey level
        return
    grey_border = border_pixels(grey)
    grey_ink, grey_ground = float(np.median(grey[inside])), float(np.median(grey_border))
    if abs(grey_ink - grey_ground) >= _FINE_GREY_CONTRAST:
        yield (cv2.resize(grey, size, interpolation=cv2.INTER_CUBIC) - grey_ground) / (grey_ink - grey_ground)


def _fine_pieces(level_map: np.ndarray, seed: np.ndarray, levels: tuple[float, ...], origin: tuple[int, int],
                 shape: tuple[int, int], up: int, ctx: Context):
    """``fine_blobs``' pieces of one level map."""
    x0, y0 = origin
    big_shape = level_map.shape
    for level in levels:
        count, pieces = cv2.connectedComponents((level_map >= level).astype(np.uint8), connectivity=8)
        if count <= 1:
            continue
        overlap = np.bincount(pieces[seed], minlength=count)
        overlap[0] = 0
        piece = pieces == int(np.argmax(overlap))
        ys, xs = np.nonzero(piece)
        px0, py0, px1, py1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
        if px0 == 0 or py0 == 0 or px1 == big_shape[1] or py1 == big_shape[0]:
            continue
        side = max(px1 - px0, py1 - py0) / up
        if side < ctx.glyph_min or side >= 1.5 * _SMALL_GLYPH_PX:
            continue
        blob = make_blob(piece[py0:py1, px0:px1])
        if blob is None:
            continue
        footprint = cv2.resize(piece.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
        if not (footprint >= 0.5).any():
            continue
        box = (x0 + px0 // up, y0 + py0 // up, max(1, -(-px1 // up) - px0 // up), max(1, -(-py1 // up) - py0 // up))
        yield blob, box, up, ((x0, y0), (footprint >= 0.5).astype(np.int32))


def _cut_by_edge(comps: Components) -> np.ndarray:
    """Blobs lying along the panel's edge over a third of their side: a patch of the picture
    (a dark corner outside a scan, a bright structure) that the edge cuts straight, which
    reads as a triangle; a drawn glyph at most touches the edge."""
    labels, stats = comps.labels, comps.stats
    cut = np.zeros(comps.count, bool)
    for line, side in ((labels[0], cv2.CC_STAT_WIDTH), (labels[-1], cv2.CC_STAT_WIDTH),
                       (labels[:, 0], cv2.CC_STAT_HEIGHT), (labels[:, -1], cv2.CC_STAT_HEIGHT)):
        along = np.bincount(line, minlength=comps.count)
        cut |= along >= np.maximum(3, stats[:, side] / 3.0)
    cut[0] = False
    return cut


def glyph_sized_boxes(comps: Components, ctx: Context, color: str | None = None) -> np.ndarray:
    """Boxes (x0, y0, x1, y1) of the glyph-sized blobs of ``comps`` (letters, markers; ink of
    ``color``, whose pale blobs are no letters: ``_letter_ink``)."""
    stats = comps.stats
    size = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    keep = (size >= ctx.glyph_min) & (size <= ctx.glyph_max) & (stats[:, cv2.CC_STAT_AREA] >= 12)
    keep &= _letter_ink(comps.means, color)
    keep[0] = False
    boxes = stats[keep, :4].astype(np.float64)
    boxes[:, 2] += boxes[:, 0]
    boxes[:, 3] += boxes[:, 1]
    return boxes


def text_boxes(comps: Components, ctx: Context, color: str | None = None) -> np.ndarray:
    """Boxes (x0, y0, x1, y1) of the blobs of ``comps`` (ink of ``color``) that are letters of a word."""
    stats = comps.stats
    if comps.count <= 2:
        return np.zeros((0, 4))
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    letter_like = (np.maximum(w, h) >= 0.6 * ctx.glyph_min) & (np.maximum(w, h) <= ctx.glyph_max) & (area >= 6)
    letter_like &= _letter_ink(comps.means, color)
    letter_like[0] = False
    candidates = np.flatnonzero(letter_like)
    if candidates.size > 300:  # picture texture, not lettering
        return np.zeros((0, 4))
    rows = [stats[label, :4] for label in candidates if in_text_line(stats, comps.means, int(label))]
    if not rows:
        return np.zeros((0, 4))
    boxes = np.array(rows, dtype=np.float64)
    boxes[:, 2] += boxes[:, 0]
    boxes[:, 3] += boxes[:, 1]
    return boxes


# Mean lowest channel of a white letter's blob: lettering is set in pure white (JPEG and
# anti-aliasing bring a thin letter's mean down to ~235); pale paper, a well of a plate or
# a bright patch of tissue lies near the white limit (205-222).
_WHITE_LETTER_MIN = 228


def _letter_ink(means: np.ndarray, color: str | None) -> np.ndarray:
    """Blobs whose mean colour is lettering ink: for white, near pure white. A row of pale
    wells or cells lines up like a word, and a marker drawn inside one is no letter's counter."""
    if color == "white":
        return means.min(axis=1) >= _WHITE_LETTER_MIN
    return np.ones(len(means), bool)


def in_text_line(stats: np.ndarray, means: np.ndarray, label: int) -> bool:
    """Blobs of the same ink and size beside this one along a line (horizontal, or vertical
    for rotated axis titles): a letter of a word, not a marker. In a fixed-width font narrow
    letters stand far apart (the "1"s of burned-in "114" on a scan, 0.7 of their height), so
    a line is also three blobs in a row whose centres step by at most ``_LETTER_PITCH`` of
    their height: the "4" is a letter."""
    if _lined_up(stats, means, label) is not None:
        return True
    return any(bool(np.any(_pitched(stats, means, int(other), axis) != label))
               for axis in (0, 1) for other in _pitched(stats, means, label, axis))


# Letters of a line in a fixed-width font: their centres step by at most this share of
# their height (1.1 for the burned-in digits of MedPix slices). Two glyphs of a letter's
# size side by side this near almost touch: markers are not set so.
_LETTER_PITCH = 1.2


def _pitched(stats: np.ndarray, means: np.ndarray, label: int, axis: int) -> np.ndarray:
    """Blobs of like ink and size beside ``label`` along a horizontal (``axis`` 0) or vertical
    (1) line, their centres at most ``_LETTER_PITCH`` of the larger size away along it."""
    ok, size, o_size, _gap, step = _alike_on_its_line(stats, means, label, axis)
    return np.flatnonzero(ok & (step <= _LETTER_PITCH * np.maximum(size, o_size)))


def _lined_up(stats: np.ndarray, means: np.ndarray, label: int, one_near: float = 0.3) -> np.ndarray | None:
    """The labels of the blobs that put ``label`` in a line of text (``in_text_line``), or None:
    two within 0.6 of its size, or one within ``one_near`` of it."""
    for axis in (0, 1):  # a horizontal line of text, a vertical one
        ok, size, o_size, gap, _step = _alike_on_its_line(stats, means, label, axis)
        near = ok & (gap <= 0.6 * np.maximum(size, o_size))
        single = ok & (gap <= one_near * size)
        if int(near.sum()) >= 2 or bool(single.any()):
            return np.flatnonzero(near | single)
    return None


def _alike_on_its_line(stats: np.ndarray, means: np.ndarray, label: int, axis: int):
    """The blobs a line of text through ``label`` could hold, along a horizontal (``axis`` 0)
    or vertical (1) line: (mask of those of like ink and size centred on its line, its size
    across the line, every blob's size across, the gap between every blob's edges and its
    along the line, the distance of every blob's centre from its along the line)."""
    x, y, w, h = (float(v) for v in stats[label, :4])
    ox, oy, ow, oh = (stats[:, i].astype(np.float64) for i in range(4))
    if axis == 0:
        size, start, extent, o_size, o_start, o_extent = h, x, w, oh, ox, ow
        across, o_across = y + h / 2, oy + oh / 2
    else:
        size, start, extent, o_size, o_start, o_extent = w, y, h, ow, oy, oh
        across, o_across = x + w / 2, ox + ow / 2
    ok = (np.abs(means - means[label]).max(axis=1) <= 70) & (stats[:, cv2.CC_STAT_AREA] >= 4)
    ok &= (o_size >= 0.45 * size) & (o_size <= 2.2 * size)
    ok &= np.abs(o_across - across) <= 0.35 * np.maximum(size, o_size)
    ok[0] = ok[label] = False
    gap = np.maximum(o_start - (start + extent), start - (o_start + o_extent))
    step = np.abs((o_start + o_extent / 2) - (start + extent / 2))
    return ok, size, o_size, gap, step


# A group of rings lined up like letters holds at most this many blobs.
_RING_ROW_MAX = 8


def _is_ring(comps: Components, label: int, small_below: float, like: tuple[int, int]) -> bool:
    """The blob is rings that touch (``touching_rings``), or a ring of the size ``like`` (width
    and height within a pixel or 15%: rings drawn as a set are drawn alike; an "O" and a
    "D" of a word are not) that fits a circle (``fit_outline``, or ``fit_small_ring`` under
    ``small_below`` px or where that fails)."""
    blob = comps.blob(label)
    if blob is None:
        return False
    if touching_rings(blob):
        return True
    w, h = comps.stats[label, cv2.CC_STAT_WIDTH], comps.stats[label, cv2.CC_STAT_HEIGHT]
    if any(abs(int(a) - int(b)) > max(1.0, 0.15 * max(a, b)) for a, b in ((w, like[0]), (h, like[1]))):
        return False
    fit = fit_outline(blob) if min(w, h) >= small_below else None
    if fit is None and max(w, h) <= SMALL_RING_MAX_PX:
        fit = fit_small_ring(blob)
    return fit is not None and fit.type == CIRCLE


def _ring_row(comps: Components, label: int, small_below: float, one_near: float = 0.3,
              like: tuple[int, int] | None = None) -> bool:
    """``label`` lines up only with rings that line up only with rings (followed through
    up to ``_RING_ROW_MAX`` blobs): a set of coloured rings round the spots of a
    diffraction pattern, not a word, whose o's stand between letters of other shapes.
    Meant for saturated colours only: words in white or black may be all o's and 0's ("00").
    ``small_below``: the size under which a blob is judged by ``fit_small_ring`` first;
    ``like``: the size the rings must have (``label``'s own by default)."""
    size = like or (comps.stats[label, cv2.CC_STAT_WIDTH], comps.stats[label, cv2.CC_STAT_HEIGHT])
    seen, todo = {label}, [label]
    while todo:
        near = _lined_up(comps.stats, comps.means, todo.pop(), one_near)
        if near is None:
            continue
        for other in near.tolist():
            if other in seen:
                continue
            if len(seen) >= _RING_ROW_MAX or not _is_ring(comps, other, small_below, size):
                return False
            seen.add(other)
            todo.append(other)
    return True


def overlay_evidence(work: np.ndarray, labels: np.ndarray, label: int, rect: tuple[int, int, int, int],
                     color: str | None) -> float:
    """How much a blob looks drawn over the picture (0 = not at all, 1 = clearly).

    A drawn glyph is one pure colour (its core is saturated white, black or hue) with a
    sharp step to what surrounds it; a bright or dark patch of the picture fades out."""
    x, y, w, h = rect
    pad = 4
    y0, y1 = max(0, y - pad), min(work.shape[0], y + h + pad)
    x0, x1 = max(0, x - pad), min(work.shape[1], x + w + pad)
    inside = (labels[y0:y1, x0:x1] == label).astype(np.uint8)
    pixels = work[y0:y1, x0:x1].astype(np.int16)
    core = cv2.erode(inside, np.ones((3, 3), np.uint8)) > 0
    # Thin strokes are all edge: judge them by their strongest pixels. (Decided before an
    # empty core falls back to the whole blob: a two-pixel outline has no core at all.)
    thin = core.sum() < 0.3 * inside.sum()
    if core.sum() < 3:
        core = inside > 0
    core_px = pixels[core]
    q = 75 if thin else 50
    if color == "white":
        purity = float(np.percentile(core_px.min(axis=1), q))
        pure = np.clip((purity - 205) / 30.0, 0, 1)
    elif color == "black":
        purity = float(np.percentile(core_px.max(axis=1), 100 - q))
        pure = np.clip((80 - purity) / 45.0, 0, 1)
    else:
        chroma = core_px.max(axis=1) - core_px.min(axis=1)
        pure = np.clip((float(np.percentile(chroma, q)) - 45) / 55.0, 0, 1)
        # Drawn colour is flat; a fluorescent cell of the same hue glows brighter inside.
        # (Only the more saturated half of the core counts: JPEG blends colour into the
        # ground over two pixels, so the core of a 3-5 px stroke is partly blended edge;
        # what stays spreads by up to ~0.4, hence the slack.)
        value = core_px.max(axis=1).astype(np.float64)
        value = value[chroma >= np.median(chroma)]
        spread = float(np.percentile(value, 90) - np.percentile(value, 10)) / max(1.0, float(np.median(value)))
        pure *= float(np.clip((0.45 - spread) / 0.22, 0, 1))
    ring = (cv2.dilate(inside, np.ones((5, 5), np.uint8)) > 0) & ~(cv2.dilate(inside, np.ones((3, 3), np.uint8)) > 0)
    if not ring.any():
        return 0.0
    mean = core_px.mean(axis=0)
    distance = np.abs(pixels[ring] - mean).max(axis=1)
    contrast = float((distance > 70).mean())
    step = np.clip((contrast - 0.45) / 0.4, 0, 1)
    return float(pure * step) ** 0.5


def outlines(comps: Components, color: str | None, ctx: Context) -> list[Found]:
    """Solid boxes and circles: large blobs that are thin rings; in saturated colours also
    rings smaller than ``outline_min`` (down to ``ring_min``: white and black ones that
    small are the o's and 0's of lettering)."""
    stats = comps.stats
    out: list[Found] = []
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    smallest = ctx.outline_min
    if ctx.ring_min > 0 and color not in ("white", "black"):
        smallest = min(smallest, ctx.ring_min)
    rings = smallest < ctx.outline_min
    pixel_sized = rings & (np.maximum(w, h) <= SMALL_RING_MAX_PX)
    # a ring of a one- or two-pixel stroke round a hole of a few pixels covers up to 0.85 of its box
    for label in np.flatnonzero((np.minimum(w, h) >= smallest) & (area <= np.where(pixel_sized, 0.85, 0.6) * w * h)):
        if label == 0:
            continue
        blob = comps.blob(int(label))
        if blob is None:
            continue
        x, y, bw, bh = (int(v) for v in stats[label, :4])
        # (before fit_outline: two rings may fit one ellipse; holes under a fifth make no rings)
        split = split_touching_rings(blob) if rings and blob.hole_ratio >= 0.2 else None
        if split is not None:
            out += _touching_rings(comps, int(label), blob, split, color, ctx)
            continue
        fit = fit_outline(blob) if min(w[label], h[label]) >= ctx.outline_min and area[label] <= 0.6 * w[label] * h[label] else None
        small = fit is None and bool(pixel_sized[label])
        if small:
            fit = fit_small_ring(blob)
        if fit is None or is_frame((x, y, x + bw, y + bh), ctx, round_=fit.type == CIRCLE):
            continue
        # A small ring with one alike blob a word space beside it is an "O" of a word already.
        one_near = _SMALL_RING_WORD_GAP if small else 0.3
        if _lined_up(stats, comps.means, int(label), one_near) is not None and not (
                fit.type == CIRCLE and color not in ("white", "black")
                and _ring_row(comps, int(label), ctx.outline_min, one_near)):
            continue
        if small and not (_lone_small_ring(comps.mask, (x, y, x + bw, y + bh)) and _plain_hole(ctx.work, blob, (x, y))):
            continue
        evidence = overlay_evidence(ctx.work, comps.labels, int(label), (x, y, bw, bh), color)
        if evidence < _MIN_EVIDENCE:
            continue
        fit = OutlineFit(fit.type, fit.score * _weigh(evidence), fit.interior, fit.stroke, fit.style)
        ix0, iy0, ix1, iy1 = fit.interior
        out.append(Found(fit.type, (x, y, x + bw, y + bh), fit.score, color, None, None, fit.style,
                         (x + ix0 - 1, y + iy0 - 1, x + ix1 - 1, y + iy1 - 1)))
    return out


def _touching_rings(comps: Components, label: int, blob: Blob,
                    split: tuple[list[tuple[int, int, int, int]], float], color: str | None,
                    ctx: Context) -> list[Found]:
    """One circle per ring of a blob of saturated rings that touch (``split``, from
    ``split_touching_rings``), each drawn with a thin line (as a small ring's,
    ``fit_small_ring``), held to the small rings' tests on the whole blob: no word (lined up
    only with alike rings), alone in its colour, plain holes, drawn over the picture."""
    boxes, stroke = split
    diameter = min(min(b[2] - b[0], b[3] - b[1]) for b in boxes)
    if diameter < ctx.ring_min or stroke > small_ring_stroke_limit(diameter, _TOUCHING_RING_STROKE):
        return []
    stats = comps.stats
    x, y, bw, bh = (int(v) for v in stats[label, :4])
    one_ring = (boxes[0][2] - boxes[0][0], boxes[0][3] - boxes[0][1])
    if _lined_up(stats, comps.means, label, _SMALL_RING_WORD_GAP) is not None \
            and not _ring_row(comps, label, ctx.outline_min, _SMALL_RING_WORD_GAP, like=one_ring):
        return []
    if not (_lone_small_ring(comps.mask, (x, y, x + bw, y + bh)) and _plain_hole(ctx.work, blob, (x, y))):
        return []
    evidence = overlay_evidence(ctx.work, comps.labels, label, (x, y, bw, bh), color)
    if evidence < _MIN_EVIDENCE:
        return []
    score = small_ring_score(1.0, stroke, diameter) * _weigh(evidence)
    out = []
    for bx0, by0, bx1, by1 in boxes:  # mask coordinates: padded by one pixel
        box = (x + bx0 - 1, y + by0 - 1, x + bx1 - 1, y + by1 - 1)
        inner = math.ceil(stroke)
        out.append(Found(CIRCLE, box, round(min(1.0, score), 3), color, None, None, "line",
                         (box[0] + inner, box[1] + inner, box[2] - inner, box[3] - inner)))
    return out


# Rings that touch are held to a thinner stroke than a lone small ring: this share of a
# ring's width, not 0.3 (set so when touching rings were added, thirteenth session; the
# looser limit was not measured).
_TOUCHING_RING_STROKE = 0.2
# Rings up to this many pixels across are also judged on their pixels (``fit_small_ring``):
# ``fit_outline``'s contour fits need a stroke under a fifth of the width and a hole of
# 0.45 of the area, which a one- or two-pixel stroke meets only from ~12 px up.
SMALL_RING_MAX_PX = 16
# A blob of the same colour and size in line with a small ring, this many sizes from it or
# nearer, makes it a letter (a word space is ~0.3-0.5 of a letter's height).
_SMALL_RING_WORD_GAP = 1.0
# Around a small ring (a band half its size wide), its colour covers at most this share.
_SMALL_RING_AROUND = 0.2


def _lone_small_ring(mask: np.ndarray, bbox: tuple[int, int, int, int]) -> bool:
    """The ring's colour is rare just around it: a drawn ring, not one of a field of ring-shaped
    cells or of the loops of a stained network."""
    x0, y0, x1, y1 = bbox
    pad = max(2, round(0.5 * max(x1 - x0, y1 - y0)))
    outer = mask[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
    band = float(outer.sum()) - float(mask[y0:y1, x0:x1].sum())
    band_area = outer.size - (y1 - y0) * (x1 - x0)
    return band_area > 0 and band / band_area <= _SMALL_RING_AROUND


# At most this share of a small ring's hole may be of a saturated colour.
_SMALL_RING_HOLE_COLOUR = 0.3


def _plain_hole(work: np.ndarray, blob: Blob, origin: tuple[int, int]) -> bool:
    """The hole of a small ring holds no saturated colour (the ground, or the white or dark
    spot it circles): a ring of one hue round a core of another is the blended rim of a
    fluorescent cell against its neighbour, not a drawn circle."""
    hy, hx = np.nonzero(blob.hole)  # the blob's mask is padded by one pixel; a hole never lies on the pad
    pixels = work[origin[1] - 1 + hy, origin[0] - 1 + hx]
    if pixels.size == 0:
        return False
    return float((class_map(pixels[None]) >= CHROMATIC[0]).mean()) <= _SMALL_RING_HOLE_COLOUR


def line_outlines(comps: Components, color: str | None, ctx: Context) -> list[Found]:
    """Solid boxes and circles of thin lines found as ridges (``colors._ridges``), whose
    colour JPEG washed below the ink limits. Without the ink's purity to go by, the ring
    must stand alone: its colour rare inside it and around it (not a cell's bright rim in
    a field of such rims)."""
    stats = comps.stats
    out: list[Found] = []
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    # Small thin rings are the counters of letters and digits ("0", "D"); zoom boxes are larger.
    for label in np.flatnonzero((np.minimum(w, h) >= _LINE_RING_MIN * ctx.outline_min) & (area <= 0.6 * w * h)):
        if label == 0:
            continue
        blob = comps.blob(int(label))
        fit = fit_outline(blob) if blob is not None else None
        x, y, bw, bh = (int(v) for v in stats[label, :4])
        if fit is None or is_frame((x, y, x + bw, y + bh), ctx, round_=fit.type == CIRCLE):
            continue
        if not _lone_line_ring(comps.mask, (x, y, x + bw, y + bh), fit.stroke):
            continue
        ix0, iy0, ix1, iy1 = fit.interior
        out.append(Found(fit.type, (x, y, x + bw, y + bh), fit.score * _weigh(0.5), color, None, None, fit.style,
                         (x + ix0 - 1, y + iy0 - 1, x + ix1 - 1, y + iy1 - 1)))
    return out


def _lone_line_ring(mask: np.ndarray, bbox: tuple[int, int, int, int], stroke: float) -> bool:
    """``_lone_outline`` held stricter for a ring of thin-line ridges: its colour covers at
    most a tenth inside it and 15% just around it (not a cell's bright rim in a field of them)."""
    return _lone_outline(mask, bbox, stroke, inner_max=0.1, ring_max=0.15)


def straight_outlines(mask: np.ndarray, color: str | None, ctx: Context, washed: bool = False) -> list[Found]:
    """Axis-aligned boxes whose sides touch picture content of their own colour (a purple
    box over hematoxylin-purple nuclei): find long straight horizontal and vertical runs,
    then pairs of horizontal sides joined at both ends by vertical ones. ``washed``: the
    mask holds thin-line ridges too, and the box must stand alone as ``line_outlines``' do."""
    length = max(8, int(0.6 * ctx.outline_min))
    smallest = _LINE_RING_MIN * ctx.outline_min if washed else ctx.outline_min
    x, y, w, h = cv2.boundingRect(mask)
    if w < smallest or h < smallest:
        return []
    mask = mask[y:y + h, x:x + w]
    horizontal = _joined_runs(_segments(_thin_runs(mask, length, along_x=True), along_x=True))
    vertical = _segments(_thin_runs(mask, length, along_x=False), along_x=False)
    if len(horizontal) < 2 or len(vertical) < 2:
        return []
    # a side shorter than the smallest box cannot be one (the pairs' overlap is at most it)
    horizontal = sorted((seg for seg in horizontal if seg[1] - seg[0] >= smallest), key=lambda seg: -(seg[1] - seg[0]))[:150]
    vertical = np.array(sorted(vertical, key=lambda seg: -(seg[1] - seg[0]))[:150], np.float64).reshape(-1, 4)
    out: list[Found] = []
    for i, (ax0, ax1, ay, at) in enumerate(horizontal):
        for bx0, bx1, by, bt in horizontal[i + 1:]:
            top, bottom = (ay, by) if ay < by else (by, ay)
            width = min(ax1, bx1) - max(ax0, bx0)
            tol = max(3.0, 0.05 * max(ax1 - ax0, bx1 - bx0))
            if bottom - top < ctx.outline_min or abs(ax0 - bx0) > tol or abs(ax1 - bx1) > tol or width < ctx.outline_min:
                continue
            left, right = (ax0 + bx0) / 2.0, (ax1 + bx1) / 2.0
            if not (_side_covered(vertical, left, top, bottom, tol) and _side_covered(vertical, right, top, bottom, tol)):
                continue
            stroke = max(at, bt)
            local = (int(left), int(top - stroke / 2), int(right) + 1, int(bottom + stroke / 2) + 1)
            bbox = (local[0] + x, local[1] + y, local[2] + x, local[3] + y)  # panel coordinates
            if stroke > 0.12 * min(bottom - top, right - left) or not _lone_outline(mask, local, stroke) \
                    or is_frame(bbox, ctx):
                continue
            if washed and (min(bottom - top, right - left) < smallest or not _lone_line_ring(mask, local, stroke)):
                continue
            interior = (bbox[0] + stroke, bbox[1] + stroke, bbox[2] - stroke, bbox[3] - stroke)
            out.append(Found(BOX, bbox, 0.9, color, None, None, "line", interior))
    return [box for box in out if not _in_grid(box, out)] if washed else out


def _in_grid(box: Found, boxes: list[Found], tol: float = 4.0) -> bool:
    """``box`` shares a side with another of ``boxes``, edge to edge along most of it: the
    frames of pictures set in a grid (their thin dividing lines read as ridges), not a
    zoom box, which never abuts another."""
    x0, y0, x1, y1 = box.bbox
    for other in boxes:
        if other is box:
            continue
        ox0, oy0, ox1, oy1 = other.bbox
        along_y = min(y1, oy1) - max(y0, oy0) >= 0.5 * min(y1 - y0, oy1 - oy0)
        along_x = min(x1, ox1) - max(x0, ox0) >= 0.5 * min(x1 - x0, ox1 - ox0)
        if along_y and (abs(x1 - ox0) <= tol or abs(ox1 - x0) <= tol):
            return True
        if along_x and (abs(y1 - oy0) <= tol or abs(oy1 - y0) <= tol):
            return True
    return False


def _lone_outline(mask: np.ndarray, bbox: tuple[int, int, int, int], stroke: float,
                  inner_max: float = 0.4, ring_max: float = 0.35) -> bool:
    """The outline's colour is rare inside it and just outside it (a drawn box, not the
    edges of a stripe pattern or of a letter)."""
    x0, y0, x1, y1 = bbox
    pad = int(stroke) + 2
    inner = mask[y0 + pad:y1 - pad, x0 + pad:x1 - pad]
    if inner.size == 0 or float(inner.mean()) > inner_max:
        return False
    outer = mask[max(0, y0 - 2 * pad):y1 + 2 * pad, max(0, x0 - 2 * pad):x1 + 2 * pad].astype(np.float64)
    ring_sum = float(outer.sum()) - float(mask[y0:y1, x0:x1].sum())
    ring_area = outer.size - (y1 - y0) * (x1 - x0)
    return ring_area <= 0 or ring_sum / ring_area <= ring_max


# A box side is at most this many pixels thick (``straight_outlines``): where a side runs
# along picture content of its own colour, the content (thicker than this) is cut off it.
_SIDE_MAX_STROKE = 6


def _thin_runs(mask: np.ndarray, length: int, along_x: bool) -> np.ndarray:
    """Straight runs of ``mask`` at least ``length`` long and at most ``_SIDE_MAX_STROKE``
    thick. A side touching a bright structure (a white box over bone) merged with it into
    one thick component before, which no side test passed; now the side is cut where it
    touches and the rest of it stays a thin run."""
    line = (1, length) if along_x else (length, 1)
    thick = (_SIDE_MAX_STROKE + 1, length) if along_x else (length, _SIDE_MAX_STROKE + 1)
    runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones(line, np.uint8))
    return runs & ~cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones(thick, np.uint8))


def _joined_runs(segments: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """``segments`` plus, for each row of collinear pieces (centres within 2 px across),
    each longest chain of them inked along at least 70% of its length: a side cut where
    it touches content (``_thin_runs``) or crosses it, joined again."""
    out = list(segments)
    ordered = sorted(segments, key=lambda seg: (seg[2], seg[0]))
    positions = [seg[2] for seg in ordered]
    for i, (start, end, across, thick) in enumerate(ordered):
        inked, best = end - start, None
        row = [seg for seg in ordered[i + 1:bisect.bisect_right(positions, across + 2)] if seg[0] >= start]
        for s0, s1, _a, t in sorted(row, key=lambda seg: seg[0]):
            if s1 <= end:
                continue
            inked += s1 - max(s0, end)
            end, thick = s1, max(thick, t)
            if inked >= 0.7 * (end - start):
                best = (start, end, across, thick)
        if best is not None:
            out.append(best)
    return out


def _segments(runs: np.ndarray, along_x: bool) -> list[tuple[float, float, float, float]]:
    """Thin straight runs as (start, end, position across, thickness)."""
    _count, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    x, y, w, h = (stats[1:, i].astype(np.float64) for i in range(4))
    start, extent, across, thick = (x, w, y, h) if along_x else (y, h, x, w)
    keep = thick <= np.maximum(6, 0.15 * extent)
    return list(zip(start[keep].tolist(), (start + extent)[keep].tolist(),
                    (across + thick / 2.0)[keep].tolist(), thick[keep].tolist()))


def _side_covered(segments: np.ndarray, position: float, start: float, end: float, tol: float) -> bool:
    """Segments (rows of start, end, across, thickness) at ``position`` (within ``tol``)
    cover at least 70% of [start, end]."""
    s0, s1, across = segments[:, 0], segments[:, 1], segments[:, 2]
    near = np.abs(across - position) <= tol
    covered = float(np.maximum(0.0, np.minimum(s1[near], end) - np.maximum(s0[near], start)).sum())
    return covered >= 0.7 * (end - start)


def bridged_outlines(comps: Components, color: str | None, ctx: Context, washed: bool = False) -> list[Found]:
    """Outlines in pieces: dashed boxes and circles, and thin solid ones that JPEG broke.

    Pieces (every blob short of a whole ring) are bridged by a dilation as wide as a dash
    gap, and the bridged rings tested as outlines. Many pieces covering part of the ring
    make a dashed outline; nearly full cover, a solid one."""
    stats = comps.stats
    if comps.count <= 1:
        return []
    short = min(ctx.work.shape[:2])
    sizes = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    pieces_ok = (sizes <= 0.95 * short) & (stats[:, cv2.CC_STAT_AREA] >= 2)
    if not washed:
        pieces_ok &= _strong_ink(comps.means, color, True)
    pieces_ok[0] = False
    if not pieces_ok.any():
        return []
    pieces = pieces_ok[comps.labels].astype(np.uint8)
    gap = max(3, round(0.025 * short))
    bridged = cv2.dilate(pieces, np.ones((gap, gap), np.uint8))
    count, labels, bstats, _ = cv2.connectedComponentsWithStats(bridged, connectivity=8)
    out: list[Found] = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in bstats[label])
        if min(w, h) < ctx.outline_min or area > 0.6 * w * h:
            continue
        region = labels[y:y + h, x:x + w] == label
        blob = make_blob(region)
        fit = fit_outline(blob, dashed=True) if blob is not None else None
        if fit is None or is_frame((x, y, x + w, y + h), ctx, round_=fit.type == CIRCLE):
            continue
        count_pieces, covered = dash_support(pieces[y:y + h, x:x + w], region.astype(np.uint8))
        # Solid: ink under nearly the whole turn, or most of it in a few long pieces (a thin
        # line JPEG broke); drawn dashes are many and alike.
        if covered >= 0.9 or (count_pieces <= 5 and covered >= 0.7):
            kind, style = (BOX if fit.type == DASHED_BOX else fit.type), "line"
        elif count_pieces >= 6 and covered >= 0.08 and _regular_dashes(comps, region, (x, y)):
            kind, style = fit.type, "dashed"
        else:
            continue
        if washed:
            too_small = min(w, h) < _LINE_RING_MIN * ctx.outline_min
            if too_small or not _lone_line_ring(comps.mask, (x, y, x + w, y + h), 2.0):
                continue
        elif not _flat_ink(ctx.work[y:y + h, x:x + w][region & (pieces[y:y + h, x:x + w] > 0)], color):
            continue
        ix0, iy0, ix1, iy1 = fit.interior
        out.append(Found(kind, (x, y, x + w, y + h), fit.score, color, None, None, style,
                         (x + ix0 - 1, y + iy0 - 1, x + ix1 - 1, y + iy1 - 1)))
    return out


# Grouping reach of dashed-circle dashes, relative to the panel's shorter side.
CIRCLE_GROUPING = 0.045


def sparse_dashed_outlines(comps: Components, color: str | None, ctx: Context) -> list[Found]:
    """Dashed boxes and circles whose gaps are too wide to bridge, boxes at any rotation
    (``dashes_on_rectangle``, ``dashes_on_ellipse``).

    Dash-sized pieces of one strong colour are grouped by a wide dilation; a group whose pieces
    are alike in size and lie on the perimeter of their minimum-area rectangle is a dashed box,
    on their fitted ellipse (running along it) a dashed circle.
    In white and black (texture, lettering) only thin strokes count: for boxes at most a third
    as wide as long (a dashed line's dashes and corners, not dots or letters), for circles,
    whose dashes must also run along the ellipse, pieces filling at most 0.55 of their
    bounding square. No black boxes: the thin strokes of lettering line up along rectangles
    (a plot's tick labels read as a dashed box), never along an ellipse with every stroke
    tangent to it.
    Of a box and a circle fitted to the same dashes, the one they lie closer to wins."""
    if comps.count <= 8:
        return []
    stats = comps.stats
    short = min(ctx.work.shape[:2])
    sizes = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    areas = stats[:, cv2.CC_STAT_AREA]
    dash_ok = (sizes <= max(4.0, 0.06 * short)) & (areas >= 2) & _strong_ink(comps.means, color, True)
    dash_ok[0] = False
    fits: list[tuple[float, Found]] = []  # (residual, detection)
    circle_ok = dash_ok
    if color in ("white", "black"):
        # Circles: a bolder dash, or one seen diagonally, fills more of its bounding square; its
        # elongation is checked along the ellipse (``dashes_on_ellipse``) instead.
        circle_ok = dash_ok & (areas * 1.8 <= sizes * sizes)
        dash_ok = dash_ok & (areas * 3 <= sizes * sizes)  # stroke <= a third of the length
        if color == "black":  # no black dashed boxes (lettering): circles only
            dash_ok = np.zeros_like(dash_ok)
    for group in _dash_groups(comps, dash_ok, sizes, max(5, round(0.045 * short))):
        fits += [fit for fit in (_sparse_box(*group[1:], color, ctx),) if fit is not None]
    # circles group their own pieces (white, black: bolder ones too); wider reach (0.065) merged more texture
    for group in _dash_groups(comps, circle_ok, sizes, max(5, round(CIRCLE_GROUPING * short))):
        fits += [fit for fit in (_sparse_circle(comps, *group, color, ctx),) if fit is not None]
    # Dashes of a circle also lie near their bounding square, and a small box's near an ellipse:
    # of overlapping fits, the one the dashes lie closer to.
    out: list[Found] = []
    for _residual, found in sorted(fits, key=lambda fit: fit[0]):
        if not any(overlap_share(found.bbox, kept.bbox) >= 0.4 for kept in out):
            out.append(found)
    return out


def row_dashed_outlines(comps: Components, color: str | None, ctx: Context, washed: bool = False) -> list[Found]:
    """Axis-aligned dashed boxes read as two parallel rows of evenly spaced dashes joined at
    their ends (``dash_rows``): flat boxes, and boxes beside other dashes of their colour.
    ``washed``: ``comps`` are thin ridges of the colour (JPEG washed a one-pixel dash to a
    tint), taken at any strength: their regular rows are the test."""
    if comps.count <= 2 * _ROW_MIN_DASHES:
        return []
    stats = comps.stats
    short = min(ctx.work.shape[:2])
    ok = stats[:, cv2.CC_STAT_AREA] >= 2
    if not washed:
        ok &= _strong_ink(comps.means, color, True)
    out = []
    for x0, y0, x1, y1, score in row_dashed_boxes(stats, ok, comps.mask, max(4.0, 0.06 * short), ctx.outline_min):
        x1, y1 = min(ctx.work.shape[1], x1), min(ctx.work.shape[0], y1)
        if not is_frame((x0, y0, x1, y1), ctx, joined=False, strips=False):
            out.append(Found(DASHED_BOX, (x0, y0, x1, y1), score, color, None, None, "dashed", (x0, y0, x1, y1)))
    return out


def bracket_outlines(comps: Components, color: str | None, ctx: Context, washed: bool = False) -> list[Found]:
    """Zoom boxes drawn as their corners alone (``brackets``): three or four thin Ls of one
    colour, alike and at one angle, at the corners of a rectangle, each opening into it.
    ``washed``: ``comps`` are thin ridges of the colour (JPEG washed a one-pixel L to a
    tint), taken at any strength."""
    stats = comps.stats
    sizes = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    areas = stats[:, cv2.CC_STAT_AREA]
    # an L is thin: it fills little of its bounding box; its arms reach past the smallest glyph
    ok = (sizes >= _BRACKET_MIN_ARM) & (sizes <= _BRACKET_MAX_ARM * min(ctx.work.shape[:2])) \
        & (areas <= 0.6 * stats[:, cv2.CC_STAT_WIDTH] * stats[:, cv2.CC_STAT_HEIGHT])
    if not washed:
        ok &= _strong_ink(comps.means, color, True)
    ok[0] = False
    if ok.sum() < 3:
        return []
    out = []
    for box in bracket_boxes(corners_of(comps.labels, stats, ok), ctx.outline_min):
        x0, y0, x1, y1 = box.bbox
        bbox = (max(0.0, x0), max(0.0, y0), min(float(ctx.work.shape[1]), x1), min(float(ctx.work.shape[0]), y1))
        if is_frame(tuple(int(round(v)) for v in bbox), ctx, joined=False):
            continue
        score = _BRACKET_SCORES[box.corners]
        inset = box.stroke
        interior = (bbox[0] + inset, bbox[1] + inset, bbox[2] - inset, bbox[3] - inset)
        out.append(Found(BOX, bbox, score, color, None, None, "corners", interior))
    return out


# Corner brackets: an arm at least this many work pixels long (shorter Ls are specks), at
# most this share of the panel's shorter side; a box of four corners scores higher than one
# of three (the fourth lost to content of its colour).
_BRACKET_MIN_ARM = 5
_BRACKET_MAX_ARM = 0.3
_BRACKET_SCORES = {3: 0.75, 4: 0.9}


def perimeter_outlines(mask: np.ndarray, ink: np.ndarray, color: str | None, ctx: Context) -> list[Found]:
    """Thin boxes and circles broken into specks and arcs (``perimeters``): pieces of
    ``mask`` (every pixel of the colour: ink, faint stroke, ridges) grouped by a dilation
    of two reaches, an ellipse and a rectangle fitted to each group, and the curve kept
    when ink lies along most of it, the group on it and its colour rare inside and around
    it (``_drawn_perimeter``). ``ink``: the colour's strong pixels, where dashes are read."""
    short = min(mask.shape)
    _count, labels, stats = label_in_bounds(mask)
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    # a piece of a line (or a speck): no more pixels than a stroke of the limit along its box's edges
    thin = (area <= max(_PIECE_MIN_STROKE, _PIECE_STROKE * short) * 2 * (w + h)) & (np.maximum(w, h) <= 0.95 * short)
    thin[0] = False
    if not thin.any():
        return []
    pieces = thin[labels]
    smallest = _PERIMETER_MIN_SIDE * ctx.outline_min
    seen: set[tuple[int, int, int]] = set()
    out: list[Found] = []
    for reach in _PERIMETER_REACHES:
        gap = max(3, round(reach * short))
        for x0, y0, group in _perimeter_groups(_joined_pieces(pieces, gap), pieces, mask, smallest, ctx):
            ys, xs = np.nonzero(group)
            key = (x0 + int(xs.min()), y0 + int(ys.min()), len(xs))
            if key in seen:
                continue
            seen.add(key)
            crop = (slice(y0, y0 + group.shape[0]), slice(x0, x0 + group.shape[1]))
            found = _drawn_perimeter(group, xs, ys, mask[crop] > 0, ink[crop] > 0, (x0, y0), smallest, color, ctx)
            if found is not None:
                out.append(found)
    return out


# Pieces of a broken outline (``perimeter_outlines``): no thicker on average than this share
# of the panel's shorter side (or this many pixels); grouped by dilations of these shares of
# it (the wider one joins the specks of a sparse dashed circle; the narrower one keeps a
# ring apart from content near it). An outline at least this many ``outline_min`` across
# (smaller rings of pieces are letters and glyph parts); at most this many groups a reach.
_PIECE_STROKE = 0.012
_PIECE_MIN_STROKE = 5.0
# The line read along the curve is at most this many pixels wide (its faint halo included),
# or ``_PIECE_STROKE`` of the panel: JPEG and a shrink break thin lines; a bolder one stays
# whole (and is read as one blob), and a ring of round specks 6 px wide is cells round a
# lumen, not a dotted circle.
_BROKEN_LINE_PX = 4.5
_PERIMETER_REACHES = (0.03, 0.06)
_PERIMETER_MIN_SIDE = 2.0
_MAX_PERIMETER_GROUPS = 40


def _joined_pieces(pieces: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Groups of ``pieces`` joined by a dilation ``gap`` (>= 3) wide: (labels at half
    resolution, stats in full pixels). The dilation is wider than the subsampling step, so
    halving loses no join; labelling a quarter of the pixels is the saving."""
    joined = cv2.dilate(pieces.astype(np.uint8), np.ones((gap, gap), np.uint8))[::2, ::2]
    _count, labels, stats = label_in_bounds(np.ascontiguousarray(joined))
    stats[:, :4] *= 2
    return labels, stats


def _perimeter_groups(groups: tuple[np.ndarray, np.ndarray], pieces: np.ndarray, mask: np.ndarray, smallest: float,
                      ctx: Context):
    """(x0, y0, bool crop of the group's pieces) of each group (``_joined_pieces``) of
    outline size with a clear middle (``mask``: every pixel of the colour), the largest
    ``_MAX_PERIMETER_GROUPS``."""
    labels, stats = groups
    height, width = pieces.shape
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    framed = (w > ctx.max_outline_fraction * width) & (h > ctx.max_outline_fraction * height)
    sized = np.flatnonzero((np.minimum(w, h) >= smallest) & ~framed)
    sized = sized[sized > 0]
    for label in sized[np.argsort(-stats[sized, cv2.CC_STAT_AREA])][:_MAX_PERIMETER_GROUPS]:
        x, y, bw, bh = (int(v) for v in stats[label, :4])
        x0, y0 = max(0, x - _GROUP_PAD), max(0, y - _GROUP_PAD)
        x1, y1 = min(width, x + bw + _GROUP_PAD), min(height, y + bh + _GROUP_PAD)
        if not _clear_centre(mask, (x, y, bw, bh)):
            continue
        group = pieces[y0:y1, x0:x1] & (labels[np.ix_(np.arange(y0, y1) // 2, np.arange(x0, x1) // 2)] == label)
        if int(group.sum()) >= 2 * smallest:
            yield x0, y0, group


_GROUP_PAD = 3
# The middle half (each way) of a group's box lies inside any outline fitted to it; the
# outline's colour covers at most ``_PERIMETER_INSIDE`` of its inside, so at most about
# three times that of the middle (a cheap test before any fit).
_CENTRE_MAX = 0.1


def _clear_centre(mask: np.ndarray, rect: tuple[int, int, int, int]) -> bool:
    """Little of ``mask`` in the middle half of ``rect`` (x, y, w, h) each way."""
    x, y, w, h = rect
    centre = mask[y + h // 4:y + h - h // 4, x + w // 4:x + w - w // 4]
    return centre.size > 0 and float(centre.mean()) <= _CENTRE_MAX


def _drawn_perimeter(group: np.ndarray, xs: np.ndarray, ys: np.ndarray, layer: np.ndarray, ink: np.ndarray,
                     origin: tuple[int, int], smallest: float, color: str | None, ctx: Context) -> Found | None:
    """The better of an ellipse and a rectangle fitted to a group of pieces, if either is a
    drawn outline (``_covered``, ``_drawn_along``), as a detection in panel coordinates."""
    best: tuple[str, Curve, Along, Support] | None = None
    away = distance_to(group)
    broken_line = max(_BROKEN_LINE_PX, _PIECE_STROKE * min(ctx.work.shape[:2]))
    for kind in (ELLIPSE, RECTANGLE):
        curve = trimmed_fit(kind, xs, ys, _PERIMETER_TOLERANCE)
        if curve is None or min(curve[1]) < smallest or max(curve[1]) > _PERIMETER_ASPECT * min(curve[1]):
            continue
        along = coverage_along(kind, curve, away, _PERIMETER_TOLERANCE)
        if not _covered(along):
            continue
        support = perimeter_support(group, layer, ink, along, away, _PERIMETER_TOLERANCE)
        wider = support.stroke / 2.0 + 1.0  # a bold line: judged within its own half-width
        if wider > _PERIMETER_TOLERANCE:
            along = coverage_along(kind, curve, away, wider)
            support = perimeter_support(group, layer, ink, along, away, wider)
        if _drawn_along(support, min(curve[1]), broken_line) and (best is None or along.cover > best[2].cover):
            best = (kind, curve, along, support)
    if best is None:
        return None
    kind, curve, along, support = best
    bbox, interior = _curve_boxes(kind, curve, support.stroke, origin, ctx.work.shape[:2])
    if is_frame(tuple(int(round(v)) for v in bbox), ctx, round_=kind == ELLIPSE):
        return None
    dashes = max(support.ink_runs, support.runs)  # JPEG bridges some gaps in one, breaks dashes in the other
    dashed = dashes >= _PERIMETER_DASHES and dashes >= _PERIMETER_DASH_RATE * len(along.points)
    if kind == ELLIPSE:
        kind_name = CIRCLE
    else:
        kind_name = DASHED_BOX if dashed else BOX
    score = _PERIMETER_SCORE[0] + (_PERIMETER_SCORE[1] - _PERIMETER_SCORE[0]) * min(
        1.0, (along.cover - _PERIMETER_COVER) / (1.0 - _PERIMETER_COVER))
    return Found(kind_name, bbox, round(score, 3), color, None, None, "dashed" if dashed else "line", interior)


# A drawn outline read along its perimeter (``perimeters.Support``), tuned on the synthetic
# dev set: pieces within this many pixels of the curve count (or half the stroke and a pixel);
# ink along this share of it at least (a dashed circle whose dashes broke into specks keeps
# 0.45-0.75, a broken solid line 0.85-1), no gap longer than this share, this much on each
# side or quarter; this share of the group's pixels on the curve; the colour at most these
# shares inside it and just outside it; the line's centre off the curve by at most this std
# (pixels, or this share of the stroke; a bone's or a cell's rim wavers by 0.85-1 px); the
# curve at most this elongated, its line at most this share of it wide (drawn outlines: 0.1
# at most; a loose ring of fluorescent dots 0.3).
_PERIMETER_TOLERANCE = 2.0
_PERIMETER_COVER = 0.45
_PERIMETER_GAP = 0.15
_PERIMETER_SIDE = 0.3
_PERIMETER_ON_CURVE = 0.8
_PERIMETER_INSIDE = 0.03
_PERIMETER_OUTSIDE = 0.05
_PERIMETER_WOBBLE = 0.8
_PERIMETER_WOBBLE_STROKE = 0.25
_PERIMETER_ASPECT = 2.5
_PERIMETER_STROKE = 0.15
# Dashed: at least this many runs of ink along the curve (strong ink, or any pixel of the
# colour right on it), at least this many per sample (pixel): a broken solid line has a few
# long runs (3-8 on the synthetic dev set, 0.027 a pixel at most), dashes 12-42 (0.04 up).
_PERIMETER_DASHES = 8
_PERIMETER_DASH_RATE = 0.035
# Scores from the least cover to full cover: under the outlines read as one blob, which win
# where both are found.
_PERIMETER_SCORE = (0.65, 0.8)


def _covered(along: Along) -> bool:
    """Ink along most of a fitted curve, in no long gap and on all four sides (the cheap
    first test)."""
    return (along.cover >= _PERIMETER_COVER and along.longest_gap <= _PERIMETER_GAP
            and along.weakest_side >= _PERIMETER_SIDE)


def _drawn_along(support: Support, side: float, broken_line: float) -> bool:
    """What lies along a covered curve, ``side`` across at its narrowest, is a drawn outline:
    a line thin for the curve and no wider than ``broken_line`` (px), the group on it, its
    colour rare inside and just outside it, its centre keeping to it."""
    return (support.stroke <= min(_PERIMETER_STROKE * side, broken_line) and support.on_curve >= _PERIMETER_ON_CURVE
            and support.inside <= _PERIMETER_INSIDE and support.outside <= _PERIMETER_OUTSIDE
            and support.wobble <= max(_PERIMETER_WOBBLE, _PERIMETER_WOBBLE_STROKE * support.stroke))


def _curve_boxes(kind: str, curve: Curve, stroke: float, origin: tuple[int, int],
                 shape: tuple[int, int]) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """(outer box, interior box) of a fitted curve drawn ``stroke`` wide, in panel coordinates."""
    (cx, cy), (w, h), angle = curve
    if kind == ELLIPSE:
        theta = math.radians(angle)
        half_w = math.hypot(w / 2 * math.cos(theta), h / 2 * math.sin(theta))
        half_h = math.hypot(w / 2 * math.sin(theta), h / 2 * math.cos(theta))
    else:
        corners = cv2.boxPoints(curve)
        half_w, half_h = (corners.max(axis=0) - corners.min(axis=0)) / 2.0
    cx, cy, half = cx + origin[0], cy + origin[1], stroke / 2.0
    height, width = shape
    bbox = (max(0.0, cx - half_w - half), max(0.0, cy - half_h - half),
            min(float(width), cx + half_w + half + 1), min(float(height), cy + half_h + half + 1))
    interior = (cx - half_w + half, cy - half_h + half, cx + half_w - half + 1, cy + half_h - half + 1)
    return bbox, interior


def _dash_groups(comps: Components, dash_ok: np.ndarray, sizes: np.ndarray, gap: int):
    """(owners, centres, sizes) of each group of at least 8 alike dashes among ``dash_ok``
    pieces, grouped by a dilation ``gap`` wide (wider than a dash gap)."""
    if dash_ok.sum() < 8:
        return
    stats = comps.stats
    pieces = dash_ok[comps.labels].astype(np.uint8)
    count, groups = cv2.connectedComponents(cv2.dilate(pieces, np.ones((gap, gap), np.uint8)), connectivity=8)
    owners = np.flatnonzero(dash_ok)
    centers = np.stack([stats[owners, 0] + stats[owners, 2] / 2.0, stats[owners, 1] + stats[owners, 3] / 2.0], axis=1)
    group_of = groups[np.clip(centers[:, 1].astype(int), 0, groups.shape[0] - 1),
                      np.clip(centers[:, 0].astype(int), 0, groups.shape[1] - 1)]
    for group in range(1, count):
        members = group_of == group
        if members.sum() < 8:
            continue
        member_sizes = sizes[owners[members]].astype(float)
        if float(np.std(member_sizes)) > 0.6 * float(np.mean(member_sizes)):  # drawn dashes are alike
            continue
        yield owners[members], centers[members], member_sizes


def _sparse_box(centers: np.ndarray, sizes: np.ndarray, color: str | None,
                ctx: Context) -> tuple[float, Found] | None:
    fit = dashes_on_rectangle(centers, sizes, ctx.outline_min)
    if fit is None:
        return None
    rect, score, residual = fit
    corners = cv2.boxPoints(rect)
    x0, y0 = (int(v) for v in np.floor(corners.min(axis=0)))
    x1, y1 = (int(v) for v in np.ceil(corners.max(axis=0)) + 1)
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(ctx.work.shape[1], x1), min(ctx.work.shape[0], y1)
    if is_frame((x0, y0, x1, y1), ctx, joined=False):
        return None
    return residual, Found(DASHED_BOX, (x0, y0, x1, y1), score, color, None, None, "dashed", (x0, y0, x1, y1))


def _sparse_circle(comps: Components, owners: np.ndarray, centers: np.ndarray, sizes: np.ndarray,
                   color: str | None, ctx: Context) -> tuple[float, Found] | None:
    axes, elongated = _dash_axes(comps, owners)
    fit = dashes_on_ellipse(centers, sizes, axes, elongated, ctx.outline_min)
    if fit is None:
        return None
    ((cx, cy), (ea, eb), angle), score, residual = fit
    theta = np.radians(angle)
    half_w = float(np.hypot(ea / 2 * np.cos(theta), eb / 2 * np.sin(theta)))
    half_h = float(np.hypot(ea / 2 * np.sin(theta), eb / 2 * np.cos(theta)))
    # half the stroke width: a dash's area over its length (its box diagonal, at any slant)
    boxes = comps.stats[owners].astype(np.float64)
    stroke = float(np.median(boxes[:, cv2.CC_STAT_AREA] / np.maximum(1.0, np.hypot(boxes[:, 2], boxes[:, 3])))) / 2.0
    height, width = ctx.work.shape[:2]
    outer = (max(0, int(cx - half_w - stroke)), max(0, int(cy - half_h - stroke)),
             min(width, int(np.ceil(cx + half_w + stroke)) + 1), min(height, int(np.ceil(cy + half_h + stroke)) + 1))
    if is_frame(outer, ctx, round_=True):
        return None
    inner = (cx - half_w + stroke, cy - half_h + stroke, cx + half_w - stroke, cy + half_h - stroke)
    return residual, Found(CIRCLE, outer, score, color, None, None, "dashed", inner)


def _dash_axes(comps: Components, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each piece's unit direction (principal axis of its pixels) and whether it is elongated
    enough (axes at least 1.8 : 1) for that direction to mean something."""
    axes = np.zeros((len(owners), 2))
    elongated = np.zeros(len(owners), bool)
    for i, label in enumerate(owners):
        x, y, w, h, _ = (int(v) for v in comps.stats[label])
        ys, xs = np.nonzero(comps.labels[y:y + h, x:x + w] == label)
        if xs.size < 3:
            continue
        cov = np.cov(np.stack([xs, ys]).astype(np.float64))
        values, vectors = np.linalg.eigh(cov)
        axes[i] = vectors[:, 1]
        # a pixel-wide line has a small minor variance even when perfectly thin
        elongated[i] = values[1] >= 1.8 ** 2 * max(values[0], 1.0 / 12.0)
    return axes, elongated


def _regular_dashes(comps: Components, region: np.ndarray, origin: tuple[int, int]) -> bool:
    """The pieces on a bridged ring are alike in size, as drawn dashes are."""
    x, y = origin
    h, w = region.shape
    owners = np.unique(comps.labels[y:y + h, x:x + w][region])
    owners = owners[owners > 0]
    if owners.size < 6:
        return False
    sizes = np.maximum(comps.stats[owners, cv2.CC_STAT_WIDTH], comps.stats[owners, cv2.CC_STAT_HEIGHT]).astype(float)
    middle = sizes[(sizes >= np.percentile(sizes, 10)) & (sizes <= np.percentile(sizes, 90))]
    middle = middle if middle.size else sizes
    return float(np.std(middle)) <= 0.6 * float(np.mean(middle))


def _flat_ink(pixels: np.ndarray, color: str | None) -> bool:
    """Ink pixels of one flat, strong colour (a drawn outline, not a stained structure)."""
    if pixels.size == 0:
        return False
    pixels = pixels.astype(np.int16)
    # Thin dashes are mostly blended edge: judge by their strongest quarter.
    if color == "white":
        return float(np.percentile(pixels.min(axis=1), 75)) >= 220
    if color == "black":
        return float(np.percentile(pixels.max(axis=1), 25)) <= 60
    chroma = pixels.max(axis=1) - pixels.min(axis=1)
    strong = chroma >= np.percentile(chroma, 50)
    value = pixels.max(axis=1)[strong].astype(np.float64)
    spread = float(np.percentile(value, 90) - np.percentile(value, 10)) / max(1.0, float(np.median(value)))
    return float(np.percentile(chroma, 75)) >= 60 and spread <= 0.45  # JPEG slack, as in overlay_evidence


# A round outline spanning this share of the panel both ways may be a silhouette.
_SILHOUETTE_SPAN = 0.6


def is_frame(bbox: tuple[int, int, int, int], ctx: Context, round_: bool = False, joined: bool = True,
             strips: bool = True) -> bool:
    """An outline around a whole picture (its frame), or too large to mark a detail.

    Just outside a frame lies the page (white or flat gutter) on most of its length; just
    outside a zoom box lies more of the picture. A ``round_`` outline (an ellipse) frames no
    picture, but may be the silhouette of a round subject on empty ground. A ``joined`` outline (one
    ring of ink, not scattered dashes) with page around it is still a zoom box when it is too
    small to frame a picture (``_holds_picture``); scattered dashes on a page are more often
    lettering (the digits of a table cell). ``strips``: page on two opposite sides alone
    makes a frame (a picture in a row of pictures); a box of regular dashed rows with picture
    on its other two sides marks a strip across the picture instead."""
    height, width = ctx.picture.shape
    x0, y0, x1, y1 = bbox
    if (x1 - x0) > ctx.max_outline_fraction * width and (y1 - y0) > ctx.max_outline_fraction * height:
        return True
    if round_:
        # Pictures are rectangles, but what they show can be round: a head or a trunk on the
        # empty ground of a CT or MR slice outlines itself. Spanning most of the panel both
        # ways, with empty ground on three sides, it is the picture's silhouette.
        if (x1 - x0) < _SILHOUETTE_SPAN * width or (y1 - y0) < _SILHOUETTE_SPAN * height:
            return False
        bands = [band for band in _bands_around(bbox, ctx.grey) if band is not None and band.size]
        if len(bands) <= 1 or sum(_is_empty_ground(band) for band in bands) >= len(bands) - 1:
            return True
        # The subject's own dark tissue (a scalp's fat round a skull) can cross every side
        # here and there: empty ground over most of the way round is a silhouette too.
        return float(np.concatenate([_flat_across(band, 12) for band in bands]).mean()) >= 0.7
    if _corner_inset(bbox, ctx):
        return True
    page = [band is None or band.size == 0 or _is_page(band, ctx.margin_level)
            for band in _bands_around(bbox, ctx.grey)]
    # Three sides on the page, or two opposite ones (a strip of a stacked blot, a picture
    # in a row of pictures); a zoom box has picture on at least three sides.
    on_page = sum(page) >= 3 or (strips and ((page[0] and page[1]) or (page[2] and page[3])))
    return on_page and (not joined or _holds_picture(bbox, ctx))


# An inset's frame sits within this share of its picture's shorter side of two adjacent
# edges of the picture (or panel), spans at least ``_INSET_MIN_SPAN`` of each side, and
# its inside differs from the picture just outside it by ``_INSET_BREAK`` grey levels.
_INSET_CORNER = 0.12
_INSET_MIN_SPAN = 0.2
_INSET_BREAK = 30.0


def _corner_inset(bbox: tuple[int, int, int, int], ctx: Context) -> bool:
    """The outline frames an inset picture set into a corner of the picture (a Fourier
    transform or a magnified view in the top-right corner of a micrograph), not a zoom box.
    Zoom boxes lie on the structure they mark, so the picture runs on across their sides;
    an inset hugs two adjacent edges, and across both its inner sides the picture changes."""
    height, width = ctx.picture.shape
    x0, y0, x1, y1 = bbox
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    for px0, py0, px1, py1 in [(0, 0, width, height), *ctx.picture_boxes]:
        if not (px0 <= cx < px1 and py0 <= cy < py1):
            continue
        pw, ph = px1 - px0, py1 - py0
        reach = max(3.0, _INSET_CORNER * min(pw, ph))
        left, top = x0 - px0 <= reach, y0 - py0 <= reach
        right, bottom = px1 - x1 <= reach, py1 - y1 <= reach
        if not ((left or right) and (top or bottom)):
            continue
        if x1 - x0 < _INSET_MIN_SPAN * pw or y1 - y0 < _INSET_MIN_SPAN * ph:
            continue
        # the inner sides: the ones facing the rest of the picture
        sides = (["right"] if left else ["left"]) + (["bottom"] if top else ["top"])
        depth = max(4, round(0.08 * min(x1 - x0, y1 - y0)))
        return all(_breaks_across(bbox, side, ctx.grey, depth) for side in sides)
    return False


def _breaks_across(bbox: tuple[int, int, int, int], side: str, grey: np.ndarray, depth: int, gap: int = 3) -> bool:
    """Lines of ``grey`` parallel to ``side`` of ``bbox``, ``depth`` of them inside it and
    ``depth`` just outside (``gap`` away from the side): their median line means differ by at
    least ``_INSET_BREAK`` (False where a band leaves the image). The inside band starts
    ``depth`` lines further in, and medians are compared: a detected outline's box may
    reach a few pixels past the frame's own line, which must not count."""
    height, width = grey.shape
    x0, y0, x1, y1 = bbox
    vertical = side in ("left", "right")
    at = {"left": x0, "right": x1, "top": y0, "bottom": y1}[side]
    inward = 1 if side in ("left", "top") else -1
    limit = width if vertical else height
    inside = [at + inward * (gap + depth + i) for i in range(depth)]
    outside = [at - inward * (gap + i) for i in range(depth)]
    if min(inside + outside) < 0 or max(inside + outside) >= limit:
        return False
    span = grey[y0:y1] if vertical else grey[:, x0:x1]
    if span.size == 0:
        return False
    means = span.mean(axis=0) if vertical else span.mean(axis=1)
    return abs(float(np.median(means[inside])) - float(np.median(means[outside]))) >= _INSET_BREAK


def _holds_picture(bbox: tuple[int, int, int, int], ctx: Context) -> bool:
    """The outline is large enough to frame a picture: it spans at least 40% of the panel
    along one side, or encloses most of one of the panel's picture areas. A small box on the
    pale ground of a specimen photograph (page-like around it) frames nothing."""
    height, width = ctx.picture.shape
    x0, y0, x1, y1 = bbox
    if x1 - x0 >= 0.4 * width or y1 - y0 >= 0.4 * height:
        return True
    for px0, py0, px1, py1 in ctx.picture_boxes:
        inside = max(0, min(x1, px1) - max(x0, px0)) * max(0, min(y1, py1) - max(y0, py0))
        if inside >= 0.6 * (px1 - px0) * (py1 - py0):
            return True
    return False


def _bands_around(bbox: tuple[int, int, int, int], grey: np.ndarray, gap: int = 3,
                  depth: int = 3) -> list[np.ndarray | None]:
    """Bands of ``depth`` lines just outside (``gap`` away from) the top, bottom, left and
    right sides of ``bbox``, each with its lines as rows (None: past the panel's edge)."""
    height, width = grey.shape
    x0, y0, x1, y1 = bbox
    return [
        grey[y0 - gap - depth:y0 - gap, x0:x1] if y0 - gap - depth >= 0 else None,
        grey[y1 + gap:y1 + gap + depth, x0:x1] if y1 + gap + depth <= height else None,
        grey[y0:y1, x0 - gap - depth:x0 - gap].T if x0 - gap - depth >= 0 else None,
        grey[y0:y1, x1 + gap:x1 + gap + depth].T if x1 + gap + depth <= width else None,
    ]


def _is_empty_ground(band: np.ndarray) -> bool:
    """Most of a band is nearly constant across it, whatever its level: page, or the empty
    ground around a scan (a picture's texture, even a dark one, varies more)."""
    return float(_flat_across(band, 12).mean()) >= 0.7


def _flat_across(band: np.ndarray, spread: int) -> np.ndarray:
    """Per position along a band: its lines differ there by at most ``spread`` grey levels."""
    return (band.max(axis=0).astype(np.int16) - band.min(axis=0)) <= spread


def _is_page(band: np.ndarray, margin_level: float) -> bool:
    """Most of a band (rows along a side) is page: flat across the band and white, or the
    (light) colour of the panel's margin. A dark flat band is more likely the black ground
    of a fluorescence picture. (JPEG rings next to a dark frame line: hence the slack.)"""
    flat = _flat_across(band, 24)
    level = np.median(band, axis=0)
    page = flat & ((level >= 220) | ((margin_level >= 180) & (np.abs(level - margin_level) <= 12)))
    return float(page.mean()) >= 0.7
