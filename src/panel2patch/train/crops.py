"""Cut an item out of its figure and make it the model's input, keeping track of the geometry.

Open_clip's training transform (random resized crop of area 0.9-1.0, resize, normalise) is
reproduced here with the mapping from figure pixels to output pixels kept, so a region box can
be located on its panel's patch grid. Before anything is decoded the pixel count is checked from
the header, and JPEGs are decoded at a reduced scale (libjpeg's DCT scaling, ``Image.draft``)
whenever the crops needed from them stay larger than the model's input.
"""

from __future__ import annotations

import io
import math
import random
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from panel2patch.train.config import ImageConfig
from panel2patch.train.hierarchy import Box

_RESAMPLE = {"bicubic": Image.Resampling.BICUBIC, "bilinear": Image.Resampling.BILINEAR}
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


class CropError(ValueError):
    """An image that cannot be decoded or is over the pixel cap."""


@dataclass(frozen=True)
class Geometry:
    """Output coordinate = (figure coordinate * scale - crop origin) * resize + offset, per axis."""

    scale: tuple[float, float]  # decoded pixels per figure pixel
    origin: tuple[float, float]  # crop origin in decoded pixels
    resize: tuple[float, float]  # output pixels per decoded pixel
    offset: tuple[float, float]  # output pixels
    size: int

    def to_output(self, box: Box) -> tuple[float, float, float, float]:
        (sx, sy), (ox, oy), (rx, ry), (tx, ty) = self.scale, self.origin, self.resize, self.offset
        return ((box[0] * sx - ox) * rx + tx, (box[1] * sy - oy) * ry + ty,
                (box[2] * sx - ox) * rx + tx, (box[3] * sy - oy) * ry + ty)

    def normalized_box(self, box: Box, min_visible: float = 0.5) -> tuple[float, float, float, float] | None:
        """``box`` (figure pixels) in [0, 1] output coordinates, or None when less than
        ``min_visible`` of it lands inside the output (cropped away by augmentation)."""
        x0, y0, x1, y1 = self.to_output(box)
        area = max(0.0, x1 - x0) * max(0.0, y1 - y0)
        cx0, cy0 = max(0.0, x0), max(0.0, y0)
        cx1, cy1 = min(float(self.size), x1), min(float(self.size), y1)
        visible = max(0.0, cx1 - cx0) * max(0.0, cy1 - cy0)
        if area <= 0 or visible / area < min_visible:
            return None
        s = float(self.size)
        return (cx0 / s, cy0 / s, cx1 / s, cy1 / s)


def _needed_side(box: Box, config: ImageConfig) -> float:
    """How many figure pixels of the box's relevant side map onto the output size."""
    w, h = box[2] - box[0], box[3] - box[1]
    side = {"longest": max(w, h), "shortest": min(w, h), "squash": min(w, h)}[config.resize_mode]
    return side * math.sqrt(config.crop_scale[0])


def decode_for_boxes(data: bytes, boxes: Iterable[Box], config: ImageConfig) -> tuple[Image.Image, tuple[float, float]]:
    """Decode at the smallest JPEG scale that keeps every box at least ``config.size`` pixels on its
    relevant side; returns the RGB image and the (x, y) decoded-per-figure pixel scale."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > config.max_pixels:
                raise CropError(f"{width}x{height} pixels is over the cap of {config.max_pixels}")
            sides = [_needed_side(b, config) for b in boxes]
            if image.format == "JPEG" and sides:
                reduce = max(1.0, min(sides) / max(1, config.size))
                image.draft("RGB", (math.ceil(width / reduce), math.ceil(height / reduce)))
            image = image.convert("RGB")
            image.load()
    except DECODE_ERRORS as exn:
        raise CropError(str(exn) or type(exn).__name__) from exn
    return image, (image.size[0] / width, image.size[1] / height)


def _random_window(w: float, h: float, config: ImageConfig,
                   rng: random.Random | None) -> tuple[float, float, float, float]:
    lo, hi = config.crop_scale
    if rng is None or (lo == 1.0 and hi == 1.0):
        return (0.0, 0.0, w, h)
    side = math.sqrt(rng.uniform(lo, hi))
    cw, ch = w * side, h * side
    x, y = rng.uniform(0, w - cw), rng.uniform(0, h - ch)
    return (x, y, x + cw, y + ch)


def _jitter(image: Image.Image, config: ImageConfig, rng: random.Random) -> Image.Image:
    if config.color_jitter > 0:
        for enhance in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
            image = enhance(image).enhance(rng.uniform(1 - config.color_jitter, 1 + config.color_jitter))
    if config.grayscale_prob > 0 and rng.random() < config.grayscale_prob:
        image = ImageOps.grayscale(image).convert("RGB")
    return image


def render(image: Image.Image, scale: tuple[float, float], box: Box, config: ImageConfig,
           rng: random.Random | None = None) -> tuple[np.ndarray, Geometry]:
    """The normalised ``3 x size x size`` float32 array of ``box`` (figure pixels) and its geometry.

    ``rng`` turns on training augmentation (random crop of area ``crop_scale``, colour jitter)."""
    size = config.size
    bx0, by0 = box[0] * scale[0], box[1] * scale[1]
    bx1 = min(image.size[0], max(bx0 + 1, box[2] * scale[0]))
    by1 = min(image.size[1], max(by0 + 1, box[3] * scale[1]))
    wx0, wy0, wx1, wy1 = _random_window(bx1 - bx0, by1 - by0, config, rng)
    left, top = math.floor(bx0 + wx0), math.floor(by0 + wy0)
    right = max(left + 1, math.ceil(bx0 + wx1))
    bottom = max(top + 1, math.ceil(by0 + wy1))
    crop = image.crop((left, top, right, bottom))
    cw, ch = crop.size
    resample = _RESAMPLE.get(config.interpolation, Image.Resampling.BICUBIC)
    if config.resize_mode == "squash":
        rx, ry = size / cw, size / ch
        out = crop.resize((size, size), resample)
        offset = (0.0, 0.0)
    elif config.resize_mode == "longest":
        r = size / max(cw, ch)
        nw, nh = max(1, round(cw * r)), max(1, round(ch * r))
        rx, ry = nw / cw, nh / ch
        canvas = Image.new("RGB", (size, size), (config.fill_color,) * 3)
        offset = ((size - nw) // 2, (size - nh) // 2)
        canvas.paste(crop.resize((nw, nh), resample), offset)
        out = canvas
    else:  # shortest: resize the short side to size, centre crop
        r = size / min(cw, ch)
        nw, nh = max(size, round(cw * r)), max(size, round(ch * r))
        rx, ry = nw / cw, nh / ch
        ox, oy = (nw - size) // 2, (nh - size) // 2
        out = crop.resize((nw, nh), resample).crop((ox, oy, ox + size, oy + size))
        offset = (-float(ox), -float(oy))
    if rng is not None:
        out = _jitter(out, config, rng)
    array = np.asarray(out, dtype=np.float32) / 255.0
    array = (array - np.asarray(config.mean, dtype=np.float32)) / np.asarray(config.std, dtype=np.float32)
    geometry = Geometry(scale, (float(left), float(top)), (rx, ry), (float(offset[0]), float(offset[1])), size)
    return np.ascontiguousarray(array.transpose(2, 0, 1)), geometry
