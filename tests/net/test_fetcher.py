"""Fetcher against a loopback HTTP server: retries, no-retry statuses, atomic writes, limits."""

from __future__ import annotations

import pickle
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from panel2patch.errors import DownloadError, DownloadNotFoundError, Status
from panel2patch.net import FetchPolicy, Fetcher
from tests.net.conftest import BODY, FAST, GZIPPED
from tests.net.servers import LocalHTTPServer


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_flaky_500_twice_then_fetched(server: LocalHTTPServer, tmp_path: Path) -> None:
    fetcher = Fetcher(FAST)
    dest = fetcher.download(server.url("/flaky.bin"), tmp_path / "flaky.bin")
    assert dest.read_bytes() == BODY
    assert server.hits["/flaky.bin"] == 3
    stats = fetcher.stats()
    assert (stats["requests"], stats["retries"], stats["downloaded"]) == (3, 2, 1)
    assert stats["bytes"] >= len(BODY)
    assert leftovers(tmp_path) == []


def test_404_raises_not_found_without_retry(server: LocalHTTPServer, tmp_path: Path) -> None:
    dest = tmp_path / "missing.bin"
    with pytest.raises(DownloadNotFoundError) as caught:
        Fetcher(FAST).download(server.url("/missing.bin"), dest)
    assert server.hits["/missing.bin"] == 1
    error = caught.value
    assert error.status == Status.DOWNLOAD_NOT_FOUND
    assert (error.http_status, error.attempts) == (404, 1)
    assert "/missing.bin" in str(error) and "404" in str(error)
    assert not dest.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("code", [400, 403, 410])
def test_other_not_found_statuses_are_not_retried(server: LocalHTTPServer, tmp_path: Path, code: int) -> None:
    with pytest.raises(DownloadNotFoundError):
        Fetcher(FAST).download(server.url(f"/status/{code}"), tmp_path / "x")
    assert server.hits[f"/status/{code}"] == 1


def test_other_client_errors_fail_without_retry(server: LocalHTTPServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError) as caught:
        Fetcher(FAST).download(server.url("/status/401"), tmp_path / "x")
    assert not isinstance(caught.value, DownloadNotFoundError)
    assert caught.value.status == Status.DOWNLOAD_FAILED
    assert server.hits["/status/401"] == 1


def test_connection_dropped_mid_body_is_retried(server: LocalHTTPServer, tmp_path: Path) -> None:
    dest = Fetcher(FAST).download(server.url("/short.bin"), tmp_path / "short.bin")
    assert dest.read_bytes() == BODY
    assert server.hits["/short.bin"] == 2
    assert leftovers(tmp_path) == []


def test_429_honours_retry_after(server: LocalHTTPServer, tmp_path: Path) -> None:
    policy = replace(FAST, backoff_base=5.0, backoff_max=10.0)  # only Retry-After: 0 keeps it fast
    start = time.monotonic()
    Fetcher(policy).download(server.url("/throttled.bin"), tmp_path / "t.bin")
    assert time.monotonic() - start < 2.0
    assert server.hits["/throttled.bin"] == 2


def test_retry_after_beyond_backoff_max_gives_up_at_once(server: LocalHTTPServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="retry after 86400 s"):
        Fetcher(FAST).download(server.url("/wait-a-day.bin"), tmp_path / "x")
    assert server.hits["/wait-a-day.bin"] == 1


def test_timeout_is_retried_then_reported(server: LocalHTTPServer, tmp_path: Path) -> None:
    policy = replace(FAST, timeout=0.2, retries=1)
    start = time.monotonic()
    with pytest.raises(DownloadError) as caught:
        Fetcher(policy).download(server.url("/slow.bin"), tmp_path / "slow.bin")
    assert time.monotonic() - start < 3.0
    assert server.hits["/slow.bin"] == 2
    assert "timeout" in str(caught.value) and "2 attempts" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_exhausted_retries_name_url_attempts_and_cause(server: LocalHTTPServer, tmp_path: Path) -> None:
    url = server.url("/down.bin")
    with pytest.raises(DownloadError) as caught:
        Fetcher(FAST).download(url, tmp_path / "down.bin")
    message = str(caught.value)
    assert url in message and "4 attempts" in message and "HTTP 503" in message
    assert (caught.value.attempts, caught.value.http_status) == (4, 503)
    assert server.hits["/down.bin"] == 4
    assert list(tmp_path.iterdir()) == []


def test_connection_refused_is_retried_then_reported(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DownloadError, match="4 attempts.*ConnectionError"):
        Fetcher(FAST).download(f"http://127.0.0.1:{port}/x", tmp_path / "x")


def test_existing_file_is_not_fetched_again(server: LocalHTTPServer, tmp_path: Path) -> None:
    dest = tmp_path / "flaky.bin"
    dest.write_bytes(b"done earlier")
    fetcher = Fetcher(FAST)
    assert fetcher.download(server.url("/flaky.bin"), dest) == dest
    assert dest.read_bytes() == b"done earlier"
    assert server.hits["/flaky.bin"] == 0 and fetcher.stats()["skipped"] == 1


def test_gzip_labelled_file_is_saved_byte_for_byte(server: LocalHTTPServer, tmp_path: Path) -> None:
    dest = Fetcher(FAST).download(server.url("/package.tar.gz"), tmp_path / "package.tar.gz")
    assert dest.read_bytes() == GZIPPED


def test_get_bytes_sends_params_and_user_agent(server: LocalHTTPServer) -> None:
    fetcher = Fetcher(replace(FAST, user_agent="panel2patch-test/1"))
    body = fetcher.get_bytes(server.url("/echo"), params={"db": "pubmed", "id": "1,2"})
    assert body == b"/echo?db=pubmed&id=1%2C2|panel2patch-test/1"


def test_get_bytes_retries(server: LocalHTTPServer) -> None:
    assert Fetcher(FAST).get_bytes(server.url("/flaky.bin")) == BODY
    assert server.hits["/flaky.bin"] == 3


def test_rate_limit_per_host_sequential_and_threaded(server: LocalHTTPServer) -> None:
    fetcher = Fetcher(replace(FAST, requests_per_second_per_host=10.0))
    start = time.monotonic()
    for _ in range(5):
        fetcher.get_bytes(server.url("/ok.bin"))
    assert time.monotonic() - start >= 0.4

    start = time.monotonic()
    threads = [threading.Thread(target=fetcher.get_bytes, args=(server.url("/ok.bin"),)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert time.monotonic() - start >= 0.4  # the limit is shared by all threads
    assert server.hits["/ok.bin"] == 10


def test_host_rate_override(server: LocalHTTPServer) -> None:
    fetcher = Fetcher(FAST)  # unlimited by default
    url = server.url("/ok.bin")
    assert fetcher.host_rate(url) is None
    fetcher.set_host_rate(url, 20.0)
    assert fetcher.host_rate(url) == 20.0
    start = time.monotonic()
    for _ in range(4):
        fetcher.get_bytes(url)
    assert time.monotonic() - start >= 0.15


def test_concurrency_is_bounded(server: LocalHTTPServer) -> None:
    fetcher = Fetcher(replace(FAST, max_concurrency=3))
    threads = [threading.Thread(target=fetcher.get_bytes, args=(server.url(f"/files/{i}"),)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert server.hits.total() == 12
    assert 2 <= server.max_active <= 3


def test_download_error_survives_pickling() -> None:
    error = DownloadNotFoundError("http://x/y: HTTP 404", "http://x/y", 1, 404)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is DownloadNotFoundError
    assert (str(copy), copy.url, copy.attempts, copy.http_status) == (str(error), "http://x/y", 1, 404)


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        FetchPolicy(max_concurrency=0)
    with pytest.raises(ValueError):
        FetchPolicy(requests_per_second_per_host=0)
