"""A panel's kind (micrograph, radiology, photo, endoscopy, blot/gel, plot, diagram, table,
chemical, other) from its crop, with its text as an optional tie-breaker.

Three steps, all on the cheap features of ``features.py``:

1. *picture or graphics?* A logistic model over structural features (continuous tone vs
   flat fills, spiky vs smooth histograms, thin strokes, tiled uniform cells) fitted on dev
   panels (``data/panel_kind_model.json``, see ``benchmarks/concepts/train_kind_model.py``).
   Blots and gels, greyscale bands on a light background, are recognised by rule first.
2. *which picture?* Colour and layout rules: a black surround around one large greyscale
   body is radiology; dark corners around a reddish field is endoscopy; a coloured object
   on a white background, or natural colours, is a photo; everything else (fluorescence
   glow, H&E pink, DAB brown, greyscale texture) is a micrograph, the commonest picture in
   the literature.
3. *which graphic?* A second logistic model: plot, diagram or table. Chemical structures
   come only from text (the pixels of a line drawing do not tell a molecule from a diagram).

Text, when given, adds ``TEXT_WEIGHT`` times each kind its concepts imply, so it decides
picture-vs-graphics only when the pixels are unsure. *Within* one side (which picture,
which graphic), where pixels are weak, a kind the text names confidently wins outright.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

import numpy as np
from PIL import Image

from panel2patch.concepts.features import ImageFeatures, image_features
from panel2patch.concepts.records import KindDecision, PanelKind, is_image_like
from panel2patch.concepts.taxonomy import Taxonomy, load_taxonomy
from panel2patch.concepts.text import concepts_from_text

TEXT_WEIGHT = 0.35
TEXT_DECIDES_WITHIN = 0.5  # text confidence needed to pick the kind within the pixels' side
# Kinds a caption may impose on a plain picture (plots and tables: the pixels know better).
TEXT_OVERRULES_PLAIN_PICTURE = frozenset({PanelKind.DIAGRAM, PanelKind.PHOTO, PanelKind.RADIOLOGY, PanelKind.ENDOSCOPY})
PICTURE_KINDS = (PanelKind.MICROGRAPH, PanelKind.RADIOLOGY, PanelKind.PHOTO, PanelKind.ENDOSCOPY)
GRAPHIC_KINDS = (PanelKind.PLOT, PanelKind.DIAGRAM, PanelKind.TABLE)


@lru_cache(maxsize=1)
def _models() -> dict:
    text = resources.files("panel2patch").joinpath("data/panel_kind_model.json").read_text(encoding="utf-8")
    return json.loads(text)


def _predict(model: dict, features: ImageFeatures) -> dict[str, float]:
    x = np.array([getattr(features, name) for name in model["features"]], dtype=np.float64)
    z = (x - np.array(model["mean"])) / np.array(model["scale"])
    logits = np.array(model["coef"]) @ z + np.array(model["intercept"])
    classes = model["classes"]
    if len(classes) == 2:  # binary: one row, for the second class
        p = 1.0 / (1.0 + math.exp(-float(logits[0])))
        return {classes[0]: 1.0 - p, classes[1]: p}
    e = np.exp(logits - logits.max())
    return {c: float(v) for c, v in zip(classes, e / e.sum(), strict=True)}


def blot_score(f: ImageFeatures) -> float:
    """Greyscale horizontal bands on a light background, with few text strokes. The bands
    must be continuous-tone (a smooth histogram): flat grey bars are a bar chart."""
    if f.achromatic < 0.9 or f.coloured > 0.05 or f.thin_ink > 0.085 or max(f.white, f.dark) < 0.3:
        return 0.0
    if f.spiky > 0.4:
        return 0.0
    return float(np.clip((f.hbands - 0.12) / 0.12, 0.0, 1.0))


def _fluorescence(f: ImageFeatures) -> bool:
    return f.glow > 0.01 and f.dark > 0.25


def _stained(f: ImageFeatures) -> bool:
    return f.pink_purple > 0.3 or (f.brown > 0.08 and f.pink_purple > 0.05)


def plain_picture(f: ImageFeatures) -> bool:
    """A picture with nothing of a micrograph's own look (no fluorescence glow on black, no
    histological stain): ``micrograph`` is then only the default for pictures, which a
    caption naming something else (a map, a drawing, a CT scan) may overrule."""
    return f.usable and not _fluorescence(f) and not _stained(f)


def picture_subkinds(f: ImageFeatures) -> dict[PanelKind, float]:
    """How a picture splits over micrograph / radiology / photo / endoscopy (sums to 1)."""
    votes = {PanelKind.MICROGRAPH: 1.0, PanelKind.RADIOLOGY: 0.0, PanelKind.PHOTO: 0.0, PanelKind.ENDOSCOPY: 0.0}
    fluorescence = _fluorescence(f)
    stained = _stained(f)
    if fluorescence:
        votes[PanelKind.MICROGRAPH] += 2.0
    if stained:
        votes[PanelKind.MICROGRAPH] += 2.0
    if f.achromatic > 0.95 and f.bright_on_black > 0.12 and f.dark > 0.12:
        votes[PanelKind.RADIOLOGY] += 3.0
    if f.vignette and f.red > 0.2:
        votes[PanelKind.ENDOSCOPY] += 3.5
    object_on_white = f.white > 0.3 and f.picture_fill < 0.75 and f.achromatic < 0.9
    natural_colour = (
        f.coloured > 0.12 and f.hue_spread > 0.2 and f.dark < 0.15 and f.pink_purple < 0.3 and f.rainbow == 0.0
    )
    if object_on_white and not fluorescence and not stained:
        votes[PanelKind.PHOTO] += 2.0
    if natural_colour and not fluorescence and not stained:
        votes[PanelKind.PHOTO] += 1.5
    total = sum(votes.values())
    return {kind: v / total for kind, v in votes.items()}


def kind_scores(f: ImageFeatures) -> dict[PanelKind, float]:
    """A score per kind from the pixels alone (sums to 1; ``other`` for unusable crops)."""
    scores = {kind: 0.0 for kind in PanelKind}
    if not f.usable:
        scores[PanelKind.OTHER] = 1.0
        return scores
    blot = blot_score(f)
    p_picture = _predict(_models()["picture"], f)["picture"]
    graphic = _predict(_models()["graphic"], f)
    if f.axes and f.ticks >= 0.3:  # an L of axes with evenly spaced ticks: a chart
        graphic["plot"] = graphic.get("plot", 0.0) * 8.0
        total = sum(graphic.values())
        graphic = {k: v / total for k, v in graphic.items()}
    scores[PanelKind.BLOT_GEL] = blot
    for kind, share in picture_subkinds(f).items():
        scores[kind] = (1.0 - blot) * p_picture * share
    for kind in GRAPHIC_KINDS:
        scores[kind] = (1.0 - blot) * (1.0 - p_picture) * graphic.get(kind.value, 0.0)
    return scores


def kind_from_text(text: str | None, taxonomy: Taxonomy | None = None) -> dict[PanelKind, float]:
    """The kinds a text implies: each concept votes its confidence for its most typical kind."""
    taxonomy = taxonomy or load_taxonomy()
    votes: dict[PanelKind, float] = {}
    for concept in concepts_from_text(text, taxonomy):
        kinds = taxonomy.kinds_of(concept.global_class, concept.local_class)
        primary = _primary_kind(taxonomy, concept.global_class, concept.local_class, kinds)
        if primary is not None:
            votes[primary] = max(votes.get(primary, 0.0), concept.confidence)
    return votes


def _primary_kind(
    taxonomy: Taxonomy, global_class: str, local_class: str | None, kinds: frozenset[PanelKind]
) -> PanelKind | None:
    """The first kind listed in the taxonomy file for this concept (lists are ordered)."""
    g = taxonomy.get(global_class)
    if local_class is not None:
        local = taxonomy.local(global_class, local_class)
        if local.kinds:
            return local.kinds_order[0] if local.kinds_order else None
    return g.kinds_order[0] if g.kinds_order else None


def best_of_likelier_side(scores: dict[PanelKind, float]) -> PanelKind:
    """The best kind on the likelier side, pictures or graphics: a crop 54% graphic is a
    graphic, though its graphic share splits over plot, diagram and table and its picture
    share (46%) would beat each of them alone."""
    best = max(scores, key=lambda k: scores[k])
    if best is PanelKind.OTHER:
        return best
    sides = [[k for k in scores if k is not PanelKind.OTHER and is_image_like(k) == side] for side in (True, False)]
    likelier = max(sides, key=lambda kinds: sum(scores[k] for k in kinds))
    return max(likelier, key=lambda k: scores[k]) if likelier else best


def decide_kind(image_scores: dict[PanelKind, float], text_votes: dict[PanelKind, float] | None = None,
                plain: bool = False) -> KindDecision:
    """Pick the kind: the pixels' best, unless the text's votes tip a close call.

    ``plain``: the pixels saw a picture without a micrograph's own look (``plain_picture``);
    their ``micrograph`` is then a default, and a text that confidently names another
    picture or a drawing, and no microscopy at all, decides ("Study locations ... Province":
    a map; "This illustration ... was drawn by": a drawing)."""
    image_best = best_of_likelier_side(image_scores)
    if plain and image_best is PanelKind.MICROGRAPH and text_votes and PanelKind.MICROGRAPH not in text_votes:
        named = max(text_votes, key=lambda k: text_votes[k])
        if named in TEXT_OVERRULES_PLAIN_PICTURE and text_votes[named] >= TEXT_DECIDES_WITHIN:
            return KindDecision(named, round(text_votes[named], 4), "text")
    if image_best is PanelKind.OTHER and image_scores[PanelKind.OTHER] >= 1.0:
        if text_votes:
            kind = max(text_votes, key=lambda k: text_votes[k])
            return KindDecision(kind, round(text_votes[kind] * 0.5, 4), "text")
        return KindDecision(PanelKind.OTHER, 0.0, "fallback")
    if not text_votes:
        return KindDecision(image_best, round(image_scores[image_best], 4), "image")
    combined = {k: image_scores.get(k, 0.0) + TEXT_WEIGHT * text_votes.get(k, 0.0) for k in PanelKind}
    best = max(combined, key=lambda k: combined[k])
    side = [k for k in PanelKind if k is not PanelKind.OTHER and is_image_like(k) == is_image_like(best)]
    side_votes = {k: v for k, v in text_votes.items() if k in side}
    if best is not PanelKind.OTHER and side_votes:
        text_best = max(side_votes, key=lambda k: side_votes[k])
        if text_best is not best and side_votes[text_best] >= TEXT_DECIDES_WITHIN:
            return KindDecision(text_best, round(sum(image_scores.get(k, 0.0) for k in side), 4), "text")
    score = round(combined[best] / (1.0 + TEXT_WEIGHT), 4)
    if best is not image_best:
        return KindDecision(best, score, "text")
    if text_votes.get(best, 0.0) > 0:
        return KindDecision(best, score, "combined")
    return KindDecision(best, round(image_scores[best], 4), "image")


def panel_kind(crop: Image.Image | np.ndarray, text: str | None = None) -> KindDecision:
    """The kind of a panel crop (or a whole figure); ``text`` (its sub-caption) breaks ties.

    Never raises: an unreadable, tiny or blank crop is ``other`` (or what the text says).
    """
    features = image_features(crop)
    return decide_kind(kind_scores(features), kind_from_text(text) if text else None, plain_picture(features))
