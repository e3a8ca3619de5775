"""Progress display for long runs (rich), fed by executor outcomes."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class RunProgress:
    """Shards done, samples written per second, figure failures by reason, ETA."""

    def __init__(self, total_shards: int, console: Console, enabled: bool = True) -> None:
        self.console = console
        self.started = time.perf_counter()
        self.samples = 0
        self.failures: dict[str, int] = {}
        self._progress = Progress(
            TextColumn("[bold]shards"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._task = self._progress.add_task("run", total=total_shards, rate="")

    def __enter__(self) -> RunProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.__exit__(*exc)

    def update(self, outcome: Any) -> None:
        result = outcome.result
        if result is not None:
            self.samples += result.stats.get("samples", 0)
            for status, count in result.stats.get("figures_by_status", {}).items():
                if status != "ok":
                    self.failures[status] = self.failures.get(status, 0) + count
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        failed = ", ".join(f"{k} {v}" for k, v in sorted(self.failures.items()))
        rate = f"{self.samples} samples, {self.samples / elapsed:.1f}/s" + (f" | not written: {failed}" if failed else "")
        self._progress.update(self._task, advance=1, rate=rate)
