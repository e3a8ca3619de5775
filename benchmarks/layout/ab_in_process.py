"""The layout step of a past revision against this tree, in one process, interleaved.

    python benchmarks/layout/ab_in_process.py REV [--repeats 4]

On a shared 2-core host separate ``--only speed`` runs of two trees differ by more than a
few percent between rounds of the same tree; here both run on every figure in turn (A B,
then B A, best of ``repeats`` each), so load drifts hit both alike. REV's ``src/panel2patch``
is exported (``git archive``) under another package name, ``p2p_rev``, beside this tree's.
Prints each side's median per-figure ratio to the decode and the median per-figure B/A
quotient of layout time (CPU and wall): the number to judge a small change by.

Use an even ``repeats``: the side that parses a figure second runs ~18% cheaper (one
repeat, A always first: B/A 0.82 for output-identical trees; the recogniser's preparation
for a line width seems to carry over within the process), so each side must come second
as often as first.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import cv2
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from real_figures import REPO_ROOT, all_figure_ids, read_bytes, timed_decode  # noqa: E402

ALIAS = "p2p_rev"


def export_revision(rev: str, into: Path) -> None:
    """``src/panel2patch`` of ``rev`` under ``into / ALIAS``, its imports renamed."""
    archive = subprocess.run(["git", "archive", rev, "src/panel2patch"], cwd=REPO_ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / ALIAS
    (into / "src" / "panel2patch").rename(package)
    for path in package.rglob("*.py"):
        path.write_text(re.sub(r"\bpanel2patch\b", ALIAS, path.read_text()))


def timed(backend, image: Image.Image) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    backend.parse(image)
    return time.perf_counter() - wall, time.process_time() - cpu


def compare(backends: dict, repeats: int) -> None:
    """Best-of-``repeats`` layout times per figure for each side, alternating the order."""
    best = {side: [] for side in backends}
    decode = []
    for figure_id in all_figure_ids():
        data = read_bytes(figure_id)
        side_best = {side: [float("inf")] * 2 for side in backends}
        dec = [float("inf")] * 2
        for r in range(repeats):
            for side in (("A", "B") if r % 2 == 0 else ("B", "A")):
                image, dec_wall, dec_cpu = timed_decode(data)
                dec = [min(dec[0], dec_wall), min(dec[1], dec_cpu)]
                side_best[side] = [min(a, b) for a, b in zip(side_best[side], timed(backends[side], image))]
        for side in backends:
            best[side].append(side_best[side])
        decode.append(dec)
    med = statistics.median
    for side, rows in best.items():
        wall = med(r[0] / d[0] for r, d in zip(rows, decode))
        cpu = med(r[1] / max(d[1], 1e-4) for r, d in zip(rows, decode))
        print(f"{side}: median per-figure ratio wall {wall:.2f}x / CPU {cpu:.2f}x, summed layout CPU "
              f"{sum(r[1] for r in rows):.3f} s")
    pairs = list(zip(best["A"], best["B"]))
    print(f"per-figure B/A: CPU {med(b[1] / a[1] for a, b in pairs):.4f}, wall {med(b[0] / a[0] for a, b in pairs):.4f}; "
          f"load {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the revision timed as A (this tree is B)")
    parser.add_argument("--repeats", type=int, default=4, help="even: each side first as often")
    args = parser.parse_args()
    # one OpenCV thread, as in every worker of a run and in run_benchmark.py --only speed (OpenCV's
    # default pool adds its threads' CPU time: on an idle 2-core host the CPU ratios read ~13% higher)
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as tmp:
        export_revision(args.rev, Path(tmp))
        sys.path.insert(0, tmp)
        import panel2patch.layout as this
        old = __import__(f"{ALIAS}.layout", fromlist=["get_backend"])
        backends = {"A": old.get_backend("classical", old.LayoutConfig()),
                    "B": this.get_backend("classical", this.LayoutConfig())}
        for backend in backends.values():  # load the recognisers outside the timing
            backend.parse(Image.new("RGB", (64, 64), "white"))
        compare(backends, args.repeats)


if __name__ == "__main__":
    main()
