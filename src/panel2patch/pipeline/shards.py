"""Deterministic shard planning and the per-shard task every executor runs."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel2patch import naming
from panel2patch.config import ExtractConfig
from panel2patch.output.shard_writer import ShardWriter, shard_is_done
from panel2patch.output.storage import open_run_storage
from panel2patch.pipeline.article import process_package
from panel2patch.pipeline.enrichment import cached_lookup
from panel2patch.pipeline.timing import collect_stage_seconds
from panel2patch.sources.discover import PackageRef


@dataclass(frozen=True)
class ShardTask:
    index: int
    packages: tuple[PackageRef, ...]
    out_dir: str  # the run's storage location: an absolute path or a URL (see output.storage)
    config: ExtractConfig
    fingerprint: str


@dataclass
class ShardResult:
    """What a task sends back: the shard's counters only (never samples), so it stays small."""

    index: int
    stats: dict[str, Any]
    skipped: bool
    seconds: float


def _input_signature(ref: PackageRef) -> list[Any]:
    try:
        info = os.stat(ref.path)
        return [ref.path, ref.kind, ref.duplicate_of, info.st_size, info.st_mtime_ns]
    except OSError:
        return [ref.path, ref.kind, ref.duplicate_of, None, None]


def plan_shards(refs: list[PackageRef], shard_size: int, out_dir: str | Path, config: ExtractConfig) -> list[ShardTask]:
    """Shard i holds packages [i*size, (i+1)*size) of the sorted list.

    The fingerprint covers the config and each package's path, size and mtime, not the
    executor or the output location: any executor can resume any other's run."""
    config_print = config.fingerprint()
    tasks = []
    for index, start in enumerate(range(0, len(refs), shard_size)):
        packages = tuple(refs[start : start + shard_size])
        signature = json.dumps([config_print, [_input_signature(r) for r in packages]])
        fingerprint = hashlib.sha256(signature.encode()).hexdigest()[:16]
        tasks.append(ShardTask(index, packages, str(out_dir), config, fingerprint))
    return tasks


def _drop_downloads(task: ShardTask) -> None:
    """Remote packages are kept only until their shard is committed (a crash keeps them for the retry)."""
    if not task.config.download_dir:
        return
    for ref in task.packages:
        if ref.kind == "remote_tar":
            (Path(task.config.download_dir) / ref.path.rsplit("/", 1)[-1]).unlink(missing_ok=True)


def run_shard(task: ShardTask) -> ShardResult:
    """Process every package of the shard and commit its files; skip if already done."""
    storage = open_run_storage(task.out_dir)
    started = time.perf_counter()
    if shard_is_done(storage, task.index, task.fingerprint):
        stats = json.loads(storage.read_bytes(naming.shard_stats(task.index)))
        return ShardResult(task.index, stats, skipped=True, seconds=0.0)
    pubmed = cached_lookup(task.config.pubmed)
    with collect_stage_seconds() as timings:
        writer = ShardWriter(storage, task.index)
        try:
            for ref in task.packages:
                writer.add(process_package(ref, task.config, pubmed))
            stats = writer.commit(task.fingerprint, timings, seconds=time.perf_counter() - started)
        except BaseException:
            writer.abort()
            raise
    _drop_downloads(task)
    return ShardResult(task.index, stats, skipped=False, seconds=time.perf_counter() - started)
