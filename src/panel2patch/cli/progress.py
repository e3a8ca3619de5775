"""Progress of a long run, fed by executor outcomes (any executor: they share ``Outcome``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def _format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


@dataclass
class RunMeter:
    """Counters and rates of a run: shards done, figures and samples per second, failures by
    reason, ETA. Shards skipped because an earlier run finished them count as done but not
    in the rates, so a resumed run's ETA is about the work left."""

    total_shards: int
    started: float = field(default_factory=time.perf_counter)
    shards_done: int = 0
    shards_skipped: int = 0
    shards_failed: int = 0
    figures: int = 0  # figures and tables-as-images processed in this run, whatever their status
    samples: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # "figure image_error" -> count

    def update(self, outcome: Any) -> None:
        self.shards_done += 1
        if outcome.error is not None:
            self.shards_failed += 1
            return
        result = outcome.result
        if result is None or result.skipped:
            self.shards_skipped += 1
            return
        stats = result.stats
        self.samples += stats.get("samples", 0)
        self.figures += stats.get("figures", 0) + stats.get("tables", 0)
        for item in ("article", "figure", "table"):
            for status, count in stats.get(f"{item}s_by_status", {}).items():
                if status not in ("ok", "no_figures", "filtered", "duplicate_package"):
                    name = f"{item} {status}"
                    self.failures[name] = self.failures.get(name, 0) + count

    @property
    def elapsed(self) -> float:
        return max(time.perf_counter() - self.started, 1e-9)

    @property
    def figures_per_second(self) -> float:
        return self.figures / self.elapsed

    @property
    def samples_per_second(self) -> float:
        return self.samples / self.elapsed

    def eta_seconds(self) -> float | None:
        """Time left at the rate of the shards processed so far (None before the first one)."""
        processed = self.shards_done - self.shards_skipped
        if processed <= 0:
            return None
        return (self.total_shards - self.shards_done) * self.elapsed / processed

    def describe(self) -> str:
        eta = self.eta_seconds()
        parts = [
            f"{self.figures} figures ({self.figures_per_second:.1f}/s)",
            f"{self.samples} samples ({self.samples_per_second:.1f}/s)",
            f"ETA {_format_duration(eta) if eta is not None else '?'}",
        ]
        if self.shards_skipped:
            parts.append(f"{self.shards_skipped} shards already done")
        if self.shards_failed:
            parts.append(f"[red]{self.shards_failed} shards failed[/red]")
        if self.failures:
            top = sorted(self.failures.items(), key=lambda kv: (-kv[1], kv[0]))
            parts.append("failures: " + ", ".join(f"{name} {count}" for name, count in top))
        return " | ".join(parts)


class RunProgress:
    """A rich progress bar over shards with the ``RunMeter`` line beside it."""

    def __init__(self, total_shards: int, console: Console, enabled: bool = True) -> None:
        self.console = console
        self.meter = RunMeter(total_shards)
        self._progress = Progress(
            TextColumn("[bold]shards"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[line]}"),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._task = self._progress.add_task("run", total=total_shards, line="")

    def __enter__(self) -> RunProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.__exit__(*exc)

    def update(self, outcome: Any) -> None:
        self.meter.update(outcome)
        self._progress.update(self._task, completed=self.meter.shards_done, line=self.meter.describe())
