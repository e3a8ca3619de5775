"""Figure-level labels in the pipeline: a <table-wrap> image is one table; a compound figure is judged by its panels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from panel2patch.config import ExtractConfig
from panel2patch.pipeline.figure_stages import analyze_figure
from panel2patch.records import FigureRecord


def _analyse(image: Image.Image, kind: str, caption: str):
    record = FigureRecord("t003", label="Table 3", caption=caption, kind=kind)
    return analyze_figure(image.convert("RGB"), record, "article_t003", ExtractConfig())


@pytest.mark.shared_data
def test_a_table_image_is_one_table_not_panels(shared_data: Path) -> None:
    # PLoS ONE 0091296 Table 3: two blocks of rows with a wide white gap; as a <fig> it splits
    image = Image.open(shared_data / "articles" / "stencila_jats" / "plosone-0091296" / "t003.png")
    caption = "Socioeconomic indicators used in redundancy analysis (RDA) to identify drivers of fisher knowledge."
    as_figure = _analyse(image, "figure", caption)
    assert len(as_figure.panels) >= 2
    as_table = _analyse(image, "table", caption)
    assert as_table.panels == [] and as_table.panel_text == "single_panel"
    assert as_table.layout["backend"] == "markup" and "table" in as_table.layout["reason"]
    assert as_table.concepts["kind"] == "table" and as_table.concepts["kind_source"] == "markup"
    assert as_table.concepts["concepts"][0] == {"global": "Tables", "local": "table", "source": "markup",
                                                "confidence": 1.0}


@pytest.mark.shared_data
def test_a_compound_figure_is_labelled_from_its_panels(shared_data: Path) -> None:
    # ZooKeys 119 Figure 3: twenty photographs of beetle larvae on a light ground; judged as
    # one image the tiled plate looked like a chart
    image = Image.open(shared_data / "articles" / "pmc_oa_packages" / "PMC3192425" / "ZooKeys-119-037-g003.jpg")
    record = FigureRecord("F3", label="Figures 3", caption="Morphs presenting color variability of L3 larvae of "
                          "Epomis dejeani. Scale bar 10 mm.")
    analysis = analyze_figure(image.convert("RGB"), record, "zookeys_F3", ExtractConfig())
    assert len(analysis.panels) >= 10
    kinds = [panel["kind"] for panel in analysis.panels]
    assert analysis.concepts["kind"] == max(set(kinds), key=kinds.count) == "photo"
