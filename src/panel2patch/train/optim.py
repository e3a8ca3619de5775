"""Freezing, AdamW parameter groups and the learning-rate schedule."""

from __future__ import annotations

import logging
import math

import torch
from torch import nn

from panel2patch.train.config import ModelConfig, OptimConfig

log = logging.getLogger(__name__)


def freeze(model: nn.Module, config: ModelConfig) -> None:
    """Apply the text and vision locks (open_clip's own ``lock_*`` methods underneath).

    ``vision_trainable_blocks = N``: an open_clip ViT keeps its last N transformer blocks, final
    norm and projection trainable; a timm tower its last N layer groups (frozen batch norms stay
    in eval statistics); the projection head always trains. -1 leaves the whole tower trainable."""
    if config.lock_text:
        model.lock_text_tower(unlocked_layers=config.text_unlocked_layers, freeze_layer_norm=True)
    blocks = config.vision_trainable_blocks
    if blocks < 0:
        return
    visual = model.visual
    if hasattr(visual, "transformer") and hasattr(visual.transformer, "resblocks"):
        visual.lock(unlocked_groups=blocks + 1)  # groups end with [last block, ln_post], proj
    elif hasattr(visual, "trunk"):  # open_clip TimmModel: trunk groups; head stays trainable
        # open_clip's freeze_bn_stats turns timm's fused BatchNormAct2d into a plain frozen batch norm,
        # silently dropping its activation; timm's own freezer keeps it
        visual.lock(unlocked_groups=blocks, freeze_bn_stats=False)
        _freeze_timm_batch_norms(visual.trunk)
    elif hasattr(visual, "lock"):
        visual.lock(unlocked_groups=blocks + 1, freeze_bn_stats=True)
    else:
        raise ValueError(f"cannot freeze blocks of a {type(visual).__name__} image tower")


def _freeze_timm_batch_norms(trunk: nn.Module) -> None:
    from timm.utils.model import freeze as timm_freeze

    frozen = [name for name, module in trunk.named_modules()
              if name and isinstance(module, nn.BatchNorm2d) and not any(p.requires_grad for p in module.parameters())]
    if frozen:
        timm_freeze(trunk, frozen, include_bn_running_stats=True)


def eval_frozen_towers(model: nn.Module) -> None:
    """Run entirely frozen towers in eval mode (no dropout, fixed norms), as LiT does.

    Call after every ``model.train()``."""
    for name in ("text.transformer", "visual.trunk", "visual.transformer"):
        module = model.get_submodule(name) if _has_submodule(model, name) else None
        if module is not None and not any(p.requires_grad for p in module.parameters()):
            module.eval()


def _has_submodule(model: nn.Module, name: str) -> bool:
    try:
        model.get_submodule(name)
    except AttributeError:
        return False
    return True


def trainable_summary(model: nn.Module) -> dict[str, int]:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"parameters": total, "trainable": trainable}


def _no_decay(name: str, param: nn.Parameter) -> bool:
    # open_clip's rule: gains, biases, norms and the temperature get no weight decay
    return param.ndim < 2 or "bn" in name or "ln" in name or "bias" in name or "logit_scale" in name


def make_optimizer(model: nn.Module, config: OptimConfig) -> torch.optim.AdamW:
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    if not named:
        raise ValueError("nothing to train: every parameter is frozen")
    groups = [
        {"params": [p for n, p in named if not _no_decay(n, p)], "weight_decay": config.weight_decay},
        {"params": [p for n, p in named if _no_decay(n, p)], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=config.lr,
                             betas=(config.beta1, config.beta2), eps=config.eps)


class WarmupSchedule:
    """LR multiplier: linear warmup, then cosine / linear decay to ``min_lr_ratio``, or constant."""

    def __init__(self, config: OptimConfig, max_steps: int) -> None:
        self.kind, self.warmup, self.max_steps = config.lr_schedule, config.warmup_steps, max_steps
        self.floor = config.min_lr_ratio

    def __call__(self, step: int) -> float:
        if self.warmup > 0 and step < self.warmup:
            return (step + 1) / self.warmup
        if self.kind == "constant":
            return 1.0
        span = max(1, self.max_steps - self.warmup)
        progress = min(1.0, (step - self.warmup) / span)
        shape = 0.5 * (1 + math.cos(math.pi * progress)) if self.kind == "cosine" else 1.0 - progress
        return self.floor + (1.0 - self.floor) * shape


def make_scheduler(optimizer: torch.optim.Optimizer, config: OptimConfig, max_steps: int
                   ) -> torch.optim.lr_scheduler.LambdaLR:
    return torch.optim.lr_scheduler.LambdaLR(optimizer, WarmupSchedule(config, max_steps))
