"""Labels with no candidate are read where the figure places its other labels."""

from __future__ import annotations

import pytest
from PIL import ImageDraw

from panel2patch.layout import parse_layout
from panel2patch.layout.label_spots import (
    expected_spots,
    first_label_spots,
    grid_cells_after_last,
    lattice_spots,
    lattice_spots_after_last,
)
from panel2patch.layout.label_text import Chosen, Reading, choose_sequence, partial_letters

from .fakes import grid_figure

# a 2 x 3 grid of gutter pieces (work pixels)
PIECES = [(10 + c * 210, 10 + r * 160, 200 + c * 210, 150 + r * 160) for r in range(2) for c in range(3)]


def _label(index: int, piece: int, dx: int = 6, dy: int = 5) -> Chosen:
    x0, y0 = PIECES[piece][0] + dx, PIECES[piece][1] + dy
    return Chosen(Reading((x0, y0, x0 + 12, y0 + 16), "ABCDEF"[index], 0.9), index, "ABCDEF"[index])


def test_spots_lie_at_the_offset_the_labels_read_share() -> None:
    chosen = [_label(0, 0), _label(2, 2, dx=7), _label(3, 3, dy=6)]
    spots = expected_spots(chosen, PIECES)
    assert len(spots) == 3  # pieces 1, 4 and 5
    for spot, piece in zip(spots, (PIECES[1], PIECES[4], PIECES[5])):
        assert abs(spot[0] - (piece[0] + 6)) <= 1 and abs(spot[1] - (piece[1] + 5)) <= 1
        assert spot[2] - spot[0] == 12 and spot[3] - spot[1] == 16


def test_no_spots_when_the_labels_sit_at_different_places() -> None:
    # one label at the corner, one in the middle of its piece: no placement to follow
    chosen = [_label(0, 0), _label(1, 1, dx=80, dy=60), _label(2, 2)]
    assert expected_spots(chosen, PIECES) == []
    # insets that differ by a label height still agree (labels placed by hand); by two, not
    assert len(expected_spots([_label(0, 0), _label(1, 1, dx=22), _label(2, 2)], PIECES)) == 3
    assert expected_spots([_label(0, 0), _label(1, 1, dx=38), _label(2, 2)], PIECES) == []


def test_a_piece_with_two_labels_gives_no_offset_and_no_spot() -> None:
    # piece 0 holds two panels (A, B at different insets): the offset comes from C and D
    chosen = [_label(0, 0, dx=100, dy=40), _label(1, 0, dx=150, dy=40), _label(2, 2), _label(3, 3)]
    assert expected_spots(chosen, PIECES) == [_spot_in(1), _spot_in(4), _spot_in(5)]
    # with one single-label piece only, nothing to compare: no spots
    assert expected_spots(chosen[:3], PIECES) == []


def test_partial_letters_show_where_labels_sit_before_a_sequence_is_accepted() -> None:
    # every other letter read (B, D, F, H): too incomplete for a sequence (4 of 8),
    # enough to show where labels sit
    readings = [Reading((10 + 100 * i, 10, 22 + 100 * i, 26), t, 0.9) for i, t in enumerate("BDFH")]
    assert choose_sequence(readings) == (None, [])
    assert [c.text for c in partial_letters(readings)] == list("BDFH")
    assert partial_letters(readings[:2]) == []


def test_after_last_only_looks_past_the_last_label() -> None:
    chosen = [_label(0, 0), _label(1, 1), _label(2, 2)]
    spots = expected_spots(chosen, PIECES, after_last=True)
    assert [s[1] >= PIECES[3][1] for s in spots] == [True, True, True]
    chosen = [_label(0, 0), _label(1, 1), _label(2, 3), _label(3, 4)]
    assert expected_spots(chosen, PIECES, after_last=True) == [_spot_in(5)]


def _spot_in(piece: int) -> tuple[int, int, int, int]:
    x0, y0 = PIECES[piece][0] + 6, PIECES[piece][1] + 5
    return (x0, y0, x0 + 12, y0 + 16)


def test_labels_without_clear_margin_are_read_at_the_shared_spot() -> None:
    """B and E touch a bright stroke (a scale bar's frame), so no candidate is found for
    them; the other labels sit at one inset from their panels' corners, and B and E are
    read there (a label box, not inferred from the sequence)."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    fig = grid_figure(2, 3, ["micrograph"], labels=list("ABCDEF"), label_position="inside", seed=1)
    draw = ImageDraw.Draw(fig.image)
    for i in (1, 4):
        x0, y0 = fig.boxes[i][:2]
        draw.line([(x0 + 1, y0 + 6), (x0 + 40, y0 + 6)], fill=(230, 230, 230), width=1)
        draw.line([(x0 + 4, y0 + 1), (x0 + 4, y0 + 30)], fill=(230, 230, 230), width=1)
    layout = parse_layout(fig.image)
    assert layout.labels == list("ABCDEF")
    assert all(panel.label_bbox is not None for panel in layout.panels)


def test_a_lone_first_label_at_the_first_corner_places_the_others() -> None:
    first = _label(0, 0).reading
    text = Reading((90, 60, 102, 76), "N", 0.9)
    reading, spots = first_label_spots([text, first], PIECES)
    assert reading == first
    assert spots == [_spot_in(i) for i in range(1, 6)]
    # an "A" away from the first piece's corner, or two of them, place nothing
    assert first_label_spots([_label(0, 4).reading], PIECES) == (None, [])
    assert first_label_spots([Reading((100, 80, 112, 96), "A", 0.9)], PIECES) == (None, [])
    assert first_label_spots([first, _label(0, 2).reading], PIECES) == (None, [])


def test_labels_over_their_drawing_are_read_where_the_first_sits() -> None:
    """Only "A" stands clear; B to F are drawn over a line of their panel's drawing (an
    axis, a curve), so none is a candidate and no two letters are read to show the
    placement: A's own inset is read in every other panel."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    fig = grid_figure(2, 3, ["micrograph"], labels=list("ABCDEF"), label_position="inside", seed=1)
    draw = ImageDraw.Draw(fig.image)
    for i in range(1, 6):
        x0, y0 = fig.boxes[i][:2]
        draw.line([(x0 + 1, y0 + 6), (x0 + 60, y0 + 6)], fill=(230, 230, 230), width=1)
        draw.line([(x0 + 4, y0 + 1), (x0 + 4, y0 + 40)], fill=(230, 230, 230), width=1)
    layout = parse_layout(fig.image)
    assert layout.labels == list("ABCDEF")


def test_a_flat_spot_is_not_read() -> None:
    """A spot on blank page or a flat picture area holds no label: no OCR crop for it."""
    import numpy as np

    from panel2patch.layout.canvas import build_canvas
    from panel2patch.layout.classical import _has_glyph_contrast
    from panel2patch.layout.config import LayoutConfig

    image = np.full((200, 300, 3), 255, np.uint8)
    image[20:36, 20:26] = 0  # a glyph stroke
    image[100:180, 100:280] = 90  # a flat grey area
    canvas = build_canvas(image, LayoutConfig())
    assert _has_glyph_contrast(canvas, (16, 16, 32, 40))
    assert not _has_glyph_contrast(canvas, (200, 20, 216, 40))  # page
    assert not _has_glyph_contrast(canvas, (150, 120, 166, 140))  # flat grey


def test_roman_numerals_are_continued_at_the_spots_of_those_read() -> None:
    """i, ii, iii read in the top row; iv, v, vi sit at the same inset in the bottom row
    but had no candidate: read at their spots, they continue the numerals."""
    import numpy as np

    from panel2patch.layout.canvas import build_canvas
    from panel2patch.layout.classical import ClassicalBackend
    from panel2patch.layout.config import LayoutConfig

    rgb = np.full((340, 650, 3), 255, np.uint8)
    canvas = build_canvas(rgb, LayoutConfig())
    numerals = ["i", "ii", "iii", "iv", "v", "vi"]
    read = [Chosen(_label(k, k).reading, k, numerals[k]) for k in range(3)]
    read = [Chosen(Reading(c.reading.box, c.text, 0.9), c.index, c.text) for c in read]
    backend = ClassicalBackend(LayoutConfig())
    backend._read_in_rounds = lambda *args: ("roman", read, [c.reading for c in read])
    looked_at = []

    def read_spots(rgb, canvas, spots):
        looked_at.extend(spots)
        return [Reading(s, numerals[3 + k], 0.9) for k, s in enumerate(spots)]

    backend._read_spots = read_spots
    style, hits = backend._find_labels(rgb, canvas, PIECES)
    assert looked_at == [_spot_in(3), _spot_in(4), _spot_in(5)]
    assert style == "roman" and [h.text for h in hits] == numerals


def _on_grid(index: int, cell: int, columns: int = 3, jitter: int = 0) -> Chosen:
    """Label ``index`` at ``cell`` (row-major) of a grid of 200 x 150 work-pixel panels."""
    r, c = divmod(cell, columns)
    x0, y0 = 8 + 200 * c + jitter, 6 + 150 * r
    return Chosen(Reading((x0, y0, x0 + 14, y0 + 16), "ABCDEFGHI"[index], 0.9), index, "ABCDEFGHI"[index])


def test_missing_letters_lie_in_the_empty_cells_of_the_labels_grid() -> None:
    # A B _ / D _ F read on a 2 x 3 grid (no gutter piece to place them): C and E sit in
    # the two empty cells, at the row's top and the column's left edge
    chosen = [_on_grid(0, 0), _on_grid(1, 1, jitter=2), _on_grid(3, 3, jitter=2), _on_grid(5, 5, jitter=-1)]
    spots = lattice_spots(chosen)
    assert sorted(spots) == [2, 4]
    assert spots[2][:2] == (407, 6) and spots[4][:2] == (210, 156)  # column 0 at 9, 1 at 210, 2 at 407
    assert spots[4][2] - spots[4][0] == 14 and spots[4][3] - spots[4][1] == 16


def test_no_grid_spots_where_the_empty_cells_do_not_match_the_missing_letters() -> None:
    # A, B, then E in the next row's first cell: two letters missing, no cell between
    assert lattice_spots([_on_grid(0, 0), _on_grid(1, 1), _on_grid(4, 3)]) == {}
    # labels out of reading order, or two in one cell: no grid
    assert lattice_spots([_on_grid(0, 1), _on_grid(1, 0), _on_grid(3, 3)]) == {}
    assert lattice_spots([_on_grid(0, 0), _on_grid(2, 0, jitter=3), _on_grid(3, 4)]) == {}
    # two labels always make a grid: not enough
    assert lattice_spots([_on_grid(0, 0), _on_grid(2, 2)]) == {}


def test_a_column_with_no_label_read_is_placed_a_column_step_before_the_first() -> None:
    """Synthetic dev figure 141 (a 4 x 2 grid of touching pictures, "(A)" in white): C, D,
    F, H read. The columns of B, C, D are known and evenly spaced, A's and E's is not:
    one more column a step before the first places A, B, E and G (before, no hole)."""
    chosen = [_on_grid(2, 2, 4), _on_grid(3, 3, 4), _on_grid(5, 5, 4), _on_grid(7, 7, 4, jitter=2)]
    spots = lattice_spots(chosen)
    assert sorted(spots) == [0, 1, 4, 6]
    assert spots[0][:2] == (8, 6) and spots[4][:2] == (8, 156) and spots[6][:2] == (408, 156)
    # no room for a column before the first: none placed
    shifted = [Chosen(Reading((c.reading.box[0] - 100, *c.reading.box[1:]), c.text, 0.9), c.index, c.text) for c in chosen]
    assert lattice_spots(shifted) == {}


def test_cells_after_the_last_label_are_read_only_on_a_grid_that_places_the_holes() -> None:
    # A _ C / D E _: the grid knows the columns of the labels read only, F's cell is after E
    chosen = [_on_grid(0, 0), _on_grid(2, 2), _on_grid(3, 3), _on_grid(4, 4)]
    assert lattice_spots(chosen) == {1: (208, 6, 222, 22)}
    assert lattice_spots_after_last(chosen) == [(408, 156, 422, 172)]
    assert lattice_spots_after_last([_on_grid(0, 0), _on_grid(1, 1), _on_grid(4, 3)]) == []


def test_a_touching_grid_label_drawn_over_a_curve_gets_its_panel() -> None:
    """Nine touching plots labelled inside; E is crossed by a red curve, so it offers no
    candidate. The labels read sit on a 3 x 3 grid with one empty cell between D and F:
    E is read (or placed) there and its panel is cut out (before: D and E one panel)."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from tests.layout.fakes import font

    from panel2patch.layout.scoring import imageclef_accuracy

    fig = grid_figure(3, 3, ["plot"], labels=list("ABCD") + [None] + list("FGHI"), gap=0, label_position="inside")
    draw = ImageDraw.Draw(fig.image)
    x0, y0 = fig.boxes[4][:2]
    draw.text((x0 + 6, y0 + 5), "E", fill="black", font=font(18))
    draw.line([(x0 + 2, y0 + 14), (x0 + 60, y0 + 14)], fill=(200, 30, 30), width=2)
    layout = parse_layout(fig.image)
    assert layout.labels == list("ABCDEFGHI")
    assert imageclef_accuracy(fig.boxes, [p.bbox for p in layout.panels]) == 1.0


def test_letters_of_the_second_look_show_where_the_others_sit(monkeypatch) -> None:
    """The first look reads only C and F (too few to place anything); the thin-stroke look
    adds E. C, E and F sit at one inset in their pieces: the other pieces are read there
    (before, the second look's letters went to the sequence choice only, and a strip of
    six labelled panels came out with no label)."""
    import numpy as np

    import panel2patch.layout.classical as classical
    from panel2patch.layout.canvas import build_canvas
    from panel2patch.layout.config import LayoutConfig
    from panel2patch.layout.label_hits import LabelCandidate

    rgb = np.full((340, 650, 3), 255, np.uint8)
    canvas = build_canvas(rgb, LayoutConfig())
    first = [_label(2, 2).reading, _label(5, 5).reading]
    thin = LabelCandidate(_label(4, 4).reading.box, True, 1, 1.0)
    backend = classical.ClassicalBackend(LayoutConfig())
    backend._read_in_rounds = lambda *args: (None, [], first)
    monkeypatch.setattr(classical, "_second_look", lambda *args: ([thin], []))
    backend._read = lambda rgb, canvas, candidates: [Reading(c.box, "E", 0.9) for c in candidates]
    looked_at = []

    def read_spots(rgb, canvas, spots):
        looked_at.extend(spots)
        return [Reading(s, "ABD"[k], 0.9) for k, s in enumerate(spots)]

    backend._read_spots = read_spots
    style, hits = backend._find_labels(rgb, canvas, PIECES)
    assert looked_at == [_spot_in(0), _spot_in(1), _spot_in(3)]
    assert style == "upper" and [h.text for h in hits] == list("ABCDEF")


def test_the_grid_cells_after_the_last_label_need_no_full_grid() -> None:
    """A spans two rows (no label below it): the cell after H is still the fifth column of
    the second row, where the labels of the first row put it."""
    tops = {"A": (5, 1), "B": (92, 1), "C": (160, 1), "D": (228, 1), "E": (296, 1), "F": (92, 63), "G": (160, 63), "H": (228, 63)}
    chosen = [Chosen(Reading((x, y, x + 5, y + 6), t, 0.9), k, t) for k, (t, (x, y)) in enumerate(tops.items())]
    assert grid_cells_after_last(chosen, 2) == [(296, 63, 301, 69)]
