"""What counts as a drawing when splitting, whatever the coarse mask merges: lines of large
type are text (``canvas.text_lines``); pictures merged across narrow gutters still hold
one each (``Canvas.straddling``)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tests.layout.fakes import grid_figure, unlabelled_panel_boxes


def _enrichment_chart(type_size: int, dpi: int) -> Image.Image:
    """A GO-enrichment bar chart as matplotlib draws it: category names, then the bars."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    terms = ["regulation of immune response", "cell cycle", "DNA replication", "apoptotic process",
             "response to hypoxia", "angiogenesis", "T cell activation", "lipid metabolic process",
             "extracellular matrix organization", "inflammatory response"]
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.barh(terms, np.random.default_rng(0).uniform(1, 10, len(terms)), color="#4477aa")
    axes.tick_params(labelsize=type_size)
    axes.set_xlabel("-log10 p", fontsize=type_size)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=dpi, format="png")
    plt.close(figure)
    return Image.open(buffer).convert("RGB")


@pytest.mark.parametrize(("type_size", "dpi"), [(10, 100), (11, 72), (10, 150)])
def test_the_category_names_of_a_bar_chart_stay_with_its_bars(type_size, dpi) -> None:
    """Large type blurs into one component per line on the coarse mask: the column of
    names read as a drawing and was cut off as a panel of its own."""
    assert len(unlabelled_panel_boxes(_enrichment_chart(type_size, dpi))) == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pictures_with_narrow_gutters_are_split(seed) -> None:
    """Fluorescence pictures with 6 px of white between them merge into one component per
    column on the coarse mask, centred in the gutter between the rows: neither row held a
    drawing and the figure stayed one panel. (With 5-px gutters each row merges instead,
    centred in its middle picture: still two panels, not six.)"""
    figure = grid_figure(2, 3, ["micrograph"], gap=6, seed=seed)
    assert len(unlabelled_panel_boxes(figure.image)) == 6
