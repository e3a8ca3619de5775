"""Build the starting model: a preset, or any open_clip architecture with optional weights."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, Callable

import open_clip
import torch
from torch import nn

from panel2patch.models.presets import PRESETS, create_preset_model, get_preset, register_presets
from panel2patch.models.registry import model_config
from panel2patch.train.config import ImageConfig, ModelConfig

log = logging.getLogger(__name__)

PRESET_ARCHS = {preset.arch: preset.name for preset in PRESETS.values()}


@dataclass
class BuiltModel:
    model: nn.Module
    arch: str  # the name open_clip knows the architecture by
    tokenizer: Callable[[list[str]], torch.Tensor]
    preprocess: dict[str, Any]  # the model's open_clip preprocess config
    config: dict[str, Any] | None  # its open_clip model config (None when only the hub knows it)
    preset: str | None


def build_model(config: ModelConfig, device: torch.device) -> BuiltModel:
    if config.preset and config.arch:
        raise ValueError("give either a preset or an architecture (--model), not both")
    if config.preset:
        model, _, _, arch = create_preset_model(config.preset, device=str(device), image_size=config.image_size)
        if config.pretrained:
            log.info("loading %s into the %s preset", config.pretrained, config.preset)
            open_clip.load_checkpoint(model, config.pretrained)
    elif config.arch:
        if config.arch in PRESET_ARCHS and model_config(config.arch) is None:
            register_presets((PRESET_ARCHS[config.arch],))
        model, _, _ = open_clip.create_model_and_transforms(config.arch, pretrained=config.pretrained,
                                                            device=str(device), force_image_size=config.image_size)
        arch = config.arch
    else:
        raise ValueError("no model: give a preset (--preset) or an open_clip architecture (--model)")
    model.to(device)
    if config.grad_checkpointing:
        model.set_grad_checkpointing(True)
    preprocess = dict(getattr(model.visual, "preprocess_cfg", {}) or {})
    arch_config = model_config(arch)
    if arch_config is not None and config.image_size:  # what the weights were trained at
        arch_config["vision_cfg"]["image_size"] = config.image_size
    return BuiltModel(model, arch, open_clip.get_tokenizer(arch), preprocess, arch_config, config.preset)


def image_config_for(built: BuiltModel, base: ImageConfig) -> ImageConfig:
    """The data pipeline's image settings: size (unless set), mean, std, interpolation and fill from the model."""
    pre = built.preprocess
    model_size = pre.get("size", 224)
    if isinstance(model_size, (list, tuple)):
        if len(set(model_size)) != 1:
            raise ValueError(f"non-square model input {model_size} is not supported")
        model_size = model_size[0]
    interpolation = pre.get("interpolation", base.interpolation)
    return replace(
        base,
        size=int(base.size or model_size),
        mean=tuple(pre.get("mean", base.mean)),
        std=tuple(pre.get("std", base.std)),
        interpolation=interpolation if interpolation in ("bicubic", "bilinear") else "bicubic",
        fill_color=int(pre.get("fill_color", base.fill_color)),
    )


def preset_defaults(config: ModelConfig) -> dict[str, Any]:
    return dict(get_preset(config.preset).train_defaults) if config.preset else {}
