"""Result records of caption parsing: sub-captions, marker phrases, scale bars."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SubCaption:
    """Text that belongs to the panels in ``labels`` (opener label token removed).

    A caption yields several of these; a panel's full text is the preamble plus every
    sub-caption whose ``labels`` contain it, in caption order (see ``subcaption_for``).
    """

    labels: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class MarkerPhrase:
    """A caption clause that defines a visual marker ("white arrowheads indicate X").

    ``marker`` is one of ``vocabulary.MARKER_TYPES``; ``color`` one of ``vocabulary.COLORS``
    or None; ``phrase`` the structure the marker points at; ``labels`` the panels it applies
    to, () meaning the whole figure (the clause sits in the preamble or names no panel).
    """

    marker: str
    color: str | None
    phrase: str
    clause: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScaleBar:
    """A scale bar length stated in the caption; ``labels`` () means every panel."""

    value: float
    unit: str
    labels: tuple[str, ...] = ()


@dataclass
class CaptionParse:
    """Everything the rules read from one caption."""

    preamble: str = ""
    subcaptions: list[SubCaption] = field(default_factory=list)
    marker_phrases: list[MarkerPhrase] = field(default_factory=list)
    scale_bars: list[ScaleBar] = field(default_factory=list)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every panel label named by a sub-caption, in first-seen order."""
        seen: dict[str, None] = {}
        for sub in self.subcaptions:
            for label in sub.labels:
                seen.setdefault(label, None)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``panel2patch caption`` (lists, not tuples)."""
        return {
            "preamble": self.preamble,
            "subcaptions": [{"labels": list(s.labels), "text": s.text} for s in self.subcaptions],
            "marker_phrases": [
                {
                    "marker": m.marker,
                    "color": m.color,
                    "phrase": m.phrase,
                    "clause": m.clause,
                    "labels": list(m.labels),
                }
                for m in self.marker_phrases
            ],
            "scale_bars": [
                {"value": b.value, "unit": b.unit, "labels": list(b.labels)}
                for b in self.scale_bars
            ],
        }
