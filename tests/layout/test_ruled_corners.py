"""Labels in the corners of a ruled grid: a label's clear margins stop at the rules."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from panel2patch.layout.canvas import build_canvas
from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.label_hits import find_label_candidates
from panel2patch.layout.rules import HORIZONTAL, VERTICAL, margin_bounds, ruled_lines
from tests.layout.fakes import font, micrograph_panel


def _ruled_grid(rule: str) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Two by two dark micrographs touching along 2-px ``rule`` lines, framed by the same
    rule, each with a white 22-px label whose glyph starts three pixels inside its
    picture's corner (closer to the frame than the three-tenths of a height a label's
    margins must keep clear)."""
    rng = np.random.default_rng(3)
    image = Image.new("RGB", (820, 620), rule)
    draw = ImageDraw.Draw(image)
    cell_w, cell_h = 410, 310
    labels = []
    for i, letter in enumerate("abcd"):
        row, col = divmod(i, 2)
        x, y = col * cell_w, row * cell_h
        image.paste(micrograph_panel(rng, cell_w - 4, cell_h - 4), (x + 2, y + 2))
        left, top, _, _ = draw.textbbox((0, 0), letter, font=font(22))
        at = (x + 5 - left, y + 5 - top)
        draw.text(at, letter, fill="white", font=font(22))
        labels.append(draw.textbbox(at, letter, font=font(22)))
    return np.asarray(image), labels


def _candidate_boxes(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    canvas = build_canvas(image, LayoutConfig())
    return [c.box for c in find_label_candidates(canvas, 40)]


def _found(label: tuple[int, int, int, int], boxes: list[tuple[int, int, int, int]]) -> bool:
    return any(abs(b[0] - label[0]) <= 3 and abs(b[1] - label[1]) <= 3 for b in boxes)


def test_white_labels_in_the_corners_of_a_white_ruled_grid_are_candidates() -> None:
    image, labels = _ruled_grid("white")
    boxes = _candidate_boxes(image)
    assert all(_found(label, boxes) for label in labels), (labels, boxes)


def test_ruled_lines_are_the_grid_and_frame_rules_not_picture_texture() -> None:
    image, _ = _ruled_grid("white")
    light = image.min(axis=2) > 200
    rules = ruled_lines(light)
    rows = {r.at for r in rules if r.axis == HORIZONTAL}
    cols = {r.at for r in rules if r.axis == VERTICAL}
    assert {0, 1, 309, 310, 618, 619} <= rows, sorted(rows)  # the middle of the 4-px inner rule
    assert {0, 1, 409, 410, 818, 819} <= cols, sorted(cols)
    assert len(rows) <= 12 and len(cols) <= 12  # the micrographs' bright specks are not rules


def test_a_single_line_beside_a_word_leaves_its_margins_as_they_are() -> None:
    # text under a table's rule or beside a plot's axis keeps its margins: only a corner
    # of two lines (a frame's) bounds them
    mask = np.zeros((200, 300), bool)
    mask[50, 10:290] = True  # one horizontal rule
    boxes = tuple(np.array([v]) for v in (100, 55, 120, 75))
    reach = np.array([20])
    assert [int(v[0]) for v in margin_bounds(boxes, reach, ruled_lines(mask), 300, 200)] == [0, 0, 300, 200]
    mask[50:150, 95] = True  # ... and a vertical one meeting it: a corner
    assert [int(v[0]) for v in margin_bounds(boxes, reach, ruled_lines(mask), 300, 200)] == [98, 53, 300, 200]
