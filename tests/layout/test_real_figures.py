"""A few real figures from ../shared/data, checked against our hand-drawn boxes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from panel2patch.layout import parse_layout
from panel2patch.layout.scoring import imageclef_accuracy

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "layout"
pytestmark = pytest.mark.shared_data

# (figure id, labels expected) - dev figures, i.e. ones the splitter was tuned on
CASES = [
    ("articles/pmc_oa_packages/PMC3192425/ZooKeys-119-037-g007.jpg", ["a", "b", "c", "d"]),
    ("articles/stencila_jats/elife-46793-v1/fig6.jpg", list("ABCDEFGH")),
    ("figures/soda_mmqc/10.1038_s44318-025-00412-5/content/1/content/44318_2025_412_fig1_html.png", list("ABCDEFGHIJK")),
    ("articles/pmc_oa_packages/PMC3192425/ZooKeys-119-037-g004.jpg", [None] * 9),
    ("articles/pmc_oa_packages/PMC3231133/sensors-10-06861f12.jpg", [None]),
    # x-height "a" and "c" rank below the limit: read when the sequence has holes
    ("figures/exsclaim/images/pipeline/s41467-018-06211-3_fig1.jpg", list("abcdefghi")),
    # labels D-F sit at the bottom of the piece above them (a rotated axis title beside)
    ("articles/stencila_jats/elife-46793-v1/fig8.jpg", list("ABCDEF")),
    # E lies under C and D while F spans both rows: E fills the hole out of reading order
    ("figures/soda_mmqc/10.1038_s44320-025-00092-7/content/2/content/44320_2025_92_fig2_html.png", list("ABCDEFGH")),
    # no guillotine layout: column D's gaps line up with the gutters beside it, row H sits
    # beside the top of the tall box plots I (cut straight across: ImageCLEF 0.50)
    ("figures/soda_mmqc/10.1038_s44318-025-00409-0/content/1/content/44318_2025_409_fig1_html.png", list("ABCDEFGHIJ")),
    # the label-height floor follows the figure's mean side, not its longer one (a taller
    # than wide figure was cut into 8 pieces with no label read)
    ("articles/pmc_oa_packages/PMC3003633/1475-2859-9-89-1.jpg", list("ABC")),
    # rounded boxes C-E / F-H and I touch across a gap of 1-2 work px, too thin for a gutter
    # but with a box's edge on both sides of it: I was left inside the row boxes (no I read)
    ("figures/soda_mmqc/10.1038_s44320-025-00092-7/content/1/content/44320_2025_92_fig1_html.png", list("ABCDEFGHI")),
]


@pytest.fixture(scope="module")
def annotations(shared_data: Path) -> dict:
    sys.path.insert(0, str(BENCH))
    from real_figures import load_annotations

    return {f.id: f for f in load_annotations()}


@pytest.mark.parametrize(("figure_id", "labels"), CASES)
def test_dev_figures_split_as_annotated(annotations: dict, figure_id: str, labels: list) -> None:
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from real_figures import load_figure

    truth = annotations[figure_id]
    layout = parse_layout(load_figure(figure_id))
    assert layout.labels == labels
    assert imageclef_accuracy([b for b, _ in truth.panels], [p.bbox for p in layout.panels]) >= 0.85


def test_annotation_file_covers_every_shared_figure(shared_data: Path) -> None:
    sys.path.insert(0, str(BENCH))
    from real_figures import all_figure_ids

    data = json.loads((BENCH / "real_annotations.json").read_text())
    ids = [f["id"] for f in data["figures"]]
    assert sorted(ids) == sorted(set(ids)) == sorted(all_figure_ids(shared_data))
    for fig in data["figures"]:
        assert fig["split"] in ("dev", "test", "excluded")
        for panel in fig["panels"]:
            x0, y0, x1, y1 = panel["bbox"]
            assert 0 <= x0 < x1 <= fig["width"] and 0 <= y0 < y1 <= fig["height"]


def test_small_render_reads_a_column_of_labels_the_gutters_left_uncut(annotations: dict) -> None:
    """eLife 52882 fig5 at 60% (labels ~6 px): C, F and G, down the right column, are too
    light for dark ink and their column is not cut off by a gutter; thin-stroke candidates in
    line with the labels read (and with each other) give C to G."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from PIL import Image
    from real_figures import load_figure

    image = load_figure("articles/stencila_jats/elife-52882-v2/fig5.jpg")
    small = image.resize((round(image.width * 0.6), round(image.height * 0.6)), Image.LANCZOS)
    assert parse_layout(small).labels == list("ABCDEFG")


def test_labels_in_a_margin_beside_their_panels_start_no_panel(annotations: dict) -> None:
    """Sensors 10-06861 fig7 at 60%: (a)-(d) stand in a margin left of their rows, at
    mid-height, alone in their column. Each row starts at the blank row above its label, not
    just above the label: cut there, row (b) lost its top third to (a) (IoU 0.47)."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from PIL import Image
    from real_figures import load_figure

    from panel2patch.layout.scoring import iou

    figure_id = "articles/pmc_oa_packages/PMC3231133/sensors-10-06861f7.jpg"
    image = load_figure(figure_id)
    small = image.resize((round(image.width * 0.6), round(image.height * 0.6)), Image.LANCZOS)
    layout = parse_layout(small)
    assert layout.labels == list("abcd")
    for (box, label), panel in zip(annotations[figure_id].panels, layout.panels):
        assert panel.label == label
        assert iou([round(v * 0.6) for v in box], panel.bbox) >= 0.5


def test_labels_at_the_right_of_their_panels_place_the_cut_left_of_the_panel(annotations: dict) -> None:
    """Sensors 10-06861 fig10 at 60%: (a) and (b) sit at mid-height near the right of their
    plots and no gutter is found between them. Both stand as far from their panels' left
    (and right) edges, so (b)'s panel starts that far left of (b), not just left of it
    (it was a 47-px strip right of (a)'s plot)."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from PIL import Image
    from real_figures import load_figure

    from panel2patch.layout.scoring import iou

    figure_id = "articles/pmc_oa_packages/PMC3231133/sensors-10-06861f10.jpg"
    image = load_figure(figure_id)
    small = image.resize((round(image.width * 0.6), round(image.height * 0.6)), Image.LANCZOS)
    layout = parse_layout(small)
    assert layout.labels == ["a", "b"]
    for (box, label), panel in zip(annotations[figure_id].panels, layout.panels):
        assert panel.label == label
        assert iou([round(v * 0.6) for v in box], panel.bbox) >= 0.5
