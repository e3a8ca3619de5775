"""Is a panel a picture (micrograph, scan, photograph) or a plot, diagram or table?

Markers are searched on pictures only. The test is local: the panel is cut into small
blocks and a block is *photographic* when its grey values spread over many levels without a
dominant background value (continuous tone), while plots, diagrams and tables are flat fields
of colour crossed by thin lines and text. Dark flat blocks that touch photographic ones are
picture too (the black background of fluorescence images). The score is the share of the
panel covered by picture blocks after closing small gaps, so a plot with a small photo inset
scores low and a micrograph with a white margin scores high.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from panel2patch.markers.imaging import as_rgb_array

# Analysis size: the longer side of the panel is brought to about this many pixels.
_KIND_SIDE = 384
_BLOCK = 8
# Grey values per level of the block histograms (fine enough for low-contrast EM noise).
_STEP = 8
_LEVELS = 256 // _STEP


@dataclass(frozen=True)
class PictureMap:
    """Where a panel holds pictures: a boolean block grid and its cover score."""

    blocks: np.ndarray  # bool, one cell per block
    block_size: float  # block side in the pixels of the array that was analysed
    score: float

    def mask(self, height: int, width: int) -> np.ndarray:
        """The block grid resized to a ``height`` x ``width`` boolean mask."""
        if self.blocks.size == 0:
            return np.zeros((height, width), bool)
        grid = self.blocks.astype(np.uint8) * 255
        return cv2.resize(grid, (width, height), interpolation=cv2.INTER_NEAREST) > 0


def picture_map(rgb: np.ndarray) -> PictureMap:
    """Block map of photographic content of an RGB array (any size >= 1x1)."""
    height, width = rgb.shape[:2]
    scale = min(1.0, _KIND_SIDE / max(height, width))
    small = rgb if scale >= 1.0 else cv2.resize(
        rgb, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    sat = hsv[:, :, 1]
    rows, cols = grey.shape[0] // _BLOCK, grey.shape[1] // _BLOCK
    if rows < 1 or cols < 1:
        return PictureMap(np.zeros((0, 0), bool), _BLOCK / scale, 0.0)
    cut = grey[: rows * _BLOCK, : cols * _BLOCK].reshape(rows, _BLOCK, cols, _BLOCK).swapaxes(1, 2)
    cut = cut.reshape(rows, cols, _BLOCK * _BLOCK)
    sat_cut = sat[: rows * _BLOCK, : cols * _BLOCK].reshape(rows, _BLOCK, cols, _BLOCK).swapaxes(1, 2)
    sat_cut = sat_cut.reshape(rows, cols, _BLOCK * _BLOCK)
    levels = cut // _STEP  # grey levels of _STEP values
    # Share of the block's most common level, and how many levels hold >= 3 pixels.
    block_ids = np.arange(rows * cols).reshape(rows, cols, 1) * _LEVELS
    counts = np.bincount((block_ids + levels).ravel(), minlength=rows * cols * _LEVELS)
    counts = counts.reshape(rows, cols, _LEVELS)
    mode_share = counts.max(axis=2) / float(_BLOCK * _BLOCK)
    spread = (counts >= 3).sum(axis=2)
    mean = cut.mean(axis=2)
    std = cut.std(axis=2)
    background = _light_background_levels(grey, counts.argmax(axis=2), mode_share)
    white_share = np.isin(levels, background).mean(axis=2)
    textured = (mode_share < 0.62) & (spread >= 3) & (white_share < 0.25) & (std > 1.5)
    # Smooth grey or dark areas of a picture (lung on CT, black fluorescence background)
    # join the textured blocks they touch; flat colour fields (heatmap cells, bars) and the
    # page background never do.
    # (Saturation means little in the dark: the near-black ground of a red or green
    # fluorescence channel is "saturated" noise.)
    smooth = ~textured & (white_share < 0.5) & ((sat_cut.mean(axis=2) < 80) | (mean < 40))
    picture = textured.copy()
    if textured.any():
        kernel = np.ones((3, 3), np.uint8)
        for _ in range(3):
            grown = (cv2.dilate(picture.astype(np.uint8), kernel) > 0) & smooth
            if not (grown & ~picture).any():
                break
            picture |= grown
        picture = _close_and_fill(picture)
        # A picture area must be mostly texture, not a dark diagram shape with a few specks.
        picture = _keep_textured_components(picture, textured, mean < 70)
    score = float(picture.mean()) if picture.size else 0.0
    if score > 0 and _looks_like_colormap(hsv, picture):
        score *= 0.25
    return PictureMap(picture, _BLOCK / scale, score)


def _light_background_levels(grey: np.ndarray, block_mode: np.ndarray, mode_share: np.ndarray) -> np.ndarray:
    """Grey levels (of _LEVELS) of page and table fills: light, common, and flat where they rule.

    White (>= 236) always counts; a light grey or tinted fill counts when it covers much of
    the panel and fills most of the blocks it dominates (a light micrograph has no such level)."""
    hist = np.bincount((grey // _STEP).ravel(), minlength=_LEVELS) / float(grey.size)
    levels = list(range(_LEVELS - 16 // _STEP, _LEVELS))  # 240 and up
    for level in range(_LEVELS // 2, levels[0]):
        ruled = block_mode == level
        if hist[level] >= 0.08 and ruled.any() and float(np.median(mode_share[ruled])) >= 0.6:
            levels.append(level)
    return np.array(levels)


def _looks_like_colormap(hsv: np.ndarray, picture: np.ndarray) -> bool:
    """Bright, saturated colour of many hues over the picture area: a heatmap or spectrogram."""
    # One pixel per block corner is plenty for a colour census.
    inside = np.repeat(np.repeat(picture, 2, axis=0), 2, axis=1)
    hsv = hsv[: inside.shape[0] * _BLOCK // 2: _BLOCK // 2, : inside.shape[1] * _BLOCK // 2: _BLOCK // 2]
    inside = inside[: hsv.shape[0], : hsv.shape[1]]
    if not inside.any():
        return False
    pixels = hsv[inside]
    vivid = (pixels[:, 1] > 100) & (pixels[:, 2] > 100)
    if vivid.mean() < 0.5:
        return False
    hues = np.bincount((pixels[vivid, 0].astype(int) * 6) // 180, minlength=6) / float(vivid.sum())
    return int((hues >= 0.08).sum()) >= 3


def _close_and_fill(blocks: np.ndarray) -> np.ndarray:
    grid = blocks.astype(np.uint8)
    grid = cv2.morphologyEx(grid, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    # Fill holes: anything not reachable from the border through non-picture blocks.
    padded = np.pad(1 - grid, 1, constant_values=1).astype(np.uint8)
    flood = padded.copy()
    mask = np.zeros((padded.shape[0] + 2, padded.shape[1] + 2), np.uint8)
    cv2.floodFill(flood, mask, (0, 0), 2)
    holes = (flood[1:-1, 1:-1] == 1)
    return (grid > 0) | holes


def _keep_textured_components(picture: np.ndarray, textured: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """Drop grown areas that are mostly gap filling: a dark diagram shape with a few specks.

    A dark area (fluorescence, radiology background) needs less texture than a light one."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(picture.astype(np.uint8), connectivity=4)
    flat_labels = labels.ravel()
    texture = np.bincount(flat_labels, weights=textured.ravel().astype(float), minlength=count)
    darkness = np.bincount(flat_labels, weights=dark.ravel().astype(float), minlength=count)
    keep = np.zeros(count, bool)
    for label in range(1, count):
        area = float(stats[label, cv2.CC_STAT_AREA])
        need = 0.1 if darkness[label] >= 0.5 * area else 0.4
        keep[label] = area >= 4 and texture[label] >= need * area
    # Where the gap filling outweighs the texture, keep the textured blocks alone.
    return keep[labels] | textured


def panel_is_image_like(panel_image: np.ndarray | Image.Image, threshold: float = 0.18) -> tuple[bool, float]:
    """(is it a picture panel, score in 0..1): the share of the panel that is photographic.

    Plots, charts, heatmaps, diagrams and tables score near 0; micrographs, radiology,
    photographs and blots score high. Never raises: unusable input gives (False, 0.0).
    """
    try:
        rgb = as_rgb_array(panel_image)
    except ValueError:
        return False, 0.0
    score = picture_map(rgb).score
    return score >= threshold, round(score, 4)
