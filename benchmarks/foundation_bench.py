"""Foundation benchmark: JATS parsing vs pubmed_parser, image normalisation vs a bare Pillow decode.

Both comparisons run side by side in one process on the same real inputs from
``../shared/data/articles``, so the ratios hold even when absolute times are noisy.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/foundation_bench.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PIL import Image

from panel2patch.errors import ItemError
from panel2patch.extras import require
from panel2patch.images import decode_image, open_image
from panel2patch.images.resolve import is_image_name
from panel2patch.jats import parse_article
from panel2patch.sources.discover import looks_like_article_xml

ARTICLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "articles"


def real_xml_files() -> list[Path]:
    """Loose JATS files on disk (pubmed_parser reads from paths)."""
    return sorted(p for p in ARTICLES.rglob("*") if p.suffix in (".nxml", ".xml") and looks_like_article_xml(p))


def real_images() -> list[tuple[str, bytes]]:
    """Every figure-like image file: loose files and zip members (thumbnails included)."""
    found = [(str(p.relative_to(ARTICLES)), p.read_bytes()) for p in sorted(ARTICLES.rglob("*")) if p.is_file() and is_image_name(p.name)]
    for archive in sorted(ARTICLES.rglob("*.zip")):
        with zipfile.ZipFile(archive) as zf:
            for name in sorted(zf.namelist()):
                if is_image_name(name) and zf.getinfo(name).file_size > 2000:
                    found.append((f"{archive.name}/{name}", zf.read(name)))
    return found


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_jats(repeats: int) -> list[str]:
    pubmed_parser = require("pubmed_parser", purpose="the JATS parsing baseline")
    files = real_xml_files()
    megabytes = sum(p.stat().st_size for p in files) / 1e6

    def ours() -> None:
        for path in files:
            parse_article(path.read_bytes())

    failures: dict[str, str] = {}

    def baseline() -> None:
        for path in files:
            try:
                pubmed_parser.parse_pubmed_xml(str(path))
                pubmed_parser.parse_pubmed_caption(str(path))
            except Exception as exc:  # the baseline's own bugs on real files: count, go on
                failures[path.name] = f"{type(exc).__name__}: {exc}"

    t_ours, t_base = best_of(repeats, ours), best_of(repeats, baseline)
    return [
        f"JATS: {len(files)} real articles, {megabytes:.1f} MB of XML, best of {repeats}; "
        f"pubmed_parser raised on {len(failures)} of them (e.g. {next(iter(failures.values()), '-')})",
        "",
        "| parser | what it extracts | articles/s | MB/s | time ratio |",
        "|---|---|---|---|---|",
        f"| panel2patch `parse_article` | metadata, license, full text, all figures + full captions, inline mentions with panels | {len(files) / t_ours:.0f} | {megabytes / t_ours:.1f} | {t_ours / t_base:.2f} |",
        f"| pubmed_parser `parse_pubmed_xml` + `parse_pubmed_caption` | metadata, captions | {len(files) / t_base:.0f} | {megabytes / t_base:.1f} | 1.00 |",
        "",
    ]


def bench_images(repeats: int) -> list[str]:
    images = []
    for name, data in real_images():  # keep what the pipeline would decode (drops tiny equations, broken files)
        try:
            open_image(data)
            images.append((name, data))
        except ItemError:
            pass
    rows = {"floor": [], "normalise": [], "normalise+jpeg": []}
    pixels = []
    for _, data in images:
        def floor() -> None:
            with Image.open(io.BytesIO(data)) as image:
                image.load()

        rows["floor"].append(best_of(repeats, floor))
        rows["normalise"].append(best_of(repeats, lambda: open_image(data)))
        rows["normalise+jpeg"].append(best_of(repeats, lambda: decode_image(data)))
        with Image.open(io.BytesIO(data)) as image:
            pixels.append(image.width * image.height)
    floor_total = sum(rows["floor"])
    lines = [
        f"Images: {len(images)} real figure files (JPEG, PNG, GIF, TIFF incl. PLOS derivatives), "
        f"{sum(pixels) / 1e6:.0f} Mpixel, best of {repeats}",
        "",
        "| step | total s | median ms/image | Mpixel/s | time ÷ bare Pillow decode (total) |",
        "|---|---|---|---|---|",
    ]
    labels = {
        "floor": "bare Pillow `open` + `load` (the floor)",
        "normalise": "panel2patch `open_image` (header pixel cap, first frame, EXIF, → RGB)",
        "normalise+jpeg": "panel2patch `decode_image` (+ JPEG re-encode for the shard)",
    }
    for name, times in rows.items():
        total = sum(times)
        lines.append(
            f"| {labels[name]} | {total:.2f} | {statistics.median(times) * 1e3:.1f} | "
            f"{sum(pixels) / 1e6 / total:.0f} | {total / floor_total:.2f} |"
        )
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not ARTICLES.is_dir():
        raise SystemExit(f"{ARTICLES} not found: this benchmark reads the shared real articles")
    header = [f"## {date.today().isoformat()}, {platform.machine()}, {platform.python_version()}, {__import__('os').cpu_count()} cores", ""]
    print("\n".join(header + bench_jats(args.repeats) + bench_images(args.repeats)))


if __name__ == "__main__":
    main()
