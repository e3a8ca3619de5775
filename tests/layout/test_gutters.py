"""Gutter and margin measurements: the fast margin trim agrees with the line-by-line one."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from panel2patch.layout import LayoutConfig
from panel2patch.layout.canvas import NO_PAGE, build_canvas
from panel2patch.layout.gutters import trim_box
from tests.layout.fakes import grid_figure


def _jpeg(image: Image.Image, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def test_trim_with_off_page_counts_matches_the_line_by_line_trim() -> None:
    """Random boxes over a JPEG'd grid figure (ringing near page margins, thin rules):
    looking only at the margins gives the very box that examining every line gives."""
    fig = grid_figure(2, 3, ["plot", "micrograph", "photo"], labels=["A", "B", "C", "D", "E", "F"], seed=4)
    canvas = build_canvas(_jpeg(fig.image, 60), LayoutConfig())
    assert canvas.background_gray != NO_PAGE
    rng = np.random.default_rng(0)
    tolerance = canvas.config.uniform_tolerance
    trimmed = 0
    for _ in range(300):
        x0, x1 = sorted(rng.integers(0, canvas.width + 1, 2))
        y0, y1 = sorted(rng.integers(0, canvas.height + 1, 2))
        box = (int(x0), int(y0), int(x1), int(y1))
        slow = trim_box(canvas.gray, box, tolerance, canvas.background_gray)
        assert canvas.trim(box) == slow
        trimmed += slow is not None and slow != box
    assert trimmed > 50  # the boxes did reach into margins


def test_a_black_page_is_trimmed_alike() -> None:
    fig = grid_figure(1, 3, ["micrograph"], background="black", gap=10, seed=5)
    canvas = build_canvas(_jpeg(fig.image, 70), LayoutConfig())
    box = (3, 4, canvas.width - 5, canvas.height - 2)
    slow = trim_box(canvas.gray, box, canvas.config.uniform_tolerance, canvas.background_gray)
    assert canvas.trim(box) == slow != box


def test_pictures_to_the_border_are_not_trimmed() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    canvas = build_canvas(noise, LayoutConfig())
    assert canvas.background_gray == NO_PAGE
    box = (3, 4, 150, 100)
    assert canvas.trim(box) == box == trim_box(canvas.gray, box, canvas.config.uniform_tolerance, NO_PAGE)
    assert canvas.trim((5, 5, 5, 9)) is None


def test_strip_means_equal_a_float32_running_sum_on_both_axes() -> None:
    """The seam search's strip means come from integer sums; they must be the very values a
    float32 running sum gives (its thresholds were set on those)."""
    from panel2patch.layout.gutters import HORIZONTAL, VERTICAL, _strip_means

    pixels = np.random.default_rng(2).integers(0, 256, (37, 53), dtype=np.uint8)
    for axis, lines in ((VERTICAL, pixels), (HORIZONTAL, pixels.T)):
        region = lines.astype(np.float32)
        running = np.cumsum(np.pad(region, ((0, 0), (1, 0))), axis=1)
        expected = (running[:, 3:] - running[:, :-3]) / 3
        assert np.array_equal(_strip_means(pixels, 3, axis), expected)


def test_seam_shares_equal_the_transposed_mean_formula_on_both_axes() -> None:
    """``_seam_shares`` counts hits on the strip means as they lie in memory; it must give
    the very shares of the formula it replaced (transposed means, a bool mean per line)."""
    from panel2patch.layout.gutters import (
        HORIZONTAL, SEAM_BESIDE, SEAM_CONTEXT, SEAM_SKIP, SEAM_STEP, SEAM_STRIP, VERTICAL, _seam_shares, _strip_means,
    )

    rng = np.random.default_rng(5)
    for trial in range(30):
        h, w = (int(v) for v in rng.integers(10, 90, 2))
        pixels = (rng.integers(0, 256, (h, w)) // rng.integers(1, 40) * rng.integers(1, 6)).astype(np.uint8)
        pixels[:, w // 2 :] //= 2  # a step: some shares pass the thresholds
        for axis in (HORIZONTAL, VERTICAL):
            means = _strip_means(pixels, SEAM_STRIP, axis)
            span, shift = SEAM_STRIP + 2 * SEAM_SKIP, SEAM_CONTEXT
            steps = np.abs(means[:, span:] - means[:, :-span])
            beside = np.zeros_like(steps)
            beside[:, shift:-shift] = np.maximum(steps[:, : -2 * shift], steps[:, 2 * shift :])
            beside[:, :shift] = beside[:, -shift:] = np.inf
            expected = ((steps > SEAM_STEP) & (steps > SEAM_BESIDE * beside)).mean(axis=0)
            assert np.array_equal(_seam_shares(pixels, axis), expected), (trial, axis)


def test_trim_takes_any_box_sequence_and_remembers_it() -> None:
    fig = grid_figure(1, 2, ["plot", "photo"], seed=6)
    canvas = build_canvas(np.asarray(fig.image), LayoutConfig())
    box = (0, 0, canvas.width, canvas.height)
    first = canvas.trim(box)
    assert first is not None and first != box
    assert canvas.trim(list(box)) == first == canvas.trim(box)
    assert canvas.gutters(list(first), 1) == canvas.gutters(first, 1)


def test_component_boxes_from_row_runs_equal_opencv_statistics() -> None:
    """``connected_boxes`` rebuilds OpenCV's component statistics from row runs: the same
    boxes and areas, in the same order, on sparse, dense and edge-touching masks."""
    import cv2

    from panel2patch.layout.canvas import connected_boxes

    rng = np.random.default_rng(3)
    for shape, density in (((60, 90), 0.05), ((61, 47), 0.45), ((1, 50), 0.5), ((40, 1), 0.5), ((33, 33), 0.0)):
        mask = (rng.random(shape) < density).astype(np.uint8)
        mask[:, :3] = 1 if density else 0  # a component along the left edge
        _, _, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_BBDT)
        assert np.array_equal(connected_boxes(mask), stats[1:].astype(np.int32)), shape


def test_white_page_line_flags_equal_the_pixel_by_pixel_flags() -> None:
    """On a white page the gutter line flags come from two integral images
    (``white_page_flags``): the very flags the per-line max/min pass gives, over random
    boxes of a JPEG'd figure with rules, plots and pictures."""
    from panel2patch.layout.gutters import HORIZONTAL, VERTICAL, _line_flags, white_page_flags

    fig = grid_figure(2, 3, ["plot", "micrograph", "photo"], labels=["A", "B", "C", "D", "E", "F"], seed=7)
    canvas = build_canvas(_jpeg(fig.image, 60), LayoutConfig())
    tables = canvas._white_page
    assert tables is not None  # the grid figure is drawn on white
    rng = np.random.default_rng(2)
    tolerance, page = canvas.config.uniform_tolerance, canvas.background_gray
    for _ in range(200):
        x0, x1 = sorted(rng.integers(0, canvas.width, 2))
        y0, y1 = sorted(rng.integers(0, canvas.height, 2))
        box = (int(x0), int(y0), int(x1) + 1, int(y1) + 1)
        for axis in (HORIZONTAL, VERTICAL):
            slow_page, slow_flat = _line_flags(canvas.gray, box, axis, tolerance, page)
            fast_page, fast_flat_only = white_page_flags(canvas.gray, box, axis, *tables)
            assert np.array_equal(fast_page, slow_page)
            assert np.array_equal(fast_flat_only, slow_flat & ~slow_page)


@pytest.mark.shared_data
def test_seams_between_touching_photos_of_fur_and_foliage_are_found(shared_data) -> None:
    """OpenApePose fig1 is a grid of 4 x 6 photos touching without gutters (fur, grass,
    leaves): down its first column each of the three seams between the rows is found,
    where the lines a few pixels inside the photos step nearly as much as the seams do."""
    import zipfile

    from panel2patch.layout.gutters import HORIZONTAL, find_seams

    meca = shared_data / "articles" / "elife_meca" / "2212.00741-OpenApePose.meca.zip"
    with zipfile.ZipFile(meca) as archive:
        name = next(n for n in archive.namelist() if n.endswith("2212.00741v1_fig1.jpg"))
        image = Image.open(io.BytesIO(archive.read(name))).convert("L")
    gray = np.asarray(image)[:, :320]  # the first column of photos
    row = gray.shape[0] / 4
    seams = [g.start for g in find_seams(gray, (0, 0, gray.shape[1], gray.shape[0]), HORIZONTAL, 60)]
    assert len(seams) == 3
    assert all(abs(s - (k + 1) * row) <= 4 for k, s in enumerate(seams))
