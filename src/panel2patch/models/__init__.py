"""Model construction for training: open_clip architectures, presets and their registration.

Imported only by training and evaluation code (it needs the ``[train]`` extra)."""

from panel2patch.models.presets import (
    OFFLINE_LITE,
    PRESETS,
    TINY_VIT,
    Preset,
    create_preset_model,
    get_preset,
    register_presets,
)
from panel2patch.models.registry import model_config, register_model_config

__all__ = [
    "OFFLINE_LITE",
    "PRESETS",
    "TINY_VIT",
    "Preset",
    "create_preset_model",
    "get_preset",
    "model_config",
    "register_model_config",
    "register_presets",
]
