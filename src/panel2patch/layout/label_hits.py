"""Find panel-label candidates: short, isolated, glyph-sized words, dark or light.

A candidate is one to five glyph components grouped into a word ("A", "(b)", "ii",
"C."), whose top and left sides are clear of other ink of the same polarity (the label
sits in a gutter or in a quiet image corner). The word boxes, ranked, go to OCR.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from panel2patch.layout.canvas import Canvas, connected_boxes
from panel2patch.layout.gutters import WorkBox

DARK_INK_BELOW = 110  # grey level: dark glyphs (black, red, blue, green text)
LIGHT_INK_ABOVE = 170  # grey level: white text on dark images
MAX_GLYPHS = 5
MAX_WORD_ASPECT = 3.2  # width / height of "(iii)"
CLEARANCE = 0.3  # clear margin around a label, in label heights
STRAY_INK = 0.06  # ink allowed in a clear margin (dots, JPEG specks), in label heights squared
FLAT_STD = {True: 18.0, False: 32.0}  # grey spread allowed around dark / light labels


@dataclass(frozen=True)
class LabelCandidate:
    box: WorkBox
    dark: bool  # dark glyphs on a light surround (else light on dark)
    glyphs: int
    prior: float  # ranking score before OCR

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


@dataclass(frozen=True)
class LabelHit:
    """A read and accepted panel label."""

    box: WorkBox
    text: str  # normalised ("A", "b", "ii", "3")
    index: int  # 0-based position in its sequence (A -> 0, ii -> 1)
    confidence: float
    inferred: bool = False  # not read: implied by a hole in the sequence (box is a point)

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def center(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


def find_label_candidates(canvas: Canvas, limit: int | None = None) -> list[LabelCandidate]:
    cfg = canvas.config
    h_min = max(cfg.label_min_height_px, int(round(0.008 * canvas.long_side)))
    h_max = max(h_min + 2, cfg.label_max_height_fraction * canvas.long_side)
    found: list[LabelCandidate] = []
    gray_sums = None
    for dark, ink in ((True, canvas.gray < DARK_INK_BELOW), (False, canvas.gray > LIGHT_INK_ABOVE)):
        ink8 = ink.view(np.uint8)
        stats = connected_boxes(ink8)
        if stats.shape[0] == 0:
            continue
        w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
        glyph = (h >= h_min) & (h <= h_max) & (w <= 1.6 * h) & (area >= 0.08 * w * h)
        glyphs = stats[glyph]
        if glyphs.shape[0] == 0 or glyphs.shape[0] > 5000:
            continue
        ink_sum = cv2.integral(ink8)
        if gray_sums is None:
            gray_sums = cv2.integral2(canvas.gray, sdepth=cv2.CV_64F)
        for word, count in _group_words(glyphs, ink.shape):
            candidate = _as_candidate(word, count, dark, ink_sum, gray_sums, canvas, h_min, h_max)
            if candidate is not None:
                found.append(candidate)
    found.sort(key=lambda c: -c.prior)
    return found[: limit if limit is not None else cfg.max_label_candidates]


def _group_words(glyphs: np.ndarray, shape: tuple[int, ...]) -> list[tuple[WorkBox, int]]:
    """Join glyphs closer than ~half their height on the same line into words."""
    mask = np.zeros(shape[:2], np.uint8)
    for x, y, w, h, _ in glyphs:
        pad_x, pad_y = int(0.45 * h) // 2 + 1, int(0.1 * h)
        cv2.rectangle(mask, (int(x) - pad_x, int(y) + pad_y), (int(x + w) + pad_x, int(y + h) - pad_y - 1), 1, -1)
    n, labels, _, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    owner = labels[glyphs[:, 1] + glyphs[:, 3] // 2, glyphs[:, 0] + glyphs[:, 2] // 2]
    words = []
    for word_id in np.unique(owner):
        members = glyphs[owner == word_id]
        if word_id == 0 or members.shape[0] > MAX_GLYPHS:
            continue
        x0, y0 = int(members[:, 0].min()), int(members[:, 1].min())
        x1 = int((members[:, 0] + members[:, 2]).max())
        y1 = int((members[:, 1] + members[:, 3]).max())
        words.append(((x0, y0, x1, y1), int(members.shape[0])))
    return words


def _as_candidate(
    box: WorkBox,
    glyphs: int,
    dark: bool,
    ink_sum: np.ndarray,
    gray_sums: tuple[np.ndarray, np.ndarray],
    canvas: Canvas,
    h_min: int,
    h_max: float,
) -> LabelCandidate | None:
    x0, y0, x1, y1 = box
    h, w = y1 - y0, x1 - x0
    if h < h_min or h > h_max or w > MAX_WORD_ASPECT * h:
        return None
    c = max(2, int(round(CLEARANCE * h)))
    stray = STRAY_INK * h * h + 1
    height, width = canvas.height, canvas.width

    def ink(bx0: int, by0: int, bx1: int, by1: int) -> int:
        bx0, by0 = max(0, bx0), max(0, by0)
        bx1, by1 = min(width, bx1), min(height, by1)
        if bx1 <= bx0 or by1 <= by0:
            return 0
        return int(ink_sum[by1, bx1] - ink_sum[by0, bx1] - ink_sum[by1, bx0] + ink_sum[by0, bx0])

    top = ink(x0 - c, y0 - c, x1 + c, y0) <= stray
    left = ink(x0 - c, y0, x0, y1) <= stray
    right = ink(x1, y0, x1 + c, y1) <= stray
    bottom = ink(x0 - c, y1, x1 + c, y1 + c) <= stray
    if not (top and left and (right or bottom)):
        return None
    # the clear margins must be flat (page or a quiet image corner), not texture
    near = max(1, int(round(0.15 * h)))
    for strip in ((x0 - c, y0 - c, x1 + near, y0 - near), (x0 - c, y0 - near, x0 - near, y1)):
        if _std(gray_sums, strip, width, height) > FLAT_STD[dark]:
            return None
    if not dark and not _dark_surround(canvas, box, c):
        return None
    fill = ink(x0, y0, x1, y1) / max(1, w * h)
    size = min(3.0, h / max(1.0, canvas.text_height))
    prior = size + 0.8 * fill + 0.3 * (right and bottom) - 0.15 * (glyphs - 1)
    return LabelCandidate(box=box, dark=dark, glyphs=glyphs, prior=prior)


def _std(sums: tuple[np.ndarray, np.ndarray], box: WorkBox, width: int, height: int) -> float:
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(width, box[2]), min(height, box[3])
    n = (x1 - x0) * (y1 - y0)
    if n <= 0:
        return 0.0
    total, squares = sums
    s = total[y1, x1] - total[y0, x1] - total[y1, x0] + total[y0, x0]
    q = squares[y1, x1] - squares[y0, x1] - squares[y1, x0] + squares[y0, x0]
    return float(np.sqrt(max(0.0, q / n - (s / n) ** 2)))


def _dark_surround(canvas: Canvas, box: WorkBox, margin: int) -> bool:
    """Light glyphs count only on a dark patch (not the white page around everything)."""
    x0, y0, x1, y1 = box
    patch = canvas.gray[max(0, y0 - margin) : y1 + margin, max(0, x0 - margin) : x1 + margin]
    return patch.size > 0 and float(np.median(patch)) < 100
