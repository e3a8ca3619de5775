"""Checks that a run directory is whole: every shard present once, readable and consistent."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pyarrow.parquet as pq

from panel2patch import naming


def file_mtimes(out: Path, pattern: str) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in sorted(out.glob(pattern))}


def tar_keys(path: Path) -> list[str]:
    """Sample keys of a shard, reading every member in full (a truncated tar raises)."""
    members: dict[str, set[str]] = {}
    with tarfile.open(path) as tar:
        for member in tar:
            key, ext = member.name.split(".", 1)
            handle = tar.extractfile(member)
            assert handle is not None and len(handle.read()) == member.size
            members.setdefault(key, set()).add(ext)
    assert all(exts == {"jpg", "txt", "json"} for exts in members.values()), path
    return list(members)


def assert_run_is_whole(out: Path, n_shards: int) -> None:
    leftovers = [p for p in out.rglob(".*") if ".tmp-" in p.name or ".part-" in p.name]
    assert not leftovers, leftovers
    sizes = json.loads((out / "sizes.json").read_text())
    assert json.loads((out / "shards" / "sizes.json").read_text()) == sizes
    assert set(sizes) == {f"{naming.shard_name(i)}.tar" for i in range(n_shards)}
    for folder, ext in (("shards", ".tar"), ("shards", ".parquet"), ("stats", ".json"), ("done", ".json")):
        found = sorted(p.name for p in (out / folder).glob(f"[0-9]*{ext}"))
        assert found == [f"{naming.shard_name(i)}{ext}" for i in range(n_shards)], (folder, ext, found)
    seen: set[str] = set()
    total = 0
    for shard in range(n_shards):
        keys = tar_keys(out / naming.shard_tar(shard))
        assert not seen & set(keys), f"duplicated samples in shard {shard}"
        seen |= set(keys)
        rows = pq.read_table(out / naming.shard_index(shard)).to_pylist()
        written = {r["key"] for r in rows if r["status"] == "ok" and r["item"] != "article" and r["key"]}
        assert written == set(keys)
        stats = json.loads((out / naming.shard_stats(shard)).read_text())
        marker = json.loads((out / naming.shard_done(shard)).read_text())
        assert len(keys) == stats["samples"] == marker["samples"] == sizes[f"{naming.shard_name(shard)}.tar"]
        total += len(keys)
    assert json.loads((out / "stats.json").read_text())["samples"] == total
