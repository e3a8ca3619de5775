"""Synthetic panels with drawn markers (exact truth) for the marker tests."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

# The marker drawing kit of the benchmark (one implementation for benchmark and tests),
# loaded under its own name so nothing else on sys.path can shadow it.
_DRAWING = Path(__file__).resolve().parents[2] / "benchmarks" / "markers" / "drawing.py"
_spec = importlib.util.spec_from_file_location("panel2patch_marker_drawing", _DRAWING)
drawing = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = drawing
_spec.loader.exec_module(drawing)


def textured_panel(width: int = 420, height: int = 320, seed: int = 0, mean: float = 105.0) -> Image.Image:
    """A grey, micrograph-like picture: smooth blobs plus fine noise."""
    rng = np.random.default_rng(seed)
    coarse = rng.normal(mean, 35, (height // 16 + 2, width // 16 + 2))
    smooth = np.asarray(Image.fromarray(coarse.astype(np.float32)).resize((width, height),
                                                                                  Image.Resampling.BICUBIC))
    grey = np.clip(smooth + rng.normal(0, 10, (height, width)), 0, 255).astype(np.uint8)
    return Image.fromarray(np.repeat(grey[:, :, None], 3, axis=2))


def iou(a, b) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0, w) * max(0, h)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def jpeg(image: Image.Image, quality: int = 85) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def plot_panel(width: int = 420, height: int = 320) -> Image.Image:
    """A line / scatter plot: white ground, axes, ticks, text, triangle and star symbols."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(50, 20), (50, 280), (400, 280)], fill="black", width=2)
    for x in range(50, 401, 50):
        draw.line([(x, 280), (x, 286)], fill="black", width=2)
        draw.text((x - 6, 290), str(x // 50), fill="black", font=drawing.load_font(12))
    rng = np.random.default_rng(3)
    points = [(60 + i * 22, 250 - i * 11 + rng.normal(0, 8)) for i in range(15)]
    draw.line(points, fill=(200, 30, 30), width=2)
    for x, y in points:
        draw.polygon([(x, y - 6), (x - 5, y + 4), (x + 5, y + 4)], fill=(30, 30, 200))
    draw.text((150, 30), "*P < 0.05", fill="black", font=drawing.load_font(16))
    draw.text((120, 300), "Time (h)", fill="black", font=drawing.load_font(14))
    return image


@pytest.fixture()
def canvas_factory():
    return drawing.Canvas


@pytest.fixture(scope="module")
def marked_panel():
    """One picture with five markers of known type, colour, box and tip."""
    canvas = drawing.Canvas(textured_panel(seed=1))
    truth = [
        drawing.arrowhead(canvas, (80.0, 70.0), 0.6, 22, "white", apex_deg=50),
        drawing.arrow(canvas, (330.0, 80.0), 2.6, 60, "yellow", style="block"),
        drawing.asterisk(canvas, (90.0, 240.0), 26, "red", font=drawing.load_font(100)),
        drawing.box(canvas, (200.0, 170.0, 300.0, 260.0), "cyan", width=2),
        drawing.ellipse(canvas, (320.0, 180.0, 400.0, 280.0), "magenta", width=2),
    ]
    return canvas.finish(), truth
