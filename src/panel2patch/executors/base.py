"""The executor axis: how shard tasks get run. Stages know nothing about it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Outcome(Generic[T, R]):
    """A task's end: its result, or the error that remained after every retry."""

    task: T
    result: R | None
    error: str | None
    attempts: int


class Executor(Protocol):
    """Runs ``fn`` over tasks, retrying a crashed task up to ``max_retries`` times."""

    def run(self, fn: Callable[[T], R], tasks: Sequence[T], max_retries: int) -> Iterator[Outcome[T, R]]: ...


_REGISTRY: dict[str, Callable[..., Any]] = {}


def register_executor(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(factory: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = factory
        return factory

    return decorate


def make_executor(name: str, workers: int, **options: Any) -> Executor:
    """An executor by name ("local"; others register themselves)."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown executor {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](workers=workers, **options)


def one_opencv_thread() -> None:
    """Worker start-up: OpenCV runs one thread. Its default pool has a thread per core in every
    worker, so N workers on N cores ran N x N threads; the pool itself is the parallelism."""
    try:
        import cv2
    except ImportError:  # the layout extras are optional; nothing to limit then
        return
    cv2.setNumThreads(1)


def on_one_opencv_thread(fn: Callable[[T], R], task: T) -> R:
    """Run ``fn(task)`` in a worker whose OpenCV runs one thread (for executors without a
    worker start-up hook, such as Ray tasks)."""
    one_opencv_thread()
    return fn(task)
