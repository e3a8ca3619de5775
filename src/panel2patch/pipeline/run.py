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
from panel2patch.output.atomic import write_bytes_atomic
from panel2patch.output.report import write_report
from panel2patch.output.shard_writer import dumps_json, shard_is_done
from panel2patch.pipeline.enrichment import prefetch_pubmed
from panel2patch.output.stats import merge_stats, summarize
from panel2patch.pipeline.shards import ShardResult, ShardTask, plan_shards, run_shard
from panel2patch.sources.registry import discover_source

CONFIG_FILE = "config.json"
DOWNLOAD_DIR = "downloads"


@dataclass
class RunSummary:
    out_dir: Path
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


def _check_or_write_config(out_dir: Path, config: RunConfig, source: str, n_packages: int, overwrite: bool) -> None:
    resolved = {
        "panel2patch_version": __version__,
        "source": source,
        "packages": n_packages,
        "shard_size": config.shard_size,
        "extract": config.extract.to_json(),
        "extract_fingerprint": config.extract.fingerprint(),
    }
    path = out_dir / CONFIG_FILE
    if path.exists() and not overwrite:
        previous = json.loads(path.read_text(encoding="utf-8"))
        for key in ("source", "shard_size", "extract_fingerprint"):
            if previous.get(key) != resolved[key]:
                raise RunConfigMismatchError(
                    f"{out_dir} was made with a different {key} ({previous.get(key)!r} vs {resolved[key]!r}); "
                    "use another --out, or --overwrite to rebuild it"
                )
    out_dir.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, json.dumps(resolved, indent=2, sort_keys=True).encode() + b"\n")


def plan_run(source: str | Path, out_dir: Path, config: RunConfig, overwrite: bool = False) -> list[ShardTask]:
    """Discover and select packages, check or record the run's config, and cut shards."""
    source = str(source)
    refs = discover_source(source, config.extract.selection, config.package_base_url)
    if any(ref.kind == "remote_tar" for ref in refs):
        config = replace(config, extract=replace(config.extract, download_dir=str((out_dir / DOWNLOAD_DIR).resolve())))
    pubmed = config.extract.pubmed
    if pubmed is not None and pubmed.cache_dir is None:  # the run keeps its own cache unless told otherwise
        config = replace(config, extract=replace(config.extract, pubmed=replace(pubmed, cache_dir=(out_dir / "cache").resolve())))
    _check_or_write_config(out_dir, config, source, len(refs), overwrite)
    tasks = plan_shards(refs, config.shard_size, out_dir, config.extract)
    _remove_stale_shards(out_dir, len(tasks))
    return tasks


def execute_run(
    tasks: list[ShardTask],
    out_dir: Path,
    config: RunConfig,
    executor: Executor,
    on_outcome: Callable[[Outcome[ShardTask, ShardResult]], None] | None = None,
) -> RunSummary:
    """Run every shard (finished ones are skipped inside the task), then write the totals."""
    summary = RunSummary(out_dir=out_dir, shards=len(tasks), shards_skipped=0)
    pending = [t for t in tasks if not shard_is_done(out_dir, t.index, t.fingerprint)]
    if pending and pending[0].config.pubmed is not None:
        refs = [ref for task in pending for ref in task.packages]
        summary.pubmed = prefetch_pubmed(refs, pending[0].config.pubmed, pending[0].config)
    for outcome in executor.run(run_shard, tasks, config.max_retries):
        if outcome.error is not None:
            summary.failed_shards[outcome.task.index] = outcome.error
        elif outcome.result is not None and outcome.result.skipped:
            summary.shards_skipped += 1
        if on_outcome:
            on_outcome(outcome)
    summary.totals = finalize_run(out_dir, summary.failed_shards)
    return summary


def run_extraction(
    source: str | Path,
    out_dir: Path,
    config: RunConfig,
    executor: Executor,
    on_outcome: Callable[[Outcome[ShardTask, ShardResult]], None] | None = None,
    overwrite: bool = False,
) -> RunSummary:
    tasks = plan_run(source, out_dir, config, overwrite)
    return execute_run(tasks, out_dir, config, executor, on_outcome)


def _remove_stale_shards(out_dir: Path, n_shards: int) -> None:
    """Drop files of shard numbers beyond this run's plan (left by a larger earlier run)."""
    for folder in (naming.SHARD_DIR, naming.STATS_DIR, naming.DONE_DIR):
        for path in (out_dir / folder).glob("[0-9]*.*"):
            stem = path.name.split(".")[0]
            if stem.isdigit() and int(stem) >= n_shards:
                path.unlink()


def load_shard_stats(out_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_bytes()) for p in sorted((out_dir / naming.STATS_DIR).glob("[0-9]*.json"))]


def finalize_run(out_dir: Path, failed_shards: dict[int, str]) -> dict[str, Any]:
    """Merged stats, ``sizes.json`` (beside the shards, where open_clip looks, and at the top), report."""
    totals = summarize(merge_stats(load_shard_stats(out_dir)))
    totals["failed_shards"] = {str(k): v for k, v in sorted(failed_shards.items())}
    sizes = {}
    for stats_path in sorted((out_dir / naming.STATS_DIR).glob("[0-9]*.json")):
        shard = int(stats_path.stem)
        sizes[f"{naming.shard_name(shard)}.tar"] = json.loads(stats_path.read_bytes()).get("samples", 0)
    write_bytes_atomic(out_dir / naming.SHARD_DIR / "sizes.json", dumps_json(sizes))
    write_bytes_atomic(out_dir / "sizes.json", dumps_json(sizes))
    write_bytes_atomic(out_dir / "stats.json", json.dumps(totals, indent=2, sort_keys=True).encode() + b"\n")
    write_report(out_dir, totals)
    return totals
