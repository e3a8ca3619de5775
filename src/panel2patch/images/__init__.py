"""Figure images: safe decoding, RGB normalisation, and graphic href resolution."""

from panel2patch.images.decode import (
    ImageConfig,
    decode_image,
    decode_image_file,
    open_image,
    read_image_size,
    to_rgb,
)
from panel2patch.images.resolve import IMAGE_SUFFIXES, resolve_graphic

__all__ = [
    "IMAGE_SUFFIXES",
    "ImageConfig",
    "decode_image",
    "decode_image_file",
    "open_image",
    "read_image_size",
    "resolve_graphic",
    "to_rgb",
]
