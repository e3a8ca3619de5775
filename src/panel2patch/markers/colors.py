"""Colour classes of overlay pixels: white, black and eight saturated hues.

Markers are drawn in a flat, saturated colour or in pure white or black, so every pixel is
given one class (or none) from fixed HSV ranges; connected pixels of one class are the
marker candidates. The class of a candidate is its reported colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Class index -> colour name (0 = no class). Names are ``vocabulary.COLOR_NAMES`` members.
CLASS_NAMES: tuple[str | None, ...] = (None, "white", "black", "red", "orange", "yellow", "green",
                                       "cyan", "blue", "purple", "magenta")
WHITE, BLACK = 1, 2
CHROMATIC = tuple(range(3, len(CLASS_NAMES)))

# OpenCV hue (0..179) upper bounds of the chromatic classes, in order; red wraps around.
_HUE_BOUNDS = ((8, 3), (24, 4), (38, 5), (82, 6), (100, 7), (130, 8), (145, 9), (170, 10), (180, 3))
_HUE_LUT = np.zeros(180, np.uint8)
_start = 0
for _bound, _cls in _HUE_BOUNDS:
    _HUE_LUT[_start:_bound] = _cls
    _start = _bound

# Saturation and value floors of a chromatic overlay pixel; white / black limits.
MIN_SATURATION = 80
MIN_VALUE = 90
MIN_CHROMA = 55  # max(R,G,B) - min(R,G,B)
WHITE_MIN = 205
WHITE_MAX_SPREAD = 40
BLACK_MAX = 50


def class_map(rgb: np.ndarray) -> np.ndarray:
    """Per-pixel colour class (uint8, 0 = none) of an RGB array."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    low = rgb.min(axis=2)
    return _classes(hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2], low, hsv[:, :, 2].astype(np.int16) - low)


def _classes(hue: np.ndarray, sat: np.ndarray, val: np.ndarray, low: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    out = np.zeros(hue.shape, np.uint8)
    chromatic = (sat >= MIN_SATURATION) & (val >= MIN_VALUE) & (chroma >= MIN_CHROMA)
    out[chromatic] = _HUE_LUT[np.minimum(hue[chromatic], 179)]
    out[(low >= WHITE_MIN) & (chroma <= WHITE_MAX_SPREAD)] = WHITE
    out[val <= BLACK_MAX] = BLACK
    return out


PURE_WHITE = 232
PURE_BLACK = 30


@dataclass
class ClassLayers:
    """The masks (uint8 0/1) of one colour class whose blobs are marker candidates.

    ``ink`` holds the class's pixels; ``pure`` (white and black only) its full-strength
    pixels, which keeps a glyph apart from a bright or dark part of the picture it touches;
    ``stroke`` adds the faint, blended pixels connected to ``ink`` (hysteresis), so that a
    one-pixel line arrow stays one blob. ``stroke`` is None when it adds nothing. ``ring``
    (saturated classes, None when the same as ``ink``) is the mask solid rings are found on:
    a thin ring is mostly blended edge pixels, whose hue JPEG scatters across a class
    boundary; glyphs keep the strict ``ink``, where joined fringe pixels round their corners.
    """

    ink: np.ndarray
    pure: np.ndarray | None = None
    stroke: np.ndarray | None = None
    faint: np.ndarray | None = None  # bool: the pixels ``stroke`` adds to ``ink``
    line: np.ndarray | None = None  # uint8: thin ridges of the class's colour (``_ridges``)
    ring: np.ndarray | None = None  # uint8: ``ink`` with the hue-split pixels joined (``_join_hue_splits``)


# Lenient limits of stroke pixels (anti-aliased, JPEG-blurred thin lines).
_STROKE_SATURATION = 40
_STROKE_CHROMA = 25
_STROKE_VALUE = 40
_STROKE_WHITE = 150
_STROKE_BLACK = 100
_STROKE_CONTRAST = 25


def class_layers(rgb: np.ndarray, allowed: np.ndarray | None = None,
                 coloured: np.ndarray | None = None, only: int | None = None) -> dict[int, ClassLayers]:
    """Candidate masks per colour class present; ``allowed`` limits all of them, or, when
    given, ``coloured`` (a wider area) the ink of the saturated classes. ``only``: just
    that class's layers."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    low = rgb.min(axis=2)
    chroma = val.astype(np.int16) - low
    classes = _classes(hue, sat, val, low, chroma)
    joined = classes.copy()
    if only is None or only in CHROMATIC:
        _join_hue_splits(joined, hue)
    if allowed is not None:
        # A saturated blob that reaches into its area (``coloured`` when given) is kept whole
        # (a box drawn partly over the page beside a picture); white and black are cut at the
        # edge of ``allowed``, as the page and its lettering are white or black.
        chromatic = classes >= CHROMATIC[0]
        reach = allowed if coloured is None else allowed | coloured
        outside = (classes > 0) & ~np.where(chromatic, reach, allowed)
        if (outside & chromatic).any():
            outside &= ~_reconstruct_labels(np.where(chromatic, classes, 0), reach & chromatic)
        classes[outside] = 0
        joined[outside] = 0
    present = np.bincount(classes.ravel(), minlength=len(CLASS_NAMES))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    contrast = grey.astype(np.int16) - cv2.medianBlur(grey, 7)  # grey level over its 7 x 7 median
    ridges = _ridges(hue, sat, val, low, chroma, contrast, allowed)
    out: dict[int, ClassLayers] = {}
    for cls in range(1, len(CLASS_NAMES)) if only is None else (only,):
        if present[cls] < 12:
            continue
        line = ridges == cls
        ink = classes == cls
        pure = None
        if cls == WHITE:
            pure = (ink & (low >= PURE_WHITE)).astype(np.uint8)
        elif cls == BLACK:
            pure = (ink & (val <= PURE_BLACK)).astype(np.uint8)
        if cls in (WHITE, BLACK):
            faint = ((low >= _STROKE_WHITE) & (chroma <= 60) & (contrast >= _STROKE_CONTRAST)) if cls == WHITE \
                else ((val <= _STROKE_BLACK) & (contrast <= -_STROKE_CONTRAST))
        else:
            faint = (_HUE_LUT[np.minimum(hue, 179)] == cls) & (sat >= _STROKE_SATURATION) \
                & (chroma >= _STROKE_CHROMA) & (val >= _STROKE_VALUE)
        if allowed is not None:
            faint &= allowed if cls in (WHITE, BLACK) else reach
        faint &= ~ink
        stroke = _reconstruct(ink, faint | ink) if faint.any() else None
        if stroke is not None and int(stroke.sum()) == int(ink.sum()):
            stroke = None
        ring = None
        if cls in CHROMATIC:
            ring = joined == cls
            ring = ring.astype(np.uint8) if (ring != ink).any() else None
        out[cls] = ClassLayers(ink.astype(np.uint8), pure, stroke, (stroke > 0) & faint if stroke is not None else None,
                               line.astype(np.uint8) if line.sum() >= 12 else None, ring)
    return out


# How far (OpenCV hue units, 2 degrees each) a pixel's hue may lie beyond the range of the
# class that most of its patch has, and still join that class (``_join_hue_splits``).
_HUE_SLACK = 6


def _join_hue_splits(classes: np.ndarray, hue: np.ndarray) -> None:
    """Give the saturated pixels whose hue lies just past a class boundary the class most
    of their connected saturated patch has (in place).

    A marker drawn in a colour near a hue boundary (a steel-blue ring at hue 96-104, where
    cyan ends at 100) is split by JPEG's hue noise into two classes, each an arc or a
    scatter of specks that no shape test passes. Only pixels within ``_HUE_SLACK`` of the
    majority class's range move: a yellow arrowhead touching green tissue keeps its core."""
    chromatic = classes >= CHROMATIC[0]
    x, y, w, h = cv2.boundingRect(chromatic.astype(np.uint8))
    if w == 0 or h == 0:
        return
    sub = classes[y:y + h, x:x + w]
    count, labels = cv2.connectedComponents((sub >= CHROMATIC[0]).astype(np.uint8), connectivity=8)
    if count <= 1:
        return
    n = len(CLASS_NAMES)
    tally = np.bincount((labels * n + sub).ravel(), minlength=count * n).reshape(count, n)
    tally[:, :CHROMATIC[0]] = 0
    mixed = (tally > 0).sum(axis=1) >= 2
    if not mixed.any():
        return
    majority = np.where(mixed, tally.argmax(axis=1), 0).astype(np.uint8)
    owner = majority[labels]
    on = (owner > 0) & (sub != owner)
    if not on.any():
        return
    patch_hue = hue[y:y + h, x:x + w][on].astype(np.int16)
    target = owner[on]
    near = (_HUE_LUT[(patch_hue + _HUE_SLACK) % 180] == target) | (_HUE_LUT[(patch_hue - _HUE_SLACK) % 180] == target)
    rows, cols = np.nonzero(on)
    sub[rows[near], cols[near]] = target[near]


# Thin-line ridges: a pixel this much more coloured (chroma), brighter (white) or darker
# (black) than the median of its 7 x 7 neighbourhood, with the class's hue.
_RIDGE_CHROMA = 20
_RIDGE_GREY = 25


def _ridges(hue: np.ndarray, sat: np.ndarray, val: np.ndarray, low: np.ndarray, chroma: np.ndarray,
            grey_ridge: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """Per-pixel class of thin drawn lines (uint8, 0 = none), found as ridges, not levels.
    ``grey_ridge``: the grey level less its 7 x 7 median (int16).

    JPEG keeps colour at half resolution: a one- or two-pixel coloured line keeps its hue but
    loses half its saturation, falling below the ink limits. It still stands out from its
    neighbourhood, which a 7 x 7 median (wider than the line) stands for."""
    chroma8 = np.clip(chroma, 0, 255).astype(np.uint8)
    chroma_ridge = chroma8.astype(np.int16) - cv2.medianBlur(chroma8, 7)
    out = np.zeros(hue.shape, np.uint8)
    coloured = (chroma_ridge >= _RIDGE_CHROMA) & (sat >= _STROKE_SATURATION) & (chroma >= _STROKE_CHROMA) \
        & (val >= _STROKE_VALUE)
    out[coloured] = _HUE_LUT[np.minimum(hue[coloured], 179)]
    out[(grey_ridge >= _RIDGE_GREY) & (low >= _STROKE_WHITE) & (chroma <= 60)] = WHITE
    out[(grey_ridge <= -_RIDGE_GREY) & (val <= _STROKE_BLACK)] = BLACK
    if allowed is not None:
        out[~allowed] = 0
    return out


def _reconstruct_labels(classes: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """Pixels of ``classes`` (nonzero) connected within their own class to a ``seed`` pixel."""
    out = np.zeros(classes.shape, bool)
    for cls in np.unique(classes[seed]):
        if cls:
            layer = classes == cls
            out |= _reconstruct(seed & layer, layer) > 0
    return out


def _reconstruct(seed: np.ndarray, grow: np.ndarray) -> np.ndarray:
    """Pixels of ``grow`` connected (8-neighbourhood) to a pixel of ``seed``."""
    out = np.zeros(grow.shape, np.uint8)
    x, y, w, h = cv2.boundingRect(grow.astype(np.uint8))
    if w == 0 or h == 0:
        return out
    count, labels = cv2.connectedComponents(np.ascontiguousarray(grow[y:y + h, x:x + w]).astype(np.uint8),
                                            connectivity=8)
    keep = np.zeros(count, bool)
    keep[np.unique(labels[seed[y:y + h, x:x + w]])] = True
    keep[0] = False
    out[y:y + h, x:x + w] = keep[labels]
    return out


def color_name(rgb_mean: np.ndarray) -> str | None:
    """Colour name of one mean RGB value, by the same rules as ``class_map``."""
    pixel = np.clip(np.asarray(rgb_mean, dtype=np.float64), 0, 255).astype(np.uint8).reshape(1, 1, 3)
    return CLASS_NAMES[int(class_map(pixel)[0, 0])]
