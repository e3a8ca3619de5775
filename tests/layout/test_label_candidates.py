"""Label candidates: a label chained to smaller text on its line is offered alone."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from panel2patch.layout.canvas import build_canvas
from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.label_hits import find_grey_label_candidates, find_label_candidates
from tests.layout.fakes import grid_figure



def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)  # Pillow's bundled scalable font


def _label_beside_tick(tick_size: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A plot frame with the panel label "B" (34 px) and, a narrow space to its right on the
    same line, the top tick label "0.027" at ``tick_size`` px (as a PLoS ONE figure sets them)."""
    image = Image.new("RGB", (900, 600), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([120, 60, 860, 560], outline="black", width=2)
    for y in range(60, 560, 60):
        draw.line([112, y, 120, y], fill="black", width=2)
    label_font = _font(34)
    draw.text((10, 20), "B", fill="black", font=label_font)
    label = draw.textbbox((10, 20), "B", font=label_font)
    draw.text((label[2] + 7, label[3] - tick_size), "0.027", fill="black", font=_font(tick_size))
    return np.asarray(image), label


def _boxes(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    canvas = build_canvas(image, LayoutConfig())
    return [c.box for c in find_label_candidates(canvas, 40)]


def test_a_label_chained_to_a_smaller_tick_label_is_a_candidate_alone() -> None:
    image, (x0, y0, x1, y1) = _label_beside_tick(tick_size=20)
    alone = [b for b in _boxes(image) if abs(b[0] - x0) <= 3 and abs(b[2] - x1) <= 3]
    assert alone, _boxes(image)


def test_a_word_of_one_size_stays_whole() -> None:
    # the same line with text as tall as the label: a word ("B 0.027"), not a label
    image, (x0, _, x1, _) = _label_beside_tick(tick_size=34)
    assert not [b for b in _boxes(image) if abs(b[0] - x0) <= 3 and abs(b[2] - x1) <= 3]


def _tall_figure_with_small_labels() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Two columns by four rows of framed plots, 580 x 1100 px, each labelled with an 8-px
    bold capital at its top-left corner (a tall eLife supplement rendered 600 px wide: the
    labels of a figure as narrow as a square one of 800 px, under a floor of 0.008 of the
    longer side)."""
    image = Image.new("RGB", (580, 1100), "white")
    draw = ImageDraw.Draw(image)
    labels = []
    for i, letter in enumerate("ABCDEFGH"):
        row, col = divmod(i, 2)
        x, y = 20 + col * 290, 30 + row * 270
        draw.rectangle([x + 40, y + 30, x + 260, y + 230], outline="black", width=1)
        draw.text((x, y), letter, fill="black", font=_font(9), stroke_width=1, stroke_fill="black")
        labels.append(draw.textbbox((x, y), letter, font=_font(9), stroke_width=1))
    return np.asarray(image), labels


def test_small_labels_of_a_tall_figure_are_candidates() -> None:
    image, labels = _tall_figure_with_small_labels()
    assert max(b[3] - b[1] for b in labels) <= 9
    boxes = _boxes(image)
    found = [lab for lab in labels if any(abs(b[0] - lab[0]) <= 2 and abs(b[1] - lab[1]) <= 3 for b in boxes)]
    assert len(found) == len(labels), (labels, boxes)


def _white_label_on_a_picture() -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A dark radiograph-like picture, 1000 px wide, with a white "(a)" at its top-left
    corner and, 4 px right of the label, a bright structure 2.5 times as tall (a bone, a
    vessel), small enough to be a glyph of the figure's largest type."""
    rng = np.random.default_rng(3)
    picture = Image.fromarray(rng.normal(45, 12, (700, 1000)).clip(0, 255).astype(np.uint8)).convert("RGB")
    draw = ImageDraw.Draw(picture)
    font = _font(26)
    x0, y0, x1, y1 = draw.textbbox((12, 14), "(a)", font=font)
    draw.rectangle([x1 + 4, y0 - 2, x1 + 20, y0 - 2 + round(2.5 * (y1 - y0))], fill=(235, 235, 235))
    draw.text((12, 14), "(a)", fill="white", font=font)
    return np.asarray(picture), (x0, y0, x1, y1)


def test_a_white_label_is_not_chained_to_a_taller_bright_structure_beside_it() -> None:
    image, (x0, y0, x1, y1) = _white_label_on_a_picture()
    alone = [b for b in _boxes(image) if abs(b[0] - x0) <= 3 and abs(b[2] - x1) <= 3 and b[3] - b[1] <= 1.5 * (y1 - y0)]
    assert alone, (_boxes(image), (x0, y0, x1, y1))


def _thin_white_labels_on_black() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Four pictures on a black page, each with a 10-px white "(a)".."(d)" above it: strokes
    one pixel wide, whose anti-aliased greys break the glyphs apart at the light-ink level."""
    image = Image.new("RGB", (840, 400), "black")
    draw = ImageDraw.Draw(image)
    rng = np.random.default_rng(0)
    labels = []
    for i, letter in enumerate("abcd"):
        x = 40 + i * 200
        image.paste(Image.fromarray(rng.integers(60, 200, (150, 180, 3), dtype=np.uint8)), (x, 40))
        draw.text((x, 20), f"({letter})", fill="white", font=_font(10))
        labels.append(draw.textbbox((x, 20), f"({letter})", font=_font(10)))
    return np.asarray(image), labels


def test_thin_white_labels_are_candidates_of_the_thin_stroke_look() -> None:
    image, labels = _thin_white_labels_on_black()
    canvas = build_canvas(image, LayoutConfig())

    def found(thin: bool) -> int:
        boxes = [c.box for c in find_label_candidates(canvas, 200, thin=thin)]
        return sum(any(abs(b[0] - lab[0]) <= 2 and abs(b[2] - lab[2]) <= 2 for b in boxes) for lab in labels)

    assert found(thin=False) == 0
    assert found(thin=True) == len(labels)


def _labels_in_tight_white_boxes() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Three dark radiograph-like pictures on a black page, each with a black "(a)".."(c)"
    in a white box at its top-left corner, padded by 5 px, a sixth of the font size (less than
    the clear margin a bare label needs)."""
    rng = np.random.default_rng(5)
    image = Image.new("RGB", (1000, 420), "black")
    draw = ImageDraw.Draw(image)
    labels = []
    for i, letter in enumerate("abc"):
        x = 30 + i * 320
        picture = rng.normal(70, 25, (340, 300)).clip(0, 255).astype(np.uint8)
        image.paste(Image.fromarray(picture).convert("RGB"), (x, 40))
        font, pad = _font(28), 5
        tx0, ty0, tx1, ty1 = draw.textbbox((x + 12, 52), f"({letter})", font=font)
        draw.rectangle([tx0 - pad, ty0 - pad, tx1 + pad, ty1 + pad], fill="white")
        draw.text((x + 12, 52), f"({letter})", fill="black", font=font)
        labels.append((tx0, ty0, tx1, ty1))
    return np.asarray(image), labels


def test_dark_labels_in_tight_white_boxes_are_candidates() -> None:
    image, labels = _labels_in_tight_white_boxes()
    boxes = _boxes(image)
    found = [lab for lab in labels if any(abs(b[0] - lab[0]) <= 3 and abs(b[2] - lab[2]) <= 3 for b in boxes)]
    assert len(found) == len(labels), (labels, boxes)


def _titled_plots(fill: str) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Two by two plots, each titled "(a)".."(d)" centred above it in ``fill``."""
    fig = grid_figure(2, 2, ["plot"], labels=["(a)", "(b)", "(c)", "(d)"], label_position="title", label_fill=fill)
    return np.asarray(fig.image), [(b[0], b[1], b[2], b[1] + 22) for b in fig.boxes]


def _found_in(boxes: list[tuple[int, int, int, int]], spots: list[tuple[int, int, int, int]]) -> int:
    return sum(any(s[0] <= b[0] and b[2] <= s[2] and s[1] <= b[1] and b[3] <= s[3] for b in boxes) for s in spots)


def test_grey_title_labels_are_candidates_of_the_grey_look_only() -> None:
    image, spots = _titled_plots("#8c8c8c")  # 55% grey: lighter than dark ink
    canvas = build_canvas(image, LayoutConfig())
    assert _found_in([c.box for c in find_label_candidates(canvas, 40)], spots) == 0
    assert _found_in([c.box for c in find_grey_label_candidates(canvas, 40)], spots) == 4


def test_black_labels_are_not_grey_candidates() -> None:
    image, spots = _titled_plots("black")
    canvas = build_canvas(image, LayoutConfig())
    assert _found_in([c.box for c in find_label_candidates(canvas, 40)], spots) == 4
    assert _found_in([c.box for c in find_grey_label_candidates(canvas, 40)], spots) == 0


def test_no_grey_look_off_a_white_page() -> None:
    image, _ = _titled_plots("#8c8c8c")
    canvas = build_canvas(255 - image, LayoutConfig())  # white plots on a black page
    assert find_grey_label_candidates(canvas, 40) == []


def test_box_sums_of_stacked_box_sets_equal_each_sets_own() -> None:
    """``_candidates`` sums several box sets of the same words in one call (``_stacked``,
    ``_per_set``): the same sums as one call per set, boxes past the image edges included."""
    import cv2

    from panel2patch.layout.label_hits import _box_sums, _per_set, _stacked

    rng = np.random.default_rng(8)
    table = cv2.integral((rng.random((60, 90)) < 0.3).astype(np.uint8))
    n = 40
    sets = []
    for _ in range(5):
        x0, y0 = rng.integers(-10, 95, n), rng.integers(-10, 65, n)
        sets.append((x0, y0, x0 + rng.integers(-3, 30, n), y0 + rng.integers(-3, 30, n)))
    together = _per_set(_box_sums(table, *_stacked(sets), 90, 60), len(sets))
    for box_set, sums in zip(sets, together):
        assert np.array_equal(sums, _box_sums(table, *box_set, 90, 60))


def test_the_stable_order_of_coordinates_is_numpys() -> None:
    """``_stable_order`` sorts fitting keys as 16-bit integers (radix): the same order as
    ``np.argsort(kind="stable")``, ties included, and for keys that do not fit."""
    from panel2patch.layout.label_hits import _stable_order

    rng = np.random.default_rng(9)
    for high in (4, 1100, 70_000):
        keys = rng.integers(0, high, 2_000)
        assert np.array_equal(_stable_order(keys), np.argsort(keys, kind="stable"))
        centres = rng.integers(0, 1100, 500) + rng.integers(1, 9, 500) / 2
        assert np.array_equal(_stable_order((2 * centres).astype(np.int64)), np.argsort(centres, kind="stable"))
