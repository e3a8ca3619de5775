"""Polite, robust fetching: bounded concurrency, per-host rate limits, retries with jittered
backoff, atomic resumable downloads, over HTTP(S) and FTP.

Failures surface as ``DownloadNotFoundError`` (status ``download_not_found``, never retried)
and ``DownloadError`` (``download_failed``, retries exhausted) from ``panel2patch.errors``.
"""

from panel2patch.net.fetcher import Fetcher, part_path
from panel2patch.net.many import SKIPPED, FetchResult, FetchSummary, fetch_many, fetch_one
from panel2patch.net.policy import DEFAULT_USER_AGENT, FetchPolicy
from panel2patch.net.ratelimit import HostRateLimiter, host_key

__all__ = [
    "DEFAULT_USER_AGENT",
    "SKIPPED",
    "FetchPolicy",
    "FetchResult",
    "FetchSummary",
    "Fetcher",
    "HostRateLimiter",
    "fetch_many",
    "fetch_one",
    "host_key",
    "part_path",
]
