"""Synthetic marker benchmark: real picture crops with drawn markers and exact truth.

Sources are picture panels of the real figures in ``../shared/data`` (fluorescence,
specimen photographs, two-photon, EM, histology; see ``panel_kinds.json``) and MedPix
radiology slices, never copied into the repository. Figures that already carry markers or
overlays are left out, so every marker in a sample is one we drew. Sources are split by
figure into ``dev`` and ``test`` halves and each split has its own seed.

Each sample is one panel with 1-4 markers of random type (dashed circles included), colour (chosen to be visible on
the local background), size, orientation and style, plus distractors that must NOT be
reported (text labels, scale bars), then optionally downscaled and JPEG re-compressed.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "layout"))
from drawing import RGB, Canvas, TrueMarker, random_marker, scale_bar, skeleton, text, tracing
from real_figures import DATA_ROOT, load_figure

KINDS = json.loads((HERE / "panel_kinds.json").read_text())
# Figures whose pictures already carry arrows, boxes or drawn overlays.
_EXCLUDE = ("44319_2025_415", "44319_2025_438", "44321_2025_219", "exsclaim", "OpenApePose",
            "pone.0002804.g002", "elife-32671/fig5", "44321_2025_224", "plosone-0091296/g001")
# Single panels with arrows of their own (axis arrows of holographic patterns).
_EXCLUDE_PANELS = {("articles/texture_elife/elife-32671/fig1.jpg", (640, 0, 1160, 300))}
SPLIT_SEEDS = {"dev": 1001, "test": 2002}
# "dashed_circle" is drawn as dashes along an ellipse and scored as type "circle" (style "dashed").
MARKER_KINDS = ("arrow", "arrowhead", "asterisk", "star", "box", "circle", "dashed_box", "dashed_circle")
_KIND_WEIGHTS = (0.24, 0.26, 0.12, 0.06, 0.13, 0.09, 0.10, 0.08)
# The "corners" set: zoom boxes drawn as their four corners (scored as type "box", style
# "corners"), among pointers that may sit inside them. Kept apart from the main mix so its
# rows stay comparable across sessions.
CORNER_KINDS = {"corner_box": 0.6, "arrow": 0.2, "arrowhead": 0.2}
# The "overlays" set: the main mix of markers plus 1-2 drawn overlays that are not markers
# (pose skeletons, traced neurites or tracks) in a saturated colour or white; kept apart
# from the main mix so its rows stay comparable. Every detection on an overlay is false.
OVERLAY_SHARE = {"skeleton": 0.5, "tracing": 0.5}
_COLORS = ("white", "yellow", "red", "green", "cyan", "magenta", "orange", "black", "blue")
_COLOR_WEIGHTS = (0.3, 0.15, 0.12, 0.1, 0.08, 0.07, 0.06, 0.08, 0.04)
_DISTRACTOR_WORDS = ("DAPI", "GFP", "Merge", "BF", "10 µm", "0 min", "T2", "20x", "CD31", "A", "B", "ii")


@dataclass
class Sample:
    id: str
    image: Image.Image
    markers: list[TrueMarker]
    distractors: list[tuple[int, int, int, int]] = field(default_factory=list)
    jpeg_quality: int | None = None
    overlays: list[tuple[int, int, int, int]] = field(default_factory=list)  # drawn, not markers


def split_of(figure_id: str) -> str:
    return "dev" if int(hashlib.sha1(figure_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


Source = tuple[str, "tuple[int, int, int, int] | None"]


def picture_sources(split: str) -> tuple[list[Source], list[Source]]:
    """(figure picture panels, radiology slices) of ``split``; a box None = the whole image.

    Panels are split by a hash of figure id and panel position, slices by file name.
    """
    panels: list[Source] = []
    for figure in KINDS["figures"]:
        if any(part in figure["id"] for part in _EXCLUDE):
            continue
        for index, panel in enumerate(figure["panels"]):
            x0, y0, x1, y1 = panel["bbox"]
            if (figure["id"], tuple(panel["bbox"])) in _EXCLUDE_PANELS:
                continue
            if panel["kind"] == "image" and min(x1 - x0, y1 - y0) >= 100 \
                    and split_of(f"{figure['id']}#{index}") == split:
                panels.append((figure["id"], tuple(panel["bbox"])))
    slices: list[Source] = []
    medpix = DATA_ROOT / "classification" / "medpix_ct_mr" / "images"
    if medpix.is_dir():
        slices = [("classification/medpix_ct_mr/images/" + path.name, None)
                  for path in sorted(medpix.glob("*.png")) if split_of(path.name) == split]
    return panels, slices


@lru_cache(maxsize=8)
def _figure(figure_id: str) -> Image.Image:
    if figure_id.startswith("classification/"):
        with Image.open(DATA_ROOT / figure_id) as image:
            return image.convert("RGB")
    return load_figure(figure_id)


def _crop(rng: random.Random, source: tuple[str, tuple[int, int, int, int] | None]) -> Image.Image:
    image = _figure(source[0])
    box = source[1] or (0, 0, image.width, image.height)
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    side_w = min(w, max(100, int(w * rng.uniform(0.55, 1.0))))
    side_h = min(h, max(100, int(h * rng.uniform(0.55, 1.0))))
    cx = rng.randint(x0, x1 - side_w)
    cy = rng.randint(y0, y1 - side_h)
    crop = image.crop((cx, cy, cx + side_w, cy + side_h))
    if max(crop.size) < 300:  # small panels are shown enlarged, as in a figure
        factor = 300 / max(crop.size)
        crop = crop.resize((round(crop.width * factor), round(crop.height * factor)), Image.Resampling.LANCZOS)
    if max(crop.size) > 900:
        factor = 900 / max(crop.size)
        crop = crop.resize((round(crop.width * factor), round(crop.height * factor)), Image.Resampling.LANCZOS)
    return crop


def _visible_color(rng: random.Random, patch: np.ndarray) -> str:
    """A marker colour that stands out on ``patch`` (what an author would pick)."""
    luma = float(patch.mean())
    hsv = np.asarray(Image.fromarray(patch).convert("HSV"), dtype=np.float64)
    sat = float(hsv[:, :, 1].mean())
    for _ in range(50):
        color = rng.choices(_COLORS, _COLOR_WEIGHTS)[0]
        r, g, b = RGB[color]
        marker_luma = 0.299 * r + 0.587 * g + 0.114 * b
        if abs(marker_luma - luma) < 60 and (color in ("white", "black") or sat > 60):
            continue
        if color not in ("white", "black") and sat > 90:
            mean_rgb = patch.reshape(-1, 3).mean(axis=0)
            if np.linalg.norm(mean_rgb - np.array(RGB[color])) < 150:
                continue
        return color
    return "white" if luma < 128 else "black"


def make_sample(rng: random.Random, sample_id: str, source, kinds: dict[str, float] | None = None,
                overlays: bool = False) -> Sample:
    base = _crop(rng, source)
    canvas = Canvas(base)
    arr = np.asarray(base)
    short = min(base.size)
    markers: list[TrueMarker] = []
    taken: list[tuple[float, float, float, float]] = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choices(MARKER_KINDS, _KIND_WEIGHTS)[0] if kinds is None else \
            rng.choices(list(kinds), list(kinds.values()))[0]
        for _attempt in range(30):
            reach = 0.25 * short if kind in ("box", "circle", "dashed_box", "dashed_circle", "corner_box") else 0.12 * short
            cx = rng.uniform(reach, base.width - reach)
            cy = rng.uniform(reach, base.height - reach)
            area = (cx - reach, cy - reach, cx + reach, cy + reach)
            if all(_apart(area, other) for other in taken):
                break
        else:
            continue
        px0, py0 = int(max(0, cx - reach / 3)), int(max(0, cy - reach / 3))
        patch = arr[py0:int(cy + reach / 3) + 1, px0:int(cx + reach / 3) + 1]
        color = _visible_color(rng, patch if patch.size else arr)
        marker = random_marker(canvas, rng, kind, color, (cx, cy), short)
        markers.append(marker)
        taken.append(area)
    overlay_boxes = _draw_overlays(rng, canvas, arr, taken) if overlays else []
    distractors = []
    if rng.random() < 0.5:
        word = rng.choice(_DISTRACTOR_WORDS)
        size = short * rng.uniform(0.05, 0.09)
        corner = (rng.uniform(0.02, 0.1) * base.width, rng.uniform(0.02, 0.08) * base.height)
        luma = float(arr[: int(base.height * 0.2), : int(base.width * 0.3)].mean())
        distractors.append(text(canvas, corner, word, size, "white" if luma < 128 else "black"))
    if rng.random() < 0.35:
        length = base.width * rng.uniform(0.12, 0.25)
        thick = max(2.0, short * rng.uniform(0.01, 0.02))
        xy = (base.width * 0.95 - length, base.height * 0.94 - thick)
        luma = float(arr[int(base.height * 0.85):, int(base.width * 0.7):].mean())
        distractors.append(scale_bar(canvas, xy, length, thick, "white" if luma < 128 else "black"))
    image = canvas.finish()
    if rng.random() < 0.3:
        factor = rng.uniform(0.6, 0.9)
        image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
        markers = [_scaled(m, factor) for m in markers]
        distractors = [tuple(round(v * factor) for v in d) for d in distractors]
        overlay_boxes = [tuple(round(v * factor) for v in d) for d in overlay_boxes]
    quality = None
    if rng.random() < 0.7:
        quality = rng.randint(55, 95)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality)
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return Sample(sample_id, image, markers, distractors, quality, overlay_boxes)


def _draw_overlays(rng: random.Random, canvas: Canvas, arr: np.ndarray, taken: list) -> list:
    """1-2 overlays that are not markers, away from the markers' areas; their boxes."""
    height, width = arr.shape[:2]
    short = min(width, height)
    boxes = []
    for _ in range(rng.randint(1, 2)):
        kind = rng.choices(list(OVERLAY_SHARE), list(OVERLAY_SHARE.values()))[0]
        size = short * rng.uniform(0.3, 0.6)
        for _attempt in range(30):
            cx, cy = rng.uniform(0.2 * width, 0.8 * width), rng.uniform(0.2 * height, 0.8 * height)
            area = (cx - size / 3, cy - size / 3, cx + size / 3, cy + size / 3)
            if all(_apart(area, other) for other in taken):
                break
        else:
            continue
        patch = arr[int(max(0, area[1])):int(area[3]) + 1, int(max(0, area[0])):int(area[2]) + 1]
        color = _visible_color(rng, patch if patch.size else arr)
        line = rng.choice([1.0, 1.5, 2.0, 2.5]) * max(1.0, short / 400)
        draw = skeleton if kind == "skeleton" else tracing
        boxes.append(draw(canvas, rng, (cx, cy), size, color, line))
        taken.append(area)
    return boxes


def _apart(a, b) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def _scaled(marker: TrueMarker, factor: float) -> TrueMarker:
    x0, y0, x1, y1 = marker.bbox
    bbox = (math.floor(x0 * factor), math.floor(y0 * factor), math.ceil(x1 * factor), math.ceil(y1 * factor))
    tip = (marker.tip[0] * factor, marker.tip[1] * factor) if marker.tip else None
    return TrueMarker(marker.type, bbox, tip, marker.color, marker.style)


def generate_set(split: str, count: int, kinds: dict[str, float] | None = None,
                 overlays: bool = False) -> list[Sample]:
    """``count`` samples of ``split`` ("dev" or "test"), reproducible from the split's seed;
    ``kinds``: marker kinds and their weights instead of the main mix (``CORNER_KINDS``);
    ``overlays``: also draw overlays that are not markers (the sample's ``distractors``)."""
    rng = random.Random(SPLIT_SEEDS[split])
    panels, slices = picture_sources(split)
    samples = []
    for i in range(count):
        pool = panels if (rng.random() < 0.6 or not slices) else slices
        if not pool:
            return []
        samples.append(make_sample(rng, f"{split}-{i:04d}", rng.choice(pool), kinds, overlays))
    return samples


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--out", type=Path, default=Path("/tmp/marker_samples"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for sample in generate_set(args.split, args.count):
        sample.image.save(args.out / f"{sample.id}.png")
        (args.out / f"{sample.id}.json").write_text(json.dumps([m.to_dict() for m in sample.markers]))
    print(f"wrote {args.count} samples to {args.out}")
