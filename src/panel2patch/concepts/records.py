"""What the concept stage returns: concept labels with their provenance, and a panel's kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

ConceptSource = Literal["text", "image", "combined", "cluster", "markup"]


class PanelKind(StrEnum):
    """The closed set of panel kinds (shown as ``kind`` on every panel of a sample)."""

    MICROGRAPH = "micrograph"  # light, fluorescence, confocal, electron microscopy, histology
    RADIOLOGY = "radiology"  # CT, MR, X-ray, ultrasound, PET, angiography
    PHOTO = "photo"  # photographs: specimens, animals, patients, plates, devices
    ENDOSCOPY = "endoscopy"  # endoscopic, laparoscopic, intraoperative views
    BLOT_GEL = "blot_gel"  # western / northern / southern blots, gels
    PLOT = "plot"  # charts: bar, line, scatter, box, survival, heatmaps, FACS plots
    DIAGRAM = "diagram"  # schematics, pathways, flowcharts, illustrations, maps
    TABLE = "table"
    CHEMICAL = "chemical"  # chemical structures and reactions
    OTHER = "other"  # nothing decided (blank, tiny, unreadable)


# The image-vs-plot split: kinds whose pixels are a picture of something biomedical
# (Panel2Patch keeps these panels and drops plots, charts and drawings).
IMAGE_LIKE_KINDS: frozenset[PanelKind] = frozenset(
    {PanelKind.MICROGRAPH, PanelKind.RADIOLOGY, PanelKind.PHOTO, PanelKind.ENDOSCOPY, PanelKind.BLOT_GEL}
)


def is_image_like(kind: PanelKind | str) -> bool:
    """True for kinds that show a picture (micrograph, radiology, photo, endoscopy, blot/gel)."""
    try:
        return PanelKind(kind) in IMAGE_LIKE_KINDS
    except ValueError:
        return False


@dataclass(frozen=True)
class Concept:
    """One concept label: a BIOMEDICA global class, optionally one of its local classes.

    ``source`` says where it came from (caption text, image features, both, a cluster
    table, or the article's markup: a ``<table-wrap>`` given as an image is a table); ``confidence`` is in [0, 1] and comparable only within one source.
    """

    global_class: str
    local_class: str | None
    source: ConceptSource
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "global": self.global_class,
            "local": self.local_class,
            "source": self.source,
            "confidence": round(float(self.confidence), 3),
        }


@dataclass(frozen=True)
class KindDecision:
    """A panel's kind, the classifier's score for it (0..1) and what decided it:
    ``"image"`` (pixels alone), ``"text"`` (the text broke a tie or overrode a weak call),
    ``"combined"`` (both agreed), or ``"fallback"`` (unusable input)."""

    kind: PanelKind
    score: float
    source: Literal["image", "text", "combined", "fallback", "markup"]

    @property
    def image_like(self) -> bool:
        return is_image_like(self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "score": round(float(self.score), 3), "source": self.source}
