import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from panel2patch.errors import ImageDecodeError, ImageTooLargeError, ImageTooSmallError
from panel2patch.images.decode import ImageConfig, decode_image, open_image


def encode(image: Image.Image, fmt: str, **kw: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kw)
    return buffer.getvalue()


def gradient(mode: str = "L", size: tuple[int, int] = (64, 48)) -> Image.Image:
    array = np.tile(np.linspace(0, 255, size[0], dtype=np.uint8), (size[1], 1))
    return Image.fromarray(array, "L").convert(mode)


def test_cmyk_jpeg_becomes_rgb() -> None:
    out = decode_image(encode(gradient("CMYK"), "JPEG"))
    assert (out.width, out.height, out.source_mode) == (64, 48, "CMYK")
    assert Image.open(io.BytesIO(out.jpeg)).mode == "RGB"


def test_16_bit_grey_is_stretched_not_clipped() -> None:
    array = np.tile(np.linspace(1000, 4000, 64, dtype=np.uint16), (48, 1))
    data = encode(Image.fromarray(array), "TIFF")
    rgb = np.asarray(open_image(data))
    assert rgb.shape == (48, 64, 3)
    assert rgb[..., 0].min() == 0 and rgb[..., 0].max() == 255  # a clip at 255 would be all white


def test_palette_and_alpha_are_composited_on_white() -> None:
    rgba = Image.new("RGBA", (40, 40), (255, 0, 0, 0))
    out = np.asarray(open_image(encode(rgba, "PNG")))
    assert out[0, 0].tolist() == [255, 255, 255]
    palette = gradient("RGB").convert("P")
    assert open_image(encode(palette, "GIF")).mode == "RGB"


def test_multipage_tiff_gives_first_page() -> None:
    first, second = Image.new("RGB", (50, 40), "red"), Image.new("RGB", (50, 40), "blue")
    data = encode(first, "TIFF", save_all=True, append_images=[second])
    assert np.asarray(open_image(data))[0, 0].tolist() == [255, 0, 0]


def test_bomb_is_refused_from_the_header(hostile: Path) -> None:
    with pytest.raises(ImageTooLargeError):
        open_image((hostile / "bad_images" / "bomb.png").read_bytes())
    with pytest.raises(ImageTooLargeError):
        open_image(encode(gradient(), "PNG"), ImageConfig(max_pixels=100))


@pytest.mark.parametrize("name", ["page.jpg", "truncated.jpg"])
def test_non_images_and_truncated_files(hostile: Path, name: str) -> None:
    with pytest.raises(ImageDecodeError):
        open_image((hostile / "bad_images" / name).read_bytes())


def test_tiny_images_are_refused() -> None:
    with pytest.raises(ImageTooSmallError):
        open_image(encode(Image.new("RGB", (10, 300)), "PNG"))


def test_reencoding_is_deterministic() -> None:
    data = encode(gradient("RGB", (300, 200)), "PNG")
    assert decode_image(data).jpeg == decode_image(data).jpeg
    assert decode_image(data, ImageConfig(max_side=100)).width == 100
