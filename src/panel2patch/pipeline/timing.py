"""Per-stage wall time of a shard, for the scaling benchmark and the run's stats.

Wrap a stage's call in ``stage_timer("layout")``; ``run_shard`` collects the seconds of
every stage into the shard's stats (``seconds_by_stage``), where they add up across
shards like every other counter. Outside a collection a timer costs two clock reads.

Accounting is exclusive: time spent in a nested stage (OCR inside layout) is counted for
the inner stage only, so the stages of a shard never add up to more than its wall time,
and wrapping the same call twice (here and in a caller) does not count it twice.

Stage names in use: ``read`` (open the package, read the XML and image members), ``parse`` (JATS),
``decode`` (image decode + normalise + JPEG), ``layout`` (label OCR included), ``captions``,
``hierarchy`` (panel texts), ``markers`` (and region linking), ``concepts`` (kinds and concept
labels), ``write`` (tar, Parquet, stats, marker).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class _Collector:
    seconds: dict[str, float] = field(default_factory=dict)
    stack: list[str] = field(default_factory=list)
    mark: float = 0.0  # when the innermost open stage last (re)started counting

    def charge_top(self, now: float) -> None:
        if self.stack:
            stage = self.stack[-1]
            self.seconds[stage] = self.seconds.get(stage, 0.0) + (now - self.mark)
        self.mark = now


_ACTIVE: ContextVar[_Collector | None] = ContextVar("panel2patch_stage_collector", default=None)


@contextmanager
def stage_timer(stage: str) -> Iterator[None]:
    """Count the wall time of the ``with`` body towards ``stage`` (exclusive of nested stages)."""
    collector = _ACTIVE.get()
    if collector is None:
        yield
        return
    collector.charge_top(time.perf_counter())
    collector.stack.append(stage)
    try:
        yield
    finally:
        collector.charge_top(time.perf_counter())
        collector.stack.pop()


@contextmanager
def collect_stage_seconds() -> Iterator[dict[str, float]]:
    """Collect the seconds of every ``stage_timer`` inside the ``with`` body into the yielded dict.

    The dict fills up live, so a caller may read it before the body ends (the shard writer
    records it just before its completion marker).
    """
    collector = _Collector(mark=time.perf_counter())
    token = _ACTIVE.set(collector)
    try:
        yield collector.seconds
    finally:
        _ACTIVE.reset(token)


def rounded(seconds: dict[str, float], digits: int = 4) -> dict[str, float]:
    return {stage: round(value, digits) for stage, value in sorted(seconds.items())}
