"""Concept labels from pixels, their combination with text labels, and the per-panel and
per-figure entry points the dataset stage calls.

    labels = label_panel(crop, panel_text)
    labels.kind.kind           # PanelKind.MICROGRAPH
    labels.concepts            # [Concept("Microscopy", "fluorescence microscopy", "combined", 0.93)]
    label_figure(image, caption, panel_boxes=[(x0, y0, x1, y1), ...]).to_dict()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from panel2patch.concepts.features import ImageFeatures, image_features
from panel2patch.concepts.kinds import best_of_likelier_side, decide_kind, kind_from_text, kind_scores, plain_picture
from panel2patch.concepts.records import Concept, KindDecision, PanelKind, is_image_like
from panel2patch.concepts.taxonomy import Taxonomy, load_taxonomy
from panel2patch.concepts.text import concepts_from_text
from panel2patch.layout.image_input import UnusableImage, to_rgb_array

MIN_IMAGE_SCORE = 0.25  # a second kind is reported when its score reaches this
MIN_CONFIDENCE = 0.2
MAX_CONCEPTS = 3
DISAGREEMENT_FACTOR = 0.5  # a text concept whose kinds exclude a confident image kind keeps half
CONFIDENT_KIND = 0.6
RUNNER_UP_CAP = 0.9  # the second image concept keeps at most this share of the first's confidence

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Labels:
    """What the concept stage says about one panel or figure."""

    kind: KindDecision
    concepts: list[Concept] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.kind.value,
            "kind_score": round(float(self.kind.score), 3),
            "kind_source": self.kind.source,
            "concepts": [c.to_dict() for c in self.concepts],
        }


def image_concept(kind: PanelKind, score: float, f: ImageFeatures, taxonomy: Taxonomy) -> Concept:
    """The concept a panel kind implies, refined by colour where the pixels say more."""
    global_class, local_class = taxonomy.kind_concept(kind)
    if kind is PanelKind.MICROGRAPH:
        if f.glow > 0.01 and f.dark > 0.25:
            local_class = "fluorescence microscopy"
        elif f.pink_purple > 0.3:
            local_class = "light microscopy"
    elif kind is PanelKind.PLOT and (f.rainbow > 0 or f.cells > 0.3):
        local_class = "heatmap plot"
    return Concept(global_class, local_class, "image", round(float(score), 4))


def concepts_from_features(f: ImageFeatures, taxonomy: Taxonomy | None = None) -> list[Concept]:
    taxonomy = taxonomy or load_taxonomy()
    scores = kind_scores(f)
    first = best_of_likelier_side(scores)  # the kind decided, then the runner-up by score
    ranked = sorted(scores.items(), key=lambda item: (item[0] is not first, -item[1]))
    concepts = []
    for rank, (kind, score) in enumerate(ranked[:2]):
        if rank > 0 and score < MIN_IMAGE_SCORE:
            break
        if kind is PanelKind.OTHER and not f.usable:
            return [Concept("Ambiguous", "ambiguous", "image", 0.0)]
        if rank > 0:  # a kind of the less likely side never outranks the kind decided
            score = min(score, RUNNER_UP_CAP * ranked[0][1])
        concepts.append(image_concept(kind, score, f, taxonomy))
    return _dedupe(concepts)


def concepts_from_image(image: Image.Image | np.ndarray, taxonomy: Taxonomy | None = None) -> list[Concept]:
    """Concepts the pixels of a crop suggest (the kind's concept, refined by colour)."""
    return concepts_from_features(image_features(image), taxonomy)


def _dedupe(concepts: list[Concept]) -> list[Concept]:
    best: dict[str, Concept] = {}
    for concept in concepts:
        if concept.global_class not in best or concept.confidence > best[concept.global_class].confidence:
            best[concept.global_class] = concept
    return sorted(best.values(), key=lambda c: (-c.confidence, c.global_class))


def combine(
    text_concepts: Sequence[Concept],
    image_concepts: Sequence[Concept],
    taxonomy: Taxonomy | None = None,
    image_kind: KindDecision | None = None,
) -> list[Concept]:
    """Merge text and image labels per global class.

    Both sources agree: ``combined``, confidence ``1 - (1 - t)(1 - i)``, the more specific
    local class (the text's when it has one). One source only: its label, except that a text
    concept whose possible kinds exclude a confidently seen kind keeps ``DISAGREEMENT_FACTOR``
    of its confidence (a caption saying "qPCR" over a bar chart is about a bar chart).
    """
    taxonomy = taxonomy or load_taxonomy()
    text = {c.global_class: c for c in _dedupe(list(text_concepts))}
    image = {c.global_class: c for c in _dedupe(list(image_concepts))}
    merged: list[Concept] = []
    for name in sorted(set(text) | set(image)):
        t, i = text.get(name), image.get(name)
        if t and i:
            local = t.local_class or i.local_class
            confidence = 1.0 - (1.0 - t.confidence) * (1.0 - i.confidence)
            merged.append(Concept(name, local, "combined", round(confidence, 4)))
        elif t:
            confidence = t.confidence
            if image_kind is not None and image_kind.score >= CONFIDENT_KIND and image_kind.kind is not PanelKind.OTHER:
                kinds = taxonomy.kinds_of(t.global_class, t.local_class)
                seen_picture = is_image_like(image_kind.kind)
                if kinds and all(is_image_like(kind) != seen_picture for kind in kinds):
                    confidence *= DISAGREEMENT_FACTOR
            merged.append(Concept(name, t.local_class, "text", round(confidence, 4)))
        elif i:
            merged.append(i)
    merged = [c for c in merged if c.confidence >= MIN_CONFIDENCE] or merged[:1]
    merged.sort(key=lambda c: (-c.confidence, c.global_class))
    return merged[:MAX_CONCEPTS]


def label_panel(
    crop: Image.Image | np.ndarray,
    panel_text: str | None = None,
    taxonomy: Taxonomy | None = None,
    features: ImageFeatures | None = None,
) -> Labels:
    """Kind and concepts of one panel crop, from its pixels and (optionally) its text.
    ``features``: the crop's ``image_features`` when the caller has them already."""
    taxonomy = taxonomy or load_taxonomy()
    features = features if features is not None else image_features(crop)
    scores = kind_scores(features)
    image_decision = decide_kind(scores)
    votes = kind_from_text(panel_text, taxonomy) if panel_text else None
    kind = decide_kind(scores, votes, plain_picture(features))
    text_concepts = concepts_from_text(panel_text, taxonomy)
    image_concepts = concepts_from_features(features, taxonomy) if features.usable else []
    if features.usable and kind.source == "text" and kind.kind is not image_decision.kind:
        # the text picked another kind on the pixels' side (a photograph, not a micrograph):
        # the pixels' concept follows it
        image_concepts = [image_concept(kind.kind, kind.score, features, taxonomy)]
    return Labels(kind, combine(text_concepts, image_concepts, taxonomy, image_decision))


def label_figure(
    image: Image.Image | np.ndarray,
    caption: str | None = None,
    panel_boxes: Sequence[Box] | None = None,
    taxonomy: Taxonomy | None = None,
    panel_features: Sequence[ImageFeatures] | None = None,
) -> Labels:
    """Kind and concepts of a whole figure.

    With ``panel_boxes`` (a compound figure), the pixels are judged panel by panel and each
    panel's image concept counts in proportion to its area; the figure's kind is the kind
    covering the most area. Without, the whole image is judged as one panel.
    ``panel_features``: the panels' ``image_features`` (same order) when already computed.
    """
    taxonomy = taxonomy or load_taxonomy()
    boxes = list(panel_boxes or [])
    if len(boxes) < 2:
        return label_panel(image, caption, taxonomy)
    try:
        rgb = to_rgb_array(image)
    except (UnusableImage, ValueError, TypeError, OSError):
        return label_panel(image, caption, taxonomy)
    votes = kind_from_text(caption, taxonomy) if caption else None
    area_by_kind: dict[PanelKind, float] = {}
    weighted: dict[tuple[str, str | None], float] = {}
    total = 0.0
    for index, box in enumerate(boxes):
        crop = _crop(rgb, box)
        if crop is None:
            continue
        known = panel_features is not None and index < len(panel_features)
        f = panel_features[index] if known else image_features(crop)
        if not f.usable:
            continue
        area = float(crop.shape[0] * crop.shape[1])
        total += area
        kind = decide_kind(kind_scores(f), votes, plain_picture(f))
        area_by_kind[kind.kind] = area_by_kind.get(kind.kind, 0.0) + area
        found = concepts_from_features(f, taxonomy)[:1]
        if kind.source == "text":
            found = [image_concept(kind.kind, kind.score, f, taxonomy)]
        for concept in found:
            key = (concept.global_class, concept.local_class)
            weighted[key] = weighted.get(key, 0.0) + area * concept.confidence
    if not total:
        return label_panel(image, caption, taxonomy)
    image_concepts = _dedupe([Concept(g, loc, "image", round(v / total, 4)) for (g, loc), v in weighted.items()])
    main_kind = max(area_by_kind, key=lambda k: area_by_kind[k])
    decision = KindDecision(main_kind, round(area_by_kind[main_kind] / total, 4), "image")
    text_concepts = concepts_from_text(caption, taxonomy)
    return Labels(decision, combine(text_concepts, image_concepts, taxonomy, decision))


def label_table_image(caption: str | None = None, taxonomy: Taxonomy | None = None) -> Labels:
    """Kind and concepts of a ``<table-wrap>`` the article gives as an image: the markup says
    it is a table, so the pixels are not asked; the caption may add what the table is about."""
    taxonomy = taxonomy or load_taxonomy()
    decision = KindDecision(PanelKind.TABLE, 1.0, "markup")
    table = Concept("Tables", "table", "markup", 1.0)
    text_concepts = [c for c in concepts_from_text(caption, taxonomy) if c.global_class != "Tables"]
    others = combine(text_concepts, [], taxonomy, decision) if text_concepts else []
    return Labels(decision, [table, *others][:MAX_CONCEPTS])


def _crop(rgb: np.ndarray, box: Box) -> np.ndarray | None:
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = (int(v) for v in box)
    x0, x1 = max(0, min(x0, width)), max(0, min(x1, width))
    y0, y1 = max(0, min(y0, height)), max(0, min(y1, height))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return rgb[y0:y1, x0:x1]
