"""Fetch many (url, dest) pairs in parallel; every item ends as a ``FetchResult``, failures included."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from panel2patch.errors import DownloadError, Status
from panel2patch.net.fetcher import Fetcher

SKIPPED = "skipped"  # dest was already there (a finished download is never fetched twice)


@dataclass(frozen=True)
class FetchResult:
    """One item of ``fetch_many``: ``status`` is "ok", "skipped" or a ``Status`` value."""

    url: str
    dest: Path
    status: str
    error: str = ""
    bytes: int = 0  # size of the file written by this call (0 when skipped or failed)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in (Status.OK, SKIPPED)


def fetch_one(fetcher: Fetcher, url: str, dest: Path) -> FetchResult:
    """``fetcher.download`` with its outcome recorded instead of raised."""
    dest = Path(dest)
    start = time.perf_counter()
    if dest.exists():
        return FetchResult(url, dest, SKIPPED)
    try:
        fetcher.download(url, dest)
    except DownloadError as error:
        return FetchResult(url, dest, str(error.status), str(error), 0, time.perf_counter() - start)
    except OSError as error:  # our side: disk full, permissions, a path that is a folder
        message = f"{url}: cannot write {dest}: {error}"
        return FetchResult(url, dest, str(Status.DOWNLOAD_FAILED), message, 0, time.perf_counter() - start)
    return FetchResult(url, dest, str(Status.OK), "", dest.stat().st_size, time.perf_counter() - start)


def fetch_many(
    fetcher: Fetcher,
    items: Iterable[tuple[str, Path]],
    progress: Callable[[FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Download every (url, dest) with ``policy.max_concurrency`` threads; results in input order.

    ``items`` is consumed lazily with at most twice the concurrency in flight, so a list of
    millions of files does not become millions of pending futures. ``progress`` is called
    in this thread once per finished item (``fetcher.stats()`` gives the running throughput).
    """
    workers = fetcher.policy.max_concurrency
    results: dict[int, FetchResult] = {}
    pending: dict[Future[FetchResult], int] = {}

    def collect(done: Iterable[Future[FetchResult]]) -> None:
        for future in done:
            result = future.result()
            results[pending.pop(future)] = result
            if progress is not None:
                progress(result)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="panel2patch-fetch") as pool:
        for index, (url, dest) in enumerate(items):
            pending[pool.submit(fetch_one, fetcher, url, Path(dest))] = index
            if len(pending) >= 2 * workers:
                collect(wait(pending, return_when=FIRST_COMPLETED).done)
        while pending:
            collect(wait(pending, return_when=FIRST_COMPLETED).done)
    return [results[index] for index in range(len(results))]


@dataclass
class FetchSummary:
    """Totals of a ``fetch_many`` run and every failure with its reason."""

    counts: Counter[str] = field(default_factory=Counter)
    bytes: int = 0
    seconds: float = 0.0  # sum over items (not wall time)
    failures: list[FetchResult] = field(default_factory=list)

    @classmethod
    def of(cls, results: Iterable[FetchResult]) -> FetchSummary:
        summary = cls()
        for result in results:
            summary.counts[result.status] += 1
            summary.bytes += result.bytes
            summary.seconds += result.seconds
            if not result.ok:
                summary.failures.append(result)
        return summary

    def format(self, max_failures: int = 20) -> str:
        total = sum(self.counts.values())
        parts = ", ".join(f"{count} {status}" for status, count in sorted(self.counts.items()))
        lines = [f"{total} files: {parts or 'none'}; {self.bytes / 1e6:.1f} MB downloaded"]
        for result in self.failures[:max_failures]:
            lines.append(f"  {result.status}: {result.error}")
        if len(self.failures) > max_failures:
            lines.append(f"  ... and {len(self.failures) - max_failures} more failures")
        return "\n".join(lines)
