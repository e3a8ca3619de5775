"""Loopback servers for network tests: nothing here ever leaves 127.0.0.1.

``LocalHTTPServer`` runs a ``ThreadingHTTPServer`` on port 0 whose routes are plain functions
``route(handler, hit)`` (``hit`` = 1 for the first request to that path). It counts hits per
path and the most requests its routes worked on at the same time (``busy``). Use it as a
context manager.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Route = Callable[[BaseHTTPRequestHandler, int], None]


def send(
    handler: BaseHTTPRequestHandler, code: int, body: bytes = b"", headers: Mapping[str, str] | None = None
) -> None:
    handler.send_response(code)
    headers = dict(headers or {})
    headers.setdefault("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if body:
        handler.wfile.write(body)


def query(handler: BaseHTTPRequestHandler) -> dict[str, list[str]]:
    """Query parameters of a GET, or form parameters of a POST."""
    params = parse_qs(urlsplit(handler.path).query)
    if handler.command == "POST":
        length = int(handler.headers.get("Content-Length") or 0)
        params.update(parse_qs(handler.rfile.read(length).decode()))
    return params


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so client connection pooling is exercised
    disable_nagle_algorithm = True  # as real servers do; avoids delayed-ACK stalls on keep-alive

    def do_GET(self) -> None:
        self.server.owner.dispatch(self)  # type: ignore[attr-defined]

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LocalHTTPServer:
    def __init__(self, routes: Mapping[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []  # (method, path with query) in arrival order
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def url(self, path: str) -> str:
        assert self._server is not None, "server not started"
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}{path}"

    def _route(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        prefixes = [p for p in self.routes if p.endswith("/") and path.startswith(p)]
        return self.routes[max(prefixes, key=len)] if prefixes else None

    def dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path
        with self._lock:
            self.hits[path] += 1
            hit = self.hits[path]
            self.log.append((handler.command, handler.path))
        route = self._route(path)
        if route is None:
            send(handler, 404, b"no route")
        else:
            route(handler, hit)

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """A route's work before it answers, counted in ``active`` / ``max_active``. (Counting
        the whole request would race: the client has the last byte and starts its next
        request before this thread has left the handler, so a bound of 3 reads as 4.)"""
        with self._lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            yield
        finally:
            with self._lock:
                self.active -= 1

    def __enter__(self) -> LocalHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.owner = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
