"""Legacy PMC mirrors: an oa_file_list.csv and real .tar.gz packages from a local HTTP server."""

from __future__ import annotations

import csv
import io
import tarfile
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from panel2patch.config import Selection
from tests.conftest import EXAMPLES
from tests.pipeline.helpers import extract, index_rows, samples


def pack(folder: Path) -> bytes:
    """A real extracted PMC package folder, re-packed the way PMC's oa_package tarballs are."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return buffer.getvalue()


class Mirror(BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    hits: Counter[str] = Counter()
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        self.hits[path] += 1
        body = self.files.get(path)
        if body is None:
            self.send_error(404)
            return
        if path.endswith("PMC2467486.tar.gz") and self.hits[path] <= 2:
            self.send_error(500)  # flaky: fails twice, then works
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        if path.endswith("PMC3192425.tar.gz") and self.hits[path] == 1:
            self.wfile.write(body[: len(body) // 3])  # the connection drops mid-body
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture(scope="module")
def mirror() -> Iterator[str]:
    pmc = EXAMPLES / "pmc_oa_packages"
    packages = {
        "PMC3003633": (pmc / "PMC3003633.tar.gz").read_bytes(),  # an original PMC tarball
        "PMC2467486": pack(pmc / "PMC2467486"),
        "PMC3192425": pack(pmc / "PMC3192425"),
    }
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["File", "Article Citation", "Accession ID", "Last Updated (YYYY-MM-DD HH:MM:SS)", "PMID", "License"])
    for i, pmcid in enumerate([*packages, "PMC9999999"]):
        path = f"oa_package/{i:02x}/a{i}/{pmcid}.tar.gz"
        writer.writerow([path, "Some J. 2010;1:1", pmcid, "2020-01-01 00:00:00", "", "CC BY"])
        if pmcid in packages:
            Mirror.files[f"/pub/pmc/{path}"] = packages[pmcid]
    writer.writerow(["oa_package/ff/ff/PMC1.tar.gz", "x", "PMC1", "", "", "CC BY-NC"])
    Mirror.files["/pub/pmc/oa_file_list.csv"] = rows.getvalue().encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Mirror)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pub/pmc/oa_file_list.csv"
    finally:
        server.shutdown()
        server.server_close()


def test_flaky_404_and_dropped_connections(mirror: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    summary = extract(mirror, out, selection=Selection(license_groups=("commercial",)), layout_backend=None)
    assert summary.failed_shards == {}
    rows = {Path(r["package"]).name: r for r in index_rows(out) if r["item"] == "article"}
    assert set(rows) == {"PMC3003633.tar.gz", "PMC2467486.tar.gz", "PMC3192425.tar.gz", "PMC9999999.tar.gz"}
    assert rows["PMC9999999.tar.gz"]["status"] == "download_not_found"
    assert Mirror.hits["/pub/pmc/oa_package/03/a3/PMC9999999.tar.gz"] == 1  # a 404 is not retried
    for pmcid in ("PMC3003633", "PMC2467486", "PMC3192425"):
        assert rows[f"{pmcid}.tar.gz"]["status"] == "ok", rows[f"{pmcid}.tar.gz"]
    assert Mirror.hits["/pub/pmc/oa_package/01/a1/PMC2467486.tar.gz"] == 3
    assert Mirror.hits["/pub/pmc/oa_package/02/a2/PMC3192425.tar.gz"] == 2
    assert not any((out / "downloads").iterdir())  # committed shards keep no package, no partial file
    # same figures as the local copies of the same packages
    local = tmp_path / "local"
    extract(EXAMPLES / "pmc_oa_packages", local, selection=Selection(pmcids=frozenset({"PMC2467486", "PMC3192425"})), layout_backend=None)
    remote_samples, local_samples = samples(out), samples(local)
    for key, members in local_samples.items():
        assert remote_samples[key]["txt"] == members["txt"]
        assert remote_samples[key]["jpg"] == members["jpg"]


def test_local_list_needs_a_base_url(tmp_path: Path) -> None:
    listing = tmp_path / "oa_file_list.csv"
    listing.write_text("File,Accession ID\noa_package/00/00/PMC1.tar.gz,PMC1\n")
    with pytest.raises(ValueError, match="package-base-url"):
        extract(str(listing), tmp_path / "run")
