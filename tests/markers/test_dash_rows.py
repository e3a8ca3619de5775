"""Dashed boxes read as rows of evenly spaced dashes (``dash_rows``): flat zoom strips on
atomic-resolution micrographs, boxes beside other dashed boxes, sides broken by bright
content; plain lines, grids and open pairs of dashed lines are not boxes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from panel2patch.markers import find_markers
from panel2patch.markers.dash_rows import Row, dash_rows
from tests.markers.conftest import drawing, iou, jpeg, textured_panel

WHITE = (250, 250, 250)


def _lattice(width: int = 392, height: int = 258, seed: int = 0) -> Image.Image:
    """A grey atomic lattice: bright columns on a dark ground, with noise."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width]
    grey = 110 + 45 * np.cos(2 * np.pi * xs / 11.0) * np.cos(2 * np.pi * ys / 13.0)
    grey = np.clip(grey + rng.normal(0, 12, (height, width)), 0, 255).astype(np.uint8)
    return Image.fromarray(np.repeat(grey[:, :, None], 3, axis=2))


def _dashed_line(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int],
                 dash: int = 4, period: int = 6, skip: tuple[int, int] | None = None) -> None:
    """One-pixel dashes from ``start`` to ``end`` (horizontal or vertical); ``skip``: a span
    along the line left undrawn (content of the line's colour covers it)."""
    (x0, y0), (x1, y1) = start, end
    horizontal = y0 == y1
    for at in range(x0 if horizontal else y0, (x1 if horizontal else y1) - 1, period):
        stop = min(at + dash - 1, x1 if horizontal else y1)
        if skip and skip[0] <= at <= skip[1]:
            continue
        draw.line([(at, y0), (stop, y0)] if horizontal else [(x0, at), (x0, stop)], fill=WHITE, width=1)


def _dashed_box(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], skip=None) -> None:
    x0, y0, x1, y1 = box
    _dashed_line(draw, (x0, y0), (x1, y0), skip=skip)
    _dashed_line(draw, (x0, y1), (x1, y1))
    _dashed_line(draw, (x0, y0), (x0, y1))
    _dashed_line(draw, (x1, y0), (x1, y1))


def _dashed_boxes(image: Image.Image) -> list:
    return [m for m in find_markers(image, [(0, 0, image.width, image.height)]) if m.type == "dashed_box"]


def test_flat_dashed_strip_beside_another_dashed_box():
    """A 13 px tall white dashed strip (one dash on each short side) 12 px above a second
    dashed box, on a lattice, after JPEG: both are dashed boxes (the sparse grouping joins
    them into one cloud, which fits no rectangle)."""
    image = _lattice()
    draw = ImageDraw.Draw(image)
    strip, square = (95, 134, 270, 147), (34, 159, 132, 233)
    _dashed_box(draw, strip)
    _dashed_box(draw, square)
    found = _dashed_boxes(jpeg(image, 90))
    assert any(iou(m.bbox, strip) >= 0.5 for m in found), [m.bbox for m in found]
    assert any(iou(m.bbox, square) >= 0.5 for m in found), [m.bbox for m in found]


def test_strip_across_the_picture_broken_by_bright_content():
    """A dashed strip across the whole width of a lattice picture set on white page, a
    bright blob covering part of its top side: the pattern runs on across the gap (a whole
    number of periods), so the side is one row and the strip one box, not a frame (page
    beside its two ends, picture above and below). (The sparse grouping finds this drawing
    too; the real strip it guards, EXSCLAIM s41467-018-06211-3 fig2 panel 3, it misses.)"""
    image = Image.new("RGB", (330, 205), (255, 255, 255))
    image.paste(_lattice(260, 205, seed=1), (35, 0))
    draw = ImageDraw.Draw(image)
    strip = (39, 150, 291, 166)
    _dashed_box(draw, strip, skip=(92, 118))
    draw.ellipse([94, 141, 118, 155], fill=(235, 235, 235))
    found = _dashed_boxes(jpeg(image, 90))
    assert any(iou(m.bbox, strip) >= 0.6 for m in found), [m.bbox for m in found]


def test_two_dashed_lines_without_ends_are_not_a_box():
    """Two parallel dashed lines of one extent with nothing joining their ends (guide lines)
    are no box; nor is a solid white grid over the lattice, or a line of white text."""
    image = _lattice(seed=2)
    draw = ImageDraw.Draw(image)
    _dashed_line(draw, (60, 60), (300, 60))
    _dashed_line(draw, (60, 90), (300, 90))
    for x in range(40, 392, 60):
        draw.line([(x, 120), (x, 250)], fill=WHITE, width=1)
    for y in range(120, 258, 40):
        draw.line([(40, y), (380, y)], fill=WHITE, width=1)
    draw.text((70, 20), "-- -- -- -- -- -- -- --", fill=WHITE)
    draw.text((70, 32), "-- -- -- -- -- -- -- --", fill=WHITE)
    assert not _dashed_boxes(jpeg(image, 90))


def test_rows_need_even_spacing():
    """Five alike dashes evenly spaced are a row; moved to uneven places they are not."""
    def stats(starts):
        rows = [[0, 0, 1, 1, 1]] + [[s, 10, 4, 1, 4] for s in starts]
        return np.array(rows, np.int32)

    even = stats([0, 6, 12, 18, 24, 30])
    rows = dash_rows(even, np.ones(len(even), bool), True, 8.0)
    assert len(rows) == 1 and isinstance(rows[0], Row) and rows[0].count == 6
    uneven = stats([0, 5, 14, 18, 29, 31])
    assert not dash_rows(uneven, np.ones(len(uneven), bool), True, 8.0)


@pytest.mark.parametrize("seed, mean, quality", [(0, 200.0, 95), (1, 25.0, 75)])
def test_thin_yellow_dashed_strip_washed_by_jpeg(seed, mean, quality):
    """One-pixel yellow dashes (6 px, gaps 4 px) of a flat box, which JPEG washes to a tint:
    their ridges still make regular rows, so the box is dashed (the bridged ring read it as a
    solid box on the pale picture, and missed it on the dark one at quality 75); the same box
    drawn solid stays a solid box."""
    truth = (100.0, 110.0, 300.0, 150.0)
    canvas = drawing.Canvas(textured_panel(seed=seed, mean=mean))
    drawing.box(canvas, truth, "yellow", 1.0, dashed=True, dash=6.0, gap=4.0)
    found = find_markers(jpeg(canvas.finish(), quality), [(0, 0, 420, 320)])
    outlines = [m for m in found if m.type in ("box", "dashed_box") and iou(m.bbox, truth) >= 0.6]
    assert outlines and all(m.type == "dashed_box" for m in outlines), [(m.type, m.bbox) for m in found]
    canvas = drawing.Canvas(textured_panel(seed=seed, mean=mean))
    drawing.box(canvas, truth, "yellow", 1.0)
    found = find_markers(jpeg(canvas.finish(), quality), [(0, 0, 420, 320)])
    assert not [m for m in found if m.type == "dashed_box"], [(m.type, m.bbox) for m in found]


def test_specks_far_apart_are_no_row():
    """Alike 2 px specks on one line, evenly but 30 px apart (grain of a CT slice), fill a
    fifteenth of their row: no dash pattern."""
    stats = np.array([[0, 0, 1, 1, 1]] + [[10, 20 + 30 * i, 1, 2, 2] for i in range(6)], np.int32)
    assert not dash_rows(stats, np.ones(len(stats), bool), False, 8.0)
