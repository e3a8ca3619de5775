"""Scores for panel splitting, as the field reports them.

* ImageCLEF accuracy (the 2015/2016 figure-separation task's evaluation tool): a
  predicted panel is correct when at least 2/3 of *its own* area lies inside a true
  panel; true panels are visited in order, each takes the unused prediction with the
  largest such overlap; per figure ``correct / max(#true, #predicted)``, averaged.
* mAP at IoU 0.5 (COCO-style all-point interpolation; every box has the backend's score).
* Label accuracy: share of labelled true panels whose matched prediction carries the same
  label (case-insensitive, brackets and dots ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from panel2patch.layout.geometry import intersection

Box = Sequence[float]
IMAGECLEF_OVERLAP = 2 / 3


@dataclass(frozen=True)
class Scored:
    """One prediction: its box, label and confidence."""

    bbox: Box
    label: str | None = None
    score: float = 1.0


def area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def iou(a: Box, b: Box) -> float:
    inter = intersection(a, b)
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def imageclef_matches(truth: Sequence[Box], predicted: Sequence[Box]) -> list[int | None]:
    """For each true panel, the index of its matched prediction (or None)."""
    used: set[int] = set()
    matches: list[int | None] = []
    for true_box in truth:
        best, best_overlap = None, IMAGECLEF_OVERLAP
        for j, box in enumerate(predicted):
            if j in used or area(box) == 0:
                continue
            overlap = intersection(true_box, box) / area(box)
            if overlap >= best_overlap:
                best, best_overlap = j, overlap
        if best is not None:
            used.add(best)
        matches.append(best)
    return matches


def imageclef_accuracy(truth: Sequence[Box], predicted: Sequence[Box]) -> float:
    """One figure's score: matched / max(#true, #predicted); 1.0 when both are empty."""
    if not truth and not predicted:
        return 1.0
    correct = sum(m is not None for m in imageclef_matches(truth, predicted))
    return correct / max(len(truth), len(predicted))


def normalise_label(label: str | None) -> str | None:
    if label is None:
        return None
    bare = "".join(ch for ch in label if ch.isalnum()).lower()
    return bare or None


def label_hits(truth: Sequence[tuple[Box, str | None]], predicted: Sequence[Scored]) -> tuple[int, int]:
    """(correctly labelled, labelled true panels) for one figure, matched as ImageCLEF does."""
    matches = imageclef_matches([b for b, _ in truth], [p.bbox for p in predicted])
    total = correct = 0
    for (_, true_label), match in zip(truth, matches):
        if normalise_label(true_label) is None:
            continue
        total += 1
        if match is not None and normalise_label(predicted[match].label) == normalise_label(true_label):
            correct += 1
    return correct, total


def average_precision(
    truth: Sequence[Sequence[Box]], predicted: Sequence[Sequence[Scored]], threshold: float = 0.5
) -> float:
    """AP of one class over many figures at an IoU threshold (all-point interpolation)."""
    detections = [(p.score, f, p.bbox) for f, preds in enumerate(predicted) for p in preds]
    detections.sort(key=lambda d: -d[0])
    n_true = sum(len(t) for t in truth)
    if n_true == 0:
        return 0.0
    taken = [set() for _ in truth]
    tp: list[int] = []
    for _, f, box in detections:
        best, best_iou = None, threshold
        for k, true_box in enumerate(truth[f]):
            if k in taken[f]:
                continue
            overlap = iou(box, true_box)
            if overlap >= best_iou:
                best, best_iou = k, overlap
        if best is not None:
            taken[f].add(best)
        tp.append(1 if best is not None else 0)
    precisions, recalls, hits = [], [], 0
    for i, hit in enumerate(tp, start=1):
        hits += hit
        precisions.append(hits / i)
        recalls.append(hits / n_true)
    # make precision monotone from the right, then integrate over recall steps
    for i in range(len(precisions) - 2, -1, -1):
        precisions[i] = max(precisions[i], precisions[i + 1])
    ap, last_recall = 0.0, 0.0
    for p, r in zip(precisions, recalls):
        if r > last_recall:
            ap += p * (r - last_recall)
            last_recall = r
    return ap


@dataclass
class SplitScore:
    figures: int
    imageclef: float  # mean per-figure ImageCLEF accuracy
    map50: float
    label_accuracy: float | None  # None when no true panel has a label
    labelled_panels: int
    exact_count: float  # share of figures with the right number of panels


def score_figures(
    truth: Sequence[Sequence[tuple[Box, str | None]]], predicted: Sequence[Sequence[Scored]]
) -> SplitScore:
    """All the scores over a set of figures (``truth[i]`` and ``predicted[i]`` are one figure)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predictions must list the same figures")
    n = len(truth)
    clef = [imageclef_accuracy([b for b, _ in t], [p.bbox for p in ps]) for t, ps in zip(truth, predicted)]
    correct = total = 0
    for t, ps in zip(truth, predicted):
        c, k = label_hits(t, ps)
        correct, total = correct + c, total + k
    return SplitScore(
        figures=n,
        imageclef=sum(clef) / n if n else 0.0,
        map50=average_precision([[b for b, _ in t] for t in truth], predicted),
        label_accuracy=correct / total if total else None,
        labelled_panels=total,
        exact_count=sum(len(t) == len(ps) for t, ps in zip(truth, predicted)) / n if n else 0.0,
    )
