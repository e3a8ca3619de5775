"""Draw a layout over its figure (for ``panel2patch figure`` and for looking at results)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from panel2patch.layout.records import Box, PanelLayout
from panel2patch.images.fonts import drawing_font

_COLORS = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
           (240, 50, 230), (128, 128, 0), (0, 128, 128), (170, 110, 40)]


def render_layout(image: Image.Image, layout: PanelLayout, truth: list[Box] | None = None) -> Image.Image:
    """The figure with each panel box, its label box and its label drawn on top.

    ``truth`` boxes (for benchmarks) are drawn dashed-thin in grey under the predictions.
    """
    canvas = image.convert("RGB").copy()
    draw = ImageDraw.Draw(canvas)
    width = max(2, round(max(canvas.size) / 400))
    font = drawing_font(max(12, round(max(canvas.size) / 40)))
    for box in truth or []:
        draw.rectangle([box[0], box[1], box[2] - 1, box[3] - 1], outline=(120, 120, 120), width=max(1, width // 2))
    for i, panel in enumerate(layout.panels):
        color = _COLORS[i % len(_COLORS)]
        x0, y0, x1, y1 = panel.bbox
        draw.rectangle([x0, y0, x1 - 1, y1 - 1], outline=color, width=width)
        if panel.label_bbox:
            lx0, ly0, lx1, ly1 = panel.label_bbox
            draw.rectangle([lx0, ly0, lx1 - 1, ly1 - 1], outline=color, width=max(1, width // 2))
        tag = f"{i + 1}:{panel.label}" if panel.label else str(i + 1)
        tx, ty = x0 + width, y0 + width
        text_box = draw.textbbox((tx, ty), tag, font=font)
        draw.rectangle(text_box, fill=color)
        draw.text((tx, ty), tag, fill=(255, 255, 255), font=font)
    return canvas
