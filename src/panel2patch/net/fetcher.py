"""``Fetcher``: bounded, rate-limited, retrying HTTP(S)/FTP fetches with atomic downloads."""

from __future__ import annotations

import ftplib
import io
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests

from panel2patch.errors import DownloadError, DownloadNotFoundError
from panel2patch.net.ftp import FTPFactory, ftp_download_once
from panel2patch.net.http import download_once, get_once
from panel2patch.net.policy import FetchPolicy
from panel2patch.net.ratelimit import HostRateLimiter, host_key
from panel2patch.net.retry import PermanentFetchError, RetryableFetchError, backoff_delay

log = logging.getLogger(__name__)

T = TypeVar("T")

_COUNTERS = ("requests", "retries", "bytes", "downloaded", "skipped", "not_found", "failed")


def part_path(dest: Path) -> Path:
    """The temporary name a download is streamed to: hidden, unique per process and thread."""
    return dest.with_name(f".{dest.name}.part-{os.getpid()}-{threading.get_ident()}")


class Fetcher:
    """Thread-safe fetching under one ``FetchPolicy``.

    All threads share one concurrency semaphore and one per-host rate limiter; each thread
    has its own ``requests.Session`` (connection pooling without sharing a session across
    threads). Every attempt, retries included, takes a concurrency slot and a rate token.
    """

    def __init__(self, policy: FetchPolicy | None = None, ftp_factory: FTPFactory | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._ftp_factory: FTPFactory = ftp_factory or ftplib.FTP
        self._slots = threading.BoundedSemaphore(self.policy.max_concurrency)
        self._limiter = HostRateLimiter(self.policy.requests_per_second_per_host)
        self._local = threading.local()
        self._sessions: dict[threading.Thread, requests.Session] = {}
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(_COUNTERS, 0)
        self._started: float | None = None

    # -- configuration -------------------------------------------------------------------
    def set_host_rate(self, url_or_host: str, requests_per_second: float | None) -> None:
        """Give one host its own rate (e.g. NCBI's 3/s), overriding the policy's default."""
        host = host_key(url_or_host) if "://" in url_or_host else url_or_host.lower()
        self._limiter.set_rate(host, requests_per_second)

    def host_rate(self, url: str) -> float | None:
        return self._limiter.rate(host_key(url))

    # -- public fetching -----------------------------------------------------------------
    def get_bytes(self, url: str, params: Mapping[str, Any] | None = None) -> bytes:
        """The body of ``url`` (HTTP(S) GET with ``params``, or an FTP file), retried per policy."""
        if _scheme(url) == "ftp":
            if params:
                raise ValueError("FTP URLs take no query parameters")
            return self._retrying(url, lambda: self._ftp_bytes_once(url))
        return self._retrying(url, lambda: get_once(self._session(), url, params, self.policy.timeout, self._add_bytes))

    def download(self, url: str, dest: Path) -> Path:
        """Fetch ``url`` to ``dest`` atomically; an existing ``dest`` is taken as done and not fetched.

        The body is streamed to ``part_path(dest)`` and renamed into place only when complete
        (length checked against Content-Length / FTP SIZE when given), so ``dest`` is either
        absent or whole. The temporary file is removed whatever happens.
        """
        dest = Path(dest)
        if dest.exists():
            self._count("skipped")
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = part_path(dest)
        try:
            self._retrying(url, lambda: self._download_once(url, part))
            os.replace(part, dest)
        except DownloadNotFoundError:
            self._count("not_found")
            raise
        except DownloadError:
            self._count("failed")
            raise
        finally:
            part.unlink(missing_ok=True)
        self._count("downloaded")
        return dest

    def stats(self) -> dict[str, float]:
        """Counters since creation: requests (attempts), retries, bytes received, files
        downloaded / skipped / not_found / failed, elapsed seconds since the first request,
        and bytes_per_second over that time."""
        with self._lock:
            out: dict[str, float] = dict(self._counts)
            elapsed = time.monotonic() - self._started if self._started is not None else 0.0
        out["elapsed_s"] = elapsed
        out["bytes_per_second"] = out["bytes"] / elapsed if elapsed > 0 else 0.0
        return out

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one attempt ---------------------------------------------------------------------
    def _download_once(self, url: str, part: Path) -> int:
        with part.open("wb") as sink:
            if _scheme(url) == "ftp":
                size = ftp_download_once(url, sink, self.policy.timeout, self._add_bytes, self._ftp_factory)
            else:
                size = download_once(self._session(), url, sink, self.policy.timeout, self._add_bytes)
            if self.policy.fsync:
                sink.flush()
                os.fsync(sink.fileno())
        return size

    def _ftp_bytes_once(self, url: str) -> bytes:
        sink = io.BytesIO()
        ftp_download_once(url, sink, self.policy.timeout, self._add_bytes, self._ftp_factory)
        return sink.getvalue()

    # -- retry loop ----------------------------------------------------------------------
    def _retrying(self, url: str, attempt: Callable[[], T]) -> T:
        policy = self.policy
        last: RetryableFetchError | None = None
        attempts = 0
        for retry_number in range(policy.retries + 1):
            attempts += 1
            try:
                with self._slot(url):
                    return attempt()
            except PermanentFetchError as error:
                error_type = DownloadNotFoundError if error.not_found else DownloadError
                note = "not retried" if attempts == 1 else f"attempt {attempts}"
                raise error_type(f"{url}: {error.cause} ({note})", url, attempts, error.http_status) from error
            except RetryableFetchError as error:
                last = error
            if retry_number == policy.retries:
                break
            if last.retry_after is not None and last.retry_after > policy.backoff_max:
                raise DownloadError(
                    f"{url}: {last.cause}; server asks to retry after {last.retry_after:.0f} s, "
                    f"more than backoff_max={policy.backoff_max:.0f} s (gave up after {attempts} attempts)",
                    url,
                    attempts,
                    last.http_status,
                )
            delay = (
                last.retry_after
                if last.retry_after is not None
                else backoff_delay(retry_number, policy.backoff_base, policy.backoff_max)
            )
            log.debug("retrying %s in %.2f s after %s", url, delay, last.cause)
            self._count("retries")
            time.sleep(delay)
        assert last is not None
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        raise DownloadError(f"{url}: failed after {tries}; last error: {last.cause}", url, attempts, last.http_status)

    @contextmanager
    def _slot(self, url: str) -> Iterator[None]:
        # the slot first, then the rate token: taking tokens while queued for a slot would
        # let several requests start together once slots free up, breaking the rate
        with self._slots:
            self._limiter.acquire(host_key(url))
            with self._lock:
                self._counts["requests"] += 1
                if self._started is None:
                    self._started = time.monotonic()
            yield

    # -- plumbing ------------------------------------------------------------------------
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.policy.user_agent
            self._local.session = session
            with self._lock:
                # pools come and go (one per fetch_many call): close the sessions of dead threads
                dead = [thread for thread in self._sessions if not thread.is_alive()]
                stale = [self._sessions.pop(thread) for thread in dead]
                self._sessions[threading.current_thread()] = session
            for old in stale:
                old.close()
        return session

    def _count(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[name] += amount

    def _add_bytes(self, amount: int) -> None:
        self._count("bytes", amount)


def _scheme(url: str) -> str:
    return urlsplit(url).scheme.lower()
