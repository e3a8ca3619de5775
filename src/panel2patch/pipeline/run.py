"""A whole extraction run: discover, select, shard, execute, summarise."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from panel2patch import __version__, naming
from panel2patch.config import RunConfig
from panel2patch.errors import RunConfigMismatchError
from panel2patch.executors import Executor, Outcome
from panel2patch.output.report import write_report
from panel2patch.output.shard_writer import dumps_json, finished_shards
from panel2patch.output.stats import merge_stats, summarize
from panel2patch.output.storage import RunStorage, open_run_storage
from panel2patch.pipeline.enrichment import prefetch_pubmed
from panel2patch.pipeline.shards import ShardResult, ShardTask, plan_shards, run_shard
from panel2patch.sources.registry import discover_source

CONFIG_FILE = "config.json"
DOWNLOAD_DIR = "downloads"


@dataclass
class RunSummary:
    out_dir: str  # the run's location: an absolute path or a URL
    shards: int
    shards_skipped: int
    failed_shards: dict[int, str] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)
    pubmed: dict[str, Any] | None = None  # PMIDs asked, found, failed (when enrichment is on)


def read_pmcid_list(path: Path) -> frozenset[str]:
    """PMCIDs one per line (``PMC123``, ``123``, or ``PMC123.2`` for one version; blank lines
    and ``#`` comments ignored)."""
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        token = line.split("#", 1)[0].strip()
        if token:
            match = re.fullmatch(r"(?i)(?:pmc)?(\d+)(\.\d+)?", token)
            if not match:
                raise ValueError(f"{path}: {token!r} is not a PMCID")
            ids.add(f"PMC{match.group(1)}{match.group(2) or ''}")
    return frozenset(ids)


def _check_or_write_config(storage: RunStorage, config: RunConfig, source: str, n_packages: int, overwrite: bool) -> None:
    resolved = {
        "panel2patch_version": __version__,
        "source": source,
        "packages": n_packages,
        "shard_size": config.shard_size,
        "extract": config.extract.to_json(),
        "extract_fingerprint": config.extract.fingerprint(),
    }
    if storage.exists(CONFIG_FILE) and not overwrite:
        previous = json.loads(storage.read_bytes(CONFIG_FILE))
        for key in ("source", "shard_size", "extract_fingerprint"):
            if previous.get(key) != resolved[key]:
                raise RunConfigMismatchError(
                    f"{storage.location} was made with a different {key} ({previous.get(key)!r} vs {resolved[key]!r}); "
                    "use another --out, or --overwrite to rebuild it"
                )
    storage.write_bytes(CONFIG_FILE, json.dumps(resolved, indent=2, sort_keys=True).encode() + b"\n")


def plan_run(source: str | Path, out_dir: str | Path, config: RunConfig, overwrite: bool = False) -> list[ShardTask]:
    """Discover and select packages, check or record the run's config, and cut shards.

    ``out_dir`` is a local path or an fsspec URL (``s3://bucket/run``). Temporary files that
    killed writers left in it are deleted first (nothing else writes there between runs).
    """
    source = str(source)
    storage = open_run_storage(out_dir)
    refs = discover_source(source, config.extract.selection, config.package_base_url)
    scratch = storage.scratch_dir()  # the run folder itself when local; downloads and caches need a disk
    if any(ref.kind == "remote_tar" for ref in refs):
        config = replace(config, extract=replace(config.extract, download_dir=str(scratch / DOWNLOAD_DIR)))
    pubmed = config.extract.pubmed
    if pubmed is not None and pubmed.cache_dir is None:  # the run keeps its own cache unless told otherwise
        config = replace(config, extract=replace(config.extract, pubmed=replace(pubmed, cache_dir=scratch / "cache")))
    _check_or_write_config(storage, config, source, len(refs), overwrite)
    storage.sweep_temporaries()
    tasks = plan_shards(refs, config.shard_size, storage.location, config.extract)
    _remove_stale_shards(storage, len(tasks))
    return tasks


def execute_run(
    tasks: list[ShardTask],
    out_dir: str | Path,
    config: RunConfig,
    executor: Executor,
    on_outcome: Callable[[Outcome[ShardTask, ShardResult]], None] | None = None,
) -> RunSummary:
    """Run every unfinished shard on ``executor``, then write the totals.

    Shards already finished (same fingerprint, every file present) are reported as skipped
    without being sent to the executor; the task checks again, so a shard finished by a
    run that was still going is not redone either.
    """
    storage = open_run_storage(out_dir)
    summary = RunSummary(out_dir=storage.location, shards=len(tasks), shards_skipped=0)
    done = finished_shards(storage, ((t.index, t.fingerprint) for t in tasks))
    pending = [t for t in tasks if t.index not in done]
    for task in tasks:
        if task.index in done:
            stats = json.loads(storage.read_bytes(naming.shard_stats(task.index)))
            outcome: Outcome[ShardTask, ShardResult] = Outcome(task, ShardResult(task.index, stats, True, 0.0), None, 0)
            summary.shards_skipped += 1
            if on_outcome:
                on_outcome(outcome)
    if pending and pending[0].config.pubmed is not None:
        refs = [ref for task in pending for ref in task.packages]
        summary.pubmed = prefetch_pubmed(refs, pending[0].config.pubmed, pending[0].config)
    for outcome in executor.run(run_shard, pending, config.max_retries):
        if outcome.error is not None:
            summary.failed_shards[outcome.task.index] = outcome.error
        elif outcome.result is not None and outcome.result.skipped:
            summary.shards_skipped += 1
        if on_outcome:
            on_outcome(outcome)
    summary.totals = finalize_run(storage, summary.failed_shards, tasks)
    return summary


def run_extraction(
    source: str | Path,
    out_dir: str | Path,
    config: RunConfig,
    executor: Executor,
    on_outcome: Callable[[Outcome[ShardTask, ShardResult]], None] | None = None,
    overwrite: bool = False,
) -> RunSummary:
    tasks = plan_run(source, out_dir, config, overwrite)
    return execute_run(tasks, out_dir, config, executor, on_outcome)


def _remove_stale_shards(storage: RunStorage, n_shards: int) -> None:
    """Drop files of shard numbers beyond this run's plan (left by a larger earlier run)."""
    for folder in (naming.SHARD_DIR, naming.STATS_DIR, naming.DONE_DIR):
        for name in storage.list(folder):
            stem = name.split(".")[0]
            if stem.isdigit() and int(stem) >= n_shards:
                storage.delete(f"{folder}/{name}")


def _shard_stats_by_index(storage: RunStorage) -> dict[int, dict[str, Any]]:
    found = {}
    for name in storage.list(naming.STATS_DIR):
        stem, _, ext = name.partition(".")
        if stem.isdigit() and ext == "json":
            found[int(stem)] = json.loads(storage.read_bytes(f"{naming.STATS_DIR}/{name}"))
    return found


def load_shard_stats(out_dir: str | Path | RunStorage) -> list[dict[str, Any]]:
    """Every shard's counters, in shard order."""
    storage = open_run_storage(out_dir) if isinstance(out_dir, (str, Path)) else out_dir
    return [stats for _, stats in sorted(_shard_stats_by_index(storage).items())]


def finalize_run(
    out_dir: str | Path | RunStorage, failed_shards: dict[int, str], tasks: list[ShardTask] | None = None
) -> dict[str, Any]:
    """Merged stats, ``sizes.json`` (beside the shards, where open_clip looks, and at the top), report.

    With ``tasks``, only shards whose completion marker matches count: a shard cut short
    (its tar published, its marker not) is left out of the sizes and the totals.
    """
    storage = open_run_storage(out_dir) if isinstance(out_dir, (str, Path)) else out_dir
    by_index = _shard_stats_by_index(storage)
    if tasks is not None:
        done = finished_shards(storage, ((t.index, t.fingerprint) for t in tasks))
        by_index = {i: stats for i, stats in by_index.items() if i in done}
    totals = summarize(merge_stats(stats for _, stats in sorted(by_index.items())))
    totals["shards_finished"] = len(by_index)
    totals["failed_shards"] = {str(k): v for k, v in sorted(failed_shards.items())}
    sizes = {f"{naming.shard_name(i)}.tar": stats.get("samples", 0) for i, stats in sorted(by_index.items())}
    storage.write_bytes(f"{naming.SHARD_DIR}/sizes.json", dumps_json(sizes))
    storage.write_bytes("sizes.json", dumps_json(sizes))
    storage.write_bytes("stats.json", json.dumps(totals, indent=2, sort_keys=True).encode() + b"\n")
    write_report(storage, totals)
    return totals
