"""Cheap image features of a figure or panel crop, all relative to the crop's size.

Everything is computed on a copy scaled so that its longer side is at most ``WORK_SIDE``
pixels, and every feature is a fraction (of the crop's *content box*: the crop minus uniform
margins) or a normalised score in [0, 1], so thresholds downstream do not depend on the
resolution of the source figure.

The features answer three questions cheaply:

* is there a *picture* here (continuous tone: texture and noise, a smooth intensity
  histogram) or *drawn graphics* (flat fills, a spiky histogram, thin strokes and text)?
* what colours does it have (fluorescence glow on black, H&E pink/purple, DAB brown,
  greyscale on black as in radiology, rainbow colour maps as in heatmaps)?
* what structure (horizontal bands as in blots and gels, long rules as in tables and axes)?
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import cv2
import numpy as np
from PIL import Image

from panel2patch.layout.image_input import UnusableImage, to_rgb_array

WORK_SIDE = 384
MIN_SIDE = 12  # below this (in source pixels) a crop says nothing


@dataclass(frozen=True)
class ImageFeatures:
    width: int
    height: int
    usable: bool
    # colour statistics over the content box
    white: float = 0.0  # near-white, unsaturated pixels
    dark: float = 0.0  # value < 0.12
    achromatic: float = 0.0  # saturation < 0.12
    coloured: float = 0.0  # saturation > 0.3 and value > 0.25
    hue_spread: float = 0.0  # normalised entropy of the hue histogram of coloured pixels
    pink_purple: float = 0.0  # H&E-like hues, share of non-white pixels
    brown: float = 0.0  # DAB / skin / specimen browns, share of non-white pixels
    red: float = 0.0  # saturated reds and oranges (mucosa, blood, tissue), share of non-white pixels
    glow: float = 0.0  # bright saturated pixels, when the background is dark (fluorescence)
    rainbow: float = 0.0  # saturated pixels spread over >= 4 hue sextants (colour-map heatmaps)
    # texture and tone
    solid: float = 0.0  # non-white area that survives an opening (thin strokes and text removed)
    flat: float = 0.0  # pixels with a constant 5x5 neighbourhood
    tonal: float = 0.0  # small non-zero local variation away from sharp edges
    spiky: float = 0.0  # grey-level histogram mass in narrow peaks (flat fills), solid pixels
    spiky_rest: float = 0.0  # per solid region, with the region's dominant peak (its background) removed
    colours: float = 0.0  # distinct 4-bit colours, normalised
    edges: float = 0.0  # Canny edge density
    blocky: float = 0.0  # near-flat share of solid, unclipped pixels (colour-map cells, fills)
    straight: float = 0.0  # share of edges inside solid regions on long horizontal/vertical lines (grids)
    cells: float = 0.0  # solid area tiled by uniform-colour rectangles (heatmap cells, bars, table shading)
    # picture blocks: solid, tonal regions (micrographs, photos, scans)
    picture: float = 0.0  # their area fraction
    picture_largest: float = 0.0  # the largest one's area fraction
    picture_fill: float = 0.0  # the largest one's area over its bounding box (1 = rectangle)
    # graphics cues
    thin_ink: float = 0.0  # thin dark strokes: text, axes, lines
    long_lines: float = 0.0  # long straight horizontal/vertical strokes (axes, table rules)
    axes: float = 0.0  # 1 when a long vertical and a long horizontal stroke meet at a corner (plot axes)
    ticks: float = 0.0  # tick-like short strokes along the longest rules, /10
    hbands: float = 0.0  # dark blobs much wider than tall (blot and gel bands), share of ink
    bright_on_black: float = 0.0  # largest bright blob on a black, greyscale surround
    vignette: float = 0.0  # dark corners around a bright centre (endoscopy, fundus, round dishes)

    def to_dict(self) -> dict[str, float | int | bool]:
        return asdict(self)

    def vector(self) -> np.ndarray:
        """The float features in declaration order (for embeddings and models)."""
        return np.array([getattr(self, name) for name in FEATURE_NAMES], dtype=np.float32)


FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ImageFeatures) if f.type in ("float", float))


def image_features(image: Image.Image | np.ndarray) -> ImageFeatures:
    """Features of a crop; never raises (an unusable input gives ``usable=False``)."""
    try:
        rgb = to_rgb_array(image)
    except (UnusableImage, ValueError, TypeError, OSError):
        return ImageFeatures(0, 0, usable=False)
    height, width = rgb.shape[:2]
    if min(height, width) < MIN_SIDE:
        return ImageFeatures(width, height, usable=False)
    work = working_copy(rgb)
    box = content_box(work)
    if box is None:
        return ImageFeatures(width, height, usable=False)
    x0, y0, x1, y1 = box
    if min(x1 - x0, y1 - y0) < 4 or (x1 - x0) * (y1 - y0) < 64:
        return ImageFeatures(width, height, usable=False)
    return _features(np.ascontiguousarray(work[y0:y1, x0:x1]), width, height)


def working_copy(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    scale = WORK_SIDE / max(height, width)
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return rgb


def channel_max(values: np.ndarray) -> np.ndarray:
    """Per-pixel maximum over the three channels (``max(axis=2)`` walks memory across the
    pixel for each channel and was the slowest step of the concept features)."""
    return np.maximum(np.maximum(values[..., 0], values[..., 1]), values[..., 2])


def content_box(rgb: np.ndarray) -> tuple[int, int, int, int] | None:
    """Bounding box of everything that differs from the crop's border colour (None: blank)."""
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]).astype(np.int16)
    background = np.median(border, axis=0)
    differs = channel_max(np.abs(rgb.astype(np.float32) - background.astype(np.float32))) > 24
    rows, cols = np.flatnonzero(differs.any(axis=1)), np.flatnonzero(differs.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _features(rgb: np.ndarray, width: int, height: int) -> ImageFeatures:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue = hsv[..., 0]
    sat = hsv[..., 1].astype(np.float32) / 255
    val = hsv[..., 2].astype(np.float32) / 255
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grayf = gray.astype(np.float32)

    white = (val > 0.9) & (sat < 0.12)
    dark = val < 0.12
    achromatic = sat < 0.12
    coloured = (sat > 0.3) & (val > 0.25)
    non_white = ~white
    n_non_white = max(1.0, float(non_white.sum()))

    k = max(3, round(min(rgb.shape[:2]) / 64)) | 1
    solid = cv2.morphologyEx(non_white.astype(np.uint8), cv2.MORPH_OPEN, np.ones((k, k), np.uint8)) > 0
    flat, tonal, near_flat = _tone_masks(rgb, grayf)
    judged = solid & ~dark & ~white
    edges = cv2.Canny(gray, 60, 160) > 0
    tonal &= non_white
    spiky, _ = _spikiness(gray[solid & ~dark])
    picture, largest, fill, spiky_rest = _picture_blocks(solid, tonal, dark | white, gray)
    thin_ink, long_lines = _ink(gray)
    axes, ticks = _axes(gray)

    bright_coloured = (sat > 0.35) & (val > 0.3)
    return ImageFeatures(
        width=width,
        height=height,
        usable=True,
        white=float(white.mean()),
        dark=float(dark.mean()),
        achromatic=float(achromatic.mean()),
        coloured=float(coloured.mean()),
        hue_spread=_hue_entropy(hue[coloured]),
        pink_purple=float((non_white & (sat > 0.12) & ((hue >= 125) | (hue <= 4))).sum() / n_non_white),
        brown=float((non_white & (sat > 0.2) & (hue > 4) & (hue <= 22) & (val < 0.85)).sum() / n_non_white),
        red=float((non_white & (sat > 0.35) & (val > 0.25) & ((hue <= 12) | (hue >= 170))).sum() / n_non_white),
        glow=float(bright_coloured.mean()) if dark.mean() > 0.25 else 0.0,
        rainbow=_rainbow(hue, sat, val),
        solid=float(solid.mean()),
        flat=float(flat.mean()),
        tonal=float(tonal.mean()),
        spiky=spiky,
        spiky_rest=spiky_rest,
        colours=_colour_count(rgb),
        edges=float(edges.mean()),
        blocky=float(near_flat[judged].mean()) if judged.sum() >= 64 else 0.0,
        cells=_uniform_rectangles(rgb, solid & ~white & ~dark),
        straight=_straight_edges(edges & (cv2.erode(solid.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)),
        picture=picture,
        picture_largest=largest,
        picture_fill=fill,
        thin_ink=thin_ink,
        long_lines=long_lines,
        axes=axes,
        ticks=ticks,
        hbands=_horizontal_bands(gray),
        bright_on_black=_bright_on_black(gray, dark, achromatic),
        vignette=_vignette(val),
    )


def _tone_masks(rgb: np.ndarray, gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flat and continuous-tone masks.

    Drawn graphics are flat fills separated by sharp edges; photographs and micrographs vary
    by small amounts from pixel to pixel almost everywhere (texture, noise). A pixel is
    *flat* when its 5x5 neighbourhood is constant in every channel (up to compression noise)
    and *tonal* when its fine detail is small but non-zero and it is not on a sharp edge.
    *Near-flat* tolerates heavy JPEG noise (grey std < 3 over 5x5).
    """
    channels = rgb.astype(np.float32)
    mean = cv2.blur(channels, (5, 5))
    std = np.sqrt(np.maximum(channel_max(cv2.blur(channels * channels, (5, 5)) - mean * mean), 0))
    detail = np.abs(gray - cv2.GaussianBlur(gray, (3, 3), 0))
    gray_mean = cv2.blur(gray, (5, 5))
    gray_std = np.sqrt(np.maximum(cv2.blur(gray * gray, (5, 5)) - gray_mean * gray_mean, 0))
    return std < 2.0, (detail > 0.75) & (detail < 18) & (std < 40), gray_std < 3.0


def _spikiness(values: np.ndarray) -> tuple[float, float]:
    """Share of a grey-level histogram that sits in narrow peaks above its running median.

    Flat fills make narrow peaks (JPEG noise widens them by a few levels only); continuous
    tone makes a smooth histogram. The second number drops the tallest peak first, so a
    micrograph on a uniform background still reads as smooth.
    """
    if values.size < 64:
        return 1.0, 1.0
    hist = np.bincount(values.ravel(), minlength=256).astype(np.float64)
    padded = np.pad(hist, 8, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 17)
    excess = np.maximum(hist - np.median(windows, axis=1), 0)
    total = hist.sum()
    top = int(np.argmax(hist))
    lo, hi = max(0, top - 6), min(256, top + 7)
    rest_total = total - hist[lo:hi].sum()
    rest = (excess.sum() - excess[lo:hi].sum()) / rest_total if rest_total > 0.05 * total else 0.0
    return float(excess.sum() / total), float(rest)


def _picture_blocks(
    solid: np.ndarray, tonal: np.ndarray, clipped: np.ndarray, gray: np.ndarray
) -> tuple[float, float, float, float]:
    """Solid regions whose unclipped pixels are mostly continuous-tone (area share, largest
    share, largest fill), and the area-weighted histogram spikiness of all solid regions,
    each with its own background peak removed."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(solid.astype(np.uint8), connectivity=8)
    area = float(solid.size)
    total, largest, fill = 0.0, 0.0, 0.0
    spiky_sum, spiky_weight = 0.0, 0.0
    for index in range(1, n):
        x, y, bw, bh, count = stats[index]
        if count < area * 0.01:
            continue
        member = labels[y : y + bh, x : x + bw] == index
        spiky_sum += _spikiness(gray[y : y + bh, x : x + bw][member])[1] * count
        spiky_weight += count
        judged = member & ~clipped[y : y + bh, x : x + bw]
        if judged.sum() < 0.05 * count or tonal[y : y + bh, x : x + bw][judged].mean() < 0.25:
            continue
        total += count
        if count > largest:
            largest, fill = float(count), float(count) / float(bw * bh)
    spiky_rest = spiky_sum / spiky_weight if spiky_weight else 1.0
    return total / area, largest / area, fill, spiky_rest


def _uniform_rectangles(rgb: np.ndarray, solid: np.ndarray) -> float:
    """Share of the solid area covered by uniform-colour, near-rectangular patches of moderate
    size: the cells of a heatmap, the bars of a chart, table shading. Continuous-tone pictures
    quantise into ragged blobs instead."""
    total = float(solid.sum())
    if total < 64:
        return 0.0
    area = float(solid.size)
    quant = (rgb.astype(np.int32) + 16) >> 5  # 3 bits per channel, rounded
    codes = ((quant[..., 0] << 8) | (quant[..., 1] << 4) | quant[..., 2]).astype(np.int32)
    covered = 0.0
    counts = np.bincount(codes[solid].ravel(), minlength=4096)
    frequent = np.argsort(counts)[::-1][:24]  # cells and bars use few, frequent colours
    for code in frequent[counts[frequent] >= area * 0.002]:
        mask = ((codes == code) & solid).astype(np.uint8)
        x, y, w, h = cv2.boundingRect(mask)  # label only where this colour is (sizes stay the same)
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask[y:y + h, x:x + w], connectivity=4)
        bw, bh, count = stats[1:, 2], stats[1:, 3], stats[1:, 4]
        good = (count >= area * 0.002) & (count <= area * 0.03) & (count >= 0.8 * bw * bh) & (np.minimum(bw, bh) >= 3)
        covered += float(count[good].sum())
    return covered / total


def _straight_edges(edges: np.ndarray) -> float:
    """Share of edge pixels lying on horizontal or vertical runs of >= 15% of the side."""
    total = int(edges.sum())
    if total < 32:
        return 0.0
    h, w = edges.shape
    mask = edges.astype(np.uint8)
    horizontal = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, max(6, round(w * 0.15))), np.uint8))
    vertical = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((max(6, round(h * 0.15)), 1), np.uint8))
    return float((horizontal | vertical).sum()) / total


def _hue_entropy(hue: np.ndarray) -> float:
    if hue.size < 20:
        return 0.0
    counts = np.bincount((hue.astype(np.int32) * 12) // 180, minlength=12)[:12].astype(np.float64)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum() / np.log(12))


def _rainbow(hue: np.ndarray, sat: np.ndarray, val: np.ndarray) -> float:
    """Share of vivid pixels when they cover three or more hue sextants on a light background."""
    vivid = (sat > 0.5) & (val > 0.4)
    if vivid.mean() < 0.05 or (val < 0.12).mean() > 0.3:
        return 0.0
    sextants = np.bincount(hue[vivid].astype(np.int32) // 30, minlength=6)[:6]
    if int((sextants > 0.05 * sextants.sum()).sum()) < 3:
        return 0.0
    return float(vivid.mean())


def _colour_count(rgb: np.ndarray) -> float:
    quant = (rgb >> 4).astype(np.int32)
    codes = (quant[..., 0] << 8) | (quant[..., 1] << 4) | quant[..., 2]
    distinct = np.unique(codes).size
    return float(min(1.0, np.log1p(distinct) / np.log1p(min(codes.size, 4096))))


def _ink(gray: np.ndarray) -> tuple[float, float]:
    """Thin dark strokes (what a 3x3 opening removes) and long straight rules."""
    h, w = gray.shape
    ink = (gray < 140).astype(np.uint8)
    opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    thin = ink & (1 - opened)
    length = max(8, round(min(h, w) * 0.25))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    lines = (horizontal | vertical) & (1 - opened)
    return float(thin.mean()), float(lines.mean())


def _axes(gray: np.ndarray) -> tuple[float, float]:
    """Plot axes: a long vertical and a long horizontal dark stroke meeting near a corner,
    and tick marks (short perpendicular strokes) along them."""
    h, w = gray.shape
    ink = (gray < 160).astype(np.uint8)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(8, round(w * 0.3))), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(8, round(h * 0.3)), 1), np.uint8))
    h_lines = _line_segments(horizontal, axis=1)
    v_lines = _line_segments(vertical, axis=0)
    tolerance = max(3, round(min(h, w) * 0.04))
    corner = 0.0
    for hy, hx0, hx1 in h_lines:
        for vx, vy0, vy1 in v_lines:
            near_x = abs(vx - hx0) <= tolerance or abs(vx - hx1) <= tolerance
            near_y = abs(hy - vy1) <= tolerance or abs(hy - vy0) <= tolerance
            if near_x and near_y:
                corner = 1.0
    ticks = 0
    for hy, hx0, hx1 in h_lines[:4]:
        ticks = max(ticks, _count_ticks(ink, hy, hx0, hx1, axis=1))
    for vx, vy0, vy1 in v_lines[:4]:
        ticks = max(ticks, _count_ticks(ink, vx, vy0, vy1, axis=0))
    return corner, min(ticks, 10) / 10.0


def _line_segments(mask: np.ndarray, axis: int) -> list[tuple[int, int, int]]:
    """(position, start, end) of the straight strokes in ``mask``, longest first."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    segments = []
    for index in range(1, n):
        x, y, bw, bh, _ = stats[index]
        if axis == 1:
            segments.append((y + bh // 2, x, x + bw - 1, bw))
        else:
            segments.append((x + bw // 2, y, y + bh - 1, bh))
    segments.sort(key=lambda s: -s[3])
    return [s[:3] for s in segments]


def _count_ticks(ink: np.ndarray, position: int, start: int, end: int, axis: int) -> int:
    """Short ink runs just beside a rule: ticks when there are several, evenly spaced."""
    best = 0
    for offset in (-3, -2, 2, 3):
        line = position + offset
        if axis == 1:
            if not 0 <= line < ink.shape[0]:
                continue
            profile = ink[line, start : end + 1]
        else:
            if not 0 <= line < ink.shape[1]:
                continue
            profile = ink[start : end + 1, line]
        edges = np.flatnonzero(np.diff(np.concatenate([[0], profile, [0]])))
        starts, stops = edges[::2], edges[1::2]
        widths = stops - starts
        short = starts[widths <= max(2, len(profile) * 0.02)]
        if short.size >= 3:
            gaps = np.diff(short)
            if gaps.size and gaps.std() <= 0.25 * gaps.mean() + 1:
                best = max(best, int(short.size))
    return best


def _horizontal_bands(gray: np.ndarray) -> float:
    """Share of dark ink in blobs much wider than tall (blot / gel bands); on a dark
    background (a stained gel photographed under UV) the bright bands count instead."""
    h, w = gray.shape
    if float(np.median(gray)) < 100:
        gray = 255 - gray
    ink = (gray < 170).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return 0.0
    bw, bh, count = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    band = (bw >= 2.0 * bh) & (bw >= w * 0.03) & (bh >= 2) & (bh <= h * 0.12) & (count >= 0.6 * bw * bh)
    total = float(count.sum())
    return float(count[band].sum()) / total if total else 0.0


def _vignette(val: np.ndarray) -> float:
    """1 when all four corners are dark and the centre is bright (a round field of view)."""
    h, w = val.shape
    ch, cw = max(1, h // 12), max(1, w // 12)
    corners = [val[:ch, :cw], val[:ch, -cw:], val[-ch:, :cw], val[-ch:, -cw:]]
    centre = val[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3]
    if max(float(c.mean()) for c in corners) < 0.12 and float(centre.mean()) > 0.3:
        return 1.0
    return 0.0


def _bright_on_black(gray: np.ndarray, dark: np.ndarray, achromatic: np.ndarray) -> float:
    """Radiology-like: greyscale, a black surround, one large bright object (its area share)."""
    if achromatic.mean() < 0.9 or dark.mean() < 0.15:
        return 0.0
    body = (gray > 40).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(body, connectivity=8)
    if n <= 1:
        return 0.0
    return float(stats[1:, 4].max() / float(gray.size))
