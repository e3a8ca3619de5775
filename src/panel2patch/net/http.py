"""One HTTP(S) attempt: status -> retry decision, body -> sink, length checked.

Each function performs exactly one request and raises ``RetryableFetchError`` or
``PermanentFetchError``; the retry loop lives in ``Fetcher``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, BinaryIO

import requests
import urllib3

from panel2patch.net.retry import PermanentFetchError, RetryableFetchError, classify_http_status

CHUNK_BYTES = 1 << 16

_RETRYABLE_REQUEST_ERRORS = (
    requests.ConnectionError,  # refused, reset, DNS hiccup, SSL (also ConnectTimeout)
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,  # body cut short (urllib3 IncompleteRead)
    requests.exceptions.ContentDecodingError,  # a truncated gzip body
)


def translate_request_error(error: requests.RequestException) -> Exception:
    kind = "timeout" if isinstance(error, requests.Timeout) else type(error).__name__
    if isinstance(error, _RETRYABLE_REQUEST_ERRORS):
        return RetryableFetchError(f"{kind}: {error}")
    return PermanentFetchError(f"{kind}: {error}")  # bad URL, unsupported scheme, redirect loop


def _check_status(response: requests.Response) -> None:
    error = classify_http_status(response.status_code, response.reason or "", response.headers.get("Retry-After"))
    if error is not None:
        raise error


def content_length(response: requests.Response) -> int | None:
    """The promised body size, or None when not given (chunked, close-delimited) or unreadable."""
    if "chunked" in response.headers.get("Transfer-Encoding", "").lower():
        return None
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def check_length(received: int, expected: int | None) -> None:
    if expected is not None and received != expected:
        raise RetryableFetchError(f"short body: got {received} of {expected} bytes (Content-Length)")


def _raw_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body exactly as sent (no gzip decoding); a dropped connection becomes retryable."""
    try:
        yield from response.raw.stream(CHUNK_BYTES, decode_content=False)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        kind = "timeout" if isinstance(error, (urllib3.exceptions.TimeoutError, TimeoutError)) else type(error).__name__
        raise RetryableFetchError(f"{kind} while reading body: {error}") from error


def download_once(
    session: requests.Session,
    url: str,
    sink: BinaryIO,
    timeout: float,
    on_bytes: Callable[[int], None],
) -> int:
    """GET ``url`` into ``sink`` byte for byte; return the number of bytes written.

    ``Accept-Encoding: identity`` and no decoding on our side: a ``.tar.gz`` that a server
    labels ``Content-Encoding: gzip`` is saved as the ``.tar.gz`` it is, as curl and wget do.
    """
    try:
        response = session.get(url, stream=True, timeout=timeout, headers={"Accept-Encoding": "identity"})
    except requests.RequestException as error:
        raise translate_request_error(error) from error
    with response:
        _check_status(response)
        expected = content_length(response)
        received = 0
        for chunk in _raw_chunks(response):
            sink.write(chunk)
            received += len(chunk)
            on_bytes(len(chunk))
    check_length(received, expected)
    return received


def get_once(
    session: requests.Session,
    url: str,
    params: Mapping[str, Any] | None,
    timeout: float,
    on_bytes: Callable[[int], None],
) -> bytes:
    """GET ``url`` and return the (decoded) body, its length on the wire checked."""
    try:
        response = session.get(url, params=params, stream=True, timeout=timeout)
        with response:
            _check_status(response)
            parts = []
            for chunk in response.iter_content(CHUNK_BYTES):
                parts.append(chunk)
                on_bytes(len(chunk))
            # raw.tell() counts bytes as sent, before any gzip decoding, like Content-Length
            check_length(response.raw.tell(), content_length(response))
    except requests.RequestException as error:
        raise translate_request_error(error) from error
    return b"".join(parts)
