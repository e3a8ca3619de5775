"""Labels ranked below the read limit are still read where they sit at a panel's corner."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from panel2patch.layout import parse_layout
from panel2patch.layout.canvas import build_canvas
from panel2patch.layout.classical import FIRST_ROUND
from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.label_hits import find_label_candidates

from .fakes import font


def _busy_plots_with_small_labels(seed: int) -> Image.Image:
    """Two stacked framed plots strewn with 16-px symbols and digits in colour, labelled
    "A" and "B" in 11-px type at their top-left corners (as PLoS ONE sets a PCA plot above
    a heat map): every symbol outranks the labels as a candidate."""
    rng = random.Random(seed)
    image = Image.new("RGB", (480, 600), "white")
    draw = ImageDraw.Draw(image)
    for letter, top in (("A", 2), ("B", 312)):
        draw.text((4, top), letter, fill="black", font=font(11))
        draw.rectangle((20, top + 16, 470, top + 270), outline="black", width=1)
        for _ in range(14):
            xy = (rng.randint(40, 440), rng.randint(top + 30, top + 250))
            draw.text(xy, rng.choice("xo+-123456789"), fill=rng.choice(["red", "blue", "green", "black"]), font=font(16))
    return image


@pytest.mark.parametrize("seed", [0, 2])
def test_labels_at_panel_corners_ranked_below_the_limit_are_read(seed: int) -> None:
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    image = _busy_plots_with_small_labels(seed)
    ranked = find_label_candidates(build_canvas(np.asarray(image), LayoutConfig()), 60)
    labels = [i for i, c in enumerate(ranked) if c.box[0] < 20 and (c.box[1] < 20 or 305 < c.box[1] < 330)]
    assert len(labels) == 2 and min(labels) > 3 * FIRST_ROUND
    assert parse_layout(image).labels == ["A", "B"]
