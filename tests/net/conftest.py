"""Routes of the loopback HTTP server shared by the network tests."""

from __future__ import annotations

import contextlib
import gzip
import random
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from panel2patch.net import FetchPolicy
from tests.net.servers import LocalHTTPServer, send

BODY = random.Random(7).randbytes(300_000)
GZIPPED = gzip.compress(b"a tar file, gzipped " * 1000)

# fast retries so the whole module stays within seconds
FAST = FetchPolicy(max_concurrency=4, retries=3, backoff_base=0.01, backoff_max=0.05, timeout=5.0)


def flaky(handler: BaseHTTPRequestHandler, hit: int) -> None:
    """500 twice, then the file."""
    if hit <= 2:
        send(handler, 500, b"internal error")
    else:
        send(handler, 200, BODY)


def short_then_ok(handler: BaseHTTPRequestHandler, hit: int) -> None:
    """First: promise the whole body, send 1000 bytes, drop the connection. Then: the file."""
    if hit == 1:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(BODY)))
        handler.end_headers()
        handler.wfile.write(BODY[:1000])
        handler.close_connection = True
    else:
        send(handler, 200, BODY)


def throttled(handler: BaseHTTPRequestHandler, hit: int) -> None:
    if hit == 1:
        send(handler, 429, b"slow down", {"Retry-After": "0"})
    else:
        send(handler, 200, BODY)


def slow(handler: BaseHTTPRequestHandler, hit: int) -> None:
    time.sleep(0.6)
    with contextlib.suppress(OSError):  # the client gave up already
        send(handler, 200, b"too late")


def always_503(handler: BaseHTTPRequestHandler, hit: int) -> None:
    send(handler, 503, b"unavailable")


def wait_a_day(handler: BaseHTTPRequestHandler, hit: int) -> None:
    send(handler, 503, b"maintenance", {"Retry-After": "86400"})


def gzip_labelled(handler: BaseHTTPRequestHandler, hit: int) -> None:
    """A .tar.gz served with Content-Encoding: gzip (a common server misconfiguration)."""
    send(handler, 200, GZIPPED, {"Content-Encoding": "gzip", "Content-Type": "application/x-gzip"})


def small_file(handler: BaseHTTPRequestHandler, hit: int) -> None:
    """Files under /files/: a body derived from the path; a short pause so requests overlap."""
    with handler.server.owner.busy():  # type: ignore[attr-defined]
        time.sleep(0.05)
    send(handler, 200, handler.path.encode() * 100)


def echo(handler: BaseHTTPRequestHandler, hit: int) -> None:
    send(handler, 200, f"{handler.path}|{handler.headers.get('User-Agent')}".encode())


def status(code: int):  # noqa: ANN201
    def route(handler: BaseHTTPRequestHandler, hit: int) -> None:
        send(handler, code, f"status {code}".encode())

    return route


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    routes = {
        "/flaky.bin": flaky,
        "/missing.bin": status(404),
        "/short.bin": short_then_ok,
        "/throttled.bin": throttled,
        "/slow.bin": slow,
        "/down.bin": always_503,
        "/wait-a-day.bin": wait_a_day,
        "/package.tar.gz": gzip_labelled,
        "/ok.bin": status(200),
        "/files/": small_file,
        "/echo": echo,
    }
    routes.update({f"/status/{code}": status(code) for code in (400, 401, 403, 404, 410)})
    with LocalHTTPServer(routes) as running:
        yield running
