"""The page of a figure is found past a frame drawn round it and inside a margin round a
plate of another ground colour (``layout.page``)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from panel2patch.layout import LayoutConfig
from panel2patch.layout.frame import frame_candidates, keep_frame
from panel2patch.layout.page import find_page
from panel2patch.layout.scoring import imageclef_accuracy
from tests.layout.fakes import grid_figure
from tests.layout.fakes import unlabelled_panel_boxes as _boxes

TOLERANCE = LayoutConfig().uniform_tolerance


def _framed(image: Image.Image, margin: int, frame: int, colour: tuple[int, int, int]) -> Image.Image:
    """``image`` on a white margin of ``margin`` px inside a ``frame`` px line of ``colour``."""
    framed = ImageOps.expand(image, border=margin + frame, fill=(255, 255, 255))
    draw = ImageDraw.Draw(framed)
    for k in range(frame):
        draw.rectangle([k, k, framed.width - 1 - k, framed.height - 1 - k], outline=colour)
    return framed


def _shifted(boxes, by: int):
    return [(x0 + by, y0 + by, x1 + by, y1 + by) for x0, y0, x1, y1 in boxes]


@pytest.mark.parametrize(("margin", "colour"), [(0, (0, 0, 0)), (8, (0, 0, 0)), (3, (90, 120, 90))])
def test_a_frame_drawn_round_a_figure_does_not_change_its_panels(margin, colour) -> None:
    """A black line round a white-page figure read as a black page: its white gutters were
    content and the figure stayed one panel."""
    fig = grid_figure(2, 3, ["plot", "micrograph", "photo"], seed=3)
    truth = _boxes(fig.image)
    assert len(truth) == 6
    framed = _framed(fig.image, margin, 2, colour)
    assert imageclef_accuracy(_shifted(truth, margin + 2), _boxes(framed)) == 1.0


def test_a_black_plate_on_a_white_margin_is_split_on_its_own_ground() -> None:
    """Radiographs on a black plate with black gutters, the plate set on a white margin:
    the white border read as the page made the whole plate one piece of content."""
    fig = grid_figure(1, 4, ["micrograph", "photo"], background="black", gap=24, seed=2)
    truth = _boxes(fig.image)
    assert len(truth) == 4
    plate = ImageOps.expand(fig.image, border=12, fill=(255, 255, 255))
    page = find_page(np.asarray(plate), np.asarray(plate.convert("L")), TOLERANCE)
    assert page.is_page and page.colour.max() < 40
    assert imageclef_accuracy(_shifted(truth, 12), _boxes(plate)) == 1.0


def test_a_box_drawn_round_a_plot_is_not_a_plate() -> None:
    """A plot's axes box inside the page margin is a line, not a ground: the page stays white."""
    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, 379, 279], outline="black", width=2)
    draw.line([(40, 250), (120, 120), (200, 180), (360, 40)], fill="black", width=2)
    rgb = np.asarray(image)
    page = find_page(rgb, np.asarray(image.convert("L")), TOLERANCE)
    assert page.box == (0, 0, 400, 300) and page.colour.min() > 240


def test_a_thin_white_margin_round_touching_pictures_stays_page() -> None:
    """No page inside the frame (pictures reach it): only a line that is not white is a frame."""
    candidates = [(2, 250.0), (2, 252.0), (2, 30.0), (1, 248.0)]
    assert keep_frame(candidates, None, TOLERANCE) == (0, 0, 3, 0)
    assert keep_frame(candidates, 250.0, TOLERANCE) == (0, 0, 3, 0)  # a white page inside
    assert keep_frame(candidates, 20.0, TOLERANCE) == (3, 3, 0, 2)  # a black page inside


@pytest.mark.shared_data
def test_a_real_framed_figure_is_analysed_inside_its_frame(shared_data) -> None:
    """OpenApePose (eLife MECA) figure 5 has a thin grey frame round its white page."""
    import zipfile

    meca = shared_data / "articles" / "elife_meca" / "2212.00741-OpenApePose.meca.zip"
    with zipfile.ZipFile(meca) as archive:
        name = next(n for n in archive.namelist() if n.endswith("2212.00741v1_fig5.jpg"))
        with archive.open(name) as handle:
            image = Image.open(handle).convert("RGB")
    rgb = np.asarray(image)
    page = find_page(rgb, np.asarray(image.convert("L")), TOLERANCE)
    assert page.is_page and page.colour.min() > 240
    x0, y0, x1, y1 = page.box
    assert 0 < x0 <= 6 and 0 < y0 <= 6 and 0 < image.width - x1 <= 6 and 0 < image.height - y1 <= 6



@pytest.mark.shared_data
def test_labels_are_read_on_an_off_white_page(shared_data) -> None:
    """A page 10-18 grey levels off white (a scanned or tinted figure) darkens every grey:
    with the white page's dark-ink level, light fills turned to ink, the typical glyph
    height shrank and none of this real figure's four labels was read."""
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from panel2patch.layout import parse_layout

    path = shared_data / "figures" / "exsclaim" / "images" / "pipeline" / "s41467-018-06211-3_fig4.jpg"
    rgb = np.asarray(Image.open(path).convert("RGB")).astype(np.int16)
    tinted = Image.fromarray(np.clip(rgb - np.array([12, 10, 18]), 0, 255).astype(np.uint8))
    assert parse_layout(Image.fromarray(rgb.astype(np.uint8))).labels == ["a", "b", "c", "d"]
    assert parse_layout(tinted).labels == ["a", "b", "c", "d"]


def test_a_frame_blended_into_the_page_by_resampling_is_left_out_whole() -> None:
    """A 2-px black frame shrunk by 5% reads 0, 44, 239, then the 255 page: the page read
    on the 239 line was taken for an off-white one (and dark ink read against it)."""
    gray = np.full((600, 800), 255, np.uint8)
    for depth, level in enumerate((0, 44, 239)):
        gray[depth, depth:800 - depth] = gray[599 - depth, depth:800 - depth] = level
        gray[depth:600 - depth, depth] = gray[depth:600 - depth, 799 - depth] = level
    gray[160:440, 200:600] = 30  # content
    assert frame_candidates(gray, TOLERANCE) == [(3, 0.0)] * 4
    rgb = np.repeat(gray[:, :, None], 3, axis=2)
    page = find_page(rgb, gray, TOLERANCE)
    assert page.box == (4, 4, 796, 596) and page.colour.min() == 255


def test_erasing_outside_a_box_equals_filling_a_copy_and_pasting_the_box() -> None:
    """``erase_outside`` paints the border with ``copyMakeBorder``; it must give the array
    the fill-and-paste formula it replaced gives, boxes at the edges and the whole figure
    included."""
    from panel2patch.layout.page import erase_outside

    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    colour = np.array([250, 3, 128], np.uint8)
    for box in [(0, 0, 53, 37), (2, 3, 50, 35), (0, 5, 53, 36), (52, 36, 53, 37), (0, 0, 1, 1)]:
        x0, y0, x1, y1 = box
        expected = np.empty_like(rgb)
        expected[:] = colour
        expected[y0:y1, x0:x1] = rgb[y0:y1, x0:x1]
        erased = erase_outside(rgb, box, colour)
        assert erased.dtype == np.uint8 and erased.flags.c_contiguous
        assert np.array_equal(erased, expected)


def test_the_page_colour_is_the_mean_of_its_bin_as_numpy_gives_it() -> None:
    """``estimate_background`` takes the bin's mean from exact integer sums; numpy's
    ``mean(axis=0)`` over the bin's pixels gives the same colour."""
    from panel2patch.layout.page import estimate_background

    rng = np.random.default_rng(6)
    for trial in range(50):
        rgb = rng.integers(0, 256, (int(rng.integers(3, 40)), int(rng.integers(3, 40)), 3), dtype=np.uint8)
        if trial % 2:
            rgb[:, : rgb.shape[1] // 2] = rng.integers(200, 256, 3)
        box = (0, 0, rgb.shape[1], rgb.shape[0])
        colour, _ = estimate_background(rgb, box)
        border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]).astype(np.int32)
        keys = (border[:, 0] >> 4) * 256 + (border[:, 1] >> 4) * 16 + (border[:, 2] >> 4)
        mode = np.bincount(keys).argmax()
        assert np.array_equal(colour, border[keys == mode].mean(axis=0).round().astype(np.uint8))
