"""Per-step training logs: a CSV file (one row per step) and, optionally, TensorBoard scalars."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from panel2patch.extras import require
from panel2patch.train.losses import TERM_NAMES

COLUMNS = ("step", "level", "lr", "loss", *TERM_NAMES, "n_figure", "n_panel", "n_region", "n_items",
           "logit_scale", "grad_norm", "data_s", "step_s", "items_per_s")


class StepLogger:
    def __init__(self, out: Path, tensorboard: bool, resume_step: int = 0) -> None:
        self.path = out / "train_log.csv"
        rows = []
        if self.path.exists():  # keep rows before the resume point, drop ones a crash left after it
            with self.path.open(newline="") as handle:
                rows = [r for r in csv.DictReader(handle) if int(r["step"]) < resume_step]
        self.handle = self.path.open("w", newline="")
        self.writer = csv.DictWriter(self.handle, fieldnames=COLUMNS, extrasaction="ignore")
        self.writer.writeheader()
        self.writer.writerows(rows)
        self.handle.flush()
        self.tb = None
        if tensorboard:
            require("tensorboard", extra="train", purpose="TensorBoard logs (or pass --no-tensorboard)")
            from torch.utils.tensorboard import SummaryWriter

            self.tb = SummaryWriter(log_dir=str(out / "tensorboard"), purge_step=resume_step or None)

    def log(self, row: dict[str, Any]) -> None:
        self.writer.writerow({k: _fmt(v) for k, v in row.items()})
        self.handle.flush()
        if self.tb is not None:
            for key, value in row.items():
                if key not in ("step", "level") and isinstance(value, (int, float)):
                    self.tb.add_scalar(f"train/{key}", value, row["step"])

    def close(self) -> None:
        self.handle.close()
        if self.tb is not None:
            self.tb.close()


def _fmt(value: Any) -> Any:
    return format(value, ".10g") if isinstance(value, float) else value


def read_log(out: Path) -> list[dict[str, str]]:
    with (out / "train_log.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))
