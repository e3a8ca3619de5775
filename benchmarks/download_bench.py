"""Download benchmark: our fetching overhead against bare ``requests`` on a loopback server.

A ``ThreadingHTTPServer`` in a separate process on 127.0.0.1 serves N files built from real
figure JPEGs in ``../shared/data/articles`` (repeated to reach N; random bytes when that folder
is absent). The same files are fetched by a bare ``requests.get`` loop, a ``requests.Session``
loop (the floor: pooled connections, nothing else) and ``fetch_many`` at several concurrencies;
then ``fetch_many`` once more over the finished folder (every file skipped: the resume cost).
All numbers come from one run against one server, so they measure our overhead, not a network.

    .venv/bin/python benchmarks/download_bench.py [--files 500] [--concurrency 1 4 16] [--latency-ms 0] [--repeats 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from panel2patch.net import FetchPolicy, Fetcher, fetch_many

ARTICLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "articles"


def payloads(count: int, min_kb: int = 50, max_kb: int = 600) -> list[bytes]:
    """``count`` bodies cycling through the real figure JPEGs of a useful size."""
    jpegs = sorted(ARTICLES.rglob("*.jpg")) if ARTICLES.is_dir() else []
    real = [p.read_bytes() for p in jpegs if min_kb * 1024 <= p.stat().st_size <= max_kb * 1024]
    if not real:
        rng = random.Random(0)
        real = [rng.randbytes(200 * 1024) for _ in range(16)]
    return [real[i % len(real)] for i in range(count)]


def _serve(count: int, latency: float, port_queue: multiprocessing.Queue) -> None:
    bodies = payloads(count)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY, as production servers set it: without it Nagle's algorithm and the
        # client's delayed ACK stall keep-alive responses whose last segment is small
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            index = int(self.path.rsplit("/", 1)[-1].split(".")[0])
            if latency:
                time.sleep(latency)  # a stand-in for network round trips and server think time
            body = bodies[index]
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def bare_get(urls: list[str], folder: Path) -> None:
    for index, url in enumerate(urls):
        response = requests.get(url, timeout=60)
        response.raise_for_status()
        (folder / f"{index}.jpg").write_bytes(response.content)


def session_get(urls: list[str], folder: Path) -> None:
    with requests.Session() as session:
        for index, url in enumerate(urls):
            response = session.get(url, timeout=60)
            response.raise_for_status()
            (folder / f"{index}.jpg").write_bytes(response.content)


def ours(concurrency: int, keep: Path | None = None, fsync: bool = True) -> Callable[[list[str], Path], None]:
    def run(urls: list[str], folder: Path) -> None:
        target = keep or folder
        fetcher = Fetcher(FetchPolicy(max_concurrency=concurrency, fsync=fsync))
        results = fetch_many(fetcher, [(url, target / f"{i}.jpg") for i, url in enumerate(urls)])
        failed = [r for r in results if not r.ok]
        if failed:
            raise RuntimeError(f"{len(failed)} downloads failed, e.g. {failed[0].error}")
        fetcher.close()

    return run


def timed(run: Callable[[list[str], Path], None], urls: list[str], scratch: Path, repeats: int) -> float:
    """Best wall time of ``repeats`` runs, each into a fresh folder."""
    best = float("inf")
    for _ in range(repeats):
        folder = Path(tempfile.mkdtemp(dir=scratch))
        start = time.perf_counter()
        run(urls, folder)
        best = min(best, time.perf_counter() - start)
        shutil.rmtree(folder)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--latency-ms", type=float, default=0.0, help="server delay before each response")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs per row")
    args = parser.parse_args()

    total_bytes = sum(len(body) for body in payloads(args.files))
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(args.files, args.latency_ms / 1000, queue), daemon=True)
    server.start()
    try:
        port = queue.get(timeout=30)
        urls = [f"http://127.0.0.1:{port}/files/{i}.jpg" for i in range(args.files)]
        rows: list[tuple[str, int, float]] = []
        with tempfile.TemporaryDirectory() as scratch_name:
            scratch = Path(scratch_name)
            n = args.repeats
            rows.append(("bare `requests.get` loop", 1, timed(bare_get, urls, scratch, n)))
            rows.append(("`requests.Session` loop (floor)", 1, timed(session_get, urls, scratch, n)))
            for concurrency in args.concurrency:
                seconds = timed(ours(concurrency), urls, scratch, n)
                rows.append((f"`fetch_many` c={concurrency}", concurrency, seconds))
            first = args.concurrency[0]
            seconds = timed(ours(first, fsync=False), urls, scratch, n)
            rows.append((f"`fetch_many` c={first}, fsync off", first, seconds))
            widest = max(args.concurrency)
            done = scratch / "done"
            done.mkdir()
            ours(widest, done)(urls, done)
            rows.append(("`fetch_many` rerun, all skipped", widest, timed(ours(widest, done), urls, scratch, n)))
    finally:
        server.terminate()
        server.join(timeout=10)

    machine = f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores"
    print(f"## {date.today().isoformat()}, {machine}")
    print()
    print(
        f"{args.files} files, {total_bytes / 1e6:.1f} MB ({total_bytes / args.files / 1024:.0f} KB mean), "
        f"loopback HTTP/1.1 server in another process, {args.latency_ms:g} ms added latency per response, "
        f"best of {args.repeats}"
    )
    print()
    print("| client | concurrency | seconds | files/s | MB/s |")
    print("|---|---|---|---|---|")
    for name, concurrency, seconds in rows:
        mb = 0.0 if "skipped" in name else total_bytes / 1e6
        print(f"| {name} | {concurrency} | {seconds:.2f} | {args.files / seconds:.0f} | {mb / seconds:.1f} |")


if __name__ == "__main__":
    main()
