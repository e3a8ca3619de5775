"""Draw markers and regions over a figure, and contact sheets of region crops."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from PIL import Image, ImageDraw

from panel2patch.markers.records import Marker, Region
from panel2patch.images.fonts import drawing_font

_MARKER_COLOR = (255, 0, 200)
_REGION_COLOR = (0, 220, 255)


def render_markers(image: Image.Image, markers: Sequence[Marker], regions: Sequence[Region] = ()) -> Image.Image:
    """The figure with each marker box (magenta, tip dotted), its region (cyan) and a tag."""
    canvas = image.convert("RGB").copy()
    draw = ImageDraw.Draw(canvas)
    width = max(1, round(max(canvas.size) / 600))
    font = drawing_font(max(10, round(max(canvas.size) / 70)), bold=False)
    for region in regions:
        x0, y0, x1, y1 = region.bbox
        draw.rectangle([x0, y0, x1 - 1, y1 - 1], outline=_REGION_COLOR, width=width)
    for index, marker in enumerate(markers):
        x0, y0, x1, y1 = marker.bbox
        draw.rectangle([x0, y0, x1 - 1, y1 - 1], outline=_MARKER_COLOR, width=width)
        if marker.tip:
            r = 2 * width + 1
            draw.ellipse([marker.tip[0] - r, marker.tip[1] - r, marker.tip[0] + r, marker.tip[1] + r], fill=_MARKER_COLOR)
        draw.text((x0, y1 + 1), f"{index}:{marker.type} {marker.color or ''}", fill=_MARKER_COLOR, font=font)
    return canvas


def contact_sheet(items: Sequence[tuple[Image.Image, Marker, Region, str]], tile: int = 150,
                  columns: int = 4) -> Image.Image:
    """One cell per region: its context (marker magenta, region cyan) and the region crop,
    both scaled to ``tile``, with the marker, the region's text and the source below."""
    font = drawing_font(12, bold=False)
    text_h = 62
    cell_w, cell_h = 2 * tile + 12, tile + text_h
    rows = max(1, (len(items) + columns - 1) // columns)
    sheet = Image.new("RGB", (columns * cell_w, rows * cell_h), "white")
    draw = ImageDraw.Draw(sheet)
    for k, (image, marker, region, source) in enumerate(items):
        x, y = (k % columns) * cell_w, (k // columns) * cell_h
        sheet.paste(_fit(_context(image, marker, region), tile), (x + 2, y + 2))
        sheet.paste(_fit(image.crop(region.bbox).convert("RGB"), tile), (x + tile + 8, y + 2))
        label = f"{marker.type} {marker.color or ''}: {region.text or '-'}"
        lines = textwrap.wrap(label, 2 * tile // 7)[:3] + [source.rsplit("/", 1)[-1][:2 * tile // 7]]
        for i, line in enumerate(lines):
            colour = (0, 0, 0) if i < len(lines) - 1 else (120, 120, 120)
            draw.text((x + 2, y + tile + 4 + 14 * i), line, fill=colour, font=font)
    return sheet


def _context(image: Image.Image, marker: Marker, region: Region) -> Image.Image:
    """The marker and its region with some surroundings, both outlined."""
    x0 = min(marker.bbox[0], region.bbox[0])
    y0 = min(marker.bbox[1], region.bbox[1])
    x1 = max(marker.bbox[2], region.bbox[2])
    y1 = max(marker.bbox[3], region.bbox[3])
    pad = max(8, (x1 - x0 + y1 - y0) // 6)
    box = (max(0, x0 - pad), max(0, y0 - pad), min(image.width, x1 + pad), min(image.height, y1 + pad))
    crop = image.crop(box).convert("RGB")
    draw = ImageDraw.Draw(crop)
    width = max(1, round(max(crop.size) / 150))
    for rect, colour in ((region.bbox, _REGION_COLOR), (marker.bbox, _MARKER_COLOR)):
        draw.rectangle([rect[0] - box[0], rect[1] - box[1], rect[2] - box[0] - 1, rect[3] - box[1] - 1],
                       outline=colour, width=width)
    return crop


def _fit(image: Image.Image, side: int) -> Image.Image:
    """Scaled (up or down) to fit a ``side`` square, on white."""
    scale = side / max(image.size)
    resized = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                           Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.NEAREST)
    out = Image.new("RGB", (side, side), "white")
    out.paste(resized, ((side - resized.width) // 2, (side - resized.height) // 2))
    return out
