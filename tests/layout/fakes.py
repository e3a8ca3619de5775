"""Procedural figures with exact truth: plots, micrographs and photos laid out in grids."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
]


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def plot_panel(rng: np.random.Generator, w: int, h: int) -> Image.Image:
    """A line plot: axes with ticks, two noisy curves, tick labels."""
    image = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = int(0.18 * w), int(0.08 * h), int(0.95 * w), int(0.8 * h)
    draw.line([(x0, y0), (x0, y1), (x1, y1)], fill="black", width=2)
    small = font(max(8, h // 18))
    for k in range(5):
        tx = x0 + k * (x1 - x0) // 4
        draw.line([(tx, y1), (tx, y1 + 5)], fill="black", width=1)
        draw.text((tx - 4, y1 + 7), str(k * 5), fill="black", font=small)
    xs = np.linspace(x0, x1, 60)
    for color in ((200, 30, 30), (30, 60, 200)):
        ys = y1 - (y1 - y0) * (0.2 + 0.6 * rng.random() * np.abs(np.sin(xs / w * rng.uniform(2, 8))))
        draw.line(list(zip(xs.tolist(), ys.tolist())), fill=color, width=2)
    return image


def micrograph_panel(rng: np.random.Generator, w: int, h: int) -> Image.Image:
    """Dark background with bright blurred cells (fluorescence-like) and sensor noise."""
    array = rng.normal(18, 6, (h, w, 3))
    yy, xx = np.mgrid[0:h, 0:w]
    channel = int(rng.integers(0, 3))
    for _ in range(int(rng.integers(6, 14))):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(4, max(6, w / 10))
        blob = 200 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
        array[:, :, channel] += blob
        array[:, :, (channel + 1) % 3] += 0.3 * blob
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))


def photo_panel(rng: np.random.Generator, w: int, h: int) -> Image.Image:
    """A smooth coloured gradient with texture (a specimen photo stand-in)."""
    yy, xx = np.mgrid[0:h, 0:w] / max(w, h)
    base = rng.uniform(60, 200, 3)
    array = base + 60 * np.stack([np.sin(xx * rng.uniform(3, 9) + c) * np.cos(yy * rng.uniform(3, 9)) for c in range(3)], -1)
    array += rng.normal(0, 8, array.shape)
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))


KINDS = {"plot": plot_panel, "micrograph": micrograph_panel, "photo": photo_panel}


@dataclass
class FakeFigure:
    image: Image.Image
    boxes: list[tuple[int, int, int, int]]
    labels: list[str | None]


def grid_figure(
    rows: int,
    cols: int,
    kinds: list[str],
    labels: list[str] | None = None,
    cell: tuple[int, int] = (260, 200),
    gap: int = 14,
    background: str = "white",
    label_position: str = "above",
    seed: int = 0,
    label_fill: str | None = None,
) -> FakeFigure:
    """``rows`` x ``cols`` panels of the given kinds (cycled), labels above (at the left,
    or centred as a "title"), or inside; in ``label_fill`` when given."""
    rng = np.random.default_rng(seed)
    cw, ch = cell
    label_h = 22 if labels and label_position in ("above", "title") else 0
    width = cols * cw + (cols + 1) * gap
    height = rows * (ch + label_h) + (rows + 1) * gap
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    big = font(18)
    boxes: list[tuple[int, int, int, int]] = []
    out_labels: list[str | None] = []
    for i in range(rows * cols):
        r, c = divmod(i, cols)
        x, y = gap + c * (cw + gap), gap + r * (ch + label_h + gap)
        panel = KINDS[kinds[i % len(kinds)]](rng, cw, ch)
        image.paste(panel, (x, y + label_h))
        box = [x, y + label_h, x + cw, y + label_h + ch]
        label = labels[i] if labels else None
        if label:
            text_xy = (x, y) if label_position == "above" else (x + 6, y + 5)
            if label_position == "title":
                text_xy = (x + (cw - draw.textlength(label, font=big)) // 2, y)
            dark = np.asarray(panel)[:30, :30].mean() < 110
            color = label_fill or ("white" if label_position == "inside" and dark else "black")
            draw.text(text_xy, label, fill=color, font=big)
            tb = draw.textbbox(text_xy, label, font=big)
            box = [min(box[0], tb[0]), min(box[1], tb[1]), box[2], box[3]]
        boxes.append(tuple(box))
        out_labels.append("".join(ch for ch in label if ch.isalnum()) if label else None)
    return FakeFigure(image, boxes, out_labels)


def unlabelled_panel_boxes(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Panel boxes of the classical backend without label OCR."""
    from panel2patch.layout import LayoutConfig, get_backend

    return [p.bbox for p in get_backend("classical", LayoutConfig(label_reader="none")).parse(image).panels]
