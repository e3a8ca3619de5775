"""Decode figure images safely and normalise every mode to 8-bit RGB.

The pixel cap is checked from the header before any pixel is decoded, so a
decompression bomb costs nothing. Pillow's own bomb check stays on as a second line.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from panel2patch.errors import ImageDecodeError, ImageTooLargeError, ImageTooSmallError
from panel2patch.records import DecodedImage


@dataclass(frozen=True)
class ImageConfig:
    max_pixels: int = 120_000_000  # ~11k x 11k; PMC figures are far below
    min_side: int = 20  # BIOMEDICA drops images of 20 px or less per side
    jpeg_quality: int = 92
    max_side: int | None = None  # downscale longer side to this (None: keep full size)


# Decoding errors Pillow and its plugins raise for corrupt, truncated or non-image bytes.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError)


def read_image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header only, or None when it is not a readable image.

    ``data`` may be just the head of a file: warnings about what lies beyond it are muted."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                return image.size
    except (*_DECODE_ERRORS, Image.DecompressionBombError):
        return None


def open_image(data: bytes, config: ImageConfig = ImageConfig()) -> Image.Image:
    """Decode to an RGB ``PIL.Image`` (first frame, EXIF orientation applied)."""
    return _decode(data, config)[0]


def _decode(data: bytes, config: ImageConfig) -> tuple[Image.Image, str, str]:
    """RGB image plus the source format and mode; raises an ``ItemError`` subclass."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            source_format, source_mode = image.format or "", image.mode
            width, height = image.size
            if width * height > config.max_pixels:
                raise ImageTooLargeError(
                    f"{width}x{height} = {width * height} pixels exceeds the cap of {config.max_pixels}"
                )
            if min(width, height) <= config.min_side:
                raise ImageTooSmallError(f"{width}x{height} is at or below {config.min_side} px per side")
            image.seek(0)  # multi-page TIFF / animated GIF: the first frame is the figure
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            return to_rgb(image), source_format, source_mode
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(str(exc)) from exc
    except _DECODE_ERRORS as exc:
        raise ImageDecodeError(f"{type(exc).__name__}: {exc}") from exc


def to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode -> 8-bit RGB; transparency is composited onto white."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        return _stretch_to_8bit(image).convert("RGB")
    if mode == "P":
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")  # L, 1, CMYK, YCbCr, LAB, HSV


def _stretch_to_8bit(image: Image.Image) -> Image.Image:
    """High bit-depth grey -> 8 bit using the data's own range (not a clip at 255)."""
    array = np.asarray(image, dtype=np.float64)
    finite = array[np.isfinite(array)]
    if finite.size == 0:
        return Image.new("L", image.size, 0)
    low, high = float(finite.min()), float(finite.max())
    scale = 255.0 / (high - low) if high > low else 0.0
    scaled = np.nan_to_num((array - low) * scale, nan=0.0).clip(0, 255)
    return Image.fromarray(scaled.astype(np.uint8), mode="L")


def prepare_image(data: bytes, config: ImageConfig = ImageConfig()) -> tuple[Image.Image, str, str]:
    """RGB image at its shard size (downscaled to ``max_side`` when set), source format and mode."""
    image, source_format, source_mode = _decode(data, config)
    if config.max_side and max(image.size) > config.max_side:
        image.thumbnail((config.max_side, config.max_side), Image.Resampling.LANCZOS)
    return image, source_format, source_mode


def encode_jpeg(image: Image.Image, config: ImageConfig = ImageConfig()) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=config.jpeg_quality, optimize=False)
    return buffer.getvalue()


def decode_image(data: bytes, config: ImageConfig = ImageConfig()) -> DecodedImage:
    """Decode, normalise and re-encode as JPEG for the shard."""
    image, source_format, source_mode = prepare_image(data, config)
    return DecodedImage(encode_jpeg(image, config), image.width, image.height, source_format, source_mode)


def decode_image_file(path: str | Path, config: ImageConfig = ImageConfig()) -> Image.Image:
    """Read a file from disk and decode it to RGB (for ``panel2patch figure``)."""
    return open_image(Path(path).read_bytes(), config)
