"""Where a run directory lives: a local folder or an fsspec URL (``s3://bucket/run``).

Every output file goes through a ``RunStorage``, so the atomicity rule is kept in one
place: a file is only ever visible complete. On local disk a file is written under a
temporary name (``.NAME.tmp-*``) and renamed; on an object store each file is one
complete PUT (a streamed tar is spooled to a local temporary file, then uploaded), and
objects never exist half-written. Either way a shard's completion marker is written
after all its other files, so a marker means the shard is whole.

Names are run-relative POSIX paths (``shards/000001.tar``), as ``naming`` makes them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Protocol

from panel2patch.errors import MissingExtraError
from panel2patch.extras import require
from panel2patch.output.atomic import temporary_name, write_bytes_atomic

TEMPORARY_MARKS = (".tmp-", ".part-")  # .NAME.tmp-* (our writes), .NAME.part-* (downloads)
SCRATCH_ENV = "PANEL2PATCH_SCRATCH"


class PendingWrite:
    """A file being written: ``handle`` takes the bytes, ``commit`` publishes them, ``discard`` drops them.

    As a context manager it commits on a clean exit and discards on an exception.
    """

    def __init__(self, tmp: Path, publish: Any) -> None:
        self.tmp = tmp
        self.handle: BinaryIO = tmp.open("wb")
        self._publish = publish

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        try:
            self._publish(self.tmp)
        finally:
            self.tmp.unlink(missing_ok=True)

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> BinaryIO:
        return self.handle

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


class RunStorage(Protocol):
    location: str  # an absolute local path or the URL: what tasks carry and people read

    def write_bytes(self, name: str, data: bytes) -> None: ...
    def read_bytes(self, name: str) -> bytes: ...
    def exists(self, name: str) -> bool: ...
    def list(self, folder: str) -> list[str]: ...
    def delete(self, name: str) -> None: ...
    def open_write(self, name: str) -> PendingWrite: ...
    def scratch_dir(self) -> Path: ...
    def sweep_temporaries(self) -> list[str]: ...


def is_url(location: str | Path) -> bool:
    return "://" in str(location) and not str(location).startswith("file://")


def open_run_storage(location: str | Path) -> RunStorage:
    """``LocalStorage`` for a path (or ``file://``), ``FsspecStorage`` for any other URL."""
    if is_url(location):
        return FsspecStorage(str(location))
    return LocalStorage(Path(str(location).removeprefix("file://")))


def _is_temporary(name: str) -> bool:
    return name.startswith(".") and any(mark in name for mark in TEMPORARY_MARKS)


class LocalStorage:
    """A run directory on a local (or network-mounted) file system."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.location = str(self.root)

    def path(self, name: str) -> Path:
        return self.root / name

    def write_bytes(self, name: str, data: bytes) -> None:
        write_bytes_atomic(self.path(name), data)

    def read_bytes(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def list(self, folder: str) -> list[str]:
        try:
            with os.scandir(self.path(folder)) as entries:
                return sorted(e.name for e in entries if e.is_file() and not _is_temporary(e.name))
        except (FileNotFoundError, NotADirectoryError):
            return []

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def open_write(self, name: str) -> PendingWrite:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        return PendingWrite(temporary_name(target), lambda tmp: os.replace(tmp, target))

    def scratch_dir(self) -> Path:
        return self.root

    def sweep_temporaries(self) -> list[str]:
        """Delete what killed writers left behind (``.*.tmp-*``, ``.*.part-*``) anywhere in the run."""
        removed = []
        if not self.root.is_dir():
            return removed
        for folder, _dirs, files in os.walk(self.root):
            for name in files:
                if _is_temporary(name):
                    path = Path(folder) / name
                    path.unlink(missing_ok=True)
                    removed.append(str(path.relative_to(self.root)))
        return sorted(removed)


class FsspecStorage:
    """A run "directory" on an object store or any fsspec file system, named by URL.

    Credentials come from the file system's normal chain (for S3: environment, config
    files, instance role; ``AWS_ENDPOINT_URL`` for another S3-compatible server), never
    anonymous. Listings are re-read every time: other processes write here too.
    """

    def __init__(self, url: str) -> None:
        import fsspec

        protocol = url.split("://", 1)[0]
        options: dict[str, Any] = {}
        if protocol in ("s3", "s3a"):
            require("s3fs", purpose=f"writing the run to {url}")
            if os.environ.get("AWS_ENDPOINT_URL"):  # explicit, so cached file systems differ by endpoint
                options["client_kwargs"] = {"endpoint_url": os.environ["AWS_ENDPOINT_URL"]}
        try:
            self.fs, root = fsspec.core.url_to_fs(url, **options)
        except ImportError as exc:
            raise MissingExtraError(f"no fsspec file system for {url!r} is installed: {exc}") from exc
        self.root = root.rstrip("/")
        self.location = url.rstrip("/")

    def _full(self, name: str) -> str:
        return f"{self.root}/{name}"

    def write_bytes(self, name: str, data: bytes) -> None:
        self.fs.pipe_file(self._full(name), data)  # one PUT: the object appears whole or not at all

    def read_bytes(self, name: str) -> bytes:
        return self.fs.cat_file(self._full(name))

    def exists(self, name: str) -> bool:
        self.fs.invalidate_cache(self._full(name))
        return self.fs.isfile(self._full(name))

    def list(self, folder: str) -> list[str]:
        path = self._full(folder)
        self.fs.invalidate_cache(path)
        try:
            found = self.fs.find(path, maxdepth=1, detail=False)
        except FileNotFoundError:
            return []
        names = (p.rstrip("/").rsplit("/", 1)[-1] for p in found)
        return sorted(n for n in names if n and not _is_temporary(n))

    def delete(self, name: str) -> None:
        try:
            self.fs.rm_file(self._full(name))
        except FileNotFoundError:
            pass

    def open_write(self, name: str) -> PendingWrite:
        spool = self.scratch_dir() / "spool"
        spool.mkdir(parents=True, exist_ok=True)
        tmp = spool / f".{Path(name).name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        return PendingWrite(tmp, lambda local: self.fs.put_file(str(local), self._full(name)))

    def scratch_dir(self) -> Path:
        """A local folder for what must sit on a disk (downloads, caches, spooled uploads)."""
        base = Path(os.environ.get(SCRATCH_ENV) or Path(tempfile.gettempdir()) / "panel2patch-scratch")
        return base / hashlib.sha256(self.location.encode()).hexdigest()[:16]

    def sweep_temporaries(self) -> list[str]:
        """Objects are never partial; only local spool files of killed uploads can be left."""
        spool = self.scratch_dir() / "spool"
        removed = []
        if spool.is_dir():
            for path in spool.iterdir():
                if _is_temporary(path.name):
                    path.unlink(missing_ok=True)
                    removed.append(path.name)
        return sorted(removed)
