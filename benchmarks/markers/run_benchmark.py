"""Score the marker step: synthetic truth, soda_mmqc panels, plots, speed, contact sheet.

    python benchmarks/markers/run_benchmark.py                    # everything
    python benchmarks/markers/run_benchmark.py --only synthetic --count 150
    python benchmarks/markers/run_benchmark.py --only soda,plots,speed,sheet
    python benchmarks/markers/run_benchmark.py --only synthetic-dev,soda,plots --count 300
    python benchmarks/markers/run_benchmark.py --only real --verbose --gallery /tmp/marker_errors.png

* synthetic: real picture crops with drawn markers (``synthetic_markers.py``), dev and held-out
  ("test") halves; a hit is a detection whose box centre lies in a true box of the same
  type (``scoring.py``); precision / recall per type, tip error of arrows and arrowheads.
* real: hand-marked markers on every real figure with a picture panel (``real_markers.json``,
  95 markers on 38 figures); scored as the synthetic sets, and regardless of type.
* soda: per-panel marker-type presence on the soda_mmqc figures (human labels of which
  marker types each panel shows); F1 over (panel, type) pairs, micrograph panels first.
* plots: markers reported on panels we marked plot, diagram or table (should be none).
* radiology: markers reported on the 200 MedPix CT/MR slices, none of which carries a drawn
  marker (checked by eye on contact sheets): every one is false. Split dev / test as the
  synthetic sets (which draw markers on the same slices); ``radiology-dev`` scores dev only.
* speed: per real figure, Pillow decode and ``find_markers`` on its panels, timed side by
  side in one process; median per-figure ratio.
* sheet: a contact sheet of region crops with their caption text for real figures.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from real_data import (
    DATA_ROOT,
    article_captions,
    load_figure,
    marked_figures,
    panel_kinds,
    read_bytes,
    soda_caption,
    soda_panels,
)
from error_gallery import mistakes, write_gallery
from scoring import (
    GLYPH_TYPES,
    SIZE_BINS,
    DetectionScores,
    Tally,
    as_one_type,
    matches,
    score_detections,
    without_ignored,
)
from synthetic_markers import CORNER_KINDS, generate_set, split_of

from panel2patch.captions import parse_caption
from panel2patch.layout import get_backend
from panel2patch.markers import find_markers, find_named_markers, parse_markers
from panel2patch.markers.config import MarkerConfig
from panel2patch.markers.render import contact_sheet

RESULTS = HERE.parent / "results"
NOT_PICTURES = ("plot", "diagram", "table")


def run_synthetic(split: str, count: int, kinds: dict[str, float] | None = None,
                  overlays: bool = False) -> DetectionScores:
    """Detection scores of ``count`` synthetic samples; with ``overlays``, the detections
    whose centre lies on a drawn overlay (and in no true marker) are also counted, by type,
    in ``scores.on_overlays``."""
    scores = DetectionScores()
    for sample in generate_set(split, count, kinds, overlays):
        found = find_markers(sample.image, [(0, 0, sample.image.width, sample.image.height)])
        work_scale = min(1.0, MarkerConfig().work_max_side / max(sample.image.size))
        score_detections([m.to_dict() for m in sample.markers], [m.to_dict() for m in found], scores, work_scale)
        if overlays:
            scores.on_overlays.update(m.type for m in found if _on_overlay(m.bbox, sample))
    return scores


def _on_overlay(bbox, sample) -> bool:
    """The box's centre lies in an overlay's box and in no true marker's box."""
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    inside = lambda b: b[0] <= cx < b[2] and b[1] <= cy < b[3]  # noqa: E731
    return any(inside(b) for b in sample.overlays) and not any(inside(m.bbox) for m in sample.markers)


def print_synthetic(split: str, scores: DetectionScores) -> None:
    o = scores.overall
    rel = statistics.median(scores.tip_errors_relative) if scores.tip_errors_relative else float("nan")
    print(f"\n### synthetic {split}: {o.tp + o.fn} markers\n")
    print("| type | true | precision | recall | F1 |\n|---|---|---|---|---|")
    for kind in sorted(scores.by_type):
        t = scores.by_type[kind]
        print(f"| {kind} | {t.tp + t.fn} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} |")
    print(f"| **all** | {o.tp + o.fn} | **{o.precision:.3f}** | **{o.recall:.3f}** | **{o.f1:.3f}** |")
    print(f"\ntip error of matched arrows/arrowheads: median {scores.median_tip_error:.1f} px "
          f"({rel:.2f} of the marker size), n = {len(scores.tip_errors)}; "
          f"colour right on {scores.color_agree}/{o.tp} hits")
    bins = [name for _, _, name in SIZE_BINS]
    print("\nglyph recall by longer side in work pixels (hits/true):\n")
    print("| type | " + " | ".join(bins) + " |\n|---|" + "---|" * len(bins))
    for kind in GLYPH_TYPES:
        cells = [scores.by_size.get((kind, name), Tally()) for name in bins]
        print(f"| {kind} | " + " | ".join(f"{c.recall:.2f} ({c.tp}/{c.tp + c.fn})" for c in cells) + " |")
    misses = Counter({k: v for k, v in scores.confusions.items() if k[1] != "-"})
    if misses:
        print("typed as another marker: " + ", ".join(f"{a}->{b} {n}" for (a, b), n in misses.most_common()))


def run_real_markers(verbose: bool, gallery: Path | None = None) -> None:
    """Hand-marked markers on the real figures (``real_markers.json``): detections on the
    annotated panels, typed (as the synthetic sets) and regardless of type; first the
    detector alone, then as a run uses it (the printed labels the layout read are excluded,
    and the caption's marker phrases guide a second search). ``gallery``: write there a
    sheet of the detector's misses and false detections."""
    kinds = {figure["id"]: figure for figure in panel_kinds()}
    captions = {p.figure: soda_caption(p.figure) for p in soda_panels()}
    captions.update(article_captions())
    layout = get_backend("classical")
    cells = []
    rows = {(mode, name): (DetectionScores(), DetectionScores())
            for mode in ("detector", "as in runs") for name in ("all", "not tuned on", "tuned on")}
    for figure in marked_figures():
        image = load_figure(figure["id"])
        panels = kinds[figure["id"]]["panels"]
        boxes = [p["bbox"] for p in panels]
        alone = [m.to_dict() for m in find_markers(image, boxes)]
        labels = [p.label_bbox for p in layout.parse(image).panels if p.label_bbox]
        markers = find_markers(image, boxes, exclude=labels)
        caption = captions.get(figure["id"])
        if caption:
            phrases = parse_caption(caption, [p["label"] for p in panels if p["label"]]).marker_phrases
            markers += find_named_markers(image, boxes, [p["label"] for p in panels], phrases, markers)
        truth, ignore = figure["markers"], [g["bbox"] for g in figure["ignore"]]
        for mode, found in (("detector", alone), ("as in runs", [m.to_dict() for m in markers])):
            found = without_ignored(truth, found, ignore)
            for name in ("all", "tuned on" if figure["tuned_on"] else "not tuned on"):
                typed, untyped = rows[(mode, name)]
                score_detections(truth, found, typed)
                score_detections(as_one_type(truth), as_one_type(found), untyped)
            if gallery is not None and mode == "detector":
                cells += mistakes(image, truth, found, matches(truth, found), figure["id"].split("/")[-1])
            if verbose and mode == "detector" and (truth or found):
                hits = score_detections(truth, found)
                print(f"  {figure['id'].split('/')[-1]}: {hits.overall.tp} / {len(truth)} found, "
                      f"{hits.overall.fp} false")
    print("| markers of | figures | markers | precision | recall | F1 | any-type precision | any-type recall |\n"
          "|---|---|---|---|---|---|---|---|")
    for (mode, name), (typed, untyped) in rows.items():
        t, u = typed.overall, untyped.overall
        print(f"| {mode} | {name} | {t.tp + t.fn} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} | "
              f"{u.precision:.3f} | {u.recall:.3f} |")
    if gallery is not None:
        write_gallery(cells, gallery)
        print(f"\n{len(cells)} misses and false detections -> {gallery}")
    typed = rows[("detector", "all")][0]
    print("\ndetector alone, by type:\n\n| type | true | precision | recall |\n|---|---|---|---|")
    for kind in sorted(typed.by_type):
        t = typed.by_type[kind]
        print(f"| {kind} | {t.tp + t.fn} | {t.precision:.3f} | {t.recall:.3f} |")


def run_soda(verbose: bool) -> None:
    panels = soda_panels()
    figures = sorted({p.figure for p in panels})
    predicted: dict[tuple[str, str], set[str]] = {}
    colours: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for figure in figures:
        mine = [p for p in panels if p.figure == figure]
        image = load_figure(figure)
        found = find_markers(image, [p.bbox for p in mine])
        for index, panel in enumerate(mine):
            here = [m for m in found if m.panel == index]
            predicted[(figure, panel.label)] = {_presence_type(m.type) for m in here}
            colours[(figure, panel.label)] = {(_presence_type(m.type), m.color, round(m.score, 2)) for m in here}
    for title, subset in (("micrograph panels", [p for p in panels if p.micrograph]),
                          ("all annotated panels", panels)):
        tally = Tally()
        for panel in subset:
            pred, true = predicted[(panel.figure, panel.label)], set(panel.types)
            tally.tp += len(pred & true)
            tally.fp += len(pred - true)
            tally.fn += len(true - pred)
        print(f"| {title} | {len(subset)} | {sum(len(p.types) for p in subset)} | {tally.precision:.3f} | "
              f"{tally.recall:.3f} | {tally.f1:.3f} |")
    if verbose:
        print()
        for panel in panels:
            pred = predicted[(panel.figure, panel.label)]
            if pred or panel.types:
                mark = "micrograph" if panel.micrograph else "other"
                print(f"- {panel.figure.split('/')[1]} {panel.label} ({mark}): true {sorted(panel.types)} "
                      f"{sorted(panel.colors)} | found {sorted(colours[(panel.figure, panel.label)])}")


def _presence_type(kind: str) -> str:
    return "box" if kind == "dashed_box" else kind


def run_plots(verbose: bool) -> None:
    per_kind: dict[str, list[int]] = {}
    offenders = []
    for figure in panel_kinds():
        image = load_figure(figure["id"])
        boxes = [p["bbox"] for p in figure["panels"]]
        found = find_markers(image, boxes)
        for index, panel in enumerate(figure["panels"]):
            n = sum(1 for m in found if m.panel == index)
            per_kind.setdefault(panel["kind"], []).append(n)
            if n and panel["kind"] in NOT_PICTURES:
                offenders.append((n, figure["id"], index, [m.type for m in found if m.panel == index]))
    print("| panel kind | panels | markers | markers per panel | panels with any |\n|---|---|---|---|---|")
    for kind in sorted(per_kind):
        counts = per_kind[kind]
        print(f"| {kind} | {len(counts)} | {sum(counts)} | {sum(counts) / len(counts):.3f} | "
              f"{sum(1 for c in counts if c)} |")
    plots = [c for k in NOT_PICTURES for c in per_kind.get(k, [])]
    print(f"| **plot + diagram + table** | {len(plots)} | {sum(plots)} | **{sum(plots) / max(1, len(plots)):.3f}** | "
          f"{sum(1 for c in plots if c)} |")
    if verbose:
        for n, fid, index, types in sorted(offenders, reverse=True):
            print(f"  {n} on {fid} panel {index}: {types}")


MEDPIX = DATA_ROOT / "classification" / "medpix_ct_mr" / "images"


def run_radiology(splits: tuple[str, ...], verbose: bool) -> None:
    """False markers on marker-free radiology slices (the whole slice is the panel)."""
    print("| split | slices | markers (all false) | per slice | slices with any | by type |\n|---|---|---|---|---|---|")
    for split in splits:
        paths = [p for p in sorted(MEDPIX.glob("*.png")) if split_of(p.name) == split]
        found: list[tuple[str, str, str]] = []
        with_any = 0
        for path in paths:
            with Image.open(path) as image:
                rgb = image.convert("RGB")
            markers = find_markers(rgb, [(0, 0, rgb.width, rgb.height)])
            with_any += bool(markers)
            found += [(path.name, m.type, m.color) for m in markers]
        kinds = Counter(f"{kind} {color}" for _, kind, color in found)
        print(f"| {split} | {len(paths)} | {len(found)} | {len(found) / max(1, len(paths)):.3f} | {with_any} | "
              f"{', '.join(f'{k} {n}' for k, n in kinds.most_common())} |")
        if verbose:
            for name, kind, color in found:
                print(f"  {split} {name}: {kind} {color}")


def run_speed(repeats: int) -> None:
    """Decode and ``find_markers`` alternately per figure, best of ``repeats`` each, in wall
    clock and in CPU time of this process (the CPU ratio is steadier on a shared machine)."""
    wall, cpu, decodes, marks = [], [], [], []
    find_markers(Image.new("RGB", (64, 64), "white"), [(0, 0, 64, 64)])
    for figure in panel_kinds():
        data = read_bytes(figure["id"])
        boxes = [p["bbox"] for p in figure["panels"]]
        best = {"decode": (float("inf"), float("inf")), "mark": (float("inf"), float("inf"))}
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            with Image.open(io.BytesIO(data)) as raw:
                raw.load()
                image = raw.convert("RGB")
            best["decode"] = min(best["decode"], (time.perf_counter() - start, time.process_time() - start_cpu))
            start, start_cpu = time.perf_counter(), time.process_time()
            find_markers(image, boxes)
            best["mark"] = min(best["mark"], (time.perf_counter() - start, time.process_time() - start_cpu))
        (dw, dc), (mw, mc) = best["decode"], best["mark"]
        wall.append(mw / dw)
        cpu.append(mc / max(dc, 1e-4))
        decodes.append(dw)
        marks.append((mw, mc))
    p90 = sorted(m for m, _ in marks)[int(0.9 * (len(marks) - 1))]
    print("| figures | median decode | median find_markers (wall / CPU) | median per-figure ratio (wall / CPU) "
          "| ratio of medians | p90 find_markers |\n|---|---|---|---|---|---|")
    print(f"| {len(wall)} | {statistics.median(decodes) * 1000:.1f} ms | "
          f"{statistics.median(m for m, _ in marks) * 1000:.1f} / {statistics.median(c for _, c in marks) * 1000:.1f} ms | "
          f"{statistics.median(wall):.1f}x / {statistics.median(cpu):.1f}x | "
          f"{statistics.median(m for m, _ in marks) / statistics.median(decodes):.1f}x | {p90 * 1000:.0f} ms |")


def run_sheet(out: Path, limit: int) -> None:
    """Region crops with their texts for the real figures whose captions define markers:
    regions linked to a caption phrase first, then (to show what else the detector sees on
    those figures) the most confident regions no phrase claimed."""
    linked, unlinked = [], []
    captions = {p.figure: soda_caption(p.figure) for p in soda_panels()}
    captions.update(article_captions())
    for figure in panel_kinds():
        caption = captions.get(figure["id"])
        if not caption:
            continue
        image = load_figure(figure["id"])
        panels = [_Panel(tuple(p["bbox"]), p["label"]) for p in figure["panels"]]
        markers, regions = parse_markers(image, panels, caption)
        for region in regions:
            item = (image, markers[region.marker], region, figure["id"])
            (linked if region.text else unlinked).append(item)
    unlinked.sort(key=lambda item: -item[1].score)
    items = (linked + unlinked)[:limit]
    sheet = contact_sheet(items)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)  # small for git
    print(f"contact sheet: {len(linked)} regions with caption text, {len(items) - len(linked)} without -> {out}")


class _Panel:
    def __init__(self, bbox, label):
        self.bbox, self.label = bbox, label


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="marker benchmark")
    parser.add_argument("--only", default="synthetic,real,soda,plots,radiology,speed,sheet",
                        help="comma-separated parts: synthetic (dev and test), synthetic-dev, corners (dev: "
                             "zoom boxes drawn as their corners), overlays (dev: markers among pose skeletons "
                             "and tracings, which are not markers), real, soda, plots, radiology (dev and test), "
                             "radiology-dev, speed, sheet")
    parser.add_argument("--count", type=int, default=300, help="synthetic samples per split")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sheet", type=Path, default=RESULTS / "markers_regions.png")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--gallery", type=Path, default=None,
                        help="with 'real': write a contact sheet of every missed marker and false detection here")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    splits = ("dev", "test") if "synthetic" in parts else ("dev",) if "synthetic-dev" in parts else ()
    for split in splits:  # "synthetic-dev": tune on dev without looking at test
        print_synthetic(split, run_synthetic(split, args.count))
    if "corners" in parts:
        print_synthetic("dev, corner boxes", run_synthetic("dev", args.count // 2, CORNER_KINDS))
    if "overlays" in parts:
        scores = run_synthetic("dev", args.count // 2, overlays=True)
        print_synthetic("dev, with skeletons and tracings drawn over", scores)
        false = scores.on_overlays
        print(f"\nfalse detections on the overlays: {sum(false.values())} in {args.count // 2} samples"
              + (" (" + ", ".join(f"{k} {n}" for k, n in false.most_common()) + ")" if false else ""))
    if "real" in parts:
        print("\n### real figures, hand-marked markers (real_markers.json)\n")
        run_real_markers(args.verbose, args.gallery)
    if "soda" in parts:
        print("\n### soda_mmqc per-panel marker-type presence\n")
        print("| panels | n | true (panel, type) pairs | precision | recall | F1 |\n|---|---|---|---|---|---|")
        run_soda(args.verbose)
    if "plots" in parts:
        print("\n### markers reported per panel kind (real article figures)\n")
        run_plots(args.verbose)
    radiology = ("dev", "test") if "radiology" in parts else ("dev",) if "radiology-dev" in parts else ()
    if radiology:
        print("\n### markers reported on marker-free radiology slices (MedPix CT / MR)\n")
        run_radiology(radiology, args.verbose)
    if "speed" in parts:
        print("\n### speed (find_markers on the annotated panels vs. decoding the file)\n")
        run_speed(args.repeats)
    if "sheet" in parts:
        run_sheet(args.sheet, 32)


if __name__ == "__main__":
    main()
