"""Synthetic compound figures with exact truth, built from real panels.

Panel material (``panel_pool``): real single panels cut out of ../shared/data:
* every panel of the DEV real figures, cut at our hand-drawn boxes, with any printed
  label found in it painted over and the top tenth trimmed (labels sit there);
* the single-panel DEV figures (plots, diagrams);
* the MedPix radiology images (CT / MR) for radiology strips.
The material is split in two halves by source file (CRC32 of its id), one for the dev
set and one for the test set, so the test figures reuse no panel seen in the dev set.

``compose`` lays panels out in a random grid (1xN strips, NxM grids, irregular rows, a
large panel beside a stack), with white, black or no gutters (thin ruled lines), labels
in one style (A, a, (a), A., a), i/ii, 1/2) at one position (above, left, inside the
top-left corner, white on dark), in DejaVu or Liberation fonts sized to the figure, and
records every panel box (image and label) and label exactly. A fixed seed per split
makes the sets reproducible.

``generate_set(..., variant="parts")`` makes a separate set (its own seeds) whose panels
are labelled as parts of a letter per row (Ai Aii Aiii / Bi Bii, or A1 A2 / B1 B2): the
style of neuroscience and EMBO figures. ``variant="titles"`` makes another whose labels
are set like titles, centred above or below each panel, small (0.9-2% of the figure
width, at least 7 px) and often in grey or a colour: the style of physics, mathematics and plotting-library figures
("(a)" over a matplotlib subplot).
"""

from __future__ import annotations

import sys
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_figures import DATA_ROOT, load_annotations, load_figure

SPLIT_SEEDS = {"dev": 20260401, "test": 20260402}
VARIANT_SEED_OFFSETS = {"plain": 0, "parts": 1000, "titles": 2000}  # each variant draws its own seeds
PART_STYLES = ["Ai", "A1", "(Ai)", "a1"]
TITLE_STYLES = ["(a)", "a", "(A)", "A", "a)"]
TITLE_POSITIONS = ["above_center", "below_center"]
TITLE_INKS = [(0, 0, 0), (90, 90, 90), (130, 130, 130), (40, 40, 160), (170, 30, 30)]
FONT_FILES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
]
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]
LABEL_STYLES = ["A", "a", "(a)", "A.", "a)", "(A)", "i", "1"]
POSITIONS = ["above", "left", "inside", "inside_box"]
GUTTERS = ["white", "white", "white", "black", "lines", "none"]
MAX_PER_FIGURE = 4  # panels taken from one source figure (keeps the material varied)


@dataclass
class SynthPanel:
    bbox: tuple[int, int, int, int]
    label: str | None


@dataclass
class SynthFigure:
    image: Image.Image
    panels: list[SynthPanel]
    recipe: dict = field(default_factory=dict)


def _half(source_id: str) -> str:
    return "dev" if zipfile.crc32(source_id.encode()) % 2 == 0 else "test"


@lru_cache(maxsize=2)
def panel_pool(split: str) -> tuple[np.ndarray, ...]:
    """RGB crops of real single panels for one split (see module docstring)."""
    from panel2patch.layout import parse_layout

    pool: list[np.ndarray] = []
    for fig in load_annotations():
        if fig.split != "dev" or _half(fig.id) != split:
            continue
        image = np.array(load_figure(fig.id))
        if len(fig.panels) > 1:
            for panel in parse_layout(Image.fromarray(image)).panels:
                if panel.label_bbox:
                    _paint_over(image, panel.label_bbox)
        for (x0, y0, x1, y1), _ in fig.panels[:MAX_PER_FIGURE]:
            y0 += (y1 - y0) // 10 if len(fig.panels) > 1 else 0
            crop = image[y0:y1, x0:x1]
            if min(crop.shape[:2]) >= 40:
                pool.append(np.ascontiguousarray(crop))
    medpix = DATA_ROOT / "classification" / "medpix_ct_mr" / "images"
    for path in sorted(medpix.glob("*.png")) if medpix.exists() else []:
        if _half(path.name) == split:
            pool.append(np.array(load_figure(str(path.relative_to(DATA_ROOT)))))
    return tuple(pool)


def _paint_over(image: np.ndarray, box: tuple[int, int, int, int]) -> None:
    x0, y0, x1, y1 = box
    pad = max(2, (y1 - y0) // 3)
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(image.shape[1], x1 + pad), min(image.shape[0], y1 + pad)
    ring = np.concatenate([image[y0, x0:x1], image[y1 - 1, x0:x1], image[y0:y1, x0], image[y0:y1, x1 - 1]])
    image[y0:y1, x0:x1] = np.median(ring, axis=0).astype(np.uint8)


def generate_set(split: str, count: int, variant: str = "plain") -> list[SynthFigure]:
    """``count`` figures of one split; ``variant``: "plain", "parts" or "titles" (see the
    module docstring)."""
    rng = np.random.default_rng(SPLIT_SEEDS[split] + VARIANT_SEED_OFFSETS[variant])
    pool = panel_pool(split)
    return [compose(rng, pool, variant) for _ in range(count)]


def _layout(rng: np.random.Generator) -> tuple[str, list[list[float]]]:
    """Rows of relative panel widths; a 'stack' layout is encoded separately."""
    kind = rng.choice(["single", "strip", "grid", "grid", "rows", "stack"], p=[0.06, 0.2, 0.3, 0.14, 0.2, 0.1])
    if kind == "single":
        return kind, [[1.0]]
    if kind == "strip":
        return kind, [[1.0] * int(rng.integers(2, 7))]
    if kind == "grid":
        cols, rows = int(rng.integers(2, 5)), int(rng.integers(2, 4))
        return kind, [[1.0] * cols for _ in range(rows)]
    if kind == "rows":
        return kind, [list(rng.uniform(0.6, 1.6, int(rng.integers(1, 5)))) for _ in range(int(rng.integers(2, 4)))]
    return kind, [[2.0, 1.0]] * int(rng.integers(2, 4))  # stack: big left panel, small ones at right


def compose(rng: np.random.Generator, pool: tuple[np.ndarray, ...], variant: str = "plain") -> SynthFigure:
    parts, titles = variant == "parts", variant == "titles"
    kind, rows = _layout(rng)
    while parts and kind in ("single", "stack"):  # parts need rows of several panels
        kind, rows = _layout(rng)
    width = int(rng.integers(600, 1800))
    gutter = str(rng.choice(GUTTERS))
    radiology = kind == "strip" and rng.random() < 0.5 and not titles
    if titles:
        gutter = "white"  # a title needs room above or below its panel
    if radiology:
        gutter = "black"
    background = (0, 0, 0) if gutter == "black" else (255, 255, 255)
    gap = 0 if gutter in ("none", "lines") else max(2, int(width * rng.uniform(0.008, 0.03)))
    style = str(rng.choice(LABEL_STYLES, p=[0.32, 0.22, 0.12, 0.08, 0.06, 0.06, 0.07, 0.07]))
    if parts:
        style = str(rng.choice(PART_STYLES))
    position = str(rng.choice(POSITIONS, p=[0.35, 0.1, 0.4, 0.15]))
    if gap == 0 and position in ("above", "left"):
        position = "inside"
    ink = None
    if titles:
        style = str(rng.choice(TITLE_STYLES))
        position = str(rng.choice(TITLE_POSITIONS))
        ink = TITLE_INKS[int(rng.integers(len(TITLE_INKS)))]
    font_file = next((f for f in rng.permutation(FONT_FILES) if Path(f).exists()), None)
    label_px = max(10, int(width * rng.uniform(0.014, 0.03)))
    if titles:
        label_px = max(7, int(width * rng.uniform(0.009, 0.02)))
    font = ImageFont.truetype(str(font_file), label_px) if font_file else ImageFont.load_default()
    unlabelled = rng.random() < 0.12
    row_height = int(width / max(len(r) for r in rows) * rng.uniform(0.6, 1.0))
    if kind == "stack":
        row_height = int(width / 3 * rng.uniform(0.5, 0.8))
    margin = label_px + 6 if position in ("above", "above_center") else 0
    bottom = label_px + 6 if position == "below_center" else 0
    left_margin = label_px * 2 if position == "left" else 0
    cells: list[tuple[int, int, int, int]] = []
    places: list[tuple[int, int, int]] = []  # (row, column, panels in the row) of each cell
    y = gap
    for r, row in enumerate(rows):
        total = sum(row)
        x = gap
        usable = width - gap * (len(row) + 1)
        for c, w in enumerate(row):
            cw = int(usable * w / total)
            if gutter == "lines" and c == len(row) - 1:  # rules run to the figure's edge
                cw = width - x
            cells.append((x, y, x + cw, y + row_height))
            places.append((r, c, len(row)))
            x += cw + gap
        y += row_height + gap
    if kind == "stack":  # merge the left column into one tall panel
        left = [c for c in cells if c[0] == gap]
        cells = [(left[0][0], left[0][1], left[0][2], left[-1][3])] + [c for c in cells if c[0] != gap]
    height = y if kind != "stack" else max(c[3] for c in cells) + gap
    canvas = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(canvas)
    panels: list[SynthPanel] = []
    rule_ink = None
    for i, (x0, y0, x1, y1) in enumerate(cells):
        ix0, iy0 = x0 + left_margin, y0 + margin
        iy1 = y1 - bottom
        if x1 - ix0 < 20 or iy1 - iy0 < 20:
            continue
        source = pool[int(rng.integers(len(pool)))] if not radiology else _pick_radiology(rng, pool)
        tile = _fit(source, x1 - ix0, iy1 - iy0, fill=gutter in ("none", "lines") or radiology)
        px0 = ix0 + (x1 - ix0 - tile.width) // 2
        py0 = iy0 + (iy1 - iy0 - tile.height) // 2
        if position in ("above", "above_center"):
            py0 = iy0
        elif position == "below_center":
            py0 = iy1 - tile.height
        canvas.paste(tile, (px0, py0))
        box = [px0, py0, px0 + tile.width, py0 + tile.height]
        if gutter == "lines":
            drawn = (0, 0, 0) if rng.random() < 0.7 else (255, 255, 255)
            rule_ink = rule_ink or drawn  # one ink for every rule of a figure
            draw.rectangle([x0, y0, x1 - 1, y1 - 1], outline=rule_ink)
        if unlabelled or kind == "single" and rng.random() < 0.7:
            label = None
        else:
            label = _part_text(style, *places[i]) if parts else _label_text(style, i)
        if label:
            lb = _draw_label(draw, canvas, label, font, position, box, label_px, ink)
            box = [min(box[0], lb[0]), min(box[1], lb[1]), max(box[2], lb[2]), max(box[3], lb[3])]
        panels.append(SynthPanel(tuple(int(v) for v in box), _bare(label)))
    recipe = {"kind": kind, "gutter": gutter, "style": style, "position": position, "font": Path(str(font_file)).name}
    if ink is not None:
        recipe.update(ink=ink, label_px=label_px)
    return SynthFigure(canvas, panels, recipe)


def _pick_radiology(rng: np.random.Generator, pool: tuple[np.ndarray, ...]) -> np.ndarray:
    dark = [p for p in pool if p.mean() < 90]
    return dark[int(rng.integers(len(dark)))] if dark else pool[int(rng.integers(len(pool)))]


def _fit(source: np.ndarray, w: int, h: int, fill: bool) -> Image.Image:
    """Scale a panel into a w x h cell: fill (crop the overflow) or fit (keep it all)."""
    image = Image.fromarray(source)
    sw, sh = image.size
    scale = max(w / sw, h / sh) if fill else min(w / sw, h / sh)
    image = image.resize((max(1, round(sw * scale)), max(1, round(sh * scale))), Image.Resampling.LANCZOS)
    if fill:
        left, top = (image.width - w) // 2, (image.height - h) // 2
        image = image.crop((left, top, left + w, top + h))
    return image


def _label_text(style: str, i: int) -> str:
    letter = chr(ord("a") + i % 26)
    return {
        "A": letter.upper(),
        "a": letter,
        "(a)": f"({letter})",
        "A.": f"{letter.upper()}.",
        "a)": f"{letter})",
        "(A)": f"({letter.upper()})",
        "i": ROMAN[i] if i < len(ROMAN) else letter,
        "1": str(i + 1),
    }[style]


def _part_text(style: str, row: int, column: int, in_row: int) -> str:
    """A letter per row, a part per panel of a row ("Bii"); a row's only panel keeps the
    bare letter."""
    letter = chr(ord("A") + row % 26)
    if style == "a1":
        letter = letter.lower()
    if in_row == 1:
        return f"({letter})" if style == "(Ai)" else letter
    part = str(column + 1) if style in ("A1", "a1") else ROMAN[column % len(ROMAN)]
    return f"({letter}{part})" if style == "(Ai)" else f"{letter}{part}"


def _bare(label: str | None) -> str | None:
    return "".join(ch for ch in label if ch.isalnum()) if label else None


def _draw_label(draw, canvas, label, font, position, box, size, ink=None) -> tuple[int, int, int, int]:
    """Draw ``label`` at ``position`` of the panel ``box``, white on dark pictures and
    black elsewhere unless ``ink`` is given; returns its box."""
    x0, y0 = box[0], box[1]
    tb = draw.textbbox((0, 0), label, font=font)
    tw, th = tb[2] - tb[0], tb[3] - tb[1]
    pad = max(2, size // 4)
    if position == "above_center":
        tx, ty = (box[0] + box[2] - tw) // 2, y0 - th - pad - 2
    elif position == "below_center":
        tx, ty = (box[0] + box[2] - tw) // 2, box[3] + pad
    elif position == "above":
        tx, ty = x0, y0 - th - pad - 2
    elif position == "left":
        tx, ty = x0 - tw - pad - 2, y0
    else:
        tx, ty = x0 + pad + 2, y0 + pad + 2
    patch = np.asarray(canvas.crop((max(0, tx), max(0, ty), tx + tw + 1, ty + th + 1)))
    dark_under = patch.size > 0 and patch.mean() < 110
    color = (255, 255, 255) if dark_under and position != "inside_box" else (0, 0, 0)
    if ink is not None:
        color = ink
    if position == "inside_box":
        draw.rectangle([tx - pad, ty - pad, tx + tw + pad, ty + th + pad], fill=(255, 255, 255))
    draw.text((tx - tb[0], ty - tb[1]), label, font=font, fill=color)
    return (int(tx), int(ty), int(tx + tw), int(ty + th))


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("synthetic_samples")
    out.mkdir(parents=True, exist_ok=True)
    for i, fig in enumerate(generate_set("dev", 12)):
        draw = ImageDraw.Draw(fig.image)
        for p in fig.panels:
            draw.rectangle([p.bbox[0], p.bbox[1], p.bbox[2] - 1, p.bbox[3] - 1], outline=(255, 0, 255))
        fig.image.save(out / f"synthetic_{i:02d}.png")
        print(i, fig.recipe, [p.label for p in fig.panels])


if __name__ == "__main__":
    main()
