"""One result per (model, task), the versions that made it, and its flat rows for tables."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("panel2patch", "torch", "open_clip_torch", "timm", "transformers", "numpy"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return out


@dataclass
class TaskResult:
    model: str
    model_source: str  # what the model was loaded from
    task: str  # "retrieval" or a zero-shot task name
    kind: str  # retrieval | zeroshot
    split: str
    status: str = "ok"  # ok | skipped | error
    message: str = ""
    levels: dict[str, Any] = field(default_factory=dict)  # retrieval: level -> directions, candidates
    metrics: dict[str, Any] = field(default_factory=dict)  # zero-shot: metric -> value, ci_low, ci_high
    details: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=versions)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"model": self.model, "model_source": self.model_source, "task": self.task,
                               "kind": self.kind, "split": self.split, "status": self.status}
        if self.message:
            out["message"] = self.message
        if self.kind == "retrieval":
            out["levels"] = self.levels
        elif self.metrics:
            out["metrics"] = self.metrics
        return {**out, **self.details, "versions": self.versions}


@dataclass(frozen=True)
class Row:
    """One number of one model, for the side-by-side table."""

    task: str
    metric: str  # e.g. "panel i2t R@10" or "accuracy"
    value: float | None
    ci: tuple[float, float] | None = None
    count: str = ""  # candidates / images behind the number
    note: str = ""  # why there is no number


SHORT = {"image_to_text": "i2t", "text_to_image": "t2i"}
TABLE_KS = (1, 5, 10, 100)  # a K at or above the number of candidates is left out of tables (always 1.0)


def rows_of(result: TaskResult) -> list[Row]:
    if result.status != "ok":
        return [Row(result.task, "-", None, note=f"{result.status}: {result.message}")]
    rows = []
    if result.kind == "retrieval":
        for level, scores in result.levels.items():
            for direction, short in SHORT.items():
                for k in (k for k in TABLE_KS if k < scores[direction]["candidates"]):
                    rows.append(Row(result.task, f"{level} {short} R@{k}", scores[direction][f"recall@{k}"],
                                    count=f"{scores['candidates']} pairs"))
        for level, why in result.details.get("skipped_levels", {}).items():
            rows.append(Row(result.task, level, None, note=why))
    else:
        for name, values in result.metrics.items():
            rows.append(Row(result.task, name, values["value"], (values["ci_low"], values["ci_high"]),
                            count=f"{result.details.get('images', '?')} images"))
    return rows
