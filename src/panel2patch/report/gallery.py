"""The report's gallery: a deterministic sample of figures with their hierarchy drawn (Pillow).

Figures are ranked by a hash of their key (stable across reruns and machines, spread over the
whole run); figures with regions come first, then compound figures, then single panels, so the
gallery shows what the parsing found rather than only whole figures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from panel2patch import naming
from panel2patch.dataset.run_reader import iter_shard
from panel2patch.errors import ItemError
from panel2patch.images import ImageConfig, open_image
from panel2patch.images.decode import encode_jpeg
from panel2patch.report.profile import RunProfile
from panel2patch.images.fonts import drawing_font

PALETTE = [(230, 25, 75), (0, 130, 200), (60, 160, 60), (245, 130, 48), (145, 30, 180), (0, 150, 150),
           (240, 50, 230), (128, 128, 0), (170, 110, 40), (0, 0, 128)]
MARKER_COLOR = (255, 221, 0)


@dataclass(frozen=True)
class GalleryItem:
    key: str
    image_file: str  # relative to the report folder
    width: int
    height: int
    meta: dict[str, Any]
    caption: str


def _rank(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def choose_figures(profile: RunProfile, n: int) -> list[tuple[str, str]]:
    """(key, shard) of up to ``n`` figures: with regions first, then compound, then the rest."""
    ranked = sorted(profile.figures, key=lambda f: (0 if f[3] else 1 if f[2] else 2, _rank(f[0])))
    return [(key, shard) for key, shard, _, _ in ranked[:n]]


def hex_color(index: int) -> str:
    r, g, b = PALETTE[index % len(PALETTE)]
    return f"#{r:02x}{g:02x}{b:02x}"


def _scaled(box: Any, scale: float) -> tuple[float, float, float, float] | None:
    if not isinstance(box, (list, tuple)) or len(box) != 4:
        return None
    x0, y0, x1, y1 = (float(v) * scale for v in box)
    return (x0, y0, max(x0, x1 - 1), max(y0, y1 - 1))


def _dashed_rectangle(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], color: tuple[int, int, int], width: int) -> None:
    x0, y0, x1, y1 = box
    dash = max(4, width * 3)
    for (ax, ay, bx, by) in ((x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)):
        length = max(abs(bx - ax), abs(by - ay))
        steps = max(1, int(length // (2 * dash)))
        for i in range(steps + 1):
            t0, t1 = min(1.0, 2 * i * dash / max(length, 1)), min(1.0, (2 * i + 1) * dash / max(length, 1))
            draw.line([(ax + (bx - ax) * t0, ay + (by - ay) * t0), (ax + (bx - ax) * t1, ay + (by - ay) * t1)], fill=color, width=width)


def draw_hierarchy(image: Image.Image, meta: dict[str, Any], max_side: int = 960) -> Image.Image:
    """The figure (scaled to ``max_side``) with panel boxes and tags, label boxes, regions
    (dashed, in their panel's colour) and markers (yellow box, tip dot)."""
    scale = min(2.0, max_side / max(image.size))  # small figures are enlarged (at most 2x) so the drawing reads
    canvas = image.convert("RGB")
    if scale != 1.0:
        canvas = canvas.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.LANCZOS)
    else:
        canvas = canvas.copy()
    draw = ImageDraw.Draw(canvas)
    width = max(2, round(max(canvas.size) / 320))
    font = drawing_font(max(12, round(max(canvas.size) / 45)))
    small = drawing_font(max(10, round(max(canvas.size) / 70)))
    panels = meta.get("panels") or []
    for index, panel in enumerate(panels):
        color = PALETTE[index % len(PALETTE)]
        box = _scaled(panel.get("bbox"), scale)
        if box is None:
            continue
        draw.rectangle(box, outline=color, width=width)
        label_box = _scaled(panel.get("label_bbox"), scale)
        if label_box:
            draw.rectangle(label_box, outline=color, width=max(1, width // 2))
        for number, region in enumerate(panel.get("regions") or []):
            _draw_region(draw, region, scale, color, width, f"r{number + 1}", small)
        # the tag goes in the bottom-left corner: the printed label usually sits top-left
        tag = f"{index + 1}:{panel.get('label')}" if panel.get("label") else str(index + 1)
        _, top, _, bottom = draw.textbbox((0, 0), tag, font=font)
        origin = (box[0] + width, max(box[1], box[3] - width - (bottom - top) - 2) - top)
        draw.rectangle(draw.textbbox(origin, tag, font=font), fill=color)
        draw.text(origin, tag, fill=(255, 255, 255), font=font)
    for number, region in enumerate(meta.get("regions") or []):
        _draw_region(draw, region, scale, PALETTE[0], width, f"r{number + 1}", small)
    return canvas


def _draw_region(
    draw: ImageDraw.ImageDraw,
    region: dict[str, Any],
    scale: float,
    color: tuple[int, int, int],
    width: int,
    tag: str,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
) -> None:
    box = _scaled(region.get("bbox"), scale)
    if box:
        _dashed_rectangle(draw, box, color, width)
        origin = (box[0] + width, box[1] + width)
        draw.rectangle(draw.textbbox(origin, tag, font=font), fill=color)
        draw.text(origin, tag, fill=(255, 255, 255), font=font)
    marker = region.get("marker") or {}
    marker_box = _scaled(marker.get("bbox"), scale)
    if marker_box:
        draw.rectangle(marker_box, outline=(0, 0, 0), width=width + 2)
        draw.rectangle(marker_box, outline=MARKER_COLOR, width=width)
    tip = marker.get("tip")
    if isinstance(tip, (list, tuple)) and len(tip) == 2:
        x, y, r = float(tip[0]) * scale, float(tip[1]) * scale, width * 2
        draw.ellipse((x - r, y - r, x + r, y + r), fill=MARKER_COLOR, outline=(0, 0, 0), width=1)


def render_gallery(run_dir: Path, chosen: list[tuple[str, str]], folder: Path, max_side: int = 960) -> list[GalleryItem]:
    """Draw each chosen figure into ``folder`` (``KEY.jpg``); items in the order chosen."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, set[str]] = {}
    for key, shard in chosen:
        wanted.setdefault(shard, set()).add(key)
    found: dict[str, GalleryItem] = {}
    for shard, keys in sorted(wanted.items()):
        for sample in iter_shard(Path(run_dir) / naming.SHARD_DIR / shard, with_images=True):
            if sample.key not in keys:
                continue
            try:
                image = open_image(sample.jpeg or b"", ImageConfig(min_side=0))
            except ItemError:
                continue
            drawn = draw_hierarchy(image, sample.meta, max_side)
            name = f"{sample.key}.jpg"
            (folder / name).write_bytes(encode_jpeg(drawn, ImageConfig(jpeg_quality=85)))
            found[sample.key] = GalleryItem(sample.key, f"{folder.name}/{name}", drawn.width, drawn.height, sample.meta, sample.caption)
    return [found[key] for key, _ in chosen if key in found]
