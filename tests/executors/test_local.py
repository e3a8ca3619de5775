import os
from pathlib import Path

import pytest

from panel2patch.errors import MissingExtraError
from panel2patch.executors import make_executor
from panel2patch.extras import require


def crash_once_per_task(task: tuple[str, int]) -> int:
    """Fails the first time it sees a task (a marker file remembers), then succeeds."""
    folder, value = task
    marker = Path(folder) / f"seen-{value}"
    if not marker.exists():
        marker.write_text("x")
        raise RuntimeError(f"transient failure on {value}")
    return value * 10


def always_fails(task: tuple[str, int]) -> int:
    raise ValueError("broken shard")


def kill_worker_once(task: tuple[str, int]) -> int:
    """Hard-kills its worker process the first time (like an OOM kill)."""
    folder, value = task
    marker = Path(folder) / f"killed-{value}"
    if value == 1 and not marker.exists():
        marker.write_text("x")
        os._exit(137)
    return value * 10


@pytest.mark.parametrize("workers", [1, 2])
def test_failed_tasks_are_retried(tmp_path: Path, workers: int) -> None:
    tasks = [(str(tmp_path), i) for i in range(4)]
    outcomes = list(make_executor("local", workers).run(crash_once_per_task, tasks, max_retries=2))
    assert sorted(o.result for o in outcomes) == [0, 10, 20, 30]
    assert all(o.error is None and o.attempts == 2 for o in outcomes)


@pytest.mark.parametrize("workers", [1, 2])
def test_retries_are_bounded_and_reported(tmp_path: Path, workers: int) -> None:
    outcomes = list(make_executor("local", workers).run(always_fails, [(str(tmp_path), 1)], max_retries=1))
    (outcome,) = outcomes
    assert outcome.result is None and "broken shard" in (outcome.error or "") and outcome.attempts == 2


def test_a_killed_worker_is_survived(tmp_path: Path) -> None:
    tasks = [(str(tmp_path), i) for i in range(3)]
    outcomes = list(make_executor("local", 2).run(kill_worker_once, tasks, max_retries=2))
    assert sorted(o.result for o in outcomes) == [0, 10, 20]


def test_unknown_executor_and_missing_extra_fail_loudly() -> None:
    with pytest.raises(ValueError, match="available: local"):
        make_executor("slurm", 2)
    with pytest.raises(MissingExtraError, match=r"pip install 'panel2patch\[ray\]'"):
        require("panel2patch_no_such_module", extra="ray", purpose="the Ray executor")


def opencv_threads(_task: int) -> int:
    import cv2

    return cv2.getNumThreads()


def test_pool_workers_run_opencv_on_one_thread() -> None:
    outcomes = list(make_executor("local", workers=2).run(opencv_threads, [0, 1], max_retries=0))
    assert [o.result for o in outcomes] == [1, 1]
