"""The zero-shot task registry: ``panel2patch/eval/data/tasks.yaml`` (or a YAML file of the same form)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from panel2patch.extras import require

DATA_ROOT_ENV = "PANEL2PATCH_EVAL_DATA"
READERS = ("npz", "csv", "folder")


class TaskRegistryError(ValueError):
    """A registry file or entry that cannot be used."""


@dataclass(frozen=True)
class ZeroShotTask:
    name: str
    reader: str  # npz | csv | folder
    path: str  # relative to the data root unless absolute
    class_keys: tuple[str, ...]  # label values as the data holds them (npz: "0", "1", ...)
    class_names: tuple[str, ...]  # what goes into the prompts
    templates: tuple[str, ...]
    domain: str = ""
    source: str = ""
    local: bool = False
    split: str = "test"  # npz
    image_root: str = ""  # csv
    path_column: str = "path"
    label_column: str = "label"
    path_template: str = "{}"
    options: dict[str, Any] = field(default_factory=dict)

    def resolve(self, root: Path | None, relative: str) -> Path:
        path = Path(relative).expanduser()
        return path if path.is_absolute() or root is None else root / path


def data_root(given: str | os.PathLike | None) -> Path | None:
    """``--data-root``, else ``$PANEL2PATCH_EVAL_DATA``, else None (relative task paths then fail as missing)."""
    value = given or os.environ.get(DATA_ROOT_ENV)
    return Path(value).expanduser() if value else None


def _task(entry: dict[str, Any], templates: dict[str, list[str]]) -> ZeroShotTask:
    name = entry.get("name")
    if not name:
        raise TaskRegistryError(f"task entry without a name: {entry}")
    reader = entry.get("reader")
    if reader not in READERS:
        raise TaskRegistryError(f"task {name}: reader must be one of {', '.join(READERS)}, not {reader!r}")
    classes = entry.get("classes")
    if isinstance(classes, list):
        keys, names = tuple(str(i) for i in range(len(classes))), tuple(str(c) for c in classes)
    elif isinstance(classes, dict):
        keys, names = tuple(str(k) for k in classes), tuple(str(v) for v in classes.values())
    else:
        raise TaskRegistryError(f"task {name}: classes must be a list or a mapping")
    if len(keys) < 2:
        raise TaskRegistryError(f"task {name}: needs at least two classes")
    prompts = entry.get("templates", "default")
    if isinstance(prompts, str):
        if prompts not in templates:
            raise TaskRegistryError(f"task {name}: unknown template list {prompts!r}")
        prompts = templates[prompts]
    if not prompts or any("{}" not in p for p in prompts):
        raise TaskRegistryError(f"task {name}: every template needs a {{}} for the class name")
    known = {"name", "reader", "path", "classes", "templates", "domain", "source", "local", "split", "image_root",
             "path_column", "label_column", "path_template"}
    return ZeroShotTask(
        name=str(name), reader=reader, path=str(entry.get("path", "")), class_keys=keys, class_names=names,
        templates=tuple(prompts), domain=str(entry.get("domain", "")), source=str(entry.get("source", "")),
        local=bool(entry.get("local", False)), split=str(entry.get("split", "test")),
        image_root=str(entry.get("image_root", "")), path_column=str(entry.get("path_column", "path")),
        label_column=str(entry.get("label_column", "label")), path_template=str(entry.get("path_template", "{}")),
        options={k: v for k, v in entry.items() if k not in known},
    )


def load_registry(path: str | os.PathLike | None = None) -> dict[str, ZeroShotTask]:
    """Tasks by name from ``path``, or from the registry shipped in the package."""
    yaml = require("yaml", extra="train", purpose="the zero-shot task registry")
    if path is None:
        text = resources.files("panel2patch.eval").joinpath("data/tasks.yaml").read_text()
    else:
        text = Path(path).read_text()
    data = yaml.safe_load(text) or {}
    templates = {"default": ["a photo of {}.", "an image of {}.", "{}."], **(data.get("templates") or {})}
    tasks = [_task(entry, templates) for entry in data.get("tasks") or []]
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        duplicates = sorted({n for n in names if names.count(n) > 1})
        raise TaskRegistryError(f"duplicate task names in the registry: {duplicates}")
    return {t.name: t for t in tasks}
