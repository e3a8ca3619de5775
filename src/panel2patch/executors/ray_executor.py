"""The Ray executor: shard tasks as Ray remote tasks, on a local or an existing cluster.

Ray is an optional extra, imported when the executor is made, so ``--executor ray``
without it fails at once with the install hint. Tasks and results are the same as for
the local executors (a task returns only its shard's counters, never samples), so runs
of either kind produce the same shards and resume each other.

Retries are counted here, not by Ray's own ``max_retries``: a crash (worker process
died, killed by the memory monitor, node lost) and an exception raised by the task share
one budget of ``max_retries`` resubmissions, and ``Outcome.attempts`` is exact, as with
the local executors. At most a few tasks per CPU are in flight, so the driver never
holds the whole plan in Ray's object store.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from panel2patch.executors.base import Outcome, on_one_opencv_thread, register_executor
from panel2patch.extras import require

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_CPU = 2
LOCAL_OBJECT_STORE_BYTES = 256 * 1024**2  # tasks pass small configs and return small counters


def _describe(exc: BaseException) -> str:
    """The task's own exception when Ray wrapped one, else Ray's error (worker died, OOM...)."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        exc = cause
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.splitlines()[0] if type(exc).__module__.startswith("ray") else text


class RayExecutor:
    """Runs tasks on Ray. ``address``: ``None`` starts a local cluster of ``workers`` CPUs for
    the run and stops it after; ``"auto"`` or ``"ray://host:port"`` joins a running cluster.
    When Ray is already initialised in this process, that cluster is used as it is."""

    def __init__(self, workers: int, address: str | None = None) -> None:
        self.ray: Any = require("ray", extra="ray", purpose="the Ray executor")
        self.workers = max(1, workers)
        self.address = address

    def _connect(self) -> bool:
        """Initialise Ray if needed; True when this call started it (and so must stop it)."""
        ray = self.ray
        if ray.is_initialized():
            return False
        quiet = {"logging_level": logging.WARNING, "log_to_driver": True}
        if self.address:
            ray.init(address=self.address, **quiet)
        else:
            ray.init(
                num_cpus=self.workers,
                include_dashboard=False,
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                **quiet,
            )
        return True

    def run(self, fn: Callable[[T], R], tasks: Sequence[T], max_retries: int) -> Iterator[Outcome[T, R]]:
        if not tasks:
            return
        ray = self.ray
        started_here = self._connect()
        try:
            yield from self._run(fn, tasks, max_retries)
        finally:
            if started_here:
                ray.shutdown()

    def _run(self, fn: Callable[[T], R], tasks: Sequence[T], max_retries: int) -> Iterator[Outcome[T, R]]:
        ray = self.ray
        remote_fn = ray.remote(num_cpus=1, max_retries=0, retry_exceptions=False)(on_one_opencv_thread)
        cpus = int(ray.cluster_resources().get("CPU", self.workers)) or self.workers
        window = max(IN_FLIGHT_PER_CPU * cpus, 2)
        queue = list(range(len(tasks)))
        queue.reverse()  # pop() from the end takes tasks in plan order
        attempts = [0] * len(tasks)
        in_flight: dict[Any, int] = {}
        try:
            while queue or in_flight:
                while queue and len(in_flight) < window:
                    i = queue.pop()
                    attempts[i] += 1
                    in_flight[remote_fn.remote(fn, tasks[i])] = i
                (ready,), _ = ray.wait(list(in_flight), num_returns=1)
                i = in_flight.pop(ready)
                try:
                    result = ray.get(ready)
                except ray.exceptions.RayError as exc:  # the task raised, its worker died, OOM, node lost
                    if attempts[i] <= max_retries:
                        queue.append(i)
                    else:
                        yield Outcome(tasks[i], None, _describe(exc), attempts[i])
                    continue
                yield Outcome(tasks[i], result, None, attempts[i])
        finally:
            for ref in in_flight:  # the caller stopped early (or failed): do not leave work running
                ray.cancel(ref, force=True)


@register_executor("ray")
def make_ray(workers: int, address: str | None = None, **_: object) -> RayExecutor:
    return RayExecutor(workers, address=address)
