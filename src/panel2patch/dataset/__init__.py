"""From a run's figure samples to training data: filters, dedup, subsets, and the flat export."""

from panel2patch.dataset.candidates import LEVELS, Candidate, Level, figure_candidates
from panel2patch.dataset.dedup import DedupConfig, DuplicateIndex, DuplicateMatch, ImageHashes, image_hashes, phash
from panel2patch.dataset.export import ExportConfig, ExportExistsError, export_run, select_samples
from panel2patch.dataset.filters import (
    DEFAULT_LIMITS,
    LICENSE_GROUPS,
    DropReason,
    FilterConfig,
    FilterResult,
    LevelLimits,
    SampleFilter,
    build_filters,
    first_drop,
)
from panel2patch.dataset.run_reader import RunSample, iter_run, iter_shard, run_shards
from panel2patch.dataset.subsets import ConceptFilter, KindFilter, SubsetConfig, capped_keys, concept_counts

__all__ = [
    "DEFAULT_LIMITS",
    "LEVELS",
    "LICENSE_GROUPS",
    "Candidate",
    "ConceptFilter",
    "DedupConfig",
    "DropReason",
    "DuplicateIndex",
    "DuplicateMatch",
    "ExportConfig",
    "ExportExistsError",
    "FilterConfig",
    "FilterResult",
    "ImageHashes",
    "KindFilter",
    "Level",
    "LevelLimits",
    "RunSample",
    "SampleFilter",
    "SubsetConfig",
    "build_filters",
    "capped_keys",
    "concept_counts",
    "export_run",
    "figure_candidates",
    "first_drop",
    "image_hashes",
    "iter_run",
    "iter_shard",
    "phash",
    "run_shards",
    "select_samples",
]
