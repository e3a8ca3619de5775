"""Flat export: one crop + one text per sample, open_clip-ready WebDataset shards.

Three phases. (1) ``stage_shard`` per run shard, in parallel: per-sample filters, crops, hashes,
staged to a temporary tar. (2) Here, over the whole run: duplicates (per level; the copy under the
most permissive license is kept, the first in run order among equals, and every dropped copy
names it), then the per-concept cap. (3) The kept samples
are copied from the staging tars into ``webdataset.ShardWriter`` shards, one folder per license
group (BIOMEDICA keeps commercial / noncommercial / other apart), each with its ``sizes.json``.
Output is deterministic: sorted inputs, fixed tar metadata, deterministic JPEG encoding.
``export.json`` (config and stats) is written last: an export without it is unfinished.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from panel2patch.dataset.candidates import LEVELS, Level
from panel2patch.dataset.dedup import DedupConfig, DuplicateIndex
from panel2patch.dataset.filters import LICENSE_GROUPS, DropReason, FilterConfig
from panel2patch.dataset.run_reader import run_shards, unfinished_shards
from panel2patch.dataset.shard_output import GroupedShardWriter, iter_staged_samples
from panel2patch.dataset.staging import Dropped, StageResult, StageTask, stage_shard
from panel2patch.dataset.subsets import Labelled, SubsetConfig, capped_keys, concept_counts
from panel2patch.executors import make_executor
from panel2patch.output.atomic import write_atomic, write_bytes_atomic

EXPORT_FILE = "export.json"
DROPS_FILE = "drops.parquet"
STAGING_DIR = ".staging"
ALL_GROUPS = "all"
_LICENSE_RANK = {group: rank for rank, group in enumerate(LICENSE_GROUPS)}


@dataclass(frozen=True)
class ExportConfig:
    levels: tuple[Level, ...] = LEVELS
    filters: FilterConfig = field(default_factory=FilterConfig)
    subsets: SubsetConfig = field(default_factory=SubsetConfig)
    dedup: DedupConfig | None = field(default_factory=DedupConfig)  # None: keep duplicates
    split_license: bool = True  # one folder per license group
    shard_max_count: int = 10_000
    shard_max_bytes: int = 1_000_000_000
    jpeg_quality: int = 92

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["levels"] = [str(level) for level in self.levels]
        data["filters"]["limits"] = {str(k): asdict(v) for k, v in self.filters.limits.items()}
        return json.loads(json.dumps(data))  # tuples -> lists: what export.json reads back


class ExportExistsError(FileExistsError):
    """The output folder already holds an export (pass ``overwrite=True`` to replace it)."""


def export_run(
    run_dir: Path,
    out_dir: Path,
    config: ExportConfig = ExportConfig(),
    workers: int = 1,
    overwrite: bool = False,
    on_shard: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Export ``run_dir`` into ``out_dir``; return the stats also saved in ``export.json``."""
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    shards = run_shards(run_dir)
    if not shards:
        raise FileNotFoundError(f"{run_dir} holds no finished shard (shards/*.tar + done/*.json): is it a `panel2patch run` output?")
    _prepare_out(out_dir, overwrite)
    staging = out_dir / STAGING_DIR
    tasks = [
        StageTask(
            run_shard=path,
            staging_tar=staging / path.name,
            levels=config.levels,
            filters=config.filters,
            drop_concepts=config.subsets.drop_concepts,
            drop_kinds=config.subsets.drop_kinds,
            hash_images=config.dedup is not None,
            jpeg_quality=config.jpeg_quality,
        )
        for path in shards
    ]
    results: dict[str, StageResult] = {}
    for outcome in make_executor("local", workers).run(stage_shard, tasks, max_retries=1):
        if outcome.result is None:
            raise RuntimeError(f"export of {outcome.task.run_shard} failed: {outcome.error}")
        results[outcome.result.run_shard] = outcome.result
        if on_shard:
            on_shard(outcome.result.run_shard)
    ordered = [results[path.name] for path in shards]

    kept, dropped = select_samples(ordered, config)
    writer = GroupedShardWriter(out_dir, config.split_license, config.shard_max_count, config.shard_max_bytes)
    with writer:
        for result in ordered:
            for key, sample in iter_staged_samples(staging / result.run_shard):
                group = kept.get(key)
                if group is not None:
                    writer.write(group, sample)
    shutil.rmtree(staging, ignore_errors=True)

    stats = _stats(run_dir, config, ordered, kept, dropped, writer)
    _write_drops(out_dir / DROPS_FILE, dropped)
    write_bytes_atomic(out_dir / EXPORT_FILE, json.dumps(stats, indent=2, sort_keys=True).encode() + b"\n")
    return stats


def select_samples(results: list[StageResult], config: ExportConfig) -> tuple[dict[str, str], list[Dropped]]:
    """Across the run, in order: drop duplicates (per level), then cap per concept.

    Returns the kept keys with their license group, and every drop (per-sample ones included)."""
    dropped = [d for r in results for d in r.dropped]
    indexes = {level: DuplicateIndex(config.dedup) for level in LEVELS} if config.dedup else {}
    survivors = []
    # The most permissive copy wins: a commercial copy is kept over a noncommercial one, so
    # the commercial subset never loses an image to a copy it cannot use; then run order.
    in_order = [s for r in results for s in r.staged]
    for staged in sorted(in_order, key=lambda s: _LICENSE_RANK.get(s.license_group, len(_LICENSE_RANK))):
        match = indexes[staged.level].check_and_add(staged.key, staged.hashes) if indexes and staged.hashes else None
        if match is None:
            survivors.append(staged)
            continue
        reason = DropReason.DUPLICATE_EXACT if match.exact else DropReason.DUPLICATE_NEAR
        detail = match.kept if match.exact else f"{match.kept} (pHash distance {match.distance})"
        dropped.append(Dropped(staged.key, staged.level, staged.parent, staged.concept, reason, detail))
    position = {s.key: i for i, s in enumerate(in_order)}
    survivors.sort(key=lambda s: position[s.key])
    over: set[str] = set()
    if config.subsets.cap_per_concept is not None:
        over = capped_keys((Labelled(s.key, s.level, s.concept) for s in survivors), config.subsets.cap_per_concept)
    kept = {}
    for staged in survivors:
        if staged.key in over:
            cap = config.subsets.cap_per_concept
            dropped.append(Dropped(staged.key, staged.level, staged.parent, staged.concept, DropReason.CONCEPT_CAP, f"{staged.concept} > {cap}"))
        else:
            kept[staged.key] = staged.license_group if config.split_license else ALL_GROUPS
    return kept, dropped


def _prepare_out(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and any(out_dir.iterdir()):
        if not overwrite:
            raise ExportExistsError(f"{out_dir} is not empty; pass --overwrite to replace its export")
        if not (out_dir / EXPORT_FILE).exists() and not (out_dir / STAGING_DIR).exists():
            raise ExportExistsError(f"{out_dir} is not empty and holds no export: refusing to delete it")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)


def _stats(
    run_dir: Path,
    config: ExportConfig,
    results: list[StageResult],
    kept: dict[str, str],
    dropped: list[Dropped],
    writer: GroupedShardWriter,
) -> dict[str, Any]:
    everything = [Labelled(s.key, s.level, s.concept) for r in results for s in r.staged]
    everything += [Labelled(d.key, d.level, d.concept) for d in dropped if d.reason not in _LATE_REASONS]
    staged = {s.key: s for r in results for s in r.staged}
    kept_by_level: Counter[str] = Counter(str(staged[k].level) for k in kept)
    kept_by_group: dict[str, Counter[str]] = {}
    for key, group in kept.items():
        kept_by_group.setdefault(group, Counter())[str(staged[key].level)] += 1
    drops: dict[str, Counter[str]] = {}
    for d in dropped:
        drops.setdefault(str(d.level), Counter())[str(d.reason)] += 1
    candidates = Counter(str(label.level) for label in everything)
    return {
        "run_dir": str(run_dir),
        "run_shards": [r.run_shard for r in results],
        "skipped_unfinished_shards": unfinished_shards(run_dir),
        "config": config.to_json(),
        "candidates": dict(sorted(candidates.items())),
        "kept": {str(level): kept_by_level.get(str(level), 0) for level in config.levels},
        "kept_by_license_group": {g: dict(sorted(c.items())) for g, c in sorted(kept_by_group.items())},
        "dropped": {level: dict(sorted(c.items())) for level, c in sorted(drops.items())},
        "concepts_before": concept_counts(everything),
        "concepts_after": concept_counts(Labelled(k, staged[k].level, staged[k].concept) for k in kept),
        "shards": writer.sizes,
        "train_data": writer.train_data_patterns(),
    }


# drops decided after staging: those samples are also in ``staged``, so not counted twice
_LATE_REASONS = {DropReason.DUPLICATE_EXACT, DropReason.DUPLICATE_NEAR, DropReason.CONCEPT_CAP}


def _write_drops(path: Path, dropped: list[Dropped]) -> None:
    columns = {
        "key": [d.key for d in dropped],
        "level": [str(d.level) for d in dropped],
        "parent": [d.parent for d in dropped],
        "concept": [d.concept for d in dropped],
        "reason": [str(d.reason) for d in dropped],
        "detail": [d.detail for d in dropped],
    }
    table = pa.Table.from_pydict(columns, schema=pa.schema([(name, pa.string()) for name in columns]))
    write_atomic(path, lambda handle: pq.write_table(table, handle, compression="zstd"))
