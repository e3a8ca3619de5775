"""The report in a real headless browser: every image loads, the console stays empty."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from panel2patch.report import write_run_report
from panel2patch.report.browser import check_page, find_browser, screenshot

pytest.importorskip("matplotlib", reason="the report's charts need the [report] extra")
BROWSER = find_browser()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium on PATH (apt-get install chromium)")


def test_report_renders_in_chromium(fixture_report: Path, tmp_path: Path) -> None:
    index = fixture_report
    n_images = len(re.findall(r"<img ", index.read_text()))
    check = check_page(index, BROWSER)
    assert check.images == n_images > 6
    assert check.broken == []
    assert check.console == []
    png = tmp_path / "shot.png"
    assert screenshot(index, png, 1280, 2000, BROWSER) == []
    with Image.open(png) as image:
        assert image.size == (1280, 2000)
        assert len(np.unique(np.asarray(image.convert("L").resize((64, 64))))) > 20  # not a blank page


@pytest.mark.slow
def test_check_catches_a_missing_image(fixture_run_dir: Path, tmp_path: Path) -> None:
    index = write_run_report(fixture_run_dir, tmp_path / "report", gallery_size=2)
    first = re.search(r'src="(gallery/[^"]+)"', index.read_text())
    assert first is not None
    (index.parent / first.group(1)).unlink()
    check = check_page(index, BROWSER)
    assert check.broken == [first.group(1)]
