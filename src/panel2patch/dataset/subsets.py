"""Training subsets as BIOMEDICA studied them: concept-filtered and concept-balanced.

Concept-filtered drops samples whose primary global concept is one of a chosen few (BIOMEDICA
found dropping Plots and Charts / Tables best). Concept-balanced caps the samples per concept
(and level); which samples stay is decided by a hash of the key, so the cap takes a uniform,
reproducible sample of the whole run rather than its first articles. Samples with no concept
label are never capped: the cap would otherwise cut an unlabelled run to N samples in all.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from panel2patch.dataset.candidates import Candidate, Level
from panel2patch.dataset.concepts import UNLABELLED, normalize_concept
from panel2patch.dataset.filters import KEEP, DropReason, FilterResult, drop


@dataclass(frozen=True)
class SubsetConfig:
    drop_concepts: tuple[str, ...] = ()  # global concept names, matched case-insensitively
    cap_per_concept: int | None = None  # at most this many samples per (level, concept)
    drop_kinds: tuple[str, ...] = ()  # panel kinds to drop (plot, diagram, table...): Panel2Patch's image-vs-plot filter

    def __post_init__(self) -> None:
        if self.cap_per_concept is not None and self.cap_per_concept < 0:
            raise ValueError("cap_per_concept must be >= 0")


class ConceptFilter:
    """Drops a sample whose primary global concept is in ``drop_concepts``."""

    name = "concept"

    def __init__(self, drop_concepts: Iterable[str]) -> None:
        self.drop_concepts = frozenset(normalize_concept(c) for c in drop_concepts if c.strip())

    def __call__(self, candidate: Candidate) -> FilterResult:
        concept = candidate.concept
        if concept is not None and normalize_concept(concept) in self.drop_concepts:
            return drop(DropReason.CONCEPT_DROPPED, concept)
        return KEEP


class KindFilter:
    """Drops a panel or region whose panel ``kind`` is in ``drop_kinds`` (figures have no kind)."""

    name = "kind"

    def __init__(self, drop_kinds: Iterable[str]) -> None:
        self.drop_kinds = frozenset(k.strip().lower() for k in drop_kinds if k.strip())

    def __call__(self, candidate: Candidate) -> FilterResult:
        if candidate.level is not Level.FIGURE and candidate.kind and candidate.kind.lower() in self.drop_kinds:
            return drop(DropReason.KIND_DROPPED, candidate.kind)
        return KEEP


@dataclass(frozen=True)
class Labelled:
    """What the cap needs to know of a sample."""

    key: str
    level: Level
    concept: str | None


def _priority(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def capped_keys(samples: Iterable[Labelled], cap: int) -> set[str]:
    """Keys over the cap: per (level, concept), all but the ``cap`` samples of lowest key hash."""
    groups: dict[tuple[Level, str], list[bytes | str]] = {}
    for sample in samples:
        if sample.concept is not None:
            groups.setdefault((sample.level, sample.concept), []).append(sample.key)
    over: set[str] = set()
    for keys in groups.values():
        if len(keys) > cap:
            ranked = sorted(keys, key=lambda k: (_priority(str(k)), k))
            over.update(str(k) for k in ranked[cap:])
    return over


def concept_counts(samples: Iterable[Labelled]) -> dict[str, dict[str, int]]:
    """``{level: {concept: count}}``, unlabelled samples under ``"(unlabelled)"``."""
    counts: dict[str, Counter[str]] = {}
    for sample in samples:
        counts.setdefault(str(sample.level), Counter())[sample.concept or UNLABELLED] += 1
    return {level: dict(sorted(c.items())) for level, c in sorted(counts.items())}
