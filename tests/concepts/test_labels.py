"""Image concepts, their combination with text concepts, panel and figure labels."""

from __future__ import annotations

import numpy as np

from panel2patch.concepts import Concept, PanelKind
from panel2patch.concepts.labels import combine, concepts_from_image, label_figure, label_panel
from panel2patch.concepts.records import KindDecision
from tests.concepts import synthetic


def test_image_concepts() -> None:
    fluo = concepts_from_image(synthetic.fluorescence())[0]
    assert (fluo.global_class, fluo.local_class, fluo.source) == ("Microscopy", "fluorescence microscopy", "image")
    assert concepts_from_image(synthetic.radiograph())[0].global_class == "Clinical Imaging"
    assert concepts_from_image(synthetic.bar_chart())[0].global_class == "Plots and Charts"


def test_combine_records_source_and_confidence() -> None:
    text = [Concept("Microscopy", "confocal microscopy", "text", 0.6)]
    image = [Concept("Microscopy", "microscopy", "image", 0.5), Concept("Plots and Charts", "plot", "image", 0.3)]
    merged = combine(text, image)
    assert merged[0] == Concept("Microscopy", "confocal microscopy", "combined", 0.8)
    assert merged[1].source == "image"


def test_text_that_contradicts_a_confident_kind_is_demoted() -> None:
    text = [Concept("Immuno Assays", "immunoblot", "text", 0.8)]
    seen = KindDecision(PanelKind.PLOT, 0.9, "image")
    assert combine(text, [], image_kind=seen)[0].confidence == 0.4
    assert combine(text, [])[0].confidence == 0.8


def test_label_panel_to_dict() -> None:
    labels = label_panel(synthetic.western_blot(), "Western blot of p53; GAPDH loading control")
    data = labels.to_dict()
    assert data["kind"] == "blot_gel"
    assert data["concepts"][0] == {
        "global": "Immuno Assays",
        "local": "immunoblot",
        "source": "combined",
        "confidence": data["concepts"][0]["confidence"],
    }


def test_label_figure_by_panels() -> None:
    figure, boxes = synthetic.compound(synthetic.fluorescence(), synthetic.bar_chart())
    labels = label_figure(figure, "(A) Confocal images. (B) Quantification; mean \u00b1 SEM.", boxes)
    found = {c.global_class for c in labels.concepts}
    assert {"Microscopy", "Plots and Charts"} <= found
    assert labels.kind.kind in (PanelKind.MICROGRAPH, PanelKind.PLOT)


def test_label_bad_inputs() -> None:
    assert label_panel(np.zeros((1, 1, 3), np.uint8)).kind.kind is PanelKind.OTHER
    label_panel(np.zeros((1, 1, 3), np.uint8), "CT scan").to_dict()
    label_figure(np.full((50, 50, 3), 255, np.uint8), None, [(0, 0, 0, 0), (5, 5, 4, 4), (-10, -10, 10**6, 10**6)])


def test_a_table_image_is_labelled_a_table_by_markup() -> None:
    from panel2patch.concepts import label_table_image

    labels = label_table_image("Recording system specifications of the hydrophone and its spectral analysis.")
    assert labels.kind.kind.value == "table" and labels.kind.source == "markup"
    assert (labels.concepts[0].global_class, labels.concepts[0].source) == ("Tables", "markup")
    confocal = label_table_image("Confocal microscopy settings used for each dye.")
    micro = [c for c in confocal.concepts if c.global_class == "Microscopy"]
    # the caption is about microscopy, but the image is a table: the text concept is kept, halved
    assert micro and micro[0].confidence < 0.5
    assert label_table_image(None).concepts[0].global_class == "Tables"


def test_figure_labels_reuse_the_panels_features() -> None:
    from panel2patch.concepts import image_features, label_figure
    from tests.concepts import synthetic

    image, boxes = synthetic.compound(synthetic.fluorescence(), synthetic.bar_chart())
    features = [image_features(image.crop(box)) for box in boxes]
    assert label_figure(image, None, boxes, panel_features=features) == label_figure(image, None, boxes)
