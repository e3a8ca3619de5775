"""Read-only access to the files of one article package, whatever holds them.

Nothing is ever extracted to disk: members are listed from the archive's directory
and read into memory on demand, after every name has been checked. A package with an
absolute path, a ``..`` component, a link or a device entry is rejected whole.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Protocol

from panel2patch.errors import ArchiveError, ArchiveTooLargeError, UnsafeArchiveError
from panel2patch.sources.limits import ArchiveLimits


HEAD_BYTES = 1 << 16  # enough for any image header, EXIF blocks included


class MemberReader(Protocol):
    """The files of one package, by their path inside it (POSIX, relative).

    ``remote`` readers fetch over the network: callers avoid reading what they do not need.
    """

    remote: bool

    def names(self) -> list[str]: ...

    def size(self, name: str) -> int: ...

    def read(self, name: str) -> bytes: ...

    def read_head(self, name: str, nbytes: int = HEAD_BYTES) -> bytes: ...


def check_member_name(name: str) -> str:
    """Return the normalised relative name, or raise ``UnsafeArchiveError``."""
    if not name or "\x00" in name:
        raise UnsafeArchiveError(f"empty or NUL member name {name!r}")
    posix = name.replace("\\", "/")
    path = PurePosixPath(posix)
    if path.is_absolute() or posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        raise UnsafeArchiveError(f"absolute member path {name!r}")
    if ".." in path.parts:
        raise UnsafeArchiveError(f"member path escapes the package: {name!r}")
    return str(path)


class SizedMembers:
    """The shared half of readers that know every member's size up front."""

    remote = False
    _sizes: dict[str, int]

    def names(self) -> list[str]:
        return sorted(self._sizes)

    def size(self, name: str) -> int:
        return self._sizes[name]

    def _known(self, name: str) -> str:
        if name not in self._sizes:
            raise KeyError(name)
        return name


class _Budget:
    """Counts bytes read from one package against the total cap."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.used = 0

    def charge(self, name: str, nbytes: int) -> None:
        if nbytes > self.limits.max_member_bytes:
            raise ArchiveTooLargeError(
                f"member {name!r} is {nbytes} bytes (cap {self.limits.max_member_bytes})"
            )
        self.used += nbytes
        if self.used > self.limits.max_total_bytes:
            raise ArchiveTooLargeError(f"package exceeds {self.limits.max_total_bytes} bytes read")


def _check_count(n: int, limits: ArchiveLimits) -> None:
    if n > limits.max_members:
        raise ArchiveTooLargeError(f"{n} members (cap {limits.max_members})")


class DirectoryMembers(SizedMembers):
    """Files under a folder; symlinks and anything outside the folder are ignored."""

    def __init__(
        self, root: Path, limits: ArchiveLimits = ArchiveLimits(), recursive: bool = True
    ) -> None:
        self.root = root
        self._budget = _Budget(limits)
        self._sizes: dict[str, int] = {}
        for path in _walk_regular_files(root, recursive):
            self._sizes[path.relative_to(root).as_posix()] = path.stat().st_size
            _check_count(len(self._sizes), limits)

    def read(self, name: str) -> bytes:
        self._budget.charge(self._known(name), self._sizes[name])
        return (self.root / name).read_bytes()

    def read_head(self, name: str, nbytes: int = HEAD_BYTES) -> bytes:
        with (self.root / self._known(name)).open("rb") as handle:
            return handle.read(nbytes)


def _walk_regular_files(root: Path, recursive: bool) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")) if recursive else []
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if not path.is_symlink() and path.is_file() and not filename.startswith("."):
                yield path


class ZipMembers:
    """Members of a zip file (publisher zips, MECA), validated up front."""

    remote = False

    def __init__(self, path: Path, limits: ArchiveLimits = ArchiveLimits()) -> None:
        self._limits = limits
        self._budget = _Budget(limits)
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"cannot open zip: {exc}") from exc
        _check_count(len(infos), limits)
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = check_member_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafeArchiveError(f"symbolic link member {info.filename!r}")
            if info.is_dir():
                continue
            self._infos[name] = info

    def names(self) -> list[str]:
        return sorted(self._infos)

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def read(self, name: str) -> bytes:
        info = self._infos[name]
        self._budget.charge(name, info.file_size)
        if info.compress_size and info.file_size / info.compress_size > self._limits.max_ratio:
            raise ArchiveTooLargeError(
                f"member {name!r} compression ratio {info.file_size / info.compress_size:.0f} "
                "looks like a zip bomb"
            )
        try:
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise ArchiveError(f"cannot read {name!r}: {exc}") from exc
        if len(data) != info.file_size:
            raise ArchiveError(f"member {name!r} size does not match its header")
        return data

    def read_head(self, name: str, nbytes: int = HEAD_BYTES) -> bytes:
        try:
            with self._zip.open(self._infos[name]) as handle:
                return handle.read(nbytes)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise ArchiveError(f"cannot read {name!r}: {exc}") from exc

    def close(self) -> None:
        self._zip.close()


class TarMembers(SizedMembers):
    """Members of a (gzipped) tar, e.g. a PMC ``oa_package`` tarball.

    A tar.gz has no random access, so the wanted members (``keep`` decides by name) are
    read into memory in one streaming pass; everything else (PDFs, videos) is skipped.
    """

    def __init__(
        self,
        path: Path | None = None,
        keep: "KeepFn | None" = None,
        limits: ArchiveLimits = ArchiveLimits(),
        fileobj: io.BufferedIOBase | None = None,
    ) -> None:
        budget = _Budget(limits)
        self._data: dict[str, bytes] = {}
        self._sizes: dict[str, int] = {}
        try:
            with tarfile.open(name=path, fileobj=fileobj, mode="r:*") as tar:
                for count, info in enumerate(tar, start=1):
                    _check_count(count, limits)
                    name = check_member_name(info.name)
                    if info.issym() or info.islnk():
                        raise UnsafeArchiveError(f"link member {info.name!r} -> {info.linkname!r}")
                    if info.isdir():
                        continue
                    if not info.isfile():
                        raise UnsafeArchiveError(f"special member {info.name!r} (device/fifo)")
                    self._sizes[name] = info.size
                    if keep is not None and not keep(name):
                        continue
                    budget.charge(name, info.size)
                    handle = tar.extractfile(info)
                    self._data[name] = handle.read() if handle else b""
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveError(f"cannot read tar: {exc}") from exc

    def read(self, name: str) -> bytes:
        if name not in self._data:
            raise KeyError(f"{name!r} was not kept when the tar was read")
        return self._data[name]

    def read_head(self, name: str, nbytes: int = HEAD_BYTES) -> bytes:
        return self.read(name)[:nbytes]


class KeepFn(Protocol):
    def __call__(self, name: str) -> bool: ...
