"""A contact sheet of a detector's mistakes on hand-marked figures: every missed marker
(orange box) and every false detection (magenta box), each in its context, for looking at
what fails before changing anything."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from panel2patch.images.fonts import drawing_font

TILE = 240
MISSED = (255, 140, 0)
FALSE = (255, 0, 255)


def mistakes(image: Image.Image, truth: Sequence[dict], found: Sequence[dict],
             pairs: Sequence[tuple[int, int]], source: str) -> list[tuple[Image.Image, str, str]]:
    """(context crop, what, where) for each unmatched true marker and detection; ``pairs``
    are the (detection, truth) hits of ``scoring.matches``."""
    hit_found = {i for i, _ in pairs}
    hit_truth = {j for _, j in pairs}
    out = []
    for j, true in enumerate(truth):
        if j not in hit_truth:
            out.append((_context(image, true["bbox"], MISSED), f"missed {true['type']} {true.get('color') or ''}",
                        f"{source} {list(true['bbox'])}"))
    for i, det in enumerate(found):
        if i not in hit_found:
            out.append((_context(image, det["bbox"], FALSE),
                        f"false {det['type']} {det.get('color') or ''} {det.get('score', 0):.2f}",
                        f"{source} {list(det['bbox'])}"))
    return out


def write_gallery(cells: Sequence[tuple[Image.Image, str, str]], out: Path, columns: int = 5) -> None:
    font = drawing_font(11, bold=False)
    rows = max(1, (len(cells) + columns - 1) // columns)
    sheet = Image.new("RGB", (columns * (TILE + 10), rows * (TILE + 34)), (90, 90, 90))
    draw = ImageDraw.Draw(sheet)
    for k, (crop, what, where) in enumerate(cells):
        x, y = (k % columns) * (TILE + 10), (k // columns) * (TILE + 34)
        sheet.paste(crop, (x, y))
        draw.text((x, y + TILE + 2), what, fill=(255, 255, 0), font=font)
        draw.text((x, y + TILE + 17), where[-44:], fill=(0, 255, 255), font=font)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)


def _context(image: Image.Image, bbox: Sequence[float], colour: tuple[int, int, int]) -> Image.Image:
    """``bbox`` with 80% of its size around it, scaled to fit the tile, the box drawn."""
    x0, y0, x1, y1 = bbox
    margin = 0.8 * max(x1 - x0, y1 - y0) + 12
    left, top = x0 - margin, y0 - margin
    crop = image.convert("RGB").crop((int(left), int(top), int(x1 + margin), int(y1 + margin)))
    scale = TILE / max(crop.size)
    crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.LANCZOS)
    ImageDraw.Draw(crop).rectangle([(x0 - int(left)) * scale - 2, (y0 - int(top)) * scale - 2,
                                    (x1 - int(left)) * scale + 2, (y1 - int(top)) * scale + 2], outline=colour)
    return crop
