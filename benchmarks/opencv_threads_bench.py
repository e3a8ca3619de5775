"""OpenCV threads in pool workers: the whole run with OpenCV's default thread pool in each worker
process vs one OpenCV thread per worker (what ``executors.local`` does), side by side.

Both variants run the same corpus (``../shared/data/articles``, else the bundled sample) into
fresh run directories, alternating, ``--rounds`` times each; wall time and CPU time (this
process and its reaped worker processes) are printed per round. CPU time is the robust number
on a shared machine; wall time says how much of the machine the run happened to get.

    .venv/bin/python benchmarks/opencv_threads_bench.py [--workers 2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import panel2patch.executors.local as local
from panel2patch.config import ExtractConfig, RunConfig
from panel2patch.executors import make_executor
from panel2patch.pipeline.run import run_extraction

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "articles"
ONE_THREAD = local.one_opencv_thread


def default_threads() -> None:
    """Worker start-up that leaves OpenCV's default pool (one thread per core) in place."""


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    source = SHARED if SHARED.is_dir() else ROOT / "examples" / "articles"
    variants = {"default OpenCV threads": default_threads, "one OpenCV thread": ONE_THREAD}
    rows = []
    with tempfile.TemporaryDirectory(prefix="p2p-threads-") as tmp:
        for round_ in range(args.rounds):
            for name, initializer in variants.items():
                local.one_opencv_thread = initializer  # what the pool passes to each worker
                out = Path(tmp) / f"{round_}-{len(rows)}"
                wall, cpu = time.perf_counter(), _cpu_seconds()
                summary = run_extraction(source, out, RunConfig(extract=ExtractConfig(), shard_size=10,
                                                                workers=args.workers), make_executor("local", args.workers))
                rows.append((round_, name, time.perf_counter() - wall, _cpu_seconds() - cpu, len(summary.failed_shards)))
                shutil.rmtree(out, ignore_errors=True)
    print(f"{date.today()} · {platform.node()} · {source} · {args.workers} workers\n")
    print("| round | variant | wall s | CPU s | failed shards |\n|---|---|---|---|---|")
    for round_, name, wall, cpu, failed in rows:
        print(f"| {round_} | {name} | {wall:.1f} | {cpu:.1f} | {failed} |")


if __name__ == "__main__":
    main()
