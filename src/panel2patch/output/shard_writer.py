"""Write one shard: WebDataset tar, Parquet index, stats, then the completion marker.

Samples stream into a temporary tar as articles finish, so a worker holds one article's
images at a time. Byte-identical on rerun: members in input order, fixed mtime/owner,
JSON with sorted keys, JPEG bytes from a deterministic encoder. Every file is renamed
into place only when complete, and the marker is written last: a shard without a
marker is unfinished, whatever else is on disk.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import webdataset as wds

from panel2patch import naming
from panel2patch.output.atomic import write_atomic, write_bytes_atomic
from panel2patch.output.stats import shard_stats
from panel2patch.pipeline.results import ArticleResult, IndexRow

_INT_COLUMNS = {"width", "height", "caption_chars", "n_figures"}
INDEX_SCHEMA = pa.schema(
    [pa.field("shard", pa.int32())]
    + [pa.field(f.name, pa.int64() if f.name in _INT_COLUMNS else pa.string()) for f in fields(IndexRow)]
)


def dumps_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class ShardWriter:
    """``add`` article results, then ``commit`` (or ``abort`` on failure)."""

    def __init__(self, out_dir: Path, shard: int) -> None:
        self.out_dir = out_dir
        self.shard = shard
        self.tar_path = out_dir / naming.shard_tar(shard)
        self.tar_path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = self.tar_path.with_name(f".{self.tar_path.name}.tmp-{os.getpid()}")
        self._handle = self._tmp.open("wb")
        self._tar = wds.TarWriter(self._handle, encoder=False, mtime=0.0, user="", group="", mode=0o444)
        self.rows: list[IndexRow] = []
        self.n_samples = 0

    def add(self, result: ArticleResult) -> None:
        for sample in result.samples:
            self._tar.write(
                {
                    "__key__": sample.key,
                    "jpg": sample.jpeg,
                    "txt": sample.caption.encode("utf-8"),
                    "json": dumps_json(sample.meta),
                }
            )
        self.n_samples += len(result.samples)
        self.rows.extend(result.rows)

    def commit(self, fingerprint: str) -> dict[str, Any]:
        """Finish every file of the shard; return its stats."""
        self._tar.close()
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._tmp, self.tar_path)
        write_index(self.out_dir / naming.shard_index(self.shard), self.shard, self.rows)
        stats = shard_stats(self.rows, self.n_samples)
        write_bytes_atomic(self.out_dir / naming.shard_stats(self.shard), dumps_json(stats))
        marker = {"shard": self.shard, "fingerprint": fingerprint, "samples": self.n_samples}
        write_bytes_atomic(self.out_dir / naming.shard_done(self.shard), dumps_json(marker))
        return stats

    def abort(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self._tmp.unlink(missing_ok=True)


def write_index(path: Path, shard: int, rows: list[IndexRow]) -> None:
    columns: dict[str, list[Any]] = {name: [] for name in INDEX_SCHEMA.names}
    for row in rows:
        columns["shard"].append(shard)
        for name, value in asdict(row).items():
            columns[name].append(str(value) if isinstance(value, str) else value)
    table = pa.Table.from_pydict(columns, schema=INDEX_SCHEMA)
    write_atomic(path, lambda handle: pq.write_table(table, handle, compression="zstd"))


def shard_is_done(out_dir: Path, shard: int, fingerprint: str) -> bool:
    """Finished with the same inputs and config, and none of its files deleted since."""
    marker = out_dir / naming.shard_done(shard)
    needed = [naming.shard_tar(shard), naming.shard_index(shard), naming.shard_stats(shard)]
    if not marker.exists() or not all((out_dir / name).exists() for name in needed):
        return False
    try:
        return json.loads(marker.read_bytes()).get("fingerprint") == fingerprint
    except (OSError, ValueError):
        return False
