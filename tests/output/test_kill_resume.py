"""SIGKILL the `panel2patch run` driver half-way, run again: the run completes whole, and
shards finished before the kill are not redone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO_ROOT
from tests.output.checks import assert_run_is_whole, file_mtimes
from tests.pipeline.helpers import extract, samples

N_PACKAGES = 10  # the bundled sample, one package per shard


def run_command(out: Path) -> list[str]:
    # one worker: the driver does the work, so SIGKILL stops everything at once, mid-shard
    return [sys.executable, "-m", "panel2patch", "run", str(EXAMPLES), "--out", str(out), "--workers", "1",
            "--shard-size", "1", "--layout", "none", "--no-concepts", "--no-progress"]


def wait_for_first_marker(process: subprocess.Popen, out: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not list((out / "done").glob("*.json")):
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no shard finished in time"
        time.sleep(0.01)


def test_sigkill_half_way_then_rerun(tmp_path: Path) -> None:
    out = tmp_path / "run"
    process = subprocess.Popen(run_command(out), cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_first_marker(process, out)
        time.sleep(0.3)  # into the next shard
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    finished = file_mtimes(out, "done/*.json")
    assert 1 <= len(finished) < N_PACKAGES, "the kill was meant to land half-way"
    finished_tars = {f"shards/{Path(name).stem}.tar": None for name in finished}
    tar_times = {k: v for k, v in file_mtimes(out, "shards/*.tar").items() if k in finished_tars}
    # what a kill in the middle of a write leaves (the real kill may or may not have left one)
    (out / "shards" / f".{N_PACKAGES - 1:06d}.tar.tmp-4242-deadbeef").write_bytes(b"half a tar")

    rerun = subprocess.run(run_command(out), cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"({len(finished)} already done, 0 failed)" in " ".join(rerun.stderr.split())

    assert_run_is_whole(out, N_PACKAGES)
    after = file_mtimes(out, "done/*.json")
    assert {k: after[k] for k in finished} == finished, "a finished shard was redone"
    assert {k: v for k, v in file_mtimes(out, "shards/*.tar").items() if k in tar_times} == tar_times
    # and the result is what an uninterrupted run gives
    clean = tmp_path / "clean"
    extract(EXAMPLES, clean, shard_size=1, layout_backend=None, concepts=False)
    for pattern in ("shards/*.tar", "shards/*.parquet", "sizes.json"):
        assert {p.name: p.read_bytes() for p in out.glob(pattern)} == {p.name: p.read_bytes() for p in clean.glob(pattern)}
    assert samples(out).keys() == samples(clean).keys()


@pytest.mark.parametrize("leftover", [".000000.tar.tmp-1-x", ".000000.json.part-1-2", ".config.json.tmp-7-y"])
def test_stale_temporaries_are_swept_at_run_start(tmp_path: Path, leftover: str) -> None:
    from panel2patch.config import RunConfig
    from panel2patch.pipeline.run import plan_run

    out = tmp_path / "run"
    folder = out / ("downloads" if ".part-" in leftover else "shards" if ".tar" in leftover else "")
    folder.mkdir(parents=True)
    (folder / leftover).write_bytes(b"junk")
    (folder / "keep.me").write_bytes(b"not ours to delete")
    plan_run(EXAMPLES / "pmc_oa_packages", out, RunConfig())
    assert not (folder / leftover).exists()
    assert (folder / "keep.me").exists()
