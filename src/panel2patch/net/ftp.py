"""One FTP attempt with ``ftplib``: binary RETR into a sink, size checked when the server tells it.

Reply codes decide the retry: 4xx (``error_temp``), dropped connections and timeouts are
retried; 550 (no such file or no access) is not-found; other 5xx are permanent failures.
One control connection per attempt: FTP mirrors are few and slow, pooling would buy little.
"""

from __future__ import annotations

import ftplib
from collections.abc import Callable
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from panel2patch.net.retry import PermanentFetchError, RetryableFetchError

FTPFactory = Callable[[], ftplib.FTP]


class _SinkWriteError(Exception):
    """A local write failed inside ``retrbinary``: not a network error, never retried."""


def _permanent(error: ftplib.error_perm) -> PermanentFetchError:
    text = str(error).strip()
    code = text[:3]
    return PermanentFetchError(f"FTP {text}", int(code) if code.isdigit() else None, not_found=code == "550")


def _remote_size(ftp: ftplib.FTP, path: str) -> int | None:
    """SIZE is an extension (RFC 3659); a server without it, or a 550 here, just gives no check."""
    try:
        return ftp.size(path)
    except (ftplib.error_perm, ftplib.error_reply, ValueError):
        return None


def ftp_download_once(
    url: str,
    sink: BinaryIO,
    timeout: float,
    on_bytes: Callable[[int], None],
    factory: FTPFactory = ftplib.FTP,
) -> int:
    """RETR ``ftp://[user[:password]@]host[:port]/path`` into ``sink``; return the bytes written."""
    parts = urlsplit(url)
    if not parts.hostname or not parts.path or parts.path.endswith("/"):
        raise PermanentFetchError(f"not an FTP file URL: {url!r}")
    user = unquote(parts.username) if parts.username else "anonymous"
    password = unquote(parts.password) if parts.password else "anonymous@"
    path = unquote(parts.path)
    received = 0

    def write(chunk: bytes) -> None:
        nonlocal received
        try:
            sink.write(chunk)
        except OSError as error:
            raise _SinkWriteError() from error
        received += len(chunk)
        on_bytes(len(chunk))

    ftp = factory()
    try:
        ftp.connect(parts.hostname, parts.port or 21, timeout=timeout)
        ftp.login(user, password)
        ftp.voidcmd("TYPE I")
        expected = _remote_size(ftp, path)
        ftp.retrbinary(f"RETR {path}", write)
    except _SinkWriteError as error:
        raise error.__cause__ from None  # type: ignore[misc]
    except ftplib.error_perm as error:
        raise _permanent(error) from error
    except (ftplib.error_temp, ftplib.error_reply, ftplib.error_proto, EOFError) as error:
        raise RetryableFetchError(f"FTP {type(error).__name__}: {error}".strip()) from error
    except OSError as error:  # refused, reset, timeout
        kind = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
        raise RetryableFetchError(f"FTP {kind}: {error}") from error
    finally:
        _close(ftp)
    if expected is not None and received != expected:
        raise RetryableFetchError(f"short body: got {received} of {expected} bytes (FTP SIZE)")
    return received


def _close(ftp: ftplib.FTP) -> None:
    try:
        ftp.quit()
    except (ftplib.Error, OSError, EOFError, AttributeError):
        ftp.close()
