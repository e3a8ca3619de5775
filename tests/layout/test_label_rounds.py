"""How many OCR calls and crops the label search spends, and where it looks again."""

from __future__ import annotations

import numpy as np
import pytest

from panel2patch.layout.canvas import build_canvas
from panel2patch.layout.classical import ONE_ROUND_PIECES, ClassicalBackend, _worth_a_thin_look
from panel2patch.layout.config import LayoutConfig
from .fakes import font, grid_figure


class CountingReader:
    """Reads every crop as "A" (label-like, never a full sequence) and counts calls."""

    name = "counting"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def read(self, crops):
        self.calls.append(len(crops))
        return [("A", 0.9) for _ in crops]


def test_a_figure_cut_into_many_pieces_reads_its_candidates_in_one_call() -> None:
    """12 gutter pieces: a first round of a few candidates could not label them all and
    would be read again with the rest; the candidates are read once, in one call."""
    fig = grid_figure(3, 4, ["plot"], labels=list("ABCDEFGHIJKL"), cell=(200, 150), seed=3)
    rgb = np.asarray(fig.image)
    canvas = build_canvas(rgb, LayoutConfig())
    pieces = [tuple(b) for b in fig.boxes]
    assert len(pieces) > ONE_ROUND_PIECES
    reader = CountingReader()
    backend = ClassicalBackend(LayoutConfig(), reader=reader)
    from panel2patch.layout.label_hits import find_label_candidates

    candidates = find_label_candidates(canvas, 20)
    assert len(candidates) > 5
    backend._read_in_rounds(rgb, canvas, candidates, len(pieces))
    assert reader.calls == [len(candidates)]
    reader.calls.clear()
    backend._read_in_rounds(rgb, canvas, candidates, 2)  # few pieces: a first round, then all
    assert reader.calls == [5, len(candidates)]
    reader.calls.clear()
    # more pieces than the first round's 5 candidates and one: one call already
    backend._read_in_rounds(rgb, canvas, candidates, ONE_ROUND_PIECES + 1)
    backend._read_in_rounds(rgb, canvas, candidates, ONE_ROUND_PIECES)
    assert ONE_ROUND_PIECES + 1 <= 7 and reader.calls == [len(candidates), 5, len(candidates)]


def _text_canvas(size: int, pieces_gap: bool = False):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 360), outline="black", width=2)
    for k in range(12):
        draw.text((60 + 40 * k, 370), str(k), fill="black", font=font(size))
        draw.text((10, 50 + 25 * k), str(k), fill="black", font=font(size))
    return build_canvas(np.asarray(image), LayoutConfig())


def test_a_whole_figure_gets_a_thin_type_look_only_in_very_small_type() -> None:
    """Pieces the gutters cut get the second look whenever the type is small; a figure
    left whole only when its type is as small as the 5-7 px labels of small renders (a
    second OCR call for every small single plot costs more than it finds)."""
    tiny, small = _text_canvas(8), _text_canvas(12)
    assert tiny.text_height <= 7 < small.text_height <= 9
    assert _worth_a_thin_look(tiny, 1) and _worth_a_thin_look(tiny, 3)
    assert not _worth_a_thin_look(small, 1)
    assert _worth_a_thin_look(small, 3)
    assert not _worth_a_thin_look(_text_canvas(22), 3)


def _at_60_percent(figure_id: str):
    return _at_scale(figure_id, 0.6)


def _at_scale(figure_id: str, factor: float):
    """The real figure and its true boxes resized to ``factor`` (a small render)."""
    import sys
    from pathlib import Path

    from PIL import Image

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "layout"))
    from real_figures import load_annotations, load_figure

    truth = {f.id: f for f in load_annotations()}[figure_id]
    image = load_figure(figure_id)
    size = (round(image.width * factor), round(image.height * factor))
    boxes = [tuple(round(v * factor) for v in box) for box, _ in truth.panels]
    return image.resize(size, Image.LANCZOS), boxes


@pytest.mark.shared_data
def test_a_hole_in_small_labels_is_filled_from_thin_strokes(shared_data) -> None:
    """At 60% the "B" of this figure blurs lighter than dark ink: Ai, Aii and C are read,
    and the hole between A and C is filled by a thin-stroke candidate of their size."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from panel2patch.layout import parse_layout

    image, _ = _at_60_percent("figures/soda_mmqc/10.1038_s44321-025-00219-1/content/1/content/44321_2025_219_fig1_html.png")
    layout = parse_layout(image)
    assert layout.labels == ["Ai", "Aii", "B", "C"]
    assert all(panel.label_bbox is not None for panel in layout.panels)


@pytest.mark.shared_data
def test_labels_left_after_the_spot_reads_come_from_thin_strokes(shared_data) -> None:
    """At 60% the gutters leave C+E and D+F, and H+I, as single pieces; D and L are read
    at the spot the other labels share, and E, F and H, blurred lighter than dark ink,
    from thin strokes: the labels then cut those pieces apart."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from panel2patch.layout import parse_layout
    from panel2patch.layout.scoring import imageclef_accuracy

    image, boxes = _at_60_percent("articles/stencila_jats/elife-52882-v2/fig2.jpg")
    layout = parse_layout(image)
    assert sorted(layout.labels) == sorted("ABCDEFGHIJKLM")
    assert imageclef_accuracy(boxes, [p.bbox for p in layout.panels]) >= 0.9


def test_labels_smaller_than_the_text_beside_them_count_as_thin() -> None:
    """The thin-stroke hole read looks at the labels' own height, not only the figure's
    text: 6-px labels beside 11-px axis titles (elife-52882 fig5 at 60%) blur as much."""
    from panel2patch.layout.classical import _labels_are_thin
    from panel2patch.layout.label_text import Chosen, Reading

    def labels(height: int) -> list:
        return [Chosen(Reading((5 + 100 * k, 4, 10 + 100 * k, 4 + height), t, 0.9), k, t) for k, t in enumerate("ABE")]

    assert _labels_are_thin(labels(6))
    assert not _labels_are_thin(labels(16))


@pytest.mark.shared_data
def test_a_hole_is_filled_when_only_the_labels_are_small(shared_data) -> None:
    """elife-52882 fig5 at 60%: A, B and E read; D, 6 px tall and grey, fills its hole."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from panel2patch.layout import parse_layout

    image, _ = _at_60_percent("articles/stencila_jats/elife-52882-v2/fig5.jpg")
    assert "D" in parse_layout(image).labels


@pytest.mark.shared_data
def test_a_next_ranked_letter_in_line_with_the_labels_ends_the_sequence(shared_data) -> None:
    """elife-52882 fig4 at 60%: the gutters leave the last two panels of the bottom row as
    one piece; "J", read among the next-ranked candidates for the holes F and H, lies in
    line with G, H and I and continues them, cutting that piece in two."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from panel2patch.layout import parse_layout
    from panel2patch.layout.scoring import imageclef_accuracy

    image, boxes = _at_60_percent("articles/stencila_jats/elife-52882-v2/fig4.jpg")
    layout = parse_layout(image)
    assert layout.labels == list("ABCDEFGHIJ")
    assert imageclef_accuracy(boxes, [p.bbox for p in layout.panels]) == 1.0


@pytest.mark.shared_data
def test_a_last_small_letter_is_read_in_the_labels_grid_cell_after_the_last(shared_data) -> None:
    """elife-52882 fig3 at 60%: A to H are read, every gutter piece has its label and the
    sequence has no hole, but the 6-px grey "I" of the last panel (joined to H's by the
    gutters) offers no dark candidate; read in the labels' grid cell after H (as "1", one
    stroke), it ends the sequence and cuts H's piece in two."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from panel2patch.layout import parse_layout

    image, boxes = _at_60_percent("articles/stencila_jats/elife-52882-v2/fig3.jpg")
    layout = parse_layout(image)
    assert layout.labels == list("ABCDEFGHI")
    last = layout.panels[-1].bbox
    assert last[0] >= boxes[-1][0] - 2 and last[2] <= boxes[-1][2] + 2


@pytest.mark.shared_data
def test_letters_read_at_the_spots_go_on_past_a_hole_after_the_last(shared_data) -> None:
    """elife-52882 fig3 at 50% (5-px labels): B, D and E are read first; at the spots the
    labels share, A, C, H and I are read, F as "E" and G not at all. H and I go on from E
    past that hole (the next-letter extension stops at F) and cut the bottom row from
    the top one in the last two columns."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from panel2patch.layout import parse_layout

    image, boxes = _at_scale("articles/stencila_jats/elife-52882-v2/fig3.jpg", 0.5)
    layout = parse_layout(image)
    assert {"H", "I"} <= set(layout.labels)
    for label, (_, y0, _, y1) in zip("HI", boxes[-2:]):
        top, bottom = next(p.bbox[1::2] for p in layout.panels if p.label == label)
        assert abs(top - y0) <= 3 and abs(bottom - y1) <= 3


@pytest.mark.shared_data
def test_holes_left_by_a_letter_read_at_a_spot_are_filled_from_thin_strokes(shared_data) -> None:
    """elife-52882 fig5 at 50%: A and B are read, then C and G at the spots the labels
    share; G leaves D, E and F missing, and D and E, 5-px grey letters, are found by the
    thin-stroke look at the labels' own size (under the figure's 5-px floor) and read."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from panel2patch.layout import parse_layout

    image, _ = _at_scale("articles/stencila_jats/elife-52882-v2/fig5.jpg", 0.5)
    assert {"D", "E"} <= set(parse_layout(image).labels)


@pytest.mark.shared_data
def test_small_render_with_grey_bracket_labels_is_split_at_its_labels(shared_data) -> None:
    """The sensors figure at 60%: "(a)" and "(b)" are 7 px tall, their parentheses lighter
    than dark ink, and the gutter between the plots too narrow to cut; the labels that
    only thin strokes reveal are read and split the figure."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    import sys
    from pathlib import Path

    from PIL import Image

    from panel2patch.layout import parse_layout
    from panel2patch.layout.scoring import imageclef_accuracy

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "layout"))
    from real_figures import load_annotations, load_figure

    figure_id = "articles/pmc_oa_packages/PMC3231133/sensors-10-06861f4.jpg"
    truth = {f.id: f for f in load_annotations()}[figure_id]
    image = load_figure(figure_id)
    size = (round(image.width * 0.6), round(image.height * 0.6))
    layout = parse_layout(image.resize(size, Image.LANCZOS))
    boxes = [tuple(round(v * 0.6) for v in box) for box, _ in truth.panels]
    assert layout.labels == ["a", "b"]
    assert imageclef_accuracy(boxes, [p.bbox for p in layout.panels]) == 1.0


class ScriptedReader:
    """Reads the crops of its n-th call as ``script[n]`` (then nothing) and counts calls."""

    name = "scripted"

    def __init__(self, script: list[list[str]]) -> None:
        self.script, self.calls = script, []

    def read(self, crops):
        texts = self.script[len(self.calls)] if len(self.calls) < len(self.script) else []
        self.calls.append(len(crops))
        return [(texts[i] if i < len(texts) else "", 0.9) for i in range(len(crops))]


def test_holes_in_a_sequence_found_by_the_second_look_are_read_for() -> None:
    """Grey title labels: the first look reads no label, the second finds "a" and "c";
    the hole "b" is then looked for as after a first look (an extra call)."""
    fig = grid_figure(2, 2, ["plot"], labels=["(a)", "(b)", "(c)", "(d)"], label_position="title", label_fill="#8c8c8c")
    rgb = np.asarray(fig.image)
    canvas = build_canvas(rgb, LayoutConfig())
    pieces = [tuple(b) for b in fig.boxes]
    reader = ScriptedReader([[], ["(a)", "(c)"]])
    backend = ClassicalBackend(LayoutConfig(), reader=reader)
    style, hits = backend._find_labels(rgb, canvas, pieces)
    assert style == "lower" and [h.text for h in hits][:2] == ["a", "c"]
    assert len(reader.calls) > 2, reader.calls  # first round, second look, then for the hole


def test_a_bold_white_label_on_a_dark_picture_is_read_as_light_type() -> None:
    """Synthetic dev figure 141: "(B)" in bold white serif covers more than half of its own
    box, whose mean then said "dark type on a light ground"; with its margin the black
    picture is most of the crop, so the crop is inverted and read."""
    from types import SimpleNamespace

    from panel2patch.layout.classical import _light_ground

    gray = np.zeros((30, 60), np.uint8)
    gray[5:25, 5:55] = 255  # a bold white glyph filling most of its label box (5, 5, 55, 25)
    gray[11:19, 15:45] = 0
    assert float(gray[5:25, 5:55].mean()) >= 128
    assert not _light_ground(SimpleNamespace(gray=gray), (0, 0, 60, 30))
    assert _light_ground(SimpleNamespace(gray=255 - gray), (0, 0, 60, 30))
