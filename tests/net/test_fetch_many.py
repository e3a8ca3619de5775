"""fetch_many: one failure never stops the others, results in input order, resumable reruns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from panel2patch.errors import Status
from panel2patch.net import SKIPPED, FetchResult, FetchSummary, Fetcher, fetch_many
from tests.net.conftest import BODY, FAST
from tests.net.servers import LocalHTTPServer


def test_mixed_batch_then_rerun(server: LocalHTTPServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = ["flaky.bin", "missing.bin", "short.bin", "throttled.bin", "down.bin"]
    names += [f"files/{i}.bin" for i in range(10)]
    items = [(server.url(f"/{name}"), out / name.replace("/", "_")) for name in names]
    seen: list[FetchResult] = []

    results = fetch_many(Fetcher(FAST), iter(items), progress=seen.append)

    assert [r.url for r in results] == [url for url, _ in items]
    by_name = {r.dest.name: r for r in results}
    assert by_name["flaky.bin"].status == Status.OK and by_name["flaky.bin"].bytes == len(BODY)
    assert by_name["short.bin"].status == Status.OK
    assert by_name["throttled.bin"].status == Status.OK
    assert by_name["missing.bin"].status == Status.DOWNLOAD_NOT_FOUND
    assert "404" in by_name["missing.bin"].error
    assert by_name["down.bin"].status == Status.DOWNLOAD_FAILED
    assert "4 attempts" in by_name["down.bin"].error
    assert sum(r.status == Status.OK for r in results) == 13
    assert len(seen) == len(items)
    # nothing half-written: exactly the finished files, no temporary or partial ones
    assert sorted(p.name for p in out.iterdir()) == sorted(r.dest.name for r in results if r.ok)
    assert (out / "flaky.bin").read_bytes() == BODY
    assert server.hits["/missing.bin"] == 1

    summary = FetchSummary.of(results)
    assert summary.counts == {"ok": 13, "download_not_found": 1, "download_failed": 1}
    text = summary.format()
    assert text.startswith("15 files:") and "missing.bin" in text and "down.bin" in text

    hits_before = server.hits.copy()
    again = fetch_many(Fetcher(FAST), items)
    assert [r.status for r in again if r.dest.name not in ("missing.bin", "down.bin")] == [SKIPPED] * 13
    fetched_again = {path for path in server.hits if server.hits[path] != hits_before[path]}
    assert fetched_again == {"/missing.bin", "/down.bin"}


def test_concurrency_of_fetch_many_is_bounded(server: LocalHTTPServer, tmp_path: Path) -> None:
    fetcher = Fetcher(replace(FAST, max_concurrency=3))
    items = [(server.url(f"/files/{i}"), tmp_path / f"{i}.bin") for i in range(15)]
    results = fetch_many(fetcher, items)
    assert all(r.status == Status.OK for r in results)
    assert 2 <= server.max_active <= 3
    assert fetcher.stats()["downloaded"] == 15


def test_local_write_error_is_recorded(server: LocalHTTPServer, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    items = [(server.url("/files/a"), blocker / "a.bin"), (server.url("/files/b"), tmp_path / "b.bin")]
    first, second = fetch_many(Fetcher(FAST), items)
    assert first.status == Status.DOWNLOAD_FAILED and "cannot write" in first.error
    assert second.status == Status.OK
