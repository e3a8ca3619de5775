"""Run the extraction in-process for tests and read its outputs back."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from panel2patch.config import ExtractConfig, RunConfig
from panel2patch.executors import make_executor
from panel2patch.pipeline.run import RunSummary, run_extraction


def extract(source: Path, out: Path, workers: int = 1, shard_size: int = 100, **extract_options: Any) -> RunSummary:
    config = RunConfig(extract=ExtractConfig(**extract_options), shard_size=shard_size, workers=workers)
    return run_extraction(source, out, config, make_executor("local", workers))


def index_rows(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted((out / "shards").glob("*.parquet")):
        rows.extend(pq.read_table(path).to_pylist())
    return rows


def samples(out: Path) -> dict[str, dict[str, bytes]]:
    """key -> {extension: bytes} over every shard."""
    found: dict[str, dict[str, bytes]] = {}
    for path in sorted((out / "shards").glob("*.tar")):
        with tarfile.open(path) as tar:
            for member in tar.getmembers():
                key, ext = member.name.split(".", 1)
                handle = tar.extractfile(member)
                assert handle is not None
                found.setdefault(key, {})[ext] = handle.read()
    return found


def sample_json(out: Path, key: str) -> dict[str, Any]:
    return json.loads(samples(out)[key]["json"])
