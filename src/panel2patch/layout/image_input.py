"""Turn whatever the caller hands over into an 8-bit RGB array, defensively.

The pipeline's decoder already normalises to RGB; this module makes ``parse_layout``
safe for direct callers too (16-bit greyscale arrays, RGBA, floats, 1-bit, palettes).
"""

from __future__ import annotations

import cv2
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
        return _rgb_pixels(image)
    if mode == "P":
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return _rgb_pixels(image.convert("RGB"))


def _rgb_pixels(image: Image.Image) -> np.ndarray:
    """The pixels of an RGB-mode image as a C-contiguous (H, W, 3) uint8 array.

    Pillow keeps RGB as four bytes per pixel. ``np.asarray`` packs them through
    ``tobytes`` (an encoder pass in 64 KB chunks, then a join of the chunks): ~0.24 ms for
    a figure of 0.4 megapixels, ~2% of the layout step's own (non-OCR) work. Exported
    without a copy (``_four_byte_pixels``), one ``cvtColor`` drops the fourth byte: the
    same array in ~0.08 ms."""
    four = _four_byte_pixels(image)
    if four is None:
        return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    return cv2.cvtColor(four, cv2.COLOR_RGBA2RGB)


def _four_byte_pixels(image: Image.Image) -> np.ndarray | None:
    """Pillow's own (H, W, 4) pixel memory of an RGB image, through the Arrow C data
    interface (Pillow 11.2+; ``pyarrow`` is a dependency anyway); None where Pillow cannot
    export it so: an older Pillow, or a large image held in several memory blocks."""
    if not hasattr(image, "__arrow_c_array__"):
        return None
    try:
        import pyarrow as pa
    except ImportError:
        return None
    try:
        flat = pa.array(image).flatten().to_numpy(zero_copy_only=True)
    except (pa.ArrowException, ValueError, TypeError):
        return None
    if flat.dtype != np.uint8 or flat.size != 4 * image.width * image.height:
        return None
    return flat.reshape(image.height, image.width, 4)


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
