"""How politely and how stubbornly to fetch: one small frozen config shared by every fetch."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from panel2patch import __version__

DEFAULT_USER_AGENT = f"panel2patch/{__version__} python-requests/{requests.__version__}"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and retry behaviour of a ``Fetcher``.

    ``retries`` counts retries after the first attempt (5 -> at most 6 requests per URL).
    ``timeout`` bounds connecting and each socket read (not a whole large body).
    ``requests_per_second_per_host`` applies to every request attempt, retries included;
    ``None`` means unlimited. A host can get its own rate with ``Fetcher.set_host_rate``.
    ``fsync`` flushes each download to disk before its rename: a file that exists counts as
    finished and is never fetched again, so a crash must not leave an empty one behind. It
    costs ~2 ms a file on a VM disk, hidden by concurrency (benchmarks/results/download.md).
    """

    max_concurrency: int = 8
    requests_per_second_per_host: float | None = None
    retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    timeout: float = 60.0
    user_agent: str = DEFAULT_USER_AGENT
    fsync: bool = True

    def __post_init__(self) -> None:
        if self.max_concurrency < 1:
            raise ValueError(f"max_concurrency must be >= 1, got {self.max_concurrency}")
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries}")
        rate = self.requests_per_second_per_host
        if rate is not None and rate <= 0:
            raise ValueError(f"requests_per_second_per_host must be > 0 or None, got {rate}")
