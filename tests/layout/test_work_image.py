"""The work image: the cheap shrink keeps thin rules as INTER_AREA does."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from panel2patch.layout import LayoutConfig
from panel2patch.layout.canvas import build_canvas, shrink_for_work


def _ruled(width: int, height: int = 120, spacing: int = 23) -> tuple[np.ndarray, list[int]]:
    """White page with a one-pixel black vertical rule every ``spacing`` columns, so the
    rules fall at every offset against the work pixel grid."""
    rgb = np.full((height, width, 3), 255, np.uint8)
    columns = list(range(5, width - 5, spacing))
    rgb[:, columns] = 0
    return rgb, columns


def _faintest_rule(row: np.ndarray, columns: list[int], factor: float) -> int:
    """Grey of the faintest rule in a work-image row (each rule's darkest nearby pixel)."""
    return max(int(row[max(0, int(x / factor) - 2) : int(x / factor) + 3].min()) for x in columns)


@pytest.mark.parametrize("width", [1140, 1500, 1650, 2000, 3000])
def test_one_pixel_rules_stay_as_dark_as_with_inter_area(width: int) -> None:
    rgb, columns = _ruled(width)
    size = (1100, round(rgb.shape[0] * 1100 / width))
    factor = width / 1100
    ours = _faintest_rule(shrink_for_work(rgb, size)[size[1] // 2, :, 0], columns, factor)
    area = _faintest_rule(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)[size[1] // 2, :, 0], columns, factor)
    assert ours <= area + 12
    assert ours < 255 - LayoutConfig().uniform_tolerance  # every rule is still content


def test_a_one_pixel_rule_of_a_1140_px_figure_is_content_in_the_work_image() -> None:
    rgb = np.full((600, 1140, 3), 255, np.uint8)
    rgb[:, 577] = 0  # a rule falling between two work pixels
    rgb[301, :] = 0
    canvas = build_canvas(rgb, LayoutConfig())
    assert canvas.long_side == 1100
    assert canvas.content.any(axis=0).sum() == canvas.width  # the row rule spans the work image
    assert canvas.content[:, canvas.content.sum(axis=0).argmax()].all()  # the column rule too
