"""Export and report on real articles from ../shared/data (skipped when absent; slow)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import webdataset as wds

from panel2patch.dataset import ExportConfig, export_run
from panel2patch.report import run_funnel, write_run_report
from panel2patch.report.browser import check_page, find_browser

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


@pytest.fixture(scope="module")
def shared_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shared") / "run"
    source = shared_data / "articles" / "stencila_jats"
    subprocess.run([sys.executable, "-m", "panel2patch", "run", str(source), "--out", str(out), "-w", "4"],
                   check=True, capture_output=True)
    return out


def test_shared_articles_export_and_report(shared_run: Path, tmp_path: Path) -> None:
    funnel = run_funnel(shared_run)
    assert funnel["pairs"]["figure"] > 20 and funnel["pairs"]["panel"] > 20
    stats = export_run(shared_run, tmp_path / "flat", ExportConfig(), workers=2)
    for group, pattern in stats["train_data"].items():
        pairs = list(wds.WebDataset(str(tmp_path / "flat" / pattern), shardshuffle=False).decode("pil").to_tuple("jpg", "txt"))
        assert len(pairs) == sum(json.loads((tmp_path / "flat" / group / "sizes.json").read_text()).values())
    assert stats["kept"]["panel"] > 0.5 * funnel["pairs"]["panel"]
    index = write_run_report(shared_run, tmp_path / "report", export_dir=tmp_path / "flat")
    if find_browser():
        check = check_page(index)
        assert check.broken == [] and check.console == [] and check.images > 24
