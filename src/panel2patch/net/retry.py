"""What is worth retrying, and how long to wait before the next attempt."""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime

# Answers that will not change by asking again: recorded as download_not_found.
NOT_FOUND_HTTP = frozenset({400, 403, 404, 410})
# Answers that usually do change: server overload, throttling, request timeout.
RETRYABLE_HTTP = frozenset({408, 425, 429})


class RetryableFetchError(Exception):
    """One attempt failed in a way another attempt may not (5xx, 429, timeout, reset, short body)."""

    def __init__(self, cause: str, http_status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.http_status = http_status
        self.retry_after = retry_after


class PermanentFetchError(Exception):
    """One attempt failed for good; ``not_found`` picks the status the caller records."""

    def __init__(self, cause: str, http_status: int | None = None, not_found: bool = False) -> None:
        super().__init__(cause)
        self.cause = cause
        self.http_status = http_status
        self.not_found = not_found


def classify_http_status(code: int, reason: str, retry_after_header: str | None) -> Exception | None:
    """None for a success, else the error one attempt that got ``code`` should raise."""
    if 200 <= code < 300:
        return None
    cause = f"HTTP {code} {reason}".rstrip()
    if code in NOT_FOUND_HTTP:
        return PermanentFetchError(cause, code, not_found=True)
    if code in RETRYABLE_HTTP or code >= 500:
        return RetryableFetchError(cause, code, parse_retry_after(retry_after_header))
    return PermanentFetchError(cause, code)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_delay(retry_number: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**retry_number)).

    Full jitter spreads the retries of many threads that failed together (AWS architecture
    blog, "Exponential Backoff And Jitter"), so they do not hit a recovering server in step.
    """
    ceiling = min(cap, base * (2.0**retry_number))
    return (rng or random).uniform(0.0, ceiling)
