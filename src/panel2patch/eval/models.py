"""Models to evaluate, named on the command line: presets, ``panel2patch train`` checkpoints, any
open_clip architecture with weights (a tag, a local file, or a hub id).

Spec forms (``LABEL=SPEC`` names the model in tables; else the spec is its name):

- ``offline-lite``, ``tiny-vit``: a preset as built before training (its random projection heads
  drawn from ``--seed``, 0 by default, so the same every time);
- ``CKPT`` or ``CKPT/final``: the final weights of ``panel2patch train --out CKPT``
  (``open_clip_config.json`` + ``open_clip_model.safetensors``);
- ``ARCH:PRETRAINED``: an open_clip architecture and an open_clip tag or a weights file
  (``ViT-B-32:laion2b_s34b_b79k``, ``ViT-B-16:/models/bmc.pt``); ``ARCH`` alone is random init;
- ``hf-hub:ORG/REPO``: an open_clip model on the Hugging Face hub (needs the hub or its cache).

Every model is fed the same way: crops and classification images are letterboxed to the model's
input size (resize mode ``longest``, as in training) and normalised with its mean and std.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import open_clip
import torch
from torch import nn

from panel2patch.models.presets import PRESETS, create_preset_model, register_presets
from panel2patch.models.registry import register_model_config
from panel2patch.train.checkpoint import FINAL, WEIGHTS
from panel2patch.train.config import ImageConfig

log = logging.getLogger(__name__)

CHECKPOINT_CONFIG = "open_clip_config.json"


class ModelSpecError(ValueError):
    """A ``--model`` value that names nothing loadable."""


@dataclass(frozen=True)
class ModelSpec:
    name: str  # shown in tables and results
    kind: str  # preset | checkpoint | open_clip
    arch: str  # preset name, checkpoint folder, or open_clip architecture
    pretrained: str | None = None

    @property
    def source(self) -> str:
        return f"{self.arch}:{self.pretrained}" if self.pretrained else self.arch


@dataclass
class EvalModel:
    spec: ModelSpec
    model: nn.Module
    tokenizer: Callable[[list[str]], torch.Tensor]
    image: ImageConfig  # how images become its input
    arch: str
    device: str


USAGE = ("give a preset (" + ", ".join(PRESETS) + "), a checkpoint folder of `panel2patch train` (CKPT or "
         "CKPT/final), ARCH:PRETRAINED (ViT-B-32:laion2b_s34b_b79k, ViT-B-16:/path/weights.pt), or hf-hub:ORG/REPO")


def _checkpoint_folder(path: Path) -> Path | None:
    for folder in (path, path / FINAL):
        if (folder / CHECKPOINT_CONFIG).is_file() and (folder / WEIGHTS).is_file():
            return folder
    return None


def parse_model_spec(text: str) -> ModelSpec:
    text = text.strip()
    label, sep, rest = text.partition("=")
    if sep and label and not any(c in label for c in "/:") and rest:
        name, text = label, rest
    else:
        name = text
    if text in PRESETS:
        return ModelSpec(name, "preset", text)
    path = Path(text).expanduser()
    if path.is_dir():
        folder = _checkpoint_folder(path)
        if folder is None:
            raise ModelSpecError(f"{text}: a folder, but it holds no {CHECKPOINT_CONFIG} + {WEIGHTS} "
                                 f"(nor {FINAL}/ with them; a training that has not finished has no {FINAL}/, and "
                                 f"one of a hub-only architecture has weights only: give ARCH:{FINAL}/{WEIGHTS}); "
                                 f"{USAGE}")
        return ModelSpec(name, "checkpoint", str(folder))
    if text.startswith(("hf-hub:", "local-dir:")):
        return ModelSpec(name, "open_clip", text)
    arch, _, pretrained = text.partition(":")
    preset_of_arch = {preset.arch: name for name, preset in PRESETS.items()}
    if arch in preset_of_arch and arch not in open_clip.list_models():
        register_presets((preset_of_arch[arch],))  # p2p-offline-lite:WEIGHTS works like any architecture
    if arch not in open_clip.list_models():
        raise ModelSpecError(f"unknown model {text!r}: not a preset, a checkpoint folder or an open_clip "
                             f"architecture; {USAGE}")
    return ModelSpec(name, "open_clip", arch, pretrained or None)


def image_config_of(model: nn.Module) -> ImageConfig:
    pre = dict(getattr(model.visual, "preprocess_cfg", {}) or {})
    size = pre.get("size", 224)
    size = size[0] if isinstance(size, (list, tuple)) else size
    interpolation = pre.get("interpolation", "bicubic")
    base = ImageConfig()
    return replace(base, size=int(size), mean=tuple(pre.get("mean", base.mean)), std=tuple(pre.get("std", base.std)),
                   resize_mode="longest", crop_scale=(1.0, 1.0),
                   interpolation=interpolation if interpolation in ("bicubic", "bilinear") else "bicubic",
                   fill_color=int(pre.get("fill_color", 0)))


def _load_checkpoint(folder: Path, device: str) -> tuple[nn.Module, str]:
    config = json.loads((folder / CHECKPOINT_CONFIG).read_text())
    arch = config.get("architecture")
    if not arch or "model_cfg" not in config:
        raise ModelSpecError(f"{folder / CHECKPOINT_CONFIG} lacks 'architecture' or 'model_cfg'")
    if arch not in open_clip.list_models():
        register_model_config(arch, config["model_cfg"])
    model, _, _ = open_clip.create_model_and_transforms(arch, pretrained=str(folder / WEIGHTS), device=device)
    return model, arch


def load_model(spec: ModelSpec, device: str = "cpu", seed: int = 0) -> EvalModel:
    """Build the model of ``spec`` in eval mode (errors from open_clip are re-raised as ModelSpecError).

    ``seed`` draws the random parts of an untrained model (a preset's projection heads)."""
    try:
        torch.manual_seed(seed)
        if spec.kind == "preset":
            model, _, _, arch = create_preset_model(spec.arch, device=device)
        elif spec.kind == "checkpoint":
            model, arch = _load_checkpoint(Path(spec.arch), device)
        else:
            if spec.pretrained is None and not spec.arch.startswith(("hf-hub:", "local-dir:")):
                log.warning("%s: no weights given, the model is randomly initialised", spec.name)
            model, _, _ = open_clip.create_model_and_transforms(spec.arch, pretrained=spec.pretrained, device=device)
            arch = spec.arch
        tokenizer = open_clip.get_tokenizer(arch)
    except (RuntimeError, OSError, ValueError, KeyError) as exn:
        raise ModelSpecError(f"cannot load model {spec.name!r} ({spec.source}): {exn}") from exn
    model.eval()
    return EvalModel(spec, model, tokenizer, image_config_of(model), arch, device)
