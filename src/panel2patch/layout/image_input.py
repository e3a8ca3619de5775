"""Turn whatever the caller hands over into an 8-bit RGB array, defensively.

The pipeline's decoder already normalises to RGB; this module makes ``parse_layout``
safe for direct callers too (16-bit greyscale arrays, RGBA, floats, 1-bit, palettes).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

_HIGH_DEPTH_MODES = {"I;16", "I;16B", "I;16L", "I;16N", "I", "F"}


class UnusableImage(ValueError):
    """The input cannot be read as an image at all (wrong type, empty, NaN only)."""


def to_rgb_array(image: Image.Image | np.ndarray) -> np.ndarray:
    """Return a C-contiguous ``uint8`` array of shape (H, W, 3)."""
    if isinstance(image, Image.Image):
        return _pil_to_rgb(image)
    if isinstance(image, np.ndarray):
        return _array_to_rgb(image)
    raise UnusableImage(f"expected a PIL image or a numpy array, got {type(image).__name__}")


def _pil_to_rgb(image: Image.Image) -> np.ndarray:
    mode = image.mode
    if mode in _HIGH_DEPTH_MODES:
        return _array_to_rgb(np.asarray(image))
    if mode == "RGB":
        return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    if mode == "P":
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def _array_to_rgb(array: np.ndarray) -> np.ndarray:
    if array.size == 0 or array.ndim not in (2, 3):
        raise UnusableImage(f"array of shape {array.shape} is not an image")
    if array.ndim == 3:
        channels = array.shape[2]
        if channels == 1:
            array = array[:, :, 0]
        elif channels == 2:  # grey + alpha
            array = _composite_on_white(array[:, :, :1], array[:, :, 1])[:, :, 0]
        elif channels >= 4:
            array = _composite_on_white(array[:, :, :3], array[:, :, 3])
        elif channels != 3:
            raise UnusableImage(f"array of shape {array.shape} is not an image")
    array = _to_uint8(array)
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    return np.ascontiguousarray(array)


def _composite_on_white(color: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    color = color.astype(np.float64)
    alpha = alpha.astype(np.float64)
    full = 1.0 if alpha.dtype.kind == "b" or float(np.nanmax(alpha, initial=0)) <= 1.0 else (
        255.0 if np.nanmax(alpha) <= 255 else 65535.0
    )
    top = float(np.nanmax(color, initial=0))
    white = 1.0 if top <= 1.0 and color.dtype.kind == "f" else (255.0 if top <= 255 else 65535.0)
    weight = np.clip(np.nan_to_num(alpha / full), 0, 1)[:, :, None]
    return color * weight + white * (1 - weight)


def _to_uint8(array: np.ndarray) -> np.ndarray:
    """Stretch anything that is not already 8-bit to 0..255 using its own value range."""
    if array.dtype == np.uint8:
        return array
    if array.dtype == bool:
        return array.astype(np.uint8) * 255
    values = array.astype(np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        raise UnusableImage("image holds no finite pixel values")
    low, high = float(values[finite].min()), float(values[finite].max())
    if array.dtype.kind in "ui" and low >= 0 and high <= 255:
        return np.clip(values, 0, 255).astype(np.uint8)
    scale = 255.0 / (high - low) if high > low else 0.0
    return np.clip(np.nan_to_num((values - low) * scale, nan=0.0), 0, 255).astype(np.uint8)
