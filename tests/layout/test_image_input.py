"""Images handed to the layout step become C-contiguous uint8 RGB arrays
(``layout.image_input``)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from panel2patch.layout.image_input import _four_byte_pixels, to_rgb_array


def _noise(width: int, height: int) -> Image.Image:
    rng = np.random.default_rng(width * 7919 + height)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")


def test_rgb_pixels_equal_numpys_view_of_the_image() -> None:
    """The pixels come through Pillow's Arrow export where it has one (one cvtColor drops
    the fourth byte); they must equal ``np.asarray``, for odd sizes and crops too."""
    for width, height in [(1, 1), (3, 7), (1001, 3), (5, 409), (640, 480)]:
        image = _noise(width, height)
        for im in (image, image.crop((0, 0, max(1, width // 2), height))):
            rgb = to_rgb_array(im)
            assert rgb.dtype == np.uint8 and rgb.flags.c_contiguous and rgb.shape == (im.height, im.width, 3)
            assert np.array_equal(rgb, np.asarray(im))


def test_a_large_image_in_several_memory_blocks_is_read_too() -> None:
    """Pillow keeps a large image in several blocks, which it cannot export as one array:
    the pixels then come from ``np.asarray``, the same values."""
    image = _noise(2600, 2200)  # 22.9 MB of four-byte pixels: more than one 16 MB block
    rgb = to_rgb_array(image)
    assert np.array_equal(rgb, np.asarray(image)) and rgb.flags.c_contiguous


def test_the_export_is_used_where_pillow_has_it() -> None:
    image = _noise(64, 48)
    if hasattr(image, "__arrow_c_array__"):
        four = _four_byte_pixels(image)
        assert four is not None and np.array_equal(four[:, :, :3], np.asarray(image))


def test_other_modes_become_rgb() -> None:
    image = _noise(31, 17)
    for mode in ("L", "P", "CMYK", "1"):
        converted = image.convert(mode)
        assert np.array_equal(to_rgb_array(converted), np.asarray(converted.convert("RGB")))
