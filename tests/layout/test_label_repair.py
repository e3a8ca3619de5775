"""Label-sequence repair: a letter that was not read still gets its panel."""

from __future__ import annotations

import numpy as np

from panel2patch.layout.canvas import build_canvas
from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.label_hits import LabelHit
from panel2patch.layout.label_repair import repair_missing_labels

from .fakes import micrograph_panel


def _grid_canvas():
    """Four pictures in a 2x2 grid with white gutters (work image = the image)."""
    rng = np.random.default_rng(3)
    image = np.full((420, 620, 3), 255, np.uint8)
    cells = [(10, 10, 300, 200), (320, 10, 610, 200), (10, 220, 300, 410), (320, 220, 610, 410)]
    for x0, y0, x1, y1 in cells:
        image[y0:y1, x0:x1] = np.asarray(micrograph_panel(rng, x1 - x0, y1 - y0).convert("RGB"))
    return build_canvas(image, LayoutConfig()), cells


def _hit(text: str, index: int, x: int, y: int) -> LabelHit:
    return LabelHit((x, y, x + 12, y + 14), text, index, 0.9)


def test_a_missed_letter_in_a_grid_takes_the_region_that_holds_two_pictures() -> None:
    """A, B, D read; C (under A) was missed and its picture joined A's region, not B's
    (the label before it in reading order): the repair finds it there."""
    canvas, cells = _grid_canvas()
    regions = [
        ((10, 10, 300, 410), _hit("A", 0, 14, 14)),  # A's picture and C's
        ((320, 10, 610, 200), _hit("B", 1, 324, 14)),
        ((320, 220, 610, 410), _hit("D", 3, 324, 224)),
    ]
    repaired = repair_missing_labels(canvas, regions, "upper")
    by_label = {hit.text: box for box, hit in repaired if hit is not None}
    assert sorted(by_label) == ["A", "B", "C", "D"]
    for label, cell in zip("ABCD", cells):
        box = by_label[label]
        inter = max(0, min(box[2], cell[2]) - max(box[0], cell[0])) * max(0, min(box[3], cell[3]) - max(box[1], cell[1]))
        assert inter >= 0.9 * (cell[2] - cell[0]) * (cell[3] - cell[1]), (label, box, cell)


def test_the_one_unlabelled_panel_is_the_one_missing_letter() -> None:
    from panel2patch.layout.label_repair import name_the_unlabelled

    big = (0, 0, 300, 340)  # picture A: its label was not read
    stack = [(320, 0, 560, 110), (320, 115, 560, 225), (320, 230, 560, 340)]
    regions = [(big, None)] + [(box, _hit(t, i + 1, box[0] + 4, box[1] + 4)) for i, (box, t) in enumerate(zip(stack, "BCD"))]
    named = name_the_unlabelled(regions, "upper")
    assert [hit.text for _, hit in named] == ["A", "B", "C", "D"] and named[0][1].inferred
    # a first letter missing but the unlabelled region is not first in reading order: leave it
    late = [(stack[0], _hit("B", 1, 324, 4)), ((0, 350, 300, 500), None)]
    assert name_the_unlabelled(late, "upper") == late
    # two unlabelled regions for one missing letter: no guess
    two = [(big, None), ((0, 350, 300, 500), None), (stack[0], _hit("B", 1, 324, 4))]
    assert name_the_unlabelled(two, "upper") == two


def test_a_label_at_the_image_edge_is_cut_out_with_a_white_margin() -> None:
    from panel2patch.layout.classical import _label_crop
    from panel2patch.layout.label_hits import LabelCandidate

    canvas, _ = _grid_canvas()
    rgb = canvas.rgb.copy()
    rgb[0:14, 0:10] = 0  # a glyph touching the top-left corner
    crop = _label_crop(rgb, canvas, LabelCandidate((0, 0, 10, 14), dark=True, glyphs=1, prior=1.0))
    assert crop.shape[0] > 14 and crop.shape[1] > 10
    assert crop[0].min() == 255 and crop[:, 0].min() == 255  # margin added on the cut sides


def test_gutter_pieces_take_part_labels_and_a_missed_part_is_named() -> None:
    """A strip of four pictures labelled A1..A4 where "A2" was not read: the labels
    alone make three regions; the gutter pieces keep four, the second named A2."""
    from panel2patch.layout.label_repair import prefer_gutter_split

    pieces = [(10 + 150 * k, 10, 150 + 150 * k, 200) for k in range(4)]
    hits = [_hit("A1", 0, 14, 14), _hit("A3", 0, 314, 14), _hit("A4", 0, 464, 14)]
    regions = [((10, 10, 300, 200), hits[0]), (pieces[2], hits[1]), (pieces[3], hits[2])]
    out = prefer_gutter_split(pieces, regions, hits, "upper")
    assert [box for box, _ in out] == pieces
    assert [hit.text for _, hit in out] == ["A1", "A2", "A3", "A4"]
    assert out[1][1].inferred


def test_part_labels_out_of_reading_order_keep_the_label_split() -> None:
    from panel2patch.layout.label_repair import prefer_gutter_split

    pieces = [(10 + 150 * k, 10, 150 + 150 * k, 200) for k in range(3)]
    hits = [_hit("A2", 0, 14, 14), _hit("A1", 0, 314, 14)]
    regions = [((10, 10, 300, 200), hits[0]), (pieces[2], hits[1])]
    assert prefer_gutter_split(pieces, regions, hits, "upper") == regions


def _two_labels_over_four_pieces(offset: int) -> tuple[list, list, list]:
    """A and B read over pieces of like area: a blot (A) above a blot strip, and two bar
    charts (B and the one beside it), whose tops are ``offset`` px apart (elife-30274
    fig1 at 600 px: the second chart's title pushes it down)."""
    pieces = [(2, 2, 270, 111), (275, 2, 438, 182), (447, 2 + offset, 598, 181), (23, 116, 270, 176)]
    hits = [_hit("A", 0, 4, 4), _hit("B", 1, 278, 4)]
    regions = [((2, 2, 270, 182), hits[0]), ((275, 2, 598, 182), hits[1])]
    return pieces, regions, hits


def test_labelled_regions_stay_when_the_gutter_pieces_are_no_grid() -> None:
    from panel2patch.layout.label_repair import prefer_gutter_split

    pieces, regions, hits = _two_labels_over_four_pieces(offset=17)
    assert prefer_gutter_split(pieces, regions, hits, "upper") == regions


def test_gutter_pieces_aligned_in_rows_name_the_labels_not_read() -> None:
    from panel2patch.layout.label_repair import prefer_gutter_split

    pieces, regions, hits = _two_labels_over_four_pieces(offset=0)
    pieces[3] = (2, 116, 270, 181)  # the strip's left edge on the blot's
    out = prefer_gutter_split(pieces, regions, hits, "upper")
    assert [hit.text for _, hit in out] == ["A", "B", "C", "D"]
