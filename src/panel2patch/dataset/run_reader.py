"""Read the figure samples of a run directory back, shard by shard, in a fixed order."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel2patch import naming


@dataclass(frozen=True)
class RunSample:
    """One figure sample of a run shard: ``KEY.jpg`` bytes (None when not read), caption, JSON."""

    key: str
    jpeg: bytes | None
    caption: str
    meta: dict[str, Any]
    shard: str  # the shard's file name, e.g. "000000.tar"


def run_shards(run_dir: Path) -> list[Path]:
    """The run's finished shard tars (those with a completion marker), sorted by name."""
    return [path for path in all_shard_tars(run_dir) if path.stem not in unfinished_shards(run_dir)]


def all_shard_tars(run_dir: Path) -> list[Path]:
    return sorted((Path(run_dir) / naming.SHARD_DIR).glob("[0-9]*.tar"))


def unfinished_shards(run_dir: Path) -> list[str]:
    """Shard names whose tar is there but whose completion marker is not (a run still going, or crashed)."""
    done = Path(run_dir) / naming.DONE_DIR
    return [path.stem for path in all_shard_tars(run_dir) if not (done / f"{path.stem}.json").exists()]


def iter_shard(tar_path: Path, with_images: bool = True) -> Iterator[RunSample]:
    """The samples of one shard in tar order. ``with_images=False`` skips the JPEG bytes (seeks past them)."""
    parts: dict[str, Any] = {}
    current: str | None = None
    with tarfile.open(tar_path, mode="r:") as tar:
        for member in tar:
            if not member.isfile():
                continue
            key, _, ext = member.name.rpartition("/")[2].partition(".")
            if key != current:
                if current is not None:
                    yield _sample(current, parts, tar_path.name)
                current, parts = key, {}
            if ext == "jpg" and not with_images:
                continue
            handle = tar.extractfile(member)
            parts[ext] = handle.read() if handle else b""
        if current is not None:
            yield _sample(current, parts, tar_path.name)


def iter_run(run_dir: Path, with_images: bool = True) -> Iterator[RunSample]:
    for path in run_shards(run_dir):
        yield from iter_shard(path, with_images)


def _sample(key: str, parts: dict[str, bytes], shard: str) -> RunSample:
    meta = json.loads(parts["json"]) if "json" in parts else {}
    caption = parts.get("txt", b"").decode("utf-8")
    return RunSample(key=key, jpeg=parts.get("jpg"), caption=caption, meta=meta, shard=shard)
