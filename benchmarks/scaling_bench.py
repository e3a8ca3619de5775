"""Scaling benchmark: figures/s of the whole pipeline on 1 and 2 local workers and on a local
Ray cluster of 2 worker processes, the per-figure cost by stage, and core-hours for all of PMC.

The real article set (``../shared/data/articles``; the bundled ``examples/articles`` when
absent) is repeated ``--copies`` times under distinct package names (hard links, so no disk
is spent; the pipeline de-duplicates packages by name, so each copy gets a prefix). Every
configuration runs the same corpus into a fresh run directory, with the default settings
(layout + OCR on, as ``panel2patch run`` does).

"figures" below are the figure and table images that went through the pipeline and were
written as samples (decode, layout, OCR, captions, write); figures whose image is missing
from their package (XML-only articles) cost next to nothing and are counted apart.

Per-stage seconds come from the shards' ``seconds_by_stage`` (``pipeline.timing``). Stages
that the pipeline does not time itself yet are timed here by wrapping their entry points
in the single-worker, in-process run only (timers are exclusive, so a stage wrapped both
here and in the code is counted once); rerunning after more stages are instrumented, or
added, picks them up with no change to this script.

    .venv/bin/pip install -e '.[ocr,ray]'
    .venv/bin/python benchmarks/scaling_bench.py [--copies 20] [--configs local:1 local:2 ray:2] [--record]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import platform
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from panel2patch.config import ExtractConfig, RunConfig
from panel2patch.executors import make_executor
from panel2patch.pipeline.run import run_extraction
from panel2patch.pipeline.timing import stage_timer
from panel2patch.sources.discover import discover_packages

REPO = Path(__file__).resolve().parents[1]
SHARED_ARTICLES = REPO.parent / "shared" / "data" / "articles"
RESULTS = REPO / "benchmarks" / "results" / "scaling.md"
PMC_FIGURES = 24_000_000

# (module, attribute, stage): entry points timed when the code does not time them itself
FALLBACK_STAGES = [
    ("panel2patch.pipeline.article", "open_package", "read"),
    ("panel2patch.pipeline.article", "parse_article", "parse"),
    ("panel2patch.pipeline.article", "decode_image", "decode"),
    ("panel2patch.pipeline.article", "prepare_image", "decode"),
    ("panel2patch.pipeline.article", "encode_jpeg", "decode"),
    ("panel2patch.pipeline.figure_stages", "parse_layout", "layout"),
    ("panel2patch.layout.label_reader", "RapidOCRLabelReader.read", "ocr"),
    ("panel2patch.layout.label_reader", "TesserocrLabelReader.read", "ocr"),
    ("panel2patch.pipeline.figure_stages", "parse_caption", "captions"),
    ("panel2patch.pipeline.figure_stages", "find_markers", "markers"),
    ("panel2patch.pipeline.article", "find_markers", "markers"),
]
STAGE_ORDER = ["read", "parse", "decode", "layout", "ocr", "captions", "markers", "write"]


def build_corpus(articles: Path, copies: int, root: Path) -> int:
    """``copies`` of every package of ``articles`` under ``root``, names prefixed ``rNNN-``."""
    refs = [r for r in discover_packages(articles) if not r.duplicate_of]
    for copy in range(copies):
        prefix = f"r{copy:03d}-"
        for ref in refs:
            source = Path(ref.path)
            # XML files of a multi-article folder stay together in one folder, other packages apart
            target = root / prefix.rstrip("-") / ref.kind / (prefix + source.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, copy_function=_link_or_copy)
            else:
                _link_or_copy(source, target)
    return len(refs) * copies


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with stage_timer(stage):
            return fn(*args, **kwargs)

    return wrapper


@contextmanager
def fallback_stage_timers() -> Iterator[list[str]]:
    """Wrap the entry points of ``FALLBACK_STAGES`` that exist (in this process only)."""
    undo: list[tuple[Any, str, Any]] = []
    wrapped = []
    for module_name, attribute, stage in FALLBACK_STAGES:
        try:
            owner: Any = importlib.import_module(module_name)
        except ImportError:
            continue
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, name):
            continue
        original = getattr(owner, name)
        setattr(owner, name, _timed(stage, original))
        undo.append((owner, name, original))
        wrapped.append(f"{module_name}.{attribute}")
    try:
        yield wrapped
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _process_tree_cpu() -> dict[int, float]:
    """CPU seconds of every live descendant of this process (Ray's raylet, GCS and workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, cpu = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    me, found = os.getpid(), {}
    for pid in cpu:
        ancestor = parent.get(pid)
        while ancestor and ancestor != me:
            ancestor = parent.get(ancestor)
        if ancestor == me:
            found[pid] = cpu[pid]
    return found


def run_config(kind: str, workers: int, corpus: Path, out: Path, layout: str | None) -> dict[str, Any]:
    config = RunConfig(extract=ExtractConfig(layout_backend=layout), shard_size=10, workers=workers)
    startup = 0.0
    if kind == "ray":
        import ray

        began = time.perf_counter()
        ray.init(num_cpus=workers, include_dashboard=False, logging_level="warning")
        startup = time.perf_counter() - began
    executor = make_executor(kind, workers)
    tree_before = _process_tree_cpu() if kind == "ray" else {}
    cpu_before, began = _cpu_seconds(), time.perf_counter()
    try:
        if kind == "local" and workers == 1:
            with fallback_stage_timers() as wrapped:
                summary = run_extraction(corpus, out, config, executor)
        else:
            wrapped = []
            summary = run_extraction(corpus, out, config, executor)
        wall = time.perf_counter() - began
        cpu = _cpu_seconds() - cpu_before  # this process, and the pool workers it has joined
        if kind == "ray":  # Ray's processes are not joined children: read them while they live
            tree_after = _process_tree_cpu()
            cpu += sum(seconds - tree_before.get(pid, 0.0) for pid, seconds in tree_after.items())
    finally:
        if kind == "ray":
            ray.shutdown()
    totals = json.loads((out / "stats.json").read_text())
    assert not summary.failed_shards, summary.failed_shards
    return {"name": f"{kind}:{workers}", "kind": kind, "workers": workers, "wall": wall, "startup": startup,
            "cpu": cpu, "totals": totals, "wrapped": wrapped}


def _figures(totals: dict[str, Any]) -> tuple[int, int]:
    """(figure/table images written as samples, figures/tables seen)."""
    return totals["samples"], totals["figures"] + totals.get("tables", 0)


def throughput_table(results: list[dict[str, Any]]) -> list[str]:
    base = results[0]
    base_rate = _figures(base["totals"])[0] / base["wall"]
    lines = [
        "| executor | worker processes | wall s | figures (samples) | figures/s | speed-up | CPU s / figure | cluster start s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        samples, _ = _figures(r["totals"])
        rate = samples / r["wall"]
        cpu = f"{r['cpu'] / samples:.3f}"
        start = f"{r['startup']:.1f}" if r["kind"] == "ray" else "-"
        lines.append(
            f"| {r['kind']} | {r['workers']} | {r['wall']:.1f} | {samples} | {rate:.2f} | {rate / base_rate:.2f}x | {cpu} | {start} |"
        )
    return lines


def stage_table(result: dict[str, Any]) -> list[str]:
    totals = result["totals"]
    samples, _ = _figures(totals)
    stages = dict(totals.get("seconds_by_stage", {}))
    total = totals.get("seconds", 0.0)
    stages["other (untimed: archive reads, JSON, hierarchy, ...)"] = max(total - sum(stages.values()), 0.0)
    order = {name: i for i, name in enumerate(STAGE_ORDER)}
    lines = ["| stage | seconds | ms / figure | share |", "|---|---|---|---|"]
    for name, seconds in sorted(stages.items(), key=lambda kv: order.get(kv[0], len(order))):
        lines.append(f"| {name} | {seconds:.1f} | {1000 * seconds / samples:.1f} | {seconds / total:.1%} |")
    lines.append(f"| **total (worker seconds in shards)** | {total:.1f} | {1000 * total / samples:.1f} | 100% |")
    missing = [s for s in STAGE_ORDER if s not in totals.get("seconds_by_stage", {})]
    if missing:
        lines += ["", f"Stages not in the pipeline yet (or not reached): {', '.join(missing)}."]
    return lines


def projection(results: list[dict[str, Any]]) -> list[str]:
    """Two bases per run: cores held x wall time (what a cluster bills, hurt by anything else
    running on the machine) and CPU time actually used (robust to a shared machine)."""
    lines = ["| basis | core-seconds / figure | core-hours for 24M PMC figures | days on one 64-core node |", "|---|---|---|---|"]
    for r in results:
        samples, _ = _figures(r["totals"])
        for label, core_seconds in (("cores held x wall", r["wall"] * r["workers"] / samples), ("CPU time used", r["cpu"] / samples)):
            hours = PMC_FIGURES * core_seconds / 3600
            lines.append(f"| {r['name']}, {label} | {core_seconds:.3f} | {hours:,.0f} | {hours / 64 / 24:.1f} |")
    return lines


def machine() -> str:
    cpus = os.cpu_count()
    try:
        model = next(l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{cpus}-core {platform.machine()} ({model}), {memory:.0f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, default=SHARED_ARTICLES if SHARED_ARTICLES.is_dir() else REPO / "examples" / "articles")
    parser.add_argument("--copies", type=int, default=20, help="times the article set is repeated")
    parser.add_argument("--configs", nargs="+", default=["local:1", "local:2", "ray:2"], help="executor:workers")
    parser.add_argument("--layout", default="classical", help="layout backend, or 'none'")
    parser.add_argument("--record", action="store_true", help=f"append the results to {RESULTS.relative_to(REPO)}")
    args = parser.parse_args()
    layout = None if args.layout == "none" else args.layout

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="p2p-scaling-") as tmp:
        corpus = Path(tmp) / "corpus"
        n_packages = build_corpus(args.articles, args.copies, corpus)
        results = []
        for spec in args.configs:
            kind, workers = spec.split(":")
            print(f"running {spec} over {n_packages} packages ...", flush=True)
            results.append(run_config(kind, int(workers), corpus, Path(tmp) / spec.replace(":", "-"), layout))
            r = results[-1]
            print(f"  {spec}: {r['wall']:.1f} s, {_figures(r['totals'])[0]} figures", flush=True)

    load_after = os.getloadavg()
    first = results[0]
    samples, seen = _figures(first["totals"])
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    lines = [
        f"## {date.today().isoformat()}, {machine()}",
        "",
        f"Command: `.venv/bin/python benchmarks/scaling_bench.py --copies {args.copies} --configs {' '.join(args.configs)}"
        f"{'' if args.layout == 'classical' else ' --layout ' + args.layout}` (commit {commit}).",
        f"Corpus: `{args.articles.name}` x {args.copies} = {n_packages} packages; per run {samples} figure/table images "
        f"written as samples, {seen} figures/tables seen (the rest have no image in their package). "
        f"Layout backend: {layout or 'off'}; shard size 10. Load average (1/5/15 min) before: "
        f"{'/'.join(f'{x:.1f}' for x in load_before)}, after: {'/'.join(f'{x:.1f}' for x in load_after)} "
        f"(above {os.cpu_count()} means other work shared the cores, and wall-clock numbers are pessimistic).",
        "",
        "### Throughput",
        "",
        *throughput_table(results),
        "",
        f"### Per-figure cost by stage ({first['name']}, in-process)",
        "",
        *stage_table(first),
        "",
        f"Timed by this script (not yet by the pipeline): {', '.join(first['wrapped']) or 'none'}.",
        "",
        "### Projection for all of PMC (~24M figures)",
        "",
        *projection(results),
        "",
    ]
    text = "\n".join(lines)
    print()
    print(text)
    if args.record:
        header = "" if RESULTS.exists() else "# Scaling benchmark results\n\nRecorded by `benchmarks/scaling_bench.py --record`; newest last.\n\n"
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(header + text + "\n")


if __name__ == "__main__":
    main()
