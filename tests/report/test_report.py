"""The run report: funnel totals and a static page whose every file is in the report folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from panel2patch.report import run_funnel, write_run_report
from tests.dataset.runs import FIG


@pytest.fixture
def report(fixture_report: Path) -> Path:
    return fixture_report


def _stage(funnel: dict[str, Any], name: str) -> dict[str, Any]:
    return next(stage for stage in funnel["stages"] if stage["stage"] == name)


def test_run_funnel_counts_every_drop_by_name(fixture_run_dir: Path, example_run_dir: Path) -> None:
    funnel = run_funnel(fixture_run_dir)
    assert [s["stage"] for s in funnel["stages"]] == ["packages", "articles", "figures", "panels", "regions"]
    for stage in funnel["stages"][1:]:
        assert stage["in"] - stage["out"] == sum(stage["dropped"].values()), stage
    assert _stage(funnel, "regions") == {"stage": "regions", "in": 3, "out": 2, "dropped": {"no_caption_phrase": 1}}
    assert funnel["pairs"]["region"] == 2 and funnel["pairs"]["figure"] == 13
    assert funnel["figures"]["compound"] == funnel["figures"]["samples"] - funnel["figures"]["single_panel"]
    real = run_funnel(example_run_dir)
    assert _stage(real, "articles")["out"] == 1 and _stage(real, "figures")["out"] == real["pairs"]["figure"] == 9
    assert real["panel_pairs_per_compound_figure"] > 0


def test_report_html_references_only_files_inside_it(report: Path) -> None:
    html = report.read_text()
    assert report.name == "index.html"
    refs = re.findall(r'(?:src|href)="([^"#]+)"', html)
    assert refs, "the page shows charts and figures"
    for ref in refs:
        assert "://" not in ref and not ref.startswith("/"), ref  # relative: opens from disk, fetches nothing
        assert (report.parent / ref).is_file(), ref
    assert "<script" not in html and "@import" not in html
    gallery = re.findall(r'src="(gallery/[^"]+)"', html)
    assert len(gallery) == 6
    assert gallery[0] == f"gallery/{FIG.format(1)}.jpg"  # figures with regions come first
    for chart in ("funnel.svg", "panels_per_figure.svg", "panel_concepts.svg", "panel_kinds.svg", "license_groups.svg", "image_sizes.png"):
        assert f"charts/{chart}" in html
    assert "arrowheads indicate mitochondria in the axon" in html and "no phrase" in html
    assert "Microscopy" in html and "kind: micrograph" in html


def test_report_is_deterministic(fixture_run_dir: Path, report: Path, tmp_path: Path) -> None:
    again = write_run_report(fixture_run_dir, tmp_path, gallery_size=6)
    assert again.read_bytes() == report.read_bytes()
    for path in sorted((report.parent / "charts").iterdir()):
        assert (tmp_path / "charts" / path.name).read_bytes() == path.read_bytes(), path.name


def test_cli_report_and_missing_run(fixture_run_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the report's charts need the [report] extra")
    from typer.testing import CliRunner

    from panel2patch.cli import _register_commands, app

    _register_commands()
    result = CliRunner().invoke(app, ["report", str(fixture_run_dir), "--out", str(tmp_path / "r"), "--gallery", "0"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "index.html").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(app, ["report", str(empty)])
    assert result.exit_code == 2


def test_a_single_panel_figure_lists_its_regions() -> None:
    from panel2patch.report.gallery import GalleryItem
    from panel2patch.report.html_page import gallery_entry

    meta = {"panels": [], "panel_text": "single_panel", "regions": [
        {"bbox": [420, 630, 470, 690], "panel": 0, "text": "location of the Main Endeavour Field",
         "marker": {"type": "star", "color": "black", "bbox": [433, 647, 455, 667]}}]}
    html = gallery_entry(GalleryItem("PMC1762412_g001", "figures/g001.jpg", 664, 926, meta, "Map. MEF marked with a star."))
    assert "single panel" in html
    assert "r1 star black" in html and "location of the Main Endeavour Field" in html
