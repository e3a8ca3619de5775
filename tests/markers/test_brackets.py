"""Zoom boxes drawn as their corners alone (``markers.brackets``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw

from panel2patch.markers import find_markers
from panel2patch.markers.brackets import corner_of
from tests.markers.conftest import drawing, iou, jpeg, plot_panel, textured_panel


def _corner_boxes(image: Image.Image) -> list:
    return [m for m in find_markers(image, [(0, 0, image.width, image.height)]) if m.style == "corners"]


def _points(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return np.stack([xs, ys], axis=1)


def test_an_l_gives_its_vertex_and_arms():
    mask = np.zeros((40, 40), bool)
    mask[5:8, 5:30] = True  # top arm
    mask[5:25, 5:8] = True  # left arm
    corner = corner_of(_points(mask))
    assert corner is not None
    assert np.hypot(*(corner.vertex - (5, 5))) <= 1.5
    directions = sorted((round(float(a[0])), round(float(a[1]))) for a in corner.arms)
    assert directions == [(0, 1), (1, 0)]  # one arm right, one down


def test_filled_triangles_and_bars_are_no_ls():
    triangle = np.tril(np.ones((20, 20), bool))
    bar = np.zeros((30, 30), bool)
    bar[10:14, 2:28] = True
    assert corner_of(_points(triangle)) is None
    assert corner_of(_points(bar)) is None


@pytest.mark.parametrize("color, angle, quality", [
    ("cyan", 0.0, 90), ("white", 0.17, 75), ("yellow", -0.1, 60), ("black", 0.05, 85),
])
def test_corner_bracket_box_on_a_micrograph(color, angle, quality):
    panel = textured_panel(460, 360, seed=4, mean=150 if color == "black" else 95)
    canvas = drawing.Canvas(panel)
    truth = drawing.corner_box(canvas, (150, 110, 300, 240), color, width=2.5, arm=0.25, angle=angle)
    found = _corner_boxes(jpeg(canvas.finish(), quality))
    assert len(found) == 1
    assert found[0].type == "box" and found[0].color == color
    assert iou(found[0].bbox, truth.bbox) >= 0.7


def test_three_corners_left_by_content_still_make_the_box():
    panel = textured_panel(460, 360, seed=5)
    canvas = drawing.Canvas(panel)
    truth = drawing.corner_box(canvas, (120, 90, 320, 250), "yellow", width=2.5, arm=0.2)
    image = canvas.finish()
    ImageDraw.Draw(image).rectangle((300, 230, 330, 260), fill=(90, 90, 90))  # hides one corner
    found = _corner_boxes(jpeg(image, 85))
    assert len(found) == 1 and iou(found[0].bbox, truth.bbox) >= 0.7


def test_plot_axes_and_scattered_ls_make_no_box():
    assert _corner_boxes(plot_panel()) == []
    panel = textured_panel(460, 360, seed=6)
    draw = ImageDraw.Draw(panel)
    rng = np.random.default_rng(0)
    for _ in range(12):  # Ls of random orientation and size, at random places
        x, y = rng.integers(20, 420), rng.integers(20, 320)
        arm, turn = rng.integers(10, 30), rng.uniform(0, 2 * math.pi)
        ends = [(x + arm * math.cos(turn), y + arm * math.sin(turn)), (x, y),
                (x - arm * math.sin(turn), y + arm * math.cos(turn))]
        draw.line(ends, fill=(255, 235, 0), width=3)
    assert _corner_boxes(panel) == []
