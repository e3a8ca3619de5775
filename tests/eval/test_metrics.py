"""Retrieval recall against a brute-force reference; classification metrics against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest

from panel2patch.eval.metrics import (
    accuracy,
    balanced_accuracy,
    classification_scores,
    macro_f1,
    recall_at_k,
    retrieval_scores,
)


def _normalised(rng: np.random.Generator, n: int, dim: int = 32) -> np.ndarray:
    x = rng.normal(size=(n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force_recall(image: np.ndarray, text: np.ndarray, k: int) -> tuple[float, float]:
    """Sort every query's candidates and look for its own pair among the first k."""
    sims = image @ text.T
    i2t = np.mean([i in np.argsort(-sims[i], kind="stable")[:k] for i in range(len(image))])
    t2i = np.mean([j in np.argsort(-sims[:, j], kind="stable")[:k] for j in range(len(text))])
    return float(i2t), float(t2i)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recall_matches_brute_force_on_random_embeddings(seed: int) -> None:
    rng = np.random.default_rng(seed)
    image, text = _normalised(rng, 60), _normalised(rng, 60)
    text = 0.7 * text + 0.3 * image  # some signal, so recall is neither 0 nor 1
    scores = retrieval_scores(image, text)
    for k in (1, 5, 10, 100):
        i2t, t2i = brute_force_recall(image, text, k)
        assert scores.image_to_text[f"recall@{k}"] == pytest.approx(i2t)
        assert scores.text_to_image[f"recall@{k}"] == pytest.approx(t2i)
    assert scores.image_to_text["candidates"] == scores.text_to_image["candidates"] == scores.pairs == 60


def test_identical_embeddings_recall_exactly_one() -> None:
    embedding = _normalised(np.random.default_rng(3), 50)
    scores = retrieval_scores(embedding, embedding.copy())
    for direction in (scores.image_to_text, scores.text_to_image):
        assert all(direction[f"recall@{k}"] == 1.0 for k in (1, 5, 10, 100))
        assert direction["median_rank"] == 1.0


def test_random_embeddings_recall_at_chance() -> None:
    rng = np.random.default_rng(4)
    n, trials = 200, 20
    totals = {k: 0.0 for k in (1, 5, 10, 100)}
    for _ in range(trials):
        scores = retrieval_scores(_normalised(rng, n), _normalised(rng, n))
        for k in totals:
            totals[k] += (scores.image_to_text[f"recall@{k}"] + scores.text_to_image[f"recall@{k}"]) / (2 * trials)
    for k, mean in totals.items():
        chance = k / n
        assert abs(mean - chance) < 3 * np.sqrt(chance * (1 - chance) / (2 * n * trials)) + 1e-9, (k, mean)


def test_repeated_texts_count_as_positives_of_each_other() -> None:
    image = np.array([[0, 1, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    text = np.array([[0.6, 0.8, 0], [0, 1, 0], [0, 0, 1]])  # image 0 is nearer to pair 1's text than its own
    strict = retrieval_scores(image, text)
    shared = retrieval_scores(image, text, ["same caption", "same caption", "other"])
    assert strict.image_to_text["recall@1"] == pytest.approx(2 / 3)
    assert shared.image_to_text["recall@1"] == 1.0


def test_recall_needs_a_positive_per_query() -> None:
    with pytest.raises(ValueError):
        recall_at_k(np.zeros((2, 2)), np.zeros((2, 2), dtype=bool))


def test_classification_metrics_match_sklearn() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 4, size=300)
    predicted = np.where(rng.random(300) < 0.6, truth, rng.integers(0, 4, size=300))
    assert accuracy(truth, predicted) == pytest.approx(sklearn_metrics.accuracy_score(truth, predicted))
    assert balanced_accuracy(truth, predicted) == pytest.approx(
        sklearn_metrics.balanced_accuracy_score(truth, predicted))
    assert macro_f1(truth, predicted) == pytest.approx(sklearn_metrics.f1_score(truth, predicted, average="macro"))


def test_bootstrap_interval_brackets_the_value_and_is_seeded() -> None:
    rng = np.random.default_rng(6)
    truth = rng.integers(0, 2, size=200)
    predicted = np.where(rng.random(200) < 0.8, truth, 1 - truth)
    first = classification_scores(truth, predicted, resamples=300, seed=1)
    assert first == classification_scores(truth, predicted, resamples=300, seed=1)
    for values in first.values():
        assert values["ci_low"] <= values["value"] <= values["ci_high"]
        assert values["ci_high"] - values["ci_low"] < 0.2
    perfect = classification_scores(truth, truth, resamples=50)
    assert all(v == {"value": 1.0, "ci_low": 1.0, "ci_high": 1.0} for v in perfect.values())
