"""The FTP path against a loopback FTP server (tests/net/ftp_server.py, real ftplib client)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from panel2patch.errors import DownloadError, DownloadNotFoundError
from panel2patch.net import Fetcher, fetch_many
from tests.net.conftest import FAST
from tests.net.ftp_server import MiniFTPServer

PACKAGE = random.Random(3).randbytes(150_000)


@pytest.fixture
def ftp_server() -> Iterator[MiniFTPServer]:
    files = {f"/pub/pmc/{name}.tar.gz": PACKAGE for name in ("ok", "busy", "drop", "short", "broken")}
    faults = {
        "/pub/pmc/busy.tar.gz": ["busy"],
        "/pub/pmc/drop.tar.gz": ["drop"],
        "/pub/pmc/short.tar.gz": ["short"],
        "/pub/pmc/broken.tar.gz": ["drop"] * 10,
    }
    with MiniFTPServer(files, faults) as server:
        yield server


def test_ftp_download_and_transient_faults(ftp_server: MiniFTPServer, tmp_path: Path) -> None:
    names = ["ok", "busy", "drop", "short"]
    items = [(ftp_server.url(f"/pub/pmc/{n}.tar.gz"), tmp_path / f"{n}.tar.gz") for n in names]
    results = fetch_many(Fetcher(FAST), items)
    assert [r.status for r in results] == ["ok"] * 4
    assert all((tmp_path / f"{n}.tar.gz").read_bytes() == PACKAGE for n in names)
    assert [ftp_server.retr_hits[f"/pub/pmc/{n}.tar.gz"] for n in names] == [1, 2, 2, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.tar.gz" for n in names)


def test_ftp_550_is_not_found_without_retry(ftp_server: MiniFTPServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadNotFoundError, match="550"):
        Fetcher(FAST).download(ftp_server.url("/pub/pmc/absent.tar.gz"), tmp_path / "absent.tar.gz")
    assert ftp_server.retr_hits["/pub/pmc/absent.tar.gz"] == 1
    assert list(tmp_path.iterdir()) == []


def test_ftp_retries_exhausted(ftp_server: MiniFTPServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="4 attempts.*426"):
        Fetcher(FAST).download(ftp_server.url("/pub/pmc/broken.tar.gz"), tmp_path / "broken.tar.gz")
    assert list(tmp_path.iterdir()) == []


def test_ftp_get_bytes(ftp_server: MiniFTPServer) -> None:
    assert Fetcher(FAST).get_bytes(ftp_server.url("/pub/pmc/busy.tar.gz")) == PACKAGE
