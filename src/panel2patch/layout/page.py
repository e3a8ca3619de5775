"""Where a figure's page is, and its colour.

The page colour is the commonest colour on the border of the figure (``estimate_background``).
Two things around a figure would hide it, and both are looked past here:

* a thin frame drawn all round (``frame``): a black line round a white page read as a black
  page, so its white gutters were content;
* a block of one page colour inside a margin of another, all round: a black plate of
  specimens or radiographs set on a white margin read as a white page, so the plate's
  black gutters were content.

The figure is then analysed inside the frame or the block, on its own page; what lies
outside is painted in that page colour (``erase_outside``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from panel2patch.layout.frame import FRAME_BLEND, frame_candidates, inside, keep_frame
from panel2patch.layout.gutters import WorkBox

PAGE_SHARE = 0.4  # share of the border in the commonest colour for it to count as a page
# ... of a block's border inside a margin: a plate's own ground runs nearly all round it
# (a strip of dark pictures on a white page with white gutters: about half)
BLOCK_PAGE_SHARE = 0.8
BLOCK_GROUND_DEPTH = 0.005  # ... and again this far inside it (share of the long side)


@dataclass(frozen=True)
class Page:
    box: WorkBox  # where the figure is analysed: inside a frame or margin, or all of it
    colour: np.ndarray  # RGB uint8 (3,) of the background there
    is_page: bool  # whether that background is a page (not pictures reaching the border)
    content: np.ndarray | None  # pixels off the page colour, where already computed


def find_page(rgb: np.ndarray, gray: np.ndarray, tolerance: int) -> Page:
    """The page of the figure ``rgb`` (``gray`` its grey image): inside a thin frame drawn
    round it, then inside a margin of another page colour round a block."""
    box, colour, is_page = _inside_frame(rgb, gray, tolerance)
    if not is_page:
        return Page(box, colour, False, None)
    content = off_page(gray, gray_of(colour), tolerance)
    block = _block_of_another_page(rgb, gray, content, box, gray_of(colour), tolerance)
    if block is None:
        whole = box == (0, 0, gray.shape[1], gray.shape[0])
        return Page(box, colour, True, content if whole else None)
    return Page(block[0], block[1], True, None)


def off_page(gray: np.ndarray, level: int, tolerance: int) -> np.ndarray:
    """Pixels further than ``tolerance`` from grey ``level``."""
    return cv2.absdiff(gray, np.full_like(gray, level)) > tolerance


def _inside_frame(rgb: np.ndarray, gray: np.ndarray, tolerance: int) -> tuple[WorkBox, np.ndarray, bool]:
    """The box inside the figure's frame (all of it without one), and the background
    colour read there and whether it is a page (``estimate_background``)."""
    height, width = gray.shape
    whole = (0, 0, width, height)
    candidates = frame_candidates(gray, tolerance)
    if not all(depth for depth, _ in candidates):  # a frame goes all round
        return (whole, *estimate_background(rgb, whole))
    tentative = inside(tuple(depth + FRAME_BLEND for depth, _ in candidates), width, height)
    background, is_page = estimate_background(rgb, tentative)
    frame = inside(keep_frame(candidates, gray_of(background) if is_page else None, tolerance), width, height)
    if frame != tentative:
        background, is_page = estimate_background(rgb, frame)
    return frame, background, is_page


def _block_of_another_page(
    rgb: np.ndarray, gray: np.ndarray, content: np.ndarray, box: WorkBox, page_gray: int, tolerance: int
) -> tuple[WorkBox, np.ndarray] | None:
    """(box, colour) of the block that all the content of ``box`` forms when its own
    border is mostly another page colour, with a margin of the page all round it."""
    x0, y0, x1, y1 = box
    left, top, w, h = cv2.boundingRect(np.ascontiguousarray(content[y0:y1, x0:x1]).view(np.uint8))
    right, bottom = left + w, top + h
    if min(w, h) < 3 + 2 * FRAME_BLEND:
        return None
    if left == 0 or top == 0 or right == x1 - x0 or bottom == y1 - y0:
        return None  # content reaches an edge: no margin all round
    # the block's outermost line may be resampling's blend of it and the margin
    b = FRAME_BLEND
    block = (x0 + left + b, y0 + top + b, x0 + right - b, y0 + bottom - b)
    colour, is_page = estimate_background(rgb, block, BLOCK_PAGE_SHARE)
    if not is_page or abs(gray_of(colour) - page_gray) <= tolerance:
        return None
    # a plate's ground runs inward; a line drawn round a plot or table does not
    depth = max(2, round(BLOCK_GROUND_DEPTH * max(rgb.shape[:2])))
    deeper = (block[0] + depth, block[1] + depth, block[2] - depth, block[3] - depth)
    if deeper[2] - deeper[0] < 3 or deeper[3] - deeper[1] < 3:
        return None
    inner_colour, inner_is_page = estimate_background(rgb, deeper, BLOCK_PAGE_SHARE)
    if not inner_is_page or abs(gray_of(inner_colour) - gray_of(colour)) > tolerance:
        return None
    # ... and holds pictures: a solid block of one colour is itself content
    x0, y0, x1, y1 = block
    if not off_page(gray[y0:y1, x0:x1], gray_of(colour), tolerance).any():
        return None
    return block, colour


def estimate_background(rgb: np.ndarray, box: WorkBox, share: float = PAGE_SHARE) -> tuple[np.ndarray, bool]:
    """Most common colour on the border of ``box`` (quantised), averaged within its bin,
    and whether it is a page at all (at least ``share`` of the border is that colour, not
    picture content)."""
    x0, y0, x1, y1 = box
    inner = rgb[y0:y1, x0:x1]
    border = np.concatenate([inner[0], inner[-1], inner[:, 0], inner[:, -1]]).astype(np.int32)
    keys = (border[:, 0] >> 4) * 256 + (border[:, 1] >> 4) * 16 + (border[:, 2] >> 4)
    counts = np.bincount(keys)
    mode = counts.argmax()
    # the mean of the bin's pixels: their exact integer sums (a dot product with the bin's
    # flags) over their count, which is what ``border[keys == mode].mean(axis=0)`` gives
    # (numpy sums integers exactly in float64) at a sixth of its cost
    colour = ((keys == mode).astype(np.int64) @ border / counts[mode]).round().astype(np.uint8)
    return colour, counts[mode] >= share * keys.size


def erase_outside(rgb: np.ndarray, box: WorkBox, colour: np.ndarray) -> np.ndarray:
    """A copy of ``rgb`` painted in ``colour`` outside ``box``: a frame drawn round a
    figure is no content (no giant component holding every panel, no dark ink)."""
    x0, y0, x1, y1 = box
    height, width = rgb.shape[:2]
    # the box's pixels with a constant border out to the figure's edges: ~0.06 ms for a
    # 1100 x 700 figure, where filling a copy with the colour (a broadcast of three values
    # over every pixel) and pasting the box back took ~3.8 ms
    paint = tuple(int(c) for c in colour)
    return cv2.copyMakeBorder(rgb[y0:y1, x0:x1], y0, height - y1, x0, width - x1, cv2.BORDER_CONSTANT, value=paint)


def gray_of(colour: np.ndarray) -> int:
    """The grey level of an RGB ``colour`` (OpenCV's weights, as the figure's grey image)."""
    return int(cv2.cvtColor(colour.reshape(1, 1, 3), cv2.COLOR_RGB2GRAY)[0, 0])
