"""Synthetic panel crops drawn with PIL/numpy: one per kind the tests check."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def bar_chart(seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(50, 20), (50, 260), (380, 260)], fill="black", width=2)
    for i, height in enumerate(rng.integers(60, 220, 4)):
        draw.rectangle([80 + i * 70, 260 - int(height), 120 + i * 70, 259], fill=(70, 110, 200), outline="black")
    for y in range(60, 260, 50):
        draw.line([(45, y), (50, y)], fill="black")
        draw.text((20, y - 5), str(260 - y), fill="black")
    for i in range(4):
        draw.text((85 + i * 70, 270), f"G{i}", fill="black")
    return image


def fluorescence(seed: int = 0) -> Image.Image:
    """Noisy dark field with green and red blobs."""
    rng = np.random.default_rng(seed)
    pixels = rng.normal(12, 4, (300, 400, 3))
    yy, xx = np.mgrid[:300, :400]
    for _ in range(25):
        cy, cx, r = rng.integers(0, 300), rng.integers(0, 400), rng.integers(6, 18)
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2.0 * r * r))
        pixels[..., rng.integers(0, 2)] += blob * rng.uniform(120, 230)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def radiograph(seed: int = 0) -> Image.Image:
    """A greyscale ellipse (a body section) with an organ inside, on black."""
    rng = np.random.default_rng(seed)
    pixels = np.zeros((300, 300), np.float32)
    yy, xx = np.mgrid[:300, :300]
    body = ((yy - 150) / 110) ** 2 + ((xx - 150) / 130) ** 2 < 1
    pixels[body] = 110 + rng.normal(0, 12, int(body.sum()))
    pixels[((yy - 140) / 40) ** 2 + ((xx - 110) / 30) ** 2 < 1] += 60
    grey = Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.2))
    return grey.convert("RGB")


def western_blot(seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    pixels = np.full((160, 400), 235, np.float32)
    for row in range(3):
        for lane in range(6):
            x0, y0 = 30 + lane * 60, 30 + row * 45
            pixels[y0 : y0 + 10, x0 : x0 + 40] -= rng.uniform(80, 180)
    blurred = np.asarray(Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(2)))
    noisy = (blurred + rng.normal(0, 2, blurred.shape)).clip(0, 255).astype(np.uint8)
    return Image.fromarray(noisy).convert("RGB")


def he_section(seed: int = 0) -> Image.Image:
    """Pink stroma with purple nuclei (an H&E-like texture)."""
    rng = np.random.default_rng(seed)
    pixels = np.full((300, 400, 3), (235, 200, 220), np.float32) + rng.normal(0, 8, (300, 400, 3))
    yy, xx = np.mgrid[:300, :400]
    for _ in range(120):
        cy, cx, r = rng.integers(0, 300), rng.integers(0, 400), rng.integers(3, 7)
        nucleus = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
        pixels[nucleus] = np.array((90, 50, 140)) + rng.normal(0, 10, (int(nucleus.sum()), 3))
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1))


def compound(left: Image.Image, right: Image.Image) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """Two panels side by side with a white gutter, and their boxes."""
    height = max(left.height, right.height)
    figure = Image.new("RGB", (left.width + right.width + 20, height), "white")
    figure.paste(left, (0, 0))
    figure.paste(right, (left.width + 20, 0))
    return figure, [(0, 0, left.width, left.height), (left.width + 20, 0, left.width + 20 + right.width, right.height)]
