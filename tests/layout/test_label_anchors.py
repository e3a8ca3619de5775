"""Panels grown from their labels when straight cuts cannot separate them (no guillotine layout)."""

from __future__ import annotations

import numpy as np

from panel2patch.layout.canvas import build_canvas
from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.label_anchors import prefer_anchored_split
from panel2patch.layout.label_hits import LabelHit
from panel2patch.layout.label_split import partition_by_label_grid
from panel2patch.layout.scoring import imageclef_accuracy

from .fakes import micrograph_panel

# a pinwheel: no gutter runs across the whole figure, so no sequence of straight cuts
# separates the five pictures
PINWHEEL = {
    "A": (10, 30, 390, 150),  # wide, top left
    "B": (410, 30, 590, 250),  # tall, top right
    "C": (10, 180, 190, 390),  # tall, bottom left
    "D": (210, 180, 390, 250),  # small, centre
    "E": (210, 280, 590, 390),  # wide, bottom right
}


def _canvas_and_labels(label_at: str = "top-left"):
    rng = np.random.default_rng(5)
    image = np.full((400, 600, 3), 255, np.uint8)
    labels = []
    for index, (text, (x0, y0, x1, y1)) in enumerate(PINWHEEL.items()):
        image[y0:y1, x0:x1] = np.asarray(micrograph_panel(rng, x1 - x0, y1 - y0).convert("RGB"))
        if label_at == "top-left":
            x, y = x0, y0 - 18
        else:  # centred under the picture
            x, y = (x0 + x1) // 2 - 6, y1 + 2
        labels.append(LabelHit((x, y, x + 12, y + 14), text, index, 0.9))
    return build_canvas(image, LayoutConfig()), labels


def test_a_pinwheel_gets_one_panel_per_label_instead_of_cuts_at_the_label_rows() -> None:
    canvas, labels = _canvas_and_labels()
    content = (0, 0, canvas.width, canvas.height)
    cut = partition_by_label_grid(canvas, content, labels)
    truth = list(PINWHEEL.values())
    assert imageclef_accuracy(truth, [box for box, _ in cut]) < 0.9  # rows cut through B and C
    grown = prefer_anchored_split(canvas, content, cut)
    assert [hit.text for _, hit in grown] == list(PINWHEEL)
    for (box, hit), (x0, y0, x1, y1) in zip(grown, truth):
        assert box[0] <= x0 + 2 and box[2] >= x1 - 2 and box[3] >= y1 - 2, hit.text  # the whole picture
        assert box[1] >= y0 - 20  # and nothing above its label
    assert imageclef_accuracy(truth, [box for box, _ in grown]) == 1.0


def test_labels_that_do_not_head_their_panels_keep_the_cut_split() -> None:
    """Labels centred under their pictures: growing from them would misplace drawings."""
    canvas, labels = _canvas_and_labels(label_at="below")
    content = (0, 0, canvas.width, canvas.height)
    cut = partition_by_label_grid(canvas, content, labels)
    assert prefer_anchored_split(canvas, content, cut) == cut


def test_a_clean_cut_split_is_kept() -> None:
    canvas, labels = _canvas_and_labels()
    regions = [(box, hit) for box, hit in zip(PINWHEEL.values(), labels)]
    assert prefer_anchored_split(canvas, (0, 0, canvas.width, canvas.height), regions) == regions
