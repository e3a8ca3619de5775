"""Panel kind and concept benchmark on real data; prints Markdown tables.

    .venv/bin/python benchmarks/concepts/run_benchmark.py                 # dev and test
    .venv/bin/python benchmarks/concepts/run_benchmark.py --split dev     # while developing

1. soda_mmqc: is each of the 101 human-labelled panels a micrograph? (crop alone, and crop +
   its own sub-caption). Balanced accuracy = mean of the recall of both classes.
   ``--only soda-e2e``: the same through the whole figure path (our panel split and label
   reading, not the hand-drawn boxes), panels matched to the answers by printed label.
2. Hand-judged panel kinds of the article figures: the image-vs-graphics split
   (``is_image_like``) and the confusion of kinds.
3. MedPix radiology: how often a CT/MR image is called radiology, and how often its case
   caption gives the right modality (computerized tomography vs magnetic resonance).
4. ``--only soda-regions``: region pairs (a marker found on the panel, linked to a caption
   phrase) on the soda_mmqc panels whose human answer lists a symbol that the caption
   defines, and on the panels whose answer lists none (the dataset issue's "region pairs
   wherever a caption defines markers that the image shows").

The ``dev`` figures were looked at while building the classifier; ``test`` figures were not
(the layout work's split, chosen at random per article; MedPix: odd rows).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict

import numpy as np
from cases import DATA_ROOT, kind_cases, soda_cases, soda_checks, soda_figure
from PIL import Image

from panel2patch.captions import parse_caption, subcaption_for
from panel2patch.concepts import concepts_from_text, is_image_like, panel_kind
from panel2patch.concepts.records import PanelKind


def balanced_accuracy(truth: list[bool], predicted: list[bool]) -> tuple[float, float, float]:
    t, p = np.array(truth), np.array(predicted)
    recall_pos = float((p[t]).mean()) if t.any() else float("nan")
    recall_neg = float((~p[~t]).mean()) if (~t).any() else float("nan")
    return (recall_pos + recall_neg) / 2, recall_pos, recall_neg


def soda(splits: list[str], verbose: bool) -> None:
    print("## soda_mmqc: micrograph or not (101 panels, human labels)\n")
    print("| split | panels | micrographs | input | balanced acc. | recall micrograph | recall not |")
    print("|---|---|---|---|---|---|---|")
    cases = soda_cases()
    parses = {}
    # "all" = the check on the 101 panels; its dev part is training data of the kind models
    for split in [*splits, *(["all"] if len(splits) > 1 else [])]:
        chosen = [c for c in cases if split in ("all", c.split)]
        truth = [c.truth == "micrograph" for c in chosen]
        for with_text in (False, True):
            predicted, wrong = [], []
            for case in chosen:
                text = None
                if with_text:
                    parse = parses.setdefault(case.caption, parse_caption(case.caption))
                    text = subcaption_for(parse, case.label, with_preamble=False) or None
                decision = panel_kind(case.crop(), text)
                predicted.append(decision.kind is PanelKind.MICROGRAPH)
                if predicted[-1] != (case.truth == "micrograph"):
                    wrong.append(
                        f"{case.figure_id.split('/')[-1]}#{case.label} truth={case.truth} got={decision.kind.value} ({decision.source})"
                    )
            bacc, rpos, rneg = balanced_accuracy(truth, predicted)
            label = "crop + sub-caption" if with_text else "crop"
            print(f"| {split} | {len(chosen)} | {sum(truth)} | {label} | {bacc:.3f} | {rpos:.3f} | {rneg:.3f} |")
            if verbose:
                for line in wrong:
                    print(f"|  | | | | {line} | | |")
    print()


def soda_end_to_end(splits: list[str], verbose: bool) -> None:
    """The same question through the whole figure path a user runs (``panel2patch figure
    --json``: our panel split, our label reading, each panel's kind with its sub-caption),
    panels matched to the soda answers by printed label. A soda panel whose label the layout
    did not read counts as "not a micrograph" (a miss when it is one)."""
    from panel2patch.cli.figure import figure_json
    from panel2patch.images import decode_image_file

    print("## soda_mmqc end to end: `panel2patch figure --json`, panels matched by label\n")
    print("| split | panels | micrographs | labels not found | balanced acc. | recall micrograph | recall not |")
    print("|---|---|---|---|---|---|---|")
    cases = soda_cases()
    kinds_by_figure: dict[str, dict[str, str]] = {}
    for figure_id in sorted({c.figure_id for c in cases}):
        caption = next(c.caption for c in cases if c.figure_id == figure_id)
        path = DATA_ROOT / figure_id
        result = figure_json(path, decode_image_file(path), caption, "classical")
        kinds_by_figure[figure_id] = {p["label"].upper(): p["kind"] for p in result["panels"] if p.get("label")}
    for split in [*splits, *(["all"] if len(splits) > 1 else [])]:
        chosen = [c for c in cases if split in ("all", c.split)]
        found = [kinds_by_figure[c.figure_id].get(c.label.upper()) for c in chosen]
        truth = [c.truth == "micrograph" for c in chosen]
        predicted = [kind == PanelKind.MICROGRAPH.value for kind in found]
        bacc, rpos, rneg = balanced_accuracy(truth, predicted)
        missing = sum(kind is None for kind in found)
        print(f"| {split} | {len(chosen)} | {sum(truth)} | {missing} | {bacc:.3f} | {rpos:.3f} | {rneg:.3f} |")
        if verbose:
            for case, kind, is_micrograph in zip(chosen, found, predicted, strict=True):
                if is_micrograph != (case.truth == "micrograph"):
                    print(f"|  | | | | {case.figure_id.split('/')[-1]}#{case.label} truth={case.truth} got={kind} | | |")
    print()


def kinds(splits: list[str], verbose: bool) -> None:
    print("## Article figures: image-like vs graphics (hand-judged panel kinds)\n")
    print("| split | panels | image-like | balanced acc. | recall image-like | recall graphics |")
    print("|---|---|---|---|---|---|")
    confusion: dict[str, Counter] = defaultdict(Counter)
    for split in splits:
        chosen = [c for c in kind_cases() if c.split == split and c.truth not in ("mixed", "render")]
        truth = [c.truth in ("image", "blot") for c in chosen]
        predicted = []
        for case in chosen:
            decision = panel_kind(case.crop())
            predicted.append(is_image_like(decision.kind))
            confusion[f"{split}:{case.truth}"][decision.kind.value] += 1
        bacc, rpos, rneg = balanced_accuracy(truth, predicted)
        print(f"| {split} | {len(chosen)} | {sum(truth)} | {bacc:.3f} | {rpos:.3f} | {rneg:.3f} |")
    print("\nPredicted kinds per judged kind (image = micrograph/radiology/photo; blot = blot_gel):\n")
    print("| split:judged | n | predicted |")
    print("|---|---|---|")
    for key in sorted(confusion):
        counts = confusion[key]
        print(f"| {key} | {sum(counts.values())} | " + ", ".join(f"{k} {v}" for k, v in counts.most_common()) + " |")
    print()


def medpix(splits: list[str]) -> None:
    root = DATA_ROOT / "classification" / "medpix_ct_mr"
    rows = list(csv.DictReader((root / "labels.csv").open()))
    print("## MedPix CT / MR (radiology images with their case captions)\n")
    print("| split | images | kind = radiology | image-like | caption → right modality | caption → wrong modality |")
    print("|---|---|---|---|---|---|")
    want = {"CT": "computerized tomography", "MR": "magnetic resonance"}
    for split in splits:
        chosen = [r for i, r in enumerate(rows) if (i % 2 == 0) == (split == "dev")]
        radiology = image_like = right = wrong = 0
        for row in chosen:
            image = np.asarray(Image.open(root / "images" / row["file"]).convert("RGB"))
            decision = panel_kind(image)
            radiology += decision.kind is PanelKind.RADIOLOGY
            image_like += is_image_like(decision.kind)
            locals_ = {
                c.local_class for c in concepts_from_text(row["caption"]) if c.global_class == "Clinical Imaging"
            }
            right += want[row["modality"]] in locals_
            wrong += bool(locals_ & (set(want.values()) - {want[row["modality"]]}))
        n = len(chosen)
        print(f"| {split} | {n} | {radiology / n:.3f} | {image_like / n:.3f} | {right / n:.3f} | {wrong / n:.3f} |")
    print()


def article_concepts(run_dir: str) -> None:
    """One row per figure of a run: caption start, figure kind, the concepts (figure level,
    judged panel by panel when the figure has panels), and the panels' kinds."""
    import io
    import json

    from panel2patch.concepts.labels import label_figure
    from panel2patch.concepts.shards import iter_samples, shard_paths

    print(f"## Concept labels of the article figures ({run_dir})\n")
    print("| figure key | caption start | panels | panel kinds (pixels only) | figure concepts (source, confidence) |")
    print("|---|---|---|---|---|")
    for tar_path in shard_paths(run_dir):
        for sample in iter_samples(tar_path):
            if "jpg" not in sample:
                continue
            key = sample["__key__"].decode()
            image = Image.open(io.BytesIO(sample["jpg"])).convert("RGB")
            caption = sample.get("txt", b"").decode("utf-8", "replace")
            meta = json.loads(sample.get("json", b"{}") or b"{}")
            boxes = [tuple(p["bbox"]) for p in meta.get("panels") or [] if p.get("bbox")]
            labels = label_figure(image, caption, boxes)
            rgb = np.asarray(image)
            panel_kinds = (
                Counter(panel_kind(rgb[y0:y1, x0:x1]).kind.value for x0, y0, x1, y1 in boxes)
                if len(boxes) > 1
                else Counter()
            )
            kinds_text = ", ".join(f"{k} {v}" for k, v in panel_kinds.most_common()) or labels.kind.kind.value
            concepts = "; ".join(
                f"{c.global_class}/{c.local_class or '-'} ({c.source}, {c.confidence:.2f})" for c in labels.concepts
            )
            start = " ".join(caption.split())[:70].replace("|", "/")
            print(f"| {key} | {start} | {max(1, len(boxes))} | {kinds_text} | {concepts} |")
    print()


def soda_region_pairs(verbose: bool) -> None:
    """Per soda panel: does ``panel2patch figure --json`` give it a region with caption
    text? Expected where the human answer lists a caption-defined symbol
    (``micrograph-symbols-defined``), not expected on the other panels."""
    import json

    from panel2patch.cli.figure import figure_json
    from panel2patch.images import decode_image_file

    print("## soda_mmqc region pairs: regions with caption text per panel, by label\n")
    expected, found, spurious, rows = 0, 0, 0, []
    for check in soda_checks("micrograph-symbols-defined"):
        image, caption = soda_figure(check)
        result = figure_json(image, decode_image_file(image), caption, "classical")
        labels = [p.get("label") for p in result["panels"]]
        texts: dict[str, list[str]] = defaultdict(list)
        for region in result["regions"]:
            if region.get("text") and labels[region["panel"]]:
                texts[labels[region["panel"]].upper()].append(region["text"])
        answers = {o["panel_label"].upper(): o for o in json.loads(check.read_text())["outputs"]}
        for label, answer in answers.items():
            defined = [s for s, d in zip(answer["symbols"], answer["symbols_defined_in_caption"], strict=False) if d == "yes"]
            if defined:
                expected += 1
                found += label in texts
                rows.append((image.name, label, ", ".join(defined), "; ".join(sorted(set(texts.get(label, [])))) or "-"))
            elif label in texts:
                spurious += 1
                rows.append((image.name, label, "(none defined)", "; ".join(sorted(set(texts[label])))))
    print("| panels with a caption-defined symbol | with a region pair | panels without one given a region pair |")
    print("|---|---|---|")
    print(f"| {expected} | {found} | {spurious} |\n")
    if verbose:
        print("| figure | panel | symbols defined (human) | our region texts |\n|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--verbose", action="store_true", help="list the soda panels got wrong")
    parser.add_argument("--only", choices=["soda", "soda-e2e", "soda-regions", "kinds", "medpix", "articles"], default=None)
    parser.add_argument("--articles", metavar="RUN_DIR", default=None, help="also label every figure of this run")
    args = parser.parse_args()
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    if args.only in (None, "soda"):
        soda(splits, args.verbose)
    if args.only in (None, "soda-e2e"):
        soda_end_to_end(splits, args.verbose)
    if args.only in (None, "soda-regions"):
        soda_region_pairs(args.verbose)
    if args.only in (None, "kinds"):
        kinds(splits, args.verbose)
    if args.only in (None, "medpix"):
        medpix(splits)
    if args.articles and args.only in (None, "articles"):
        article_concepts(args.articles)


if __name__ == "__main__":
    main()
