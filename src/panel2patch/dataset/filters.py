"""Per-sample filters: each answers keep, or drop with a named reason (datatrove-style).

A filter is any callable ``(Candidate) -> FilterResult`` with a ``name``; ``first_drop`` runs a
list of them in order and stops at the first drop, so every dropped sample is counted under
exactly one reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from panel2patch.dataset.candidates import Box, Candidate, Level

LICENSE_GROUPS = ("commercial", "noncommercial", "other")


class DropReason(StrEnum):
    EMPTY_TEXT = "empty_text"
    TEXT_TOO_SHORT = "text_too_short"
    BAD_BOX = "bad_box"  # no box, or none of it inside the image
    TOO_SMALL = "too_small"  # shorter side under the level's minimum
    LICENSE_NOT_SELECTED = "license_not_selected"
    CONCEPT_DROPPED = "concept_dropped"  # primary concept among --drop-concepts
    KIND_DROPPED = "kind_dropped"  # panel kind among --drop-kinds
    IMAGE_ERROR = "image_error"  # the figure's JPEG in the run does not decode
    DUPLICATE_EXACT = "duplicate_exact"  # same pixels as a sample kept earlier
    DUPLICATE_NEAR = "duplicate_near"  # perceptual hash within the threshold of a kept sample
    CONCEPT_CAP = "concept_cap"  # over --cap-per-concept for its concept


@dataclass(frozen=True)
class FilterResult:
    keep: bool
    reason: DropReason | None = None
    detail: str | None = None  # e.g. the kept key a duplicate was dropped for


KEEP = FilterResult(True)


def drop(reason: DropReason, detail: str | None = None) -> FilterResult:
    return FilterResult(False, reason, detail)


class SampleFilter(Protocol):
    name: str

    def __call__(self, candidate: Candidate) -> FilterResult: ...


@dataclass(frozen=True)
class LevelLimits:
    min_side: int = 0  # pixels, shorter side of the crop
    min_text_chars: int = 1


# A region is what a marker points at: small by nature, and its text is a short phrase.
DEFAULT_LIMITS: dict[Level, LevelLimits] = {
    Level.FIGURE: LevelLimits(min_side=64, min_text_chars=20),
    Level.PANEL: LevelLimits(min_side=48, min_text_chars=10),
    Level.REGION: LevelLimits(min_side=24, min_text_chars=3),
}


@dataclass(frozen=True)
class FilterConfig:
    limits: Mapping[Level, LevelLimits] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    license_groups: tuple[str, ...] | None = None  # None: every group

    def limits_for(self, level: Level) -> LevelLimits:
        return self.limits.get(level, DEFAULT_LIMITS[level])


def clip_box(box: Box | None, size: tuple[int, int]) -> Box | None:
    """The part of ``box`` inside a ``size`` image, or None when nothing is left."""
    if box is None:
        return None
    x0, y0 = max(0, box[0]), max(0, box[1])
    x1, y1 = min(size[0], box[2]), min(size[1], box[3])
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


class TextFilter:
    """Drops empty texts, and texts shorter than the level's minimum."""

    name = "text"

    def __init__(self, config: FilterConfig) -> None:
        self.config = config

    def __call__(self, candidate: Candidate) -> FilterResult:
        if not candidate.text.strip():
            return drop(DropReason.EMPTY_TEXT)
        minimum = self.config.limits_for(candidate.level).min_text_chars
        if len(candidate.text) < minimum:
            return drop(DropReason.TEXT_TOO_SHORT, f"{len(candidate.text)} < {minimum} chars")
        return KEEP


class BoxFilter:
    """Drops boxes outside the image and crops whose shorter side is under the level's minimum."""

    name = "box"

    def __init__(self, config: FilterConfig) -> None:
        self.config = config

    def __call__(self, candidate: Candidate) -> FilterResult:
        box = clip_box(candidate.box, candidate.image_size)
        if box is None:
            return drop(DropReason.BAD_BOX, f"box {candidate.box} in a {candidate.image_size} image")
        side = min(box[2] - box[0], box[3] - box[1])
        minimum = self.config.limits_for(candidate.level).min_side
        if side < minimum:
            return drop(DropReason.TOO_SMALL, f"{side} < {minimum} px")
        return KEEP


class LicenseFilter:
    """Keeps the chosen license groups (commercial / noncommercial / other), as BIOMEDICA splits them."""

    name = "license"

    def __init__(self, groups: Iterable[str]) -> None:
        self.groups = frozenset(groups)
        unknown = self.groups - set(LICENSE_GROUPS)
        if unknown:
            raise ValueError(f"unknown license group(s) {sorted(unknown)}; choose from {', '.join(LICENSE_GROUPS)}")

    def __call__(self, candidate: Candidate) -> FilterResult:
        if candidate.license_group in self.groups:
            return KEEP
        return drop(DropReason.LICENSE_NOT_SELECTED, candidate.license_group)


def build_filters(config: FilterConfig) -> list[SampleFilter]:
    """Cheap checks first: license, text, then the box."""
    filters: list[SampleFilter] = []
    if config.license_groups is not None:
        filters.append(LicenseFilter(config.license_groups))
    filters += [TextFilter(config), BoxFilter(config)]
    return filters


def first_drop(candidate: Candidate, filters: Iterable[SampleFilter]) -> FilterResult:
    for sample_filter in filters:
        result = sample_filter(candidate)
        if not result.keep:
            return result
    return KEEP
