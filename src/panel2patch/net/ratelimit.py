"""Per-host request rate limit shared by all threads of a ``Fetcher``."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit


def host_key(url: str) -> str:
    """The host a rate applies to: ``hostname[:port]``, lower case, without credentials."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


class HostRateLimiter:
    """A token bucket of capacity one per host: requests to a host start at least 1/rate apart.

    Capacity one (no burst) is what NCBI's "at most 3 requests per second" means in practice:
    each caller reserves the next free start time under a lock, then sleeps outside it, so
    callers are served in order and no two requests to a host start closer than 1/rate.
    """

    def __init__(self, default_rate: float | None = None) -> None:
        self._default_rate = default_rate
        self._rates: dict[str, float | None] = {}
        self._next_start: dict[str, float] = {}
        self._lock = threading.Lock()

    def set_rate(self, host: str, requests_per_second: float | None) -> None:
        if requests_per_second is not None and requests_per_second <= 0:
            raise ValueError(f"rate must be > 0 or None, got {requests_per_second}")
        with self._lock:
            self._rates[host] = requests_per_second

    def rate(self, host: str) -> float | None:
        with self._lock:
            return self._rates.get(host, self._default_rate)

    def acquire(self, host: str) -> float:
        """Block until a request to ``host`` may start; return the seconds waited."""
        with self._lock:
            rate = self._rates.get(host, self._default_rate)
            if not rate:
                return 0.0
            now = time.monotonic()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + 1.0 / rate
        delay = start - now
        if delay > 0:
            time.sleep(delay)
        return delay
