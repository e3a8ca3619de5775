"""parse_layout on procedural figures with exact truth."""

from __future__ import annotations

import numpy as np
import pytest

from panel2patch.layout import LayoutConfig, Panel, PanelLayout, parse_layout
from panel2patch.layout.scoring import imageclef_accuracy
from tests.layout.fakes import grid_figure

pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")


def _accuracy(layout: PanelLayout, boxes: list) -> float:
    return imageclef_accuracy(boxes, [p.bbox for p in layout.panels])


def test_2x2_grid_with_labels_above_gets_four_panels_and_labels() -> None:
    fig = grid_figure(2, 2, ["plot", "micrograph", "photo", "plot"], labels=["A", "B", "C", "D"])
    layout = parse_layout(fig.image)
    assert layout.compound and len(layout.panels) == 4
    assert layout.labels == ["A", "B", "C", "D"]
    assert _accuracy(layout, fig.boxes) == 1.0
    assert layout.label_style == "upper"
    for panel, truth in zip(layout.panels, fig.boxes):
        assert panel.label_bbox is not None
        assert truth[0] - 2 <= panel.label_bbox[0] and panel.label_bbox[2] <= truth[2]


def test_grey_title_labels_centred_above_plots_are_read() -> None:
    # "(a)" in 55% grey centred over each plot (a plotting library's subplot titles)
    fig = grid_figure(2, 2, ["plot"], labels=["(a)", "(b)", "(c)", "(d)"], label_position="title", label_fill="#8c8c8c")
    layout = parse_layout(fig.image)
    assert layout.labels == ["a", "b", "c", "d"]
    assert _accuracy(layout, fig.boxes) == 1.0


def test_labels_inside_dark_micrographs_are_read_white_on_dark() -> None:
    fig = grid_figure(1, 3, ["micrograph"], labels=["(a)", "(b)", "(c)"], label_position="inside", seed=3)
    layout = parse_layout(fig.image)
    assert layout.labels == ["a", "b", "c"]
    assert _accuracy(layout, fig.boxes) == 1.0


def test_radiology_strip_on_black_background() -> None:
    fig = grid_figure(1, 5, ["micrograph"], background="black", gap=10, seed=5)
    layout = parse_layout(fig.image)
    assert len(layout.panels) == 5
    assert _accuracy(layout, fig.boxes) == 1.0
    assert [p.bbox[0] for p in layout.panels] == sorted(p.bbox[0] for p in layout.panels)  # reading order


def test_unlabelled_grid_comes_back_in_reading_order() -> None:
    fig = grid_figure(2, 3, ["plot", "photo"], seed=7)
    layout = parse_layout(fig.image)
    assert len(layout.panels) == 6 and not any(layout.labels)
    assert _accuracy(layout, fig.boxes) == 1.0
    centres = [((p.bbox[1] + p.bbox[3]) // 200, p.bbox[0]) for p in layout.panels]
    assert centres == sorted(centres)


def test_touching_photos_are_cut_at_their_seams() -> None:
    fig = grid_figure(2, 2, ["photo"], gap=0, seed=11)
    layout = parse_layout(fig.image)
    assert len(layout.panels) == 4
    assert _accuracy(layout, fig.boxes) == 1.0


def test_single_plot_is_one_panel_covering_its_content() -> None:
    fig = grid_figure(1, 1, ["plot"], seed=2)
    layout = parse_layout(fig.image)
    assert len(layout.panels) == 1 and not layout.compound and layout.reason is None
    x0, y0, x1, y1 = layout.panels[0].bbox
    tx0, ty0, tx1, ty1 = fig.boxes[0]
    assert x0 >= tx0 and y0 >= ty0 and x1 <= tx1 and y1 <= ty1  # tight on the content
    assert (x1 - x0) * (y1 - y0) > 0.6 * (tx1 - tx0) * (ty1 - ty0)


def test_boxes_are_in_original_pixels_when_the_work_copy_is_smaller() -> None:
    fig = grid_figure(2, 2, ["plot", "micrograph"], labels=["A", "B", "C", "D"], cell=(900, 700), gap=40)
    layout = parse_layout(fig.image, LayoutConfig(work_max_side=600))
    assert layout.width == fig.image.width and layout.height == fig.image.height
    assert _accuracy(layout, fig.boxes) == 1.0
    assert all(isinstance(v, int) for p in layout.panels for v in p.bbox)


def test_reading_without_ocr_still_splits() -> None:
    fig = grid_figure(2, 2, ["plot"], labels=["A", "B", "C", "D"])
    layout = parse_layout(fig.image, LayoutConfig(label_reader="none"))
    assert len(layout.panels) == 4 and not any(layout.labels)


def test_numpy_input_equals_pil_input() -> None:
    fig = grid_figure(1, 2, ["plot", "photo"], labels=["A", "B"])
    from_pil = parse_layout(fig.image)
    from_array = parse_layout(np.asarray(fig.image))
    assert from_pil.to_dict() == from_array.to_dict()


def test_to_dict_shape() -> None:
    layout = PanelLayout(100, 50, [Panel((0, 0, 50, 50), "A", (1, 1, 9, 9)), Panel((50, 0, 100, 50))], compound=True)
    data = layout.to_dict()
    assert data["width"] == 100 and data["height"] == 50
    assert data["panels"][0] == {"bbox": [0, 0, 50, 50], "label": "A", "label_bbox": [1, 1, 9, 9], "kind": None}
    assert data["panels"][1] == {"bbox": [50, 0, 100, 50], "label": None, "label_bbox": None, "kind": None}
