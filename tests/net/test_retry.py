"""Retry decisions, Retry-After parsing, backoff bounds and the per-host token bucket."""

from __future__ import annotations

import random
import threading
import time
from email.utils import formatdate

from panel2patch.net import HostRateLimiter, host_key
from panel2patch.net.retry import (
    PermanentFetchError,
    RetryableFetchError,
    backoff_delay,
    classify_http_status,
    parse_retry_after,
)


def test_classify_http_status() -> None:
    assert classify_http_status(200, "OK", None) is None
    for code in (400, 403, 404, 410):
        error = classify_http_status(code, "", None)
        assert isinstance(error, PermanentFetchError) and error.not_found
    for code in (401, 405, 451):
        error = classify_http_status(code, "", None)
        assert isinstance(error, PermanentFetchError) and not error.not_found
    for code in (408, 429, 500, 502, 503, 504):
        assert isinstance(classify_http_status(code, "", None), RetryableFetchError)
    throttled = classify_http_status(429, "Too Many Requests", "7")
    assert isinstance(throttled, RetryableFetchError) and throttled.retry_after == 7.0
    assert throttled.cause == "HTTP 429 Too Many Requests"


def test_parse_retry_after() -> None:
    assert parse_retry_after(None) is None
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after("soon") is None
    now = time.time()
    later = parse_retry_after(formatdate(now + 30, usegmt=True), now=now)
    assert later is not None and 25 <= later <= 31
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0


def test_backoff_is_full_jitter_and_capped() -> None:
    rng = random.Random(0)
    delays = [backoff_delay(n, 0.5, 30.0, rng) for n in range(10) for _ in range(50)]
    assert min(delays) >= 0.0 and max(delays) <= 30.0
    assert all(backoff_delay(2, 0.5, 30.0, rng) <= 2.0 for _ in range(100))
    assert max(backoff_delay(20, 0.5, 30.0, rng) for _ in range(200)) > 15.0  # jitter spans the range


def test_host_key() -> None:
    assert host_key("https://User:pw@EUtils.ncbi.nlm.nih.gov/entrez/") == "eutils.ncbi.nlm.nih.gov"
    assert host_key("http://127.0.0.1:8080/x") == "127.0.0.1:8080"


def test_token_bucket_spaces_starts_across_threads() -> None:
    limiter = HostRateLimiter(default_rate=20.0)
    starts: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        limiter.acquire("h")
        with lock:
            starts.append(time.monotonic())

    threads = [threading.Thread(target=take) for _ in range(6)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    # the sixth start was reserved five intervals after the first (wake-up jitter only delays)
    assert max(starts) - begin >= 5 / 20.0 - 0.005
    assert limiter.acquire("another-host") == 0.0  # hosts do not share a bucket
    limiter.set_rate("free", None)
    assert limiter.acquire("free") == 0.0
