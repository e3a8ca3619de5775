"""Score the layout step on real and synthetic figures, and time it against decoding.

    python benchmarks/layout/run_benchmark.py                # everything
    python benchmarks/layout/run_benchmark.py --only real --split dev
    python benchmarks/layout/run_benchmark.py --only speed

Accuracy: ImageCLEF accuracy, mAP at IoU 0.5 and label accuracy (see
``panel2patch.layout.scoring``) on our hand-annotated real figures (dev = tuned on,
test = kept aside) and on generated figures with exact truth (dev / test seeds).
Speed: for every real figure, Pillow's decode (open + load + RGB) and the whole layout
step (including label OCR) are timed side by side in one process; the table reports
the median per-figure ratio and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_figures import DATA_ROOT, all_figure_ids, load_annotations, load_figure, read_bytes  # noqa: E402
from synthetic import SPLIT_SEEDS, generate_set  # noqa: E402

from panel2patch.layout import LayoutConfig, get_backend  # noqa: E402
from panel2patch.layout.scoring import Scored, imageclef_accuracy, score_figures  # noqa: E402


def predict(image: Image.Image, config: LayoutConfig | None = None) -> list[Scored]:
    layout = get_backend("classical", config).parse(image)
    return [Scored(p.bbox, p.label, p.score) for p in layout.panels]


def score_real(split: str, config: LayoutConfig | None, verbose: bool) -> dict:
    figures = [f for f in load_annotations() if split in ("all", f.split) and f.split != "excluded"]
    truth, preds, rows = [], [], []
    for fig in figures:
        pred = predict(load_figure(fig.id), config)
        truth.append(fig.panels)
        preds.append(pred)
        acc = imageclef_accuracy([b for b, _ in fig.panels], [p.bbox for p in pred])
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


def score_synthetic(split: str, count: int, config: LayoutConfig | None) -> dict:
    figures = generate_set(split, count)
    truth = [[(p.bbox, p.label) for p in fig.panels] for fig in figures]
    preds = [predict(fig.image, config) for fig in figures]
    return {"all": score_figures(truth, preds)}


def time_real(repeats: int = 3) -> dict:
    """Decode and layout side by side for every real figure (best of ``repeats`` each)."""
    backend = get_backend("classical")
    backend.parse(Image.new("RGB", (64, 64), "white"))  # load the OCR engine outside the timing
    ratios, decodes, layouts = [], [], []
    for figure_id in all_figure_ids():
        data = read_bytes(figure_id)
        decode = layout = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            with Image.open(io.BytesIO(data)) as raw:
                raw.load()
                image = raw.convert("RGB")
            decode = min(decode, time.perf_counter() - start)
            start = time.perf_counter()
            backend.parse(image)
            layout = min(layout, time.perf_counter() - start)
        decodes.append(decode)
        layouts.append(layout)
        ratios.append(layout / decode)
    return {
        "figures": len(ratios),
        "decode_ms": 1000 * statistics.median(decodes),
        "layout_ms": 1000 * statistics.median(layouts),
        "median_ratio": statistics.median(ratios),
        "ratio_of_medians": statistics.median(layouts) / statistics.median(decodes),
        "p90_layout_ms": 1000 * sorted(layouts)[int(0.9 * (len(layouts) - 1))],
    }


def _row(name: str, s) -> str:
    label = f"{s.label_accuracy:.3f} ({s.labelled_panels})" if s.label_accuracy is not None else "-"
    return f"| {name} | {s.figures} | {s.imageclef:.3f} | {s.map50:.3f} | {s.exact_count:.3f} | {label} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["real", "synthetic", "speed"], action="append")
    parser.add_argument("--split", default=None, help="dev or test (default: both)")
    parser.add_argument("--synthetic-count", type=int, default=200, help="figures per synthetic split")
    parser.add_argument("--verbose", action="store_true", help="list real figures scored below 1.0")
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
                scores = score_real(split, None, args.verbose)
                print(_row(f"real {split}, all figures", scores["all"]))
                print(_row(f"real {split}, compound only", scores["compound"]))
    if "synthetic" in parts:
        for split in splits:
            if split in SPLIT_SEEDS:
                scores = score_synthetic(split, args.synthetic_count, None)
                print(_row(f"synthetic {split}", scores["all"]))
    if "speed" in parts and DATA_ROOT.exists():
        t = time_real()
        print("\n| figures | median decode | median layout | median per-figure ratio | ratio of medians | p90 layout |")
        print("|---|---|---|---|---|---|")
        print(
            f"| {t['figures']} | {t['decode_ms']:.1f} ms | {t['layout_ms']:.1f} ms | {t['median_ratio']:.1f}x"
            f" | {t['ratio_of_medians']:.1f}x | {t['p90_layout_ms']:.0f} ms |"
        )


if __name__ == "__main__":
    main()
