"""Panel kinds from synthetic crops, the text tie-breaker, and hostile inputs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from panel2patch.concepts import PanelKind, image_features, is_image_like, panel_kind
from panel2patch.concepts.kinds import decide_kind
from tests.concepts import synthetic


@pytest.mark.parametrize(
    ("draw", "kind"),
    [
        (synthetic.bar_chart, PanelKind.PLOT),
        (synthetic.fluorescence, PanelKind.MICROGRAPH),
        (synthetic.radiograph, PanelKind.RADIOLOGY),
        (synthetic.western_blot, PanelKind.BLOT_GEL),
        (synthetic.he_section, PanelKind.MICROGRAPH),
    ],
)
def test_synthetic_crops(draw, kind: PanelKind) -> None:
    for seed in (0, 1):
        decision = panel_kind(draw(seed))
        assert decision.kind is kind, (draw.__name__, seed, decision)
        assert decision.source == "image" and 0 < decision.score <= 1


def test_image_like_split() -> None:
    assert is_image_like(PanelKind.MICROGRAPH) and is_image_like("blot_gel") and is_image_like("radiology")
    assert not is_image_like(PanelKind.PLOT) and not is_image_like("table") and not is_image_like("nonsense")
    assert panel_kind(synthetic.fluorescence()).image_like
    assert not panel_kind(synthetic.bar_chart()).image_like


def test_thresholds_are_relative_to_size() -> None:
    small = synthetic.bar_chart().resize((200, 150))
    large = synthetic.bar_chart().resize((1600, 1200))
    assert panel_kind(small).kind is panel_kind(large).kind is PanelKind.PLOT
    assert panel_kind(synthetic.fluorescence().resize((1600, 1200))).kind is PanelKind.MICROGRAPH


def test_text_breaks_ties_but_not_clear_calls() -> None:
    image = {kind: 0.0 for kind in PanelKind}
    image.update({PanelKind.PLOT: 0.45, PanelKind.MICROGRAPH: 0.40})
    assert decide_kind(image).kind is PanelKind.PLOT
    tipped = decide_kind(image, {PanelKind.MICROGRAPH: 0.9})
    assert tipped.kind is PanelKind.MICROGRAPH and tipped.source == "text"
    clear = panel_kind(synthetic.fluorescence(), "Bar graphs show mean \u00b1 SEM")
    assert clear.kind is PanelKind.MICROGRAPH
    agreed = panel_kind(synthetic.western_blot(), "Western blot of p53")
    assert agreed.kind is PanelKind.BLOT_GEL and agreed.source == "combined"


@pytest.mark.parametrize(
    "crop",
    [
        np.zeros((1, 1, 3), np.uint8),
        np.zeros((0, 10, 3), np.uint8),
        np.full((300, 300, 3), 255, np.uint8),
        np.zeros((300, 300, 3), np.uint8),
        np.full((40, 3000, 3), 128, np.uint8),
        np.random.default_rng(0).integers(0, 65535, (64, 64), dtype=np.uint16),
        np.full((50, 50), np.nan, np.float32),
        np.random.default_rng(1).integers(0, 255, (50, 50, 4), dtype=np.uint8),
        np.random.default_rng(2).integers(0, 255, (7, 500, 3), dtype=np.uint8),
        Image.new("1", (30, 30)),
        Image.new("P", (30, 30)),
        "not an image",
    ],
)
def test_bad_inputs_never_raise(crop) -> None:
    decision = panel_kind(crop, "Western blot")
    assert isinstance(decision.kind, PanelKind)
    panel_kind(crop)
    image_features(crop)


def test_blank_and_tiny_are_other() -> None:
    for crop in (np.zeros((1, 1, 3), np.uint8), np.full((200, 200, 3), 255, np.uint8)):
        decision = panel_kind(crop)
        assert decision.kind is PanelKind.OTHER and decision.source == "fallback"


def test_a_caption_naming_a_map_or_drawing_overrules_a_plain_picture_only() -> None:
    image = {kind: 0.0 for kind in PanelKind}
    image[PanelKind.MICROGRAPH] = 0.95
    map_text = {PanelKind.DIAGRAM: 0.6}
    assert decide_kind(image, map_text).kind is PanelKind.MICROGRAPH  # the pixels had a micrograph's look
    overruled = decide_kind(image, map_text, plain=True)
    assert overruled.kind is PanelKind.DIAGRAM and overruled.source == "text"
    assert decide_kind(image, {PanelKind.DIAGRAM: 0.6, PanelKind.MICROGRAPH: 0.3}, plain=True).kind is PanelKind.MICROGRAPH
    assert decide_kind(image, {PanelKind.PLOT: 0.9}, plain=True).kind is PanelKind.MICROGRAPH  # pixels know plots
    assert decide_kind(image, {PanelKind.DIAGRAM: 0.3}, plain=True).kind is PanelKind.MICROGRAPH  # not confident
    # fluorescence glow on black is a micrograph's own look: a map caption does not overrule it
    assert panel_kind(synthetic.fluorescence(), "Study locations in Manus Province.").kind is PanelKind.MICROGRAPH


def test_the_likelier_side_decides_before_the_best_single_kind() -> None:
    # a heatmap with a brownish colour map: 54% graphic, split over plot / diagram / table
    image = {kind: 0.0 for kind in PanelKind}
    image.update({PanelKind.MICROGRAPH: 0.46, PanelKind.PLOT: 0.30, PanelKind.DIAGRAM: 0.15, PanelKind.TABLE: 0.09})
    decision = decide_kind(image)
    assert decision.kind is PanelKind.PLOT and decision.source == "image"
    image.update({PanelKind.MICROGRAPH: 0.56, PanelKind.PLOT: 0.30, PanelKind.DIAGRAM: 0.14, PanelKind.TABLE: 0.0})
    assert decide_kind(image).kind is PanelKind.MICROGRAPH
