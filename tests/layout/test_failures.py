"""Bad input never raises: one panel or none, with a reason."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from panel2patch.layout import LayoutConfig, parse_layout
from tests.layout.fakes import font, grid_figure

NO_OCR = LayoutConfig(label_reader="none")


def test_blank_image_has_no_panel_and_says_why() -> None:
    layout = parse_layout(Image.new("RGB", (640, 480), "white"), NO_OCR)
    assert layout.panels == [] and "blank" in layout.reason


def test_black_blank_image() -> None:
    layout = parse_layout(np.zeros((300, 400, 3), np.uint8), NO_OCR)
    assert layout.panels == [] and layout.reason


def test_one_pixel_image_is_one_panel() -> None:
    layout = parse_layout(Image.new("RGB", (1, 1), "red"))
    assert [p.bbox for p in layout.panels] == [(0, 0, 1, 1)] and "small" in layout.reason


def test_very_long_strip_is_not_split() -> None:
    strip = np.full((300, 20000, 3), 255, np.uint8)
    strip[50:250, 100:19900] = np.random.default_rng(0).integers(0, 255, (200, 19800, 3), dtype=np.uint8)
    layout = parse_layout(strip)
    assert len(layout.panels) == 1 and "aspect" in layout.reason
    x0, y0, x1, y1 = layout.panels[0].bbox  # found on a copy shrunk ~18 times
    assert abs(x0 - 100) <= 20 and abs(y0 - 50) <= 20 and abs(x1 - 19900) <= 20 and abs(y1 - 250) <= 20


def test_all_text_figure_is_one_panel() -> None:
    image = Image.new("RGB", (700, 400), "white")
    draw = ImageDraw.Draw(image)
    for row in range(12):
        draw.text((20, 20 + row * 30), "Table 1. Patient characteristics and outcomes at 12 months", fill="black",
                  font=font(18))
    layout = parse_layout(image)
    assert len(layout.panels) == 1 and "text" in layout.reason


@pytest.mark.parametrize("dtype", [np.uint16, np.float32, np.int32])
def test_high_bit_depth_greyscale_arrays(dtype: type) -> None:
    fig = grid_figure(1, 2, ["micrograph"], gap=20, background="black", seed=1)
    grey = np.asarray(fig.image.convert("L")).astype(np.float64)
    array = (grey * 257).astype(dtype) if dtype != np.float32 else (grey / 255).astype(dtype)
    layout = parse_layout(array, NO_OCR)
    assert len(layout.panels) == 2
    assert (layout.width, layout.height) == fig.image.size


def test_16_bit_pil_image() -> None:
    array = np.zeros((200, 300), np.uint16)
    array[40:160, 30:130] = 40000
    array[40:160, 170:270] = 65000
    image = Image.fromarray(array)
    assert image.mode.startswith("I;16")
    layout = parse_layout(image, NO_OCR)
    assert len(layout.panels) == 2


def test_rgba_palette_and_one_bit_images() -> None:
    fig = grid_figure(1, 2, ["plot"], seed=4)
    for image in (fig.image.convert("RGBA"), fig.image.convert("P"), fig.image.convert("1"), fig.image.convert("LA")):
        layout = parse_layout(image, NO_OCR)
        assert len(layout.panels) == 2, image.mode


def test_rgba_array_with_transparent_background() -> None:
    rgba = np.zeros((200, 300, 4), np.uint8)
    rgba[50:150, 50:250] = (200, 20, 20, 255)
    layout = parse_layout(rgba, NO_OCR)
    assert [p.bbox for p in layout.panels] == [(50, 50, 250, 150)]


@pytest.mark.parametrize("bad", [np.zeros((0, 0, 3), np.uint8), np.zeros((5,), np.uint8), np.full((8, 8), np.nan),
                                 "not an image", None])
def test_unusable_inputs_give_no_panel_and_a_reason(bad: object) -> None:
    layout = parse_layout(bad)  # type: ignore[arg-type]
    assert layout.panels == [] and layout.reason.startswith("unusable image")
