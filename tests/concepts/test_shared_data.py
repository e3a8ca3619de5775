"""On real panels from ../shared/data (skipped when absent)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from panel2patch.concepts import PanelKind, is_image_like, label_figure, panel_kind
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.shared_data

SODA_219 = "figures/soda_mmqc/10.1038_s44321-025-00219-1/content/1/content/44321_2025_219_fig1_html.png"
SODA_412 = "figures/soda_mmqc/10.1038_s44318-025-00412-5/content/1/content/44318_2025_412_fig1_html.png"


def _boxes(figure_id: str) -> list[tuple[str | None, tuple[int, int, int, int]]]:
    data = json.loads((REPO_ROOT / "benchmarks" / "layout" / "real_annotations.json").read_text())
    figure = next(f for f in data["figures"] if f["id"] == figure_id)
    return [(p["label"], tuple(p["bbox"])) for p in figure["panels"]]


def _crop(shared: Path, figure_id: str, box: tuple[int, int, int, int]) -> np.ndarray:
    image = np.asarray(Image.open(shared / figure_id).convert("RGB"))
    x0, y0, x1, y1 = box
    return image[y0:y1, x0:x1]


def test_soda_dev_micrographs_and_blots(shared_data: Path) -> None:
    """Dev panels (looked at while building): all four 219 panels are micrographs; the 412
    western blots are blots, its plots are not image-like."""
    for _, box in _boxes(SODA_219):
        assert panel_kind(_crop(shared_data, SODA_219, box)).kind is PanelKind.MICROGRAPH
    kinds = {label: panel_kind(_crop(shared_data, SODA_412, box)).kind for label, box in _boxes(SODA_412)}
    assert kinds["B"] is PanelKind.BLOT_GEL and kinds["D"] is PanelKind.BLOT_GEL
    assert not is_image_like(kinds["A"]) and not is_image_like(kinds["C"])


def test_medpix_radiology_is_image_like(shared_data: Path) -> None:
    folder = shared_data / "classification" / "medpix_ct_mr" / "images"
    files = sorted(folder.glob("*.png"))[:6]
    assert files
    for path in files:
        assert is_image_like(panel_kind(Image.open(path)).kind), path.name


def test_a_map_is_not_a_micrograph(shared_data: Path) -> None:
    # PLoS ONE 0091296 g001: a shaded map with insets; its pixels alone look like a plain picture
    image = Image.open(shared_data / "articles" / "stencila_jats" / "plosone-0091296" / "g001.png")
    caption = "Study locations. Papua New Guinea with details (insets) of Ahus Island, Manus Province, and Karkar Island."
    labels = label_figure(image, caption)
    assert labels.kind.kind is not PanelKind.MICROGRAPH
    assert "Microscopy" not in {c.global_class for c in labels.concepts}
    assert "Maps" in {c.global_class for c in labels.concepts}
