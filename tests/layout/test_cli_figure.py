"""``panel2patch figure``: JSON shape, rendered PNG, help, bad files."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from panel2patch.cli import _register_commands, app
from tests.layout.fakes import grid_figure

_register_commands()  # as ``panel2patch`` does: every command module registers on ``app``
runner = CliRunner()


def _figure(tmp_path: Path) -> Path:
    path = tmp_path / "fig1.png"
    grid_figure(1, 2, ["plot", "micrograph"], labels=["A", "B"]).image.save(path)
    return path


def test_json_has_the_stable_keys(tmp_path: Path) -> None:
    path = _figure(tmp_path)
    result = runner.invoke(app, ["figure", str(path), "--json", "--caption", "Figure 1. (A) x. (B) y."])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"image", "width", "height", "panels"} <= set(data)
    assert data["image"] == str(path) and (data["width"], data["height"]) == Image.open(path).size
    assert data["caption"] == "Figure 1. (A) x. (B) y."
    assert [p["label"] for p in data["panels"]] == ["A", "B"]
    assert [p["subcaption"] for p in data["panels"]] == ["x.", "y."]
    assert {"marker_phrases", "markers", "regions"} <= set(data)
    for panel in data["panels"]:
        # the layout issue's keys stay stable; later stages add theirs (sub-caption, kind, concepts)
        assert {"bbox", "label", "label_bbox", "kind", "subcaption"} <= set(panel)
        assert panel["kind"] in ("micrograph", "radiology", "photo", "endoscopy", "blot_gel", "plot",
                                 "diagram", "table", "chemical", "other")
        assert len(panel["bbox"]) == 4 and all(isinstance(v, int) for v in panel["bbox"])
        x0, y0, x1, y1 = panel["bbox"]
        assert 0 <= x0 < x1 <= data["width"] and 0 <= y0 < y1 <= data["height"]


def test_without_json_it_draws_a_png(tmp_path: Path) -> None:
    path = _figure(tmp_path)
    out = tmp_path / "drawn.png"
    result = runner.invoke(app, ["figure", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout and "2 panel(s)" in result.stdout
    assert Image.open(out).size == Image.open(path).size


def test_default_png_goes_to_the_current_directory(tmp_path: Path, monkeypatch) -> None:
    path = _figure(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["figure", str(path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fig1_panels.png").exists()


def test_help_explains_every_option() -> None:
    result = runner.invoke(app, ["figure", "--help"])
    assert result.exit_code == 0
    for option in ("--caption", "--json", "--out", "--backend"):
        assert option in result.stdout


def test_a_broken_image_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"<html>not an image</html>")
    result = runner.invoke(app, ["figure", str(path), "--json"])
    assert result.exit_code == 1
    assert "error" in json.loads(result.stdout)


def test_a_tiny_image_gets_the_usual_answer_with_a_reason(tmp_path: Path) -> None:
    # a run drops images of 20 px or less per side; the figure command still answers for them
    path = tmp_path / "dot.png"
    Image.new("RGB", (1, 1), "red").save(path)
    result = runner.invoke(app, ["figure", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["width"], data["height"], data["panels"], data["markers"]) == (1, 1, [], [])
    assert "small" in data["layout"]["reason"]
