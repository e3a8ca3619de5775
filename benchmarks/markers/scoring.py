"""Scoring of detected markers against drawn (or hand-marked) ground truth.

A detection is a hit when its box centre lies inside a true marker's box and the types
agree; each true marker is matched at most once (best-scoring detection first).
Unmatched detections are false positives, unmatched truths misses. Tip error is the
distance between detected and true tips of matched arrows and arrowheads.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r and not (math.isnan(p) or math.isnan(r)) else float("nan")


@dataclass
class DetectionScores:
    overall: Tally = field(default_factory=Tally)
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    tip_errors: list[float] = field(default_factory=list)
    tip_errors_relative: list[float] = field(default_factory=list)
    color_agree: int = 0
    confusions: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    # Recall of glyph markers by size: (type, size bin) -> Tally (tp / fn only).
    by_size: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    # False detections on drawn overlays that are not markers (the "overlays" set), by type.
    on_overlays: Counter = field(default_factory=Counter)

    @property
    def median_tip_error(self) -> float:
        return statistics.median(self.tip_errors) if self.tip_errors else float("nan")


def _centre(bbox: Sequence[float]) -> tuple[float, float]:
    return (bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0


def _inside(point: tuple[float, float], bbox: Sequence[float]) -> bool:
    return bbox[0] <= point[0] <= bbox[2] and bbox[1] <= point[1] <= bbox[3]


GLYPH_TYPES = ("arrowhead", "asterisk", "star")
SIZE_BINS = ((0.0, 10.0, "<10"), (10.0, 14.0, "10-14"), (14.0, 20.0, "14-20"), (20.0, math.inf, ">=20"))


def size_bin(bbox: Sequence[float], work_scale: float) -> str:
    """The size bin of a box's longer side in work pixels (the detector's resized panel)."""
    side = max(bbox[2] - bbox[0], bbox[3] - bbox[1]) * work_scale
    return next(name for low, high, name in SIZE_BINS if low <= side < high)


def matches(truth: Sequence[dict], predicted: Sequence[dict]) -> list[tuple[int, int]]:
    """(predicted index, true index) of each hit: best-scoring detections first, each taking
    the first unmatched true marker of its type whose box holds its centre."""
    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    for i in sorted(range(len(predicted)), key=lambda i: -float(predicted[i].get("score", 1.0))):
        centre = _centre(predicted[i]["bbox"])
        for j, true in enumerate(truth):
            if j not in taken and true["type"] == predicted[i]["type"] and _inside(centre, true["bbox"]):
                taken.add(j)
                pairs.append((i, j))
                break
    return pairs


def score_detections(truth: Sequence[dict], predicted: Sequence[dict], scores: DetectionScores | None = None,
                     work_scale: float = 1.0) -> DetectionScores:
    """Add one image's matches to ``scores``; items are dicts with type, bbox, tip, color.
    ``work_scale``: figure to work pixels, for the size breakdown of glyph recall."""
    scores = scores or DetectionScores()
    pairs = matches(truth, predicted)
    used = {i for i, _ in pairs}
    matched_truth = {j for _, j in pairs}
    for i, j in pairs:
        pred, true = predicted[i], truth[j]
        if true["type"] in GLYPH_TYPES:
            scores.by_size[(true["type"], size_bin(true["bbox"], work_scale))].tp += 1
        scores.overall.tp += 1
        scores.by_type[true["type"]].tp += 1
        scores.color_agree += int(pred.get("color") == true.get("color"))
        if true.get("tip") and pred.get("tip"):
            err = math.dist(true["tip"], pred["tip"])
            size = max(true["bbox"][2] - true["bbox"][0], true["bbox"][3] - true["bbox"][1], 1)
            scores.tip_errors.append(err)
            scores.tip_errors_relative.append(err / size)
    for i, pred in enumerate(predicted):
        if i not in used:
            scores.overall.fp += 1
            scores.by_type[pred["type"]].fp += 1
    for j, true in enumerate(truth):
        if j in matched_truth:
            continue
        scores.overall.fn += 1
        scores.by_type[true["type"]].fn += 1
        if true["type"] in GLYPH_TYPES:
            scores.by_size[(true["type"], size_bin(true["bbox"], work_scale))].fn += 1
        other = next((p["type"] for k, p in enumerate(predicted) if k not in used
                      and _inside(_centre(p["bbox"]), true["bbox"])), None)
        scores.confusions[(true["type"], other or "-")] += 1
    return scores


def without_ignored(truth: Sequence[dict], predicted: Sequence[dict], ignore: Sequence[Sequence[float]]) -> list[dict]:
    """``predicted`` less the detections whose centre lies in an ``ignore`` box and in no true
    marker's box (things a detector may fairly report or not)."""
    return [p for p in predicted
            if not any(_inside(_centre(p["bbox"]), box) for box in ignore)
            or any(_inside(_centre(p["bbox"]), t["bbox"]) for t in truth)]


def as_one_type(items: Sequence[dict]) -> list[dict]:
    """The same items with every type "marker": scores detection regardless of type."""
    return [{**item, "type": "marker"} for item in items]
