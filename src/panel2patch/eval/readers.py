"""Labelled images of a zero-shot task: MedMNIST ``.npz``, a CSV of path,label, or a folder per class."""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from panel2patch.eval.tasks import ZeroShotTask

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp"}


class DataNotFoundError(FileNotFoundError):
    """A task's files are not where the registry and the data root say."""


@dataclass
class LabelledImages:
    images: list[Path | np.ndarray]  # a file, or pixels (H, W[, 3] uint8)
    labels: np.ndarray  # class index per image (index into the task's classes)
    skipped: int = 0  # rows whose label is not one of the task's classes

    def subset(self, limit: int | None, seed: int = 0) -> LabelledImages:
        """At most ``limit`` images, a seeded random choice (all when ``limit`` is None)."""
        if limit is None or limit >= len(self.images):
            return self
        picked = sorted(random.Random(seed).sample(range(len(self.images)), limit))
        return LabelledImages([self.images[i] for i in picked], self.labels[picked], self.skipped)


def open_image(item: Path | np.ndarray) -> Image.Image:
    if isinstance(item, np.ndarray):
        return Image.fromarray(item).convert("RGB")
    with Image.open(item) as image:
        return image.convert("RGB")


def _require(path: Path) -> Path:
    if not path.exists():
        raise DataNotFoundError(f"data not found at {path}")
    return path


def _read_npz(task: ZeroShotTask, root: Path | None) -> LabelledImages:
    path = _require(task.resolve(root, task.path))
    with np.load(path) as data:
        key = f"{task.split}_images"
        if key not in data:
            raise DataNotFoundError(f"{path} has no {key!r} (keys: {', '.join(data.files)})")
        images, labels = data[key], data[f"{task.split}_labels"].reshape(len(data[key]), -1)
    if labels.shape[1] != 1:
        raise ValueError(f"{task.name}: multi-label data ({labels.shape[1]} labels per image) is not supported")
    labels = labels[:, 0].astype(np.int64)
    keep = (labels >= 0) & (labels < len(task.class_keys))
    return LabelledImages([images[i] for i in np.flatnonzero(keep)], labels[keep], int((~keep).sum()))


def _by_key(task: ZeroShotTask, items: Sequence[tuple[Path, str]]) -> LabelledImages:
    index = {key: i for i, key in enumerate(task.class_keys)}
    kept = [(path, index[label]) for path, label in items if label in index]
    return LabelledImages([p for p, _ in kept], np.asarray([i for _, i in kept], dtype=np.int64),
                          len(items) - len(kept))


def _read_csv(task: ZeroShotTask, root: Path | None) -> LabelledImages:
    path = _require(task.resolve(root, task.path))
    image_root = task.resolve(root, task.image_root) if task.image_root else path.parent
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {task.path_column, task.label_column} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: no column(s) {', '.join(sorted(missing))} (has {reader.fieldnames})")
        rows = [(image_root / task.path_template.format(row[task.path_column]), row[task.label_column].strip())
                for row in reader]
    absent = [p for p, _ in rows if not p.is_file()]
    if absent:
        raise DataNotFoundError(f"data not found at {absent[0]} ({len(absent)} of {len(rows)} images missing)")
    return _by_key(task, rows)


def _read_folder(task: ZeroShotTask, root: Path | None) -> LabelledImages:
    path = _require(task.resolve(root, task.path))
    items = []
    for key in task.class_keys:
        folder = _require(path / key)
        items += [(f, key) for f in sorted(folder.rglob("*")) if f.suffix.lower() in IMAGE_SUFFIXES]
    return _by_key(task, items)


READERS = {"npz": _read_npz, "csv": _read_csv, "folder": _read_folder}


def read_task_data(task: ZeroShotTask, root: Path | None) -> LabelledImages:
    """The task's images and labels; ``DataNotFoundError`` when its files are not there."""
    return READERS[task.reader](task, root)
