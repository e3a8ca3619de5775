"""In-process and local process-pool executors."""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

from panel2patch.executors.base import Outcome, one_opencv_thread, register_executor

T = TypeVar("T")
R = TypeVar("R")


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


class InProcessExecutor:
    """Runs tasks one after another in this process (debuggable, no pickling)."""

    def run(self, fn: Callable[[T], R], tasks: Sequence[T], max_retries: int) -> Iterator[Outcome[T, R]]:
        for task in tasks:
            for attempt in range(1, max_retries + 2):
                try:
                    yield Outcome(task, fn(task), None, attempt)
                    break
                except Exception as exc:  # a whole-task failure: retry, then report
                    if attempt > max_retries:
                        yield Outcome(task, None, _describe(exc), attempt)


class ProcessPoolExecutorBackend:
    """A pool of worker processes; a task whose worker crashes is retried in a new pool."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def run(self, fn: Callable[[T], R], tasks: Sequence[T], max_retries: int) -> Iterator[Outcome[T, R]]:
        attempts = {i: 0 for i in range(len(tasks))}
        pending = list(range(len(tasks)))
        context = multiprocessing.get_context("spawn")  # no inherited threads or locks
        while pending:
            with ProcessPoolExecutor(max_workers=min(self.workers, len(pending)), mp_context=context,
                                     initializer=one_opencv_thread) as pool:
                futures: dict[Future[R], int] = {}
                for i in pending:
                    attempts[i] += 1
                    futures[pool.submit(fn, tasks[i])] = i
                pending = []
                waiting = set(futures)
                while waiting:
                    done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                    for future in done:
                        i = futures[future]
                        try:
                            yield Outcome(tasks[i], future.result(), None, attempts[i])
                        except Exception as exc:  # task error, or BrokenProcessPool when a worker died
                            if attempts[i] <= max_retries:
                                pending.append(i)
                            else:
                                yield Outcome(tasks[i], None, _describe(exc), attempts[i])
            pending.sort()


@register_executor("local")
def make_local(workers: int, **_: object) -> InProcessExecutor | ProcessPoolExecutorBackend:
    return InProcessExecutor() if workers <= 1 else ProcessPoolExecutorBackend(workers)
