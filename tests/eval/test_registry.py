"""The shipped task registry, the dataset readers, and missing data reported as skipped."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from panel2patch.eval.readers import DataNotFoundError, read_task_data
from panel2patch.eval.tasks import TaskRegistryError, ZeroShotTask, data_root, load_registry

REGISTRY_TEMPLATE = """
templates:
  simple: ["a picture of {{}}.", "{{}}"]
tasks:
  - name: toy_npz
    reader: npz
    path: {root}/toy.npz
    split: test
    classes: ["dark", "bright"]
    templates: simple
  - name: toy_csv
    reader: csv
    path: toy/labels.csv
    image_root: toy/images
    path_column: file
    label_column: kind
    path_template: "{{}}.png"
    classes: {{D: "dark", B: "bright"}}
    templates: ["{{}} image"]
  - name: toy_folder
    reader: folder
    path: folders
    classes: {{dark: "dark", bright: "bright"}}
  - name: toy_missing
    reader: folder
    path: nowhere
    classes: {{a: "a", b: "b"}}
"""


def toy_data(root: Path, n: int = 8) -> Path:
    """Dark and bright 12x12 images in every reader's layout; image i is bright when i is odd."""
    pixels = np.stack([np.full((12, 12), 230 if i % 2 else 20, dtype=np.uint8) for i in range(n)])
    labels = (np.arange(n) % 2).reshape(-1, 1).astype(np.uint8)
    np.savez(root / "toy.npz", test_images=pixels, test_labels=labels, train_images=pixels[:2],
             train_labels=labels[:2])
    (root / "toy" / "images").mkdir(parents=True)
    with (root / "toy" / "labels.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "kind"])
        for i in range(n):
            Image.fromarray(pixels[i]).save(root / "toy" / "images" / f"img{i}.png")
            writer.writerow([f"img{i}", "B" if i % 2 else "D"])
        writer.writerow(["img0", "UNKNOWN"])  # a label outside the task's classes: counted, not used
    for name in ("dark", "bright"):
        (root / "folders" / name).mkdir(parents=True)
    for i in range(n):
        Image.fromarray(pixels[i]).save(root / "folders" / ("bright" if i % 2 else "dark") / f"{i}.png")
    registry = root / "tasks.yaml"
    registry.write_text(REGISTRY_TEMPLATE.format(root=root))
    return registry


def test_shipped_registry_has_the_local_sets_and_public_benchmarks() -> None:
    registry = load_registry()
    local = {name for name, task in registry.items() if task.local}
    assert local == {"pneumoniamnist", "medpix_ct_mr"}
    assert len(registry) >= 10
    assert registry["pneumoniamnist"].class_names == ("normal lungs", "pneumonia")
    assert registry["medpix_ct_mr"].class_keys == ("CT", "MR")
    for task in registry.values():
        assert task.templates and all("{}" in t for t in task.templates)
        assert task.source


@pytest.mark.parametrize("name", ["toy_npz", "toy_csv", "toy_folder"])
def test_readers_give_images_and_labels(name: str, tmp_path: Path) -> None:
    registry = load_registry(toy_data(tmp_path))
    data = read_task_data(registry[name], tmp_path)
    assert len(data.images) == len(data.labels) == 8
    assert sorted(data.labels.tolist()) == [0] * 4 + [1] * 4
    assert data.skipped == (1 if name == "toy_csv" else 0)
    from panel2patch.eval.readers import open_image

    for item, label in zip(data.images, data.labels):
        assert (np.asarray(open_image(item)).mean() > 128) == bool(label)
    small = data.subset(3, seed=0)
    assert len(small.images) == len(small.labels) == 3


def test_missing_data_names_the_path(tmp_path: Path) -> None:
    registry = load_registry(toy_data(tmp_path))
    with pytest.raises(DataNotFoundError, match="data not found at .*nowhere"):
        read_task_data(registry["toy_missing"], tmp_path)
    with pytest.raises(DataNotFoundError, match="data not found at"):
        read_task_data(registry["toy_csv"], tmp_path / "elsewhere")


def test_data_root_from_option_or_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PANEL2PATCH_EVAL_DATA", raising=False)
    assert data_root(None) is None
    monkeypatch.setenv("PANEL2PATCH_EVAL_DATA", str(tmp_path))
    assert data_root(None) == tmp_path
    assert data_root("/x") == Path("/x")


@pytest.mark.parametrize("entry, match", [
    ("- {name: a, reader: xls, path: p, classes: [x, y]}", "reader"),
    ("- {name: a, reader: npz, path: p, classes: [x]}", "two classes"),
    ("- {name: a, reader: npz, path: p, classes: [x, y], templates: [no placeholder]}", "template"),
    ("- {name: a, reader: npz, path: p, classes: [x, y], templates: nosuchlist}", "template"),
])
def test_bad_registry_entries_are_refused(entry: str, match: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("tasks:\n  " + entry + "\n")
    with pytest.raises(TaskRegistryError, match=match):
        load_registry(path)


@pytest.mark.shared_data
def test_the_real_local_sets_read(shared_data: Path) -> None:
    registry, root = load_registry(), shared_data / "classification"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    pneumonia = read_task_data(registry["pneumoniamnist"], root)
    assert len(pneumonia.images) == 468 and np.bincount(pneumonia.labels).tolist() == [234, 234]
    medpix = read_task_data(registry["medpix_ct_mr"], root)
    assert len(medpix.images) == 200 and np.bincount(medpix.labels).tolist() == [100, 100]


def test_task_paths_resolve_against_the_root(tmp_path: Path) -> None:
    task = ZeroShotTask("t", "npz", "a/b.npz", ("0", "1"), ("x", "y"), ("{}",))
    assert task.resolve(tmp_path, task.path) == tmp_path / "a" / "b.npz"
    assert task.resolve(tmp_path, "/abs/c.npz") == Path("/abs/c.npz")
