"""Where the training shards are, and reading their samples without decoding anything.

A source is a run directory (its ``shards/*.tar``, in ``sizes.json`` order), a shard path or
brace pattern (``runs/a/shards/{000000..000009}.tar``), a ``::``-joined list, or a URL that
fsspec opens (``https://``, ``s3://``, ``gs://``, ``file://``): a URL ending in ``.tar`` is a
shard, any other URL a remote run directory whose ``shards/sizes.json`` lists its shards.
``pipe:`` commands go through webdataset's own opener.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import tarfile
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

import webdataset as wds
from webdataset.tariterators import group_by_keys, tar_file_iterator

from panel2patch.naming import SHARD_DIR

log = logging.getLogger(__name__)

SIZES = "sizes.json"


class SourceError(ValueError):
    """A training source names nothing readable."""


def _is_url(source: str) -> bool:
    return "://" in source or source.startswith("pipe:")


def _open(url: str) -> BinaryIO:
    if url.startswith("pipe:"):
        return wds.gopen(url, "rb")
    if "://" in url:
        import fsspec

        return fsspec.open(url, "rb").open()
    return open(url, "rb")  # noqa: SIM115 - the reader closes it


def _join(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *parts]) if _is_url(base) else os.path.join(base, *parts)


def _read_sizes(folder: str) -> dict[str, int] | None:
    try:
        with _open(_join(folder, SIZES)) as handle:
            sizes = json.load(handle)
    except (OSError, ValueError):
        return None
    return {str(k): int(v) for k, v in sizes.items()} if isinstance(sizes, dict) else None


def _run_dir_shards(folder: str) -> list[str] | None:
    for shard_folder in (_join(folder, SHARD_DIR), folder):
        sizes = _read_sizes(shard_folder)
        if sizes:
            return [_join(shard_folder, name) for name in sorted(sizes)]
    if not _is_url(folder):
        for shard_folder in (os.path.join(folder, SHARD_DIR), folder):
            found = sorted(glob.glob(os.path.join(shard_folder, "*.tar")))
            if found:
                return found
    return None


def resolve_sources(sources: Sequence[str]) -> list[str]:
    """Every shard URL the sources name, in order, without duplicates."""
    urls: list[str] = []
    for source in sources:
        for item in wds.shardlists.expand_urls(str(source)):
            local_dir = not _is_url(item) and os.path.isdir(item)
            remote_dir = _is_url(item) and not item.startswith("pipe:") and not item.endswith(".tar")
            if local_dir or remote_dir:
                shards = _run_dir_shards(item)
                if not shards:
                    raise SourceError(f"{item}: no shards found (expected {SHARD_DIR}/{SIZES} or *.tar)")
                urls.extend(shards)
            elif _is_url(item):
                urls.append(item)
            else:
                matches = sorted(glob.glob(item)) if any(c in item for c in "*?[") else [item]
                missing = [m for m in matches if not os.path.isfile(m)]
                if not matches or missing:
                    raise SourceError(f"{item}: no such shard file")
                urls.extend(matches)
    seen: set[str] = set()
    return [u for u in urls if not (u in seen or seen.add(u))]


def _log_and_continue(exn: Exception) -> bool:
    log.warning("skipping unreadable shard data: %s", exn)
    return True


def iter_raw_samples(url: str) -> Iterator[dict[str, Any]]:
    """``{"__key__", "jpg", "txt", "json", ...}`` byte samples of one shard, nothing decoded.

    A shard that cannot be opened, or breaks half-way, is logged and ends early."""
    try:
        stream = _open(url)
    except OSError as exn:
        log.warning("cannot open shard %s: %s", url, exn)
        return
    try:
        files = tar_file_iterator(stream, handler=_log_and_continue)
        tagged = ({**f, "__url__": url} for f in files)
        yield from group_by_keys(tagged, handler=_log_and_continue)
    except (tarfile.TarError, OSError, EOFError) as exn:
        log.warning("shard %s is broken, skipping its rest: %s", url, exn)
    finally:
        stream.close()
