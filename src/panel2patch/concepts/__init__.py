"""Concepts: BIOMEDICA's taxonomy labels and each panel's kind, on a CPU.

    from panel2patch.concepts import panel_kind, label_panel, label_figure, concepts_from_text
    panel_kind(crop, "Representative confocal images").kind    # PanelKind.MICROGRAPH
    is_image_like(PanelKind.PLOT)                               # False (the image-vs-plot split)
    concepts_from_text("Kaplan–Meier survival curves")          # [Concept("Plots and Charts", "survival curve", "text", 0.96)]
    label_panel(crop, subcaption).to_dict()                     # {"kind": ..., "concepts": [...]}
    label_figure(image, caption, panel_boxes).to_dict()

The cluster path (embeddings → PCA → k-means → an editable cluster table) is in
``panel2patch.concepts.clusters`` / ``cluster_run`` and behind ``panel2patch concepts fit|apply``.
"""

from panel2patch.concepts.embedders import Embedder, HistogramEmbedder, TorchEmbedder, get_embedder
from panel2patch.concepts.features import ImageFeatures, image_features
from panel2patch.concepts.kinds import kind_scores, panel_kind
from panel2patch.concepts.labels import Labels, combine, concepts_from_image, label_figure, label_panel, label_table_image
from panel2patch.concepts.records import IMAGE_LIKE_KINDS, Concept, KindDecision, PanelKind, is_image_like
from panel2patch.concepts.taxonomy import Taxonomy, load_taxonomy
from panel2patch.concepts.text import concepts_from_text

__all__ = [
    "IMAGE_LIKE_KINDS",
    "Concept",
    "Embedder",
    "HistogramEmbedder",
    "ImageFeatures",
    "KindDecision",
    "Labels",
    "PanelKind",
    "Taxonomy",
    "TorchEmbedder",
    "combine",
    "concepts_from_image",
    "concepts_from_text",
    "get_embedder",
    "image_features",
    "is_image_like",
    "kind_scores",
    "label_figure",
    "label_table_image",
    "label_panel",
    "load_taxonomy",
    "panel_kind",
]
