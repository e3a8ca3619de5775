"""Write one shard: WebDataset tar, Parquet index, stats, then the completion marker.

Samples stream into a temporary tar as articles finish, so a worker holds one article's
images at a time. Byte-identical on rerun: members in input order, fixed mtime/owner,
JSON with sorted keys, JPEG bytes from a deterministic encoder. Every file is published
only when complete (renamed on disk, one PUT on an object store: see ``storage``), and
the marker is written last: a shard without a marker is unfinished, whatever else is there.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from panel2patch import naming
from panel2patch.output.stats import shard_stats
from panel2patch.output.storage import RunStorage
from panel2patch.pipeline.results import ArticleResult, IndexRow
from panel2patch.pipeline.timing import rounded, stage_timer

_INT_COLUMNS = {"width", "height", "caption_chars", "n_figures"}
INDEX_SCHEMA = pa.schema(
    [pa.field("shard", pa.int32())]
    + [pa.field(f.name, pa.int64() if f.name in _INT_COLUMNS else pa.string()) for f in fields(IndexRow)]
)


def dumps_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class ShardWriter:
    """``add`` article results, then ``commit`` (or ``abort`` on failure)."""

    def __init__(self, storage: RunStorage, shard: int) -> None:
        self.storage = storage
        self.shard = shard
        self._tar_file = storage.open_write(naming.shard_tar(shard))
        self._tar = tarfile.open(fileobj=self._tar_file.handle, mode="w|")
        self.rows: list[IndexRow] = []
        self.n_samples = 0

    def add(self, result: ArticleResult) -> None:
        with stage_timer("write"):
            for sample in result.samples:
                members = {"jpg": sample.jpeg, "json": dumps_json(sample.meta), "txt": sample.caption.encode("utf-8")}
                for ext, data in sorted(members.items()):
                    self._tar.addfile(_member(f"{sample.key}.{ext}", len(data)), io.BytesIO(data))
        self.n_samples += len(result.samples)
        self.rows.extend(result.rows)

    def commit(self, fingerprint: str, timings: Mapping[str, float] | None = None, seconds: float | None = None) -> dict[str, Any]:
        """Publish every file of the shard, the marker last; return its stats.

        ``timings``: seconds by stage (read when the stats are made, so the write of the
        tar and index is in them); ``seconds``: a clock started with the shard.
        """
        with stage_timer("write"):
            self._tar.close()
            self._tar_file.commit()
            self.storage.write_bytes(naming.shard_index(self.shard), index_bytes(self.shard, self.rows))
        stats = shard_stats(self.rows, self.n_samples)
        if timings is not None:
            stats["seconds_by_stage"] = rounded(dict(timings))
        if seconds is not None:
            stats["seconds"] = round(seconds, 4)
        self.storage.write_bytes(naming.shard_stats(self.shard), dumps_json(stats))
        marker = {"shard": self.shard, "fingerprint": fingerprint, "samples": self.n_samples}
        self.storage.write_bytes(naming.shard_done(self.shard), dumps_json(marker))
        return stats

    def abort(self) -> None:
        self._tar_file.discard()


def _member(name: str, size: int) -> tarfile.TarInfo:
    """A tar header as ``webdataset.TarWriter(mtime=0, user="", group="", mode=0o444)`` writes it
    (members sorted by extension): the same bytes, without importing webdataset (and torch) in
    every worker."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.uname, info.gname = size, 0.0, 0o444, "", ""
    return info


def index_bytes(shard: int, rows: list[IndexRow]) -> bytes:
    """The shard's Parquet index (every input item with its status) as one file's bytes."""
    columns: dict[str, list[Any]] = {name: [] for name in INDEX_SCHEMA.names}
    for row in rows:
        columns["shard"].append(shard)
        for name, value in asdict(row).items():
            columns[name].append(str(value) if isinstance(value, str) else value)
    table = pa.Table.from_pydict(columns, schema=INDEX_SCHEMA)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def _marker_fingerprint(storage: RunStorage, shard: int) -> str | None:
    try:
        return json.loads(storage.read_bytes(naming.shard_done(shard))).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


def shard_is_done(storage: RunStorage, shard: int, fingerprint: str) -> bool:
    """Finished with the same inputs and config, and none of its files deleted since."""
    names = [naming.shard_done(shard), naming.shard_tar(shard), naming.shard_index(shard), naming.shard_stats(shard)]
    if not all(storage.exists(name) for name in names):
        return False
    return _marker_fingerprint(storage, shard) == fingerprint


def finished_shards(storage: RunStorage, shards: Iterable[tuple[int, str]]) -> set[int]:
    """Which of ``(index, fingerprint)`` are done, from three listings and one read per marker
    (not four existence checks per shard, which an object store makes slow)."""
    listed = {
        folder: set(storage.list(folder)) for folder in (naming.DONE_DIR, naming.SHARD_DIR, naming.STATS_DIR)
    }

    def present(name: str) -> bool:
        folder, file = name.split("/", 1)
        return file in listed[folder]

    done = set()
    for index, fingerprint in shards:
        names = [naming.shard_done(index), naming.shard_tar(index), naming.shard_index(index), naming.shard_stats(index)]
        if all(present(n) for n in names) and _marker_fingerprint(storage, index) == fingerprint:
            done.add(index)
    return done
