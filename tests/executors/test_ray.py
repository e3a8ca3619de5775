"""The Ray executor on a local 2-CPU cluster (one per module): same outcomes, same shards,
cross-resume with the local executor. Skipped when Ray is not installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from panel2patch.cli.progress import RunMeter
from panel2patch.config import ExtractConfig, RunConfig
from panel2patch.executors import make_executor
from panel2patch.pipeline.run import RunSummary, run_extraction
from tests.conftest import EXAMPLES, REPO_ROOT, SHARED_DATA
from tests.executors.test_local import always_fails, crash_once_per_task, kill_worker_once
from tests.output.checks import assert_run_is_whole, file_mtimes
from tests.pipeline.helpers import samples

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

SHARD_SIZE = 10


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """One local cluster for the module; executors made here find it initialised and reuse it."""
    # workers import the test helpers by reference (cloudpickle), so they need the repo on their path
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), previous) if p)
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=128 * 1024**2, logging_level="warning")
    try:
        yield
    finally:
        ray.shutdown()
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous


@pytest.fixture(scope="module")
def articles() -> Path:
    """The real article set when this checkout has it, else the bundled sample."""
    real = SHARED_DATA / "articles"
    return real if real.is_dir() else EXAMPLES


def extract_with(executor_name: str, source: Path, out: Path, meter: RunMeter | None = None, **options: Any) -> RunSummary:
    # figure-level samples: the per-figure stages are tested elsewhere (and in the slow test below);
    # what differs here is only where tasks run
    # the local executor in-process (its process pool gives the same bytes: tests/pipeline), Ray on 2 CPUs
    workers = 2 if executor_name == "ray" else 1
    options = {"layout_backend": None, "concepts": False, **options}
    # the bundled sample (10 packages) needs smaller shards to give the resume test several of them
    shard_size = SHARD_SIZE if source != EXAMPLES else 2
    config = RunConfig(extract=ExtractConfig(**options), shard_size=shard_size, workers=workers)
    executor = make_executor(executor_name, workers)
    return run_extraction(source, out, config, executor, on_outcome=meter.update if meter else None)


@pytest.fixture(scope="module")
def both_runs(ray_cluster: None, articles: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("executors")
    runs: dict[str, Any] = {}
    for name in ("local", "ray"):
        meter = RunMeter(total_shards=0)
        summary = extract_with(name, articles, root / name, meter)
        assert summary.failed_shards == {}
        runs[name] = {"out": root / name, "summary": summary, "meter": meter}
    return runs


def test_transient_failures_are_retried_and_counted(ray_cluster: None, tmp_path: Path) -> None:
    tasks = [(str(tmp_path), i) for i in range(4)]
    outcomes = list(make_executor("ray", 2).run(crash_once_per_task, tasks, max_retries=2))
    assert sorted(o.result for o in outcomes) == [0, 10, 20, 30]
    assert all(o.error is None and o.attempts == 2 for o in outcomes)


def test_retries_are_bounded_and_the_task_error_is_reported(ray_cluster: None, tmp_path: Path) -> None:
    (outcome,) = make_executor("ray", 2).run(always_fails, [(str(tmp_path), 1)], max_retries=1)
    assert outcome.result is None and outcome.attempts == 2
    assert outcome.error is not None and outcome.error.startswith("ValueError: broken shard")


def test_a_dead_worker_is_survived(ray_cluster: None, tmp_path: Path) -> None:
    tasks = [(str(tmp_path), i) for i in range(3)]
    outcomes = {o.task[1]: o for o in make_executor("ray", 2).run(kill_worker_once, tasks, max_retries=2)}
    assert sorted(o.result for o in outcomes.values()) == [0, 10, 20]
    assert outcomes[1].attempts == 2


def test_same_samples_as_the_local_executor(both_runs: dict[str, Any]) -> None:
    local, remote = both_runs["local"]["out"], both_runs["ray"]["out"]
    expected, got = samples(local), samples(remote)
    assert set(got) == set(expected) and len(got) > 0
    for key, members in expected.items():
        assert got[key]["txt"] == members["txt"], key
        assert got[key] == members, key  # image and JSON bytes too
    for pattern in ("shards/*.tar", "shards/*.parquet", "done/*.json", "sizes.json", "shards/sizes.json"):
        first = {p.name: p.read_bytes() for p in sorted(local.glob(pattern))}
        second = {p.name: p.read_bytes() for p in sorted(remote.glob(pattern))}
        assert first == second and first, pattern


def test_stats_and_progress_have_the_same_shape(both_runs: dict[str, Any]) -> None:
    def shape(value: Any) -> Any:
        return {k: shape(v) for k, v in sorted(value.items())} if isinstance(value, dict) else type(value).__name__

    local, remote = (json.loads((both_runs[n]["out"] / "stats.json").read_text()) for n in ("local", "ray"))
    assert shape(local) == shape(remote)
    timing = {"seconds", "seconds_by_stage"}
    assert {k: v for k, v in local.items() if k not in timing} == {k: v for k, v in remote.items() if k not in timing}
    assert local["seconds_by_stage"]["write"] > 0 and remote["seconds_by_stage"]["write"] > 0
    meters = [both_runs[n]["meter"] for n in ("local", "ray")]
    for meter in meters:
        assert meter.shards_done == both_runs["local"]["summary"].shards and meter.shards_failed == 0
        assert meter.figures == local["figures"] + local["tables"] and meter.samples == local["samples"]
        assert meter.figures_per_second > 0
    assert meters[0].failures == meters[1].failures


@pytest.mark.parametrize("first, resumer", [("local", "ray"), ("ray", "local")])
def test_either_executor_resumes_the_other(
    both_runs: dict[str, Any], articles: Path, tmp_path: Path, first: str, resumer: str
) -> None:
    out = tmp_path / "run"
    shutil.copytree(both_runs[first]["out"], out)
    before = {p.name: p.read_bytes() for p in (out / "shards").glob("*.tar")}
    # what a killed run leaves: one shard without its marker, one without its tar, a half-written temporary
    (out / "done" / "000001.json").unlink()
    (out / "shards" / "000002.tar").unlink()
    (out / "shards" / ".000003.tar.tmp-999-dead").write_bytes(b"half a tar")
    untouched = {k: v for k, v in file_mtimes(out, "done/*.json").items() if k != "done/000002.json"}
    summary = extract_with(resumer, articles, out)
    assert summary.failed_shards == {} and summary.shards_skipped == summary.shards - 2
    assert {p.name: p.read_bytes() for p in (out / "shards").glob("*.tar")} == before
    assert {k: v for k, v in file_mtimes(out, "done/*.json").items() if k in untouched} == untouched
    assert_run_is_whole(out, summary.shards)


@pytest.mark.slow
def test_same_samples_with_every_stage_on(ray_cluster: None, articles: Path, tmp_path: Path) -> None:
    """With layout, OCR and concepts too (the panels in the JSON): still the same bytes."""
    for name in ("local", "ray"):
        assert extract_with(name, articles, tmp_path / name, layout_backend="classical", concepts=True).failed_shards == {}
    expected, got = samples(tmp_path / "local"), samples(tmp_path / "ray")
    assert got == expected and any(json.loads(m["json"])["panels"] for m in got.values())


@pytest.mark.slow
def test_cli_starts_and_stops_its_own_cluster(articles: Path, tmp_path: Path) -> None:
    """In a fresh process: ``--executor ray`` starts a local cluster, runs, and shuts it down."""
    out = tmp_path / "run"
    command = [sys.executable, "-m", "panel2patch", "run", str(EXAMPLES), "--out", str(out), "--executor", "ray",
               "--workers", "2", "--shard-size", "4", "--layout", "none", "--no-concepts", "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "worker(s), ray" in " ".join(done.stderr.split())
    assert_run_is_whole(out, 3)


def test_ray_tasks_run_opencv_on_one_thread(ray_cluster: None) -> None:
    from tests.executors.test_local import opencv_threads

    outcomes = list(make_executor("ray", 2).run(opencv_threads, [0, 1], max_retries=0))
    assert [o.result for o in outcomes] == [1, 1]
