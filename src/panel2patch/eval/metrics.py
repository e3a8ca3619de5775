"""Retrieval and classification metrics, on numpy arrays (no model needed).

Retrieval: a query is a hit at K when one of its positives ranks among the first K candidates;
a candidate that ties with the best positive does not push it down. Recall values are fractions
in [0, 1]. Classification: accuracy, balanced accuracy (mean per-class recall over the classes
present), macro-F1 (over the classes present in truth or prediction), each with a percentile
bootstrap 95% interval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

RECALL_KS = (1, 5, 10, 100)


def ranks_of_positives(similarity: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """0-based rank of each query's best-scoring positive: how many negatives score strictly higher."""
    similarity = np.asarray(similarity, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    if similarity.shape != positive.shape:
        raise ValueError(f"similarity {similarity.shape} and positive mask {positive.shape} differ")
    if similarity.size and not positive.any(axis=1).all():
        raise ValueError("every query needs at least one positive candidate")
    best = np.where(positive, similarity, -np.inf).max(axis=1, initial=-np.inf)
    return ((similarity > best[:, None]) & ~positive).sum(axis=1)


def recall_at_k(similarity: np.ndarray, positive: np.ndarray, ks: Sequence[int] = RECALL_KS) -> dict[str, float]:
    """``{"recall@K": fraction of queries with a positive in the top K}`` plus queries and candidates."""
    ranks = ranks_of_positives(similarity, positive)
    out: dict[str, float] = {f"recall@{k}": float((ranks < k).mean()) if len(ranks) else 0.0 for k in ks}
    out["median_rank"] = float(np.median(ranks) + 1) if len(ranks) else 0.0
    out["queries"], out["candidates"] = int(similarity.shape[0]), int(similarity.shape[1])
    return out


@dataclass(frozen=True)
class RetrievalScores:
    image_to_text: dict[str, float]
    text_to_image: dict[str, float]
    pairs: int

    def to_dict(self) -> dict[str, object]:
        return {"image_to_text": self.image_to_text, "text_to_image": self.text_to_image, "candidates": self.pairs}


def retrieval_scores(image: np.ndarray, text: np.ndarray, texts: Sequence[str] | None = None,
                     ks: Sequence[int] = RECALL_KS) -> RetrievalScores:
    """Both directions for ``N`` pairs (row ``i`` of ``image`` goes with row ``i`` of ``text``).

    With ``texts`` given, pairs that share the same text string count as positives of each other
    (a caption repeated for two panels is not a miss); without, only the pair itself is."""
    n = image.shape[0]
    if text.shape[0] != n:
        raise ValueError(f"{n} images but {text.shape[0]} texts")
    if texts is None:
        positive = np.eye(n, dtype=bool)
    else:
        names = np.asarray(list(texts), dtype=object)
        positive = names[:, None] == names[None, :]
    similarity = np.asarray(image, dtype=np.float64) @ np.asarray(text, dtype=np.float64).T
    return RetrievalScores(recall_at_k(similarity, positive, ks), recall_at_k(similarity.T, positive.T, ks), n)


# ----------------------------------------------------------------------------- classification
def accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    return float((truth == predicted).mean()) if len(truth) else 0.0


def balanced_accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    classes = np.unique(truth)
    return float(np.mean([(predicted[truth == c] == c).mean() for c in classes])) if len(classes) else 0.0


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    classes = np.union1d(truth, predicted)
    scores = []
    for c in classes:
        tp = float(((predicted == c) & (truth == c)).sum())
        fp = float(((predicted == c) & (truth != c)).sum())
        fn = float(((predicted != c) & (truth == c)).sum())
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(scores)) if scores else 0.0


CLASSIFICATION_METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "accuracy": accuracy, "balanced_accuracy": balanced_accuracy, "macro_f1": macro_f1,
}


def classification_scores(truth: Sequence[int], predicted: Sequence[int], resamples: int = 1000,
                          seed: int = 0) -> dict[str, dict[str, float]]:
    """Each metric with a percentile bootstrap 95% interval: ``{name: {value, ci_low, ci_high}}``."""
    truth_a, predicted_a = np.asarray(truth), np.asarray(predicted)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(truth_a), size=(resamples, len(truth_a))) if len(truth_a) and resamples else None
    out = {}
    for name, metric in CLASSIFICATION_METRICS.items():
        value = metric(truth_a, predicted_a)
        if draws is None:
            low = high = value
        else:
            boot = np.array([metric(truth_a[d], predicted_a[d]) for d in draws])
            low, high = (float(v) for v in np.percentile(boot, [2.5, 97.5]))
        out[name] = {"value": value, "ci_low": low, "ci_high": high}
    return out
