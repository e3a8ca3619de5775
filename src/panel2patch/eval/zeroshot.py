"""Zero-shot classification: the class whose prompt embedding is nearest to the image's wins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from panel2patch.eval.metrics import classification_scores
from panel2patch.eval.models import EvalModel
from panel2patch.eval.readers import LabelledImages, open_image
from panel2patch.eval.retrieval import embed_images, embed_texts
from panel2patch.eval.tasks import ZeroShotTask
from panel2patch.train.config import ImageConfig
from panel2patch.train.crops import render


@dataclass
class ZeroShotOutcome:
    metrics: dict[str, dict[str, float]]  # accuracy, balanced_accuracy, macro_f1: value, ci_low, ci_high
    images: int
    classes: int
    chance: float  # accuracy of always answering the most frequent class


def image_tensor(images: Sequence, config: ImageConfig) -> torch.Tensor:
    """Whole images letterboxed to the model input, as the crops of retrieval are."""
    arrays = []
    for item in images:
        image = open_image(item)
        arrays.append(render(image, (1.0, 1.0), (0.0, 0.0, float(image.width), float(image.height)), config)[0])
    return torch.from_numpy(np.stack(arrays))


@torch.no_grad()
def class_embeddings(model: EvalModel, task: ZeroShotTask) -> torch.Tensor:
    """``[classes, dim]``: the mean of each class's normalised prompt embeddings, renormalised."""
    per_class = []
    for name in task.class_names:
        prompts = embed_texts(model.model, model.tokenizer, [t.format(name) for t in task.templates],
                              device=model.device)
        per_class.append(F.normalize(prompts.mean(dim=0), dim=-1))
    return torch.stack(per_class)


def predict(model: EvalModel, task: ZeroShotTask, data: LabelledImages, batch_size: int = 64) -> np.ndarray:
    classes = class_embeddings(model, task)
    predictions = []
    for start in range(0, len(data.images), batch_size):
        pixels = image_tensor(data.images[start:start + batch_size], model.image)
        embedded = embed_images(model.model, pixels, batch_size, model.device)
        predictions.append((embedded @ classes.T).argmax(dim=1).numpy())
    return np.concatenate(predictions) if predictions else np.zeros(0, dtype=np.int64)


def evaluate_zeroshot(model: EvalModel, task: ZeroShotTask, data: LabelledImages, resamples: int = 1000,
                      seed: int = 0) -> ZeroShotOutcome:
    predicted = predict(model, task, data)
    counts = np.bincount(data.labels, minlength=len(task.class_keys)) if len(data.labels) else np.zeros(1)
    return ZeroShotOutcome(classification_scores(data.labels, predicted, resamples, seed), len(data.labels),
                           len(task.class_keys), float(counts.max() / max(1, counts.sum())))
