"""Score the layout step on real and synthetic figures, and time it against decoding.

    python benchmarks/layout/run_benchmark.py                # everything
    python benchmarks/layout/run_benchmark.py --only real --split dev
    python benchmarks/layout/run_benchmark.py --only speed
    python benchmarks/layout/run_benchmark.py --only real --split dev --shrink 0.6   # small renders
    python benchmarks/layout/run_benchmark.py --only synthetic --parts   # labels Ai Aii / B1 B2
    python benchmarks/layout/run_benchmark.py --only synthetic --titles  # "(a)" centred above / below
    python benchmarks/layout/run_benchmark.py --only real --perturb frame   # also tint, jpeg75, gray

Accuracy: ImageCLEF accuracy, mAP at IoU 0.5 and label accuracy (see
``panel2patch.layout.scoring``) on our hand-annotated real figures (dev = tuned on,
test = kept aside) and on generated figures with exact truth (dev / test seeds).
Speed: for every real figure, Pillow's decode (open + load + RGB) and the whole layout
step (including label OCR) are timed side by side in one process; the table reports
the median per-figure ratio and the ratio of the medians. The layout step is timed as a
run's workers run it, with one OpenCV thread; a second row times it with OpenCV's default
pool (a thread per core), which spends more CPU on the step's many small operations.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_figures import (
    DATA_ROOT,
    all_figure_ids,
    load_annotations,
    load_figure,
    read_bytes,
    timed_decode,
)
from synthetic import SPLIT_SEEDS, generate_set

from panel2patch.layout import LayoutConfig, get_backend
from panel2patch.layout.scoring import Scored, imageclef_accuracy, score_figures


def predict(image: Image.Image, config: LayoutConfig | None = None) -> list[Scored]:
    layout = get_backend("classical", config).parse(image)
    return [Scored(p.bbox, p.label, p.score) for p in layout.panels]


def shrink(image: Image.Image, panels: list, factor: float) -> tuple[Image.Image, list]:
    """The figure and its true boxes at ``factor`` of their size (a small render)."""
    if factor == 1.0:
        return image, panels
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    boxes = [(tuple(round(v * factor) for v in box), label) for box, label in panels]
    return image.resize(size, Image.LANCZOS), boxes


FRAME_MARGIN, FRAME_LINE = 8, 2  # "frame": a 2-px black line round an 8-px white margin
TINT = (12, 10, 18)  # "tint": every pixel this much darker (a scanned, yellowish page)
PERTURBATIONS = ("frame", "tint", "jpeg75", "gray")


def perturbed(image: Image.Image, panels: list, how: str) -> tuple[Image.Image, list]:
    """The figure as a reader may meet it, and its true boxes moved with it: inside a thin
    black frame (some journals and slide exports draw one), on an off-white page, JPEG
    re-encoded at quality 75, or in grey levels."""
    rgb = image.convert("RGB")
    if how == "frame":
        border = FRAME_MARGIN + FRAME_LINE
        out = ImageOps.expand(rgb, border=border, fill=(255, 255, 255))
        draw = ImageDraw.Draw(out)
        for k in range(FRAME_LINE):
            draw.rectangle([k, k, out.width - 1 - k, out.height - 1 - k], outline=(0, 0, 0))
        return out, [(tuple(v + border for v in box), label) for box, label in panels]
    if how == "tint":
        darker = np.asarray(rgb).astype(np.int16) - np.array(TINT, np.int16)
        return Image.fromarray(np.clip(darker, 0, 255).astype(np.uint8)), panels
    if how == "jpeg75":
        buffer = io.BytesIO()
        rgb.save(buffer, "JPEG", quality=75)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"), panels
    if how == "gray":
        return rgb.convert("L").convert("RGB"), panels
    raise ValueError(f"unknown perturbation {how!r}; choose from {PERTURBATIONS}")


def score_real(
    split: str, config: LayoutConfig | None, verbose: bool, factor: float = 1.0, perturb: str | None = None
) -> dict:
    figures = [f for f in load_annotations() if split in ("all", f.split) and f.split != "excluded"]
    truth, preds, rows = [], [], []
    for fig in figures:
        image, panels = shrink(load_figure(fig.id), fig.panels, factor)
        if perturb:
            image, panels = perturbed(image, panels, perturb)
        pred = predict(image, config)
        truth.append(panels)
        preds.append(pred)
        acc = imageclef_accuracy([b for b, _ in panels], [p.bbox for p in pred])
        rows.append((acc, fig.id, len(fig.panels), len(pred)))
    if verbose:
        for acc, fid, n_true, n_pred in sorted(rows):
            if acc < 1.0:
                print(f"  {acc:5.2f}  true {n_true:2d} pred {n_pred:2d}  {fid}")
    compound = [i for i, t in enumerate(truth) if len(t) > 1]
    return {
        "all": score_figures(truth, preds),
        "compound": score_figures([truth[i] for i in compound], [preds[i] for i in compound]),
    }


def score_synthetic(split: str, count: int, config: LayoutConfig | None, variant: str = "plain") -> dict:
    figures = generate_set(split, count, variant)
    truth = [[(p.bbox, p.label) for p in fig.panels] for fig in figures]
    preds = [predict(fig.image, config) for fig in figures]
    return {"all": score_figures(truth, preds)}


def time_real(config: LayoutConfig | None = None, repeats: int = 5, opencv_threads: int | None = 1) -> dict:
    """Decode and layout side by side for every real figure: best of ``repeats`` each,
    wall-clock and CPU time of this process (CPU time is less disturbed by other load).

    ``opencv_threads``: OpenCV's threads while timing; 1 as in every worker of a run
    (``executors.base.one_opencv_thread``: the default run is a pool of one-thread workers),
    None for OpenCV's default pool (a thread per core). Decoding is one thread either way."""
    previous = cv2.getNumThreads()
    if opencv_threads is not None:
        cv2.setNumThreads(opencv_threads)
    try:
        return _time_real(config, repeats)
    finally:
        cv2.setNumThreads(previous)


def _time_real(config: LayoutConfig | None, repeats: int) -> dict:
    backend = get_backend("classical", config)
    backend.parse(Image.new("RGB", (64, 64), "white"))  # load the OCR engine outside the timing
    rows = []
    for figure_id in all_figure_ids():
        data = read_bytes(figure_id)
        best = [float("inf")] * 4  # decode wall, decode cpu, layout wall, layout cpu
        for _ in range(repeats):
            image, decode_wall, decode_cpu = timed_decode(data)
            best[0] = min(best[0], decode_wall)
            best[1] = min(best[1], decode_cpu)
            wall, cpu = time.perf_counter(), time.process_time()
            backend.parse(image)
            best[2] = min(best[2], time.perf_counter() - wall)
            best[3] = min(best[3], time.process_time() - cpu)
        rows.append(best)
    med = statistics.median
    decode_wall, decode_cpu, layout_wall, layout_cpu = (med(r[k] for r in rows) for k in range(4))
    return {
        "figures": len(rows),
        "decode_ms": 1000 * decode_wall,
        "layout_ms": 1000 * layout_wall,
        "median_ratio": med(r[2] / r[0] for r in rows),
        "ratio_of_medians": layout_wall / decode_wall,
        "cpu_median_ratio": med(r[3] / max(r[1], 1e-4) for r in rows),
        "cpu_decode_ms": 1000 * decode_cpu,
        "cpu_layout_ms": 1000 * layout_cpu,
        "p90_layout_ms": 1000 * sorted(r[2] for r in rows)[int(0.9 * (len(rows) - 1))],
    }


def host_description() -> str:
    """CPU model and core count: ratios to decode move with the CPU (a neural recogniser
    and a JPEG decoder do not speed up alike), so every speed table names its host."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            fields = {key.strip(): value for key, value in (line.split(":", 1) for line in info if ":" in line)}
        model = " ".join(
            f"{key} {fields[key].strip()}" for key in ("model name", "cpu family", "model") if key in fields
        )
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


def recogniser_ms_per_100px(runtime: str = "auto") -> float:
    """The OCR recogniser's cost on a 480-px text line (best of 5), per 100 px."""
    from panel2patch.layout.label_reader import LINE_HEIGHT
    from panel2patch.layout.line_recogniser import AsciiLineRecogniser, find_rec_model

    recogniser = AsciiLineRecogniser(find_rec_model(), runtime=runtime)
    line = np.full((LINE_HEIGHT, 480, 3), 255, np.uint8)
    line[10:38, ::7] = 0
    recogniser.read(line)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        recogniser.read(line)
        best = min(best, time.perf_counter() - start)
    return 1000 * best / 4.8


def _row(name: str, s) -> str:
    label = f"{s.label_accuracy:.3f} ({s.labelled_panels})" if s.label_accuracy is not None else "-"
    return f"| {name} | {s.figures} | {s.imageclef:.3f} | {s.map50:.3f} | {s.exact_count:.3f} | {label} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["real", "synthetic", "speed"], action="append")
    parser.add_argument("--split", default=None, help="dev or test (default: both)")
    parser.add_argument("--synthetic-count", type=int, default=200, help="figures per synthetic split")
    parser.add_argument("--verbose", action="store_true", help="list real figures scored below 1.0")
    variants = parser.add_mutually_exclusive_group()
    variants.add_argument("--parts", action="store_const", dest="variant", const="parts", default="plain",
                          help="synthetic figures labelled as parts of a letter per row (Ai Aii / B1 B2)")
    variants.add_argument("--titles", action="store_const", dest="variant", const="titles",
                          help="synthetic figures labelled like titles: small, often grey, centred "
                               "above or below each panel")
    parser.add_argument("--shrink", type=float, default=1.0,
                        help="score the real figures resized to this factor (e.g. 0.6: small renders)")
    parser.add_argument("--perturb", choices=PERTURBATIONS,
                        help="score the real figures as a reader may meet them: in a thin black frame, "
                             "on an off-white page, JPEG re-encoded at quality 75, or in grey levels")
    parser.add_argument("--rounds", type=int, default=1,
                        help="time the default configuration this many times (runs on a small "
                             "host differ by ~0.4x; the spread shows whether a limit is met)")
    args = parser.parse_args(argv)
    parts = args.only or ["real", "synthetic", "speed"]
    splits = [args.split] if args.split else ["dev", "test"]
    header = "| set | figures | ImageCLEF acc. | mAP@0.5 | exact count | label acc. (labelled panels) |\n|---|---|---|---|---|---|"
    if "real" in parts or "synthetic" in parts:
        print(header)
    if "real" in parts:
        if not DATA_ROOT.exists():
            print(f"(real figures skipped: {DATA_ROOT} not found)")
        else:
            for split in splits:
                scores = score_real(split, None, args.verbose, args.shrink, args.perturb)
                at = f" at {args.shrink:g}x" if args.shrink != 1.0 else ""
                at += f", {args.perturb}" if args.perturb else ""
                print(_row(f"real {split}{at}, all figures", scores["all"]))
                print(_row(f"real {split}{at}, compound only", scores["compound"]))
    if "synthetic" in parts:
        for split in splits:
            if split in SPLIT_SEEDS:
                scores = score_synthetic(split, args.synthetic_count, None, args.variant)
                named = {"plain": "", "parts": ", part labels", "titles": ", title labels"}[args.variant]
                print(_row(f"synthetic {split}{named}", scores["all"]))
    if "speed" in parts and DATA_ROOT.exists():
        print(f"\nhost: {host_description()}")
        from panel2patch.layout.line_recogniser import pick_runtime

        for runtime in dict.fromkeys([pick_runtime("auto"), "onnxruntime"]):
            print(f"label recogniser on {runtime}: {recogniser_ms_per_100px(runtime):.1f} ms per 100 px of text line (1 thread)")
        print(f"load average before timing: {os.getloadavg()[0]:.1f}")
        print("| configuration | figures | median decode | median layout (wall / CPU) "
              "| median per-figure ratio (wall / CPU) | ratio of medians | p90 layout |")
        print("|---|---|---|---|---|---|---|")
        pool = f"OpenCV's default pool ({cv2.getNumThreads()} threads), OCR 1 thread"
        for name, config, threads in (("default: as in a run's workers (OCR and OpenCV 1 thread)", None, 1),
                                      (pool, LayoutConfig(), None),
                                      ("OCR with 2 threads", LayoutConfig(ocr_threads=2), 1),
                                      ("OCR on onnxruntime", LayoutConfig(ocr_runtime="onnxruntime"), 1),
                                      ("no OCR (gutters only)", LayoutConfig(label_reader="none"), 1)):
            for round_ in range(args.rounds if config is None else 1):
                t = time_real(config, opencv_threads=threads)
                label = f"{name}, round {round_ + 1}" if config is None and args.rounds > 1 else name
                print(
                    f"| {label} | {t['figures']} | {t['decode_ms']:.1f} ms | {t['layout_ms']:.1f} / {t['cpu_layout_ms']:.1f} ms"
                    f" | {t['median_ratio']:.1f}x / {t['cpu_median_ratio']:.1f}x | {t['ratio_of_medians']:.1f}x"
                    f" | {t['p90_layout_ms']:.0f} ms |"
                )
        print(f"load average after timing: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
