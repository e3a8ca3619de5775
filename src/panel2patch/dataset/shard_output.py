"""Write flat samples into ``webdataset.ShardWriter`` shards, one folder per license group.

Shards are named ``shards-000000.tar`` …; each folder gets the ``sizes.json`` open_clip reads
to know the dataset size (``--train-data 'DIR/commercial/shards-{000000..000003}.tar'``).
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from panel2patch.output.atomic import write_bytes_atomic

if TYPE_CHECKING:  # webdataset imports torch when it is installed (~1.6 s): only on first use
    import webdataset as wds

SHARD_PATTERN = "shards-%06d.tar"
SIZES_FILE = "sizes.json"


def iter_staged_samples(tar_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, {"__key__", "jpg", "txt", "json"}) in tar order."""
    current: dict[str, Any] | None = None
    with tarfile.open(tar_path, mode="r:") as tar:
        for member in tar:
            if not member.isfile():
                continue
            key, _, ext = member.name.partition(".")
            if current is None or current["__key__"] != key:
                if current is not None:
                    yield current["__key__"], current
                current = {"__key__": key}
            handle = tar.extractfile(member)
            current[ext] = handle.read() if handle else b""
    if current is not None:
        yield current["__key__"], current


class GroupedShardWriter:
    """One ``ShardWriter`` per group, opened on the group's first sample.

    With ``split`` off every sample goes straight into ``out_dir`` (group name ignored)."""

    def __init__(self, out_dir: Path, split: bool, max_count: int, max_bytes: int) -> None:
        self.out_dir = out_dir
        self.split = split
        self.max_count = max_count
        self.max_bytes = max_bytes
        self._writers: dict[str, wds.ShardWriter] = {}
        self.sizes: dict[str, dict[str, int]] = {}  # group -> shard file name -> samples

    def folder(self, group: str) -> Path:
        return self.out_dir / group if self.split else self.out_dir

    def write(self, group: str, sample: dict[str, Any]) -> None:
        writer = self._writers.get(group)
        if writer is None:
            folder = self.folder(group)
            folder.mkdir(parents=True, exist_ok=True)
            import webdataset as wds

            writer = wds.ShardWriter(
                str(folder / SHARD_PATTERN), maxcount=self.max_count, maxsize=self.max_bytes, verbose=0,
                encoder=False, mtime=0.0, user="", group="", mode=0o444,
            )
            self._writers[group] = writer
        writer.write(sample)
        counts = self.sizes.setdefault(group, {})
        name = Path(writer.fname).name
        counts[name] = counts.get(name, 0) + 1

    def close(self) -> None:
        for group, writer in sorted(self._writers.items()):
            writer.close()
            sizes = dict(sorted(self.sizes.get(group, {}).items()))
            write_bytes_atomic(self.folder(group) / SIZES_FILE, json.dumps(sizes, indent=1, sort_keys=True).encode() + b"\n")

    def train_data_patterns(self) -> dict[str, str]:
        """The ``--train-data`` brace pattern of each group's shards, relative to the export folder."""
        patterns = {}
        for group, sizes in sorted(self.sizes.items()):
            prefix = f"{group}/" if self.split else ""
            last = len(sizes) - 1
            patterns[group] = f"{prefix}shards-{{000000..{last:06d}}}.tar" if last else f"{prefix}shards-000000.tar"
        return patterns

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
