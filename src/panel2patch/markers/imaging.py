"""Small image helpers shared by the marker modules."""

from __future__ import annotations

import numpy as np
from PIL import Image

from panel2patch.layout.image_input import UnusableImage, to_rgb_array


def as_rgb_array(image: np.ndarray | Image.Image) -> np.ndarray:
    """8-bit RGB ``(H, W, 3)`` array; raises ``ValueError`` when it is not an image."""
    try:
        return to_rgb_array(image)
    except UnusableImage as exc:
        raise ValueError(str(exc)) from exc


def border_pixels(array: np.ndarray) -> np.ndarray:
    """The outermost rows and columns of ``array`` (its frame), one after another (corners twice)."""
    return np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])
