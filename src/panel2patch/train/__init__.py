"""Granularity-aware CLIP training on figure ▸ panel ▸ region shards (needs the ``[train]`` extra).

``panel2patch.train.config`` is torch-free; everything else imports torch and open_clip, so the
heavy entry points load on first use::

    from panel2patch.train import TrainConfig, train
    train(TrainConfig(...))
"""

from __future__ import annotations

from typing import Any

from panel2patch.train.config import (
    DataConfig, HierarchyConfig, ImageConfig, Level, LossConfig, ModelConfig, OptimConfig, RunConfig,
    ScheduleConfig, TrainConfig,
)

_LAZY = {"train": "panel2patch.train.loop", "TrainResult": "panel2patch.train.loop",
         "GranularityLoss": "panel2patch.train.losses"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from panel2patch.extras import require

        for module in ("torch", "torchvision", "open_clip"):
            require(module, purpose="training")
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = [
    "DataConfig", "GranularityLoss", "HierarchyConfig", "ImageConfig", "Level", "LossConfig", "ModelConfig",
    "OptimConfig", "RunConfig", "ScheduleConfig", "TrainConfig", "TrainResult", "train",
]
