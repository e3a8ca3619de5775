"""Typed configuration of a training run, one small dataclass per concern.

No torch here: the command line builds these objects, and the run directory records them as
``train_config.json``. Library code takes these objects, never an argv namespace.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Level(IntEnum):
    """Granularity of an image-text pair. Values index per-level arrays and loss terms."""

    FIGURE = 0
    PANEL = 1
    REGION = 2

    @classmethod
    def parse(cls, name: str) -> Level:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level {name!r}; use figure, panel or region") from None

    @property
    def label(self) -> str:
        return self.name.lower()


ALL_LEVELS = (Level.FIGURE, Level.PANEL, Level.REGION)


@dataclass(frozen=True)
class ImageConfig:
    """How a crop becomes the model's input. Normalisation comes from the model's preprocess config."""

    size: int | None = None  # None: the model's input size (set ModelConfig.image_size to change it)
    mean: tuple[float, float, float] = (0.48145466, 0.4578275, 0.40821073)
    std: tuple[float, float, float] = (0.26862954, 0.26130258, 0.27577711)
    resize_mode: str = "longest"  # longest (letterbox, keeps every panel of a wide figure) | squash | shortest
    fill_color: int = 0
    interpolation: str = "bicubic"
    crop_scale: tuple[float, float] = (0.9, 1.0)  # open_clip's default RandomResizedCrop area range (training)
    color_jitter: float = 0.0  # brightness/contrast/saturation strength, 0 = off
    grayscale_prob: float = 0.0
    max_pixels: int = 120_000_000

    def __post_init__(self) -> None:
        if self.resize_mode not in ("longest", "squash", "shortest"):
            raise ValueError(f"resize_mode must be longest, squash or shortest, not {self.resize_mode!r}")
        lo, hi = self.crop_scale
        if not 0 < lo <= hi <= 1:
            raise ValueError(f"crop_scale must satisfy 0 < low <= high <= 1, got {self.crop_scale}")


@dataclass(frozen=True)
class HierarchyConfig:
    """Which items of a figure sample become pairs, and which children travel with a parent."""

    figure_level: str = "all"  # all figures, or "multi": only figures with >= 2 panels
    single_panel_as_panel: bool = True  # a figure with panels == [] is its own panel
    untexted_panels: str = "skip"  # a panel without sub-caption: skip it, or pair it with the full caption
    min_box_side: int = 8  # boxes thinner than this (figure pixels) are skipped
    max_children: int = 4  # children (panels of a figure, regions of a panel) encoded with a parent
    min_panels: int = 2  # a figure needs this many panels in the batch for the figure<->panel term
    min_regions: int = 1  # a panel needs this many regions in the batch for the panel<->region term

    def __post_init__(self) -> None:
        if self.figure_level not in ("all", "multi"):
            raise ValueError(f"figure_level must be all or multi, not {self.figure_level!r}")
        if self.untexted_panels not in ("skip", "caption"):
            raise ValueError(f"untexted_panels must be skip or caption, not {self.untexted_panels!r}")


@dataclass(frozen=True)
class DataConfig:
    sources: tuple[str, ...] = ()  # run dirs, shard paths, brace patterns, fsspec/HTTP URLs
    workers: int = 2
    shuffle_buffer: int = 256
    holdout_percent: float = 0.0  # articles whose hash bucket falls below this are never trained on
    # article-level splits (panel2patch.eval.splits): when set, only the train split is read.
    # Filled from a source run's splits.json unless use_run_splits is off.
    split_fractions: tuple[float, float, float] | None = None  # train, val, test
    split_seed: int = 0
    use_run_splits: bool = True
    seed: int = 0
    probe_samples: int = 256  # figure samples read at start to see which levels have any data


@dataclass(frozen=True)
class ScheduleConfig:
    """Which levels each step uses.

    ``alternating``: a step uses one level; the cycle is ratio[figure] figure steps, then
    ratio[panel] panel steps, then ratio[region] region steps (Panel2Patch). ``mixed``: every
    step draws batch_size * ratio / sum(ratios) items from each level."""

    kind: str = "alternating"
    levels: tuple[Level, ...] = ALL_LEVELS
    ratios: tuple[int, int, int] = (1, 1, 1)
    batch_size: int = 16  # items of the step's level per rank per micro-batch

    def __post_init__(self) -> None:
        if self.kind not in ("alternating", "mixed"):
            raise ValueError(f"schedule must be alternating or mixed, not {self.kind!r}")
        if self.batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if any(r < 0 for r in self.ratios) or not any(self.ratios[int(lv)] for lv in self.levels):
            raise ValueError(f"ratios {self.ratios} give no step to any of {[lv.label for lv in self.levels]}")


@dataclass(frozen=True)
class LossConfig:
    """Weights of each term; a zero weight turns the term (and the encoding it needs) off."""

    figure: float = 1.0  # CLIP loss among figures
    panel: float = 1.0  # CLIP loss among panels
    region: float = 1.0  # CLIP loss among regions
    figure_panel: float = 0.5  # figure vs mean of its panels, image-image + text-text
    panel_region: float = 0.5  # panel vs mean of its regions, image-image + text-text
    patch: float = 0.5  # region crop vs panel patch tokens pooled over the region box (ViT towers only)

    def intra(self, level: Level) -> float:
        return (self.figure, self.panel, self.region)[int(level)]


@dataclass(frozen=True)
class ModelConfig:
    preset: str | None = "offline-lite"
    arch: str | None = None  # any open_clip architecture, or hf-hub:/local-dir: names
    pretrained: str | None = None  # checkpoint path, open_clip tag, or None
    lock_text: bool = True
    text_unlocked_layers: int = 0
    vision_trainable_blocks: int = -1  # -1: whole image tower; N: last N blocks (+ head); 0: head only
    image_size: int | None = None  # None: the architecture's; else the model is built for this input size
    grad_checkpointing: bool = False


@dataclass(frozen=True)
class OptimConfig:
    lr: float = 1e-5
    weight_decay: float = 0.05
    beta1: float = 0.9
    beta2: float = 0.95
    eps: float = 1e-6
    warmup_steps: int = 1000
    lr_schedule: str = "cosine"  # cosine | constant | linear
    min_lr_ratio: float = 0.0
    grad_clip_norm: float | None = 1.0
    accum_steps: int = 1

    def __post_init__(self) -> None:
        if self.lr_schedule not in ("cosine", "constant", "linear"):
            raise ValueError(f"lr_schedule must be cosine, constant or linear, not {self.lr_schedule!r}")
        if self.accum_steps < 1:
            raise ValueError("accum_steps must be >= 1")


@dataclass(frozen=True)
class RunConfig:
    out: str = ""
    max_steps: int = 1000  # length of the schedule
    stop_after_steps: int | None = None  # stop this invocation early (checkpointed); resume continues
    precision: str = "auto"  # auto (bf16 autocast on GPU, fp32 on CPU) | fp32 | bf16
    device: str = "auto"
    log_every: int = 1
    save_every: int = 100
    keep_checkpoints: int = 2
    tensorboard: bool = True
    resume: str = "auto"  # auto (latest checkpoint in out, if any) | never | PATH


@dataclass(frozen=True)
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    image: ImageConfig = field(default_factory=ImageConfig)
    hierarchy: HierarchyConfig = field(default_factory=HierarchyConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(dataclasses.asdict(self), default=_jsonable))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        parts = {}
        for f in dataclasses.fields(cls):
            sub_cls = {
                "model": ModelConfig, "data": DataConfig, "image": ImageConfig, "hierarchy": HierarchyConfig,
                "schedule": ScheduleConfig, "loss": LossConfig, "optim": OptimConfig, "run": RunConfig,
            }[f.name]
            parts[f.name] = _build(sub_cls, data.get(f.name, {}))
        return cls(**parts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Level):
        return value.label
    raise TypeError(f"cannot serialise {value!r}")


def _build(sub_cls: type, values: dict[str, Any]) -> Any:
    kwargs = {}
    for f in dataclasses.fields(sub_cls):
        if f.name not in values:
            continue
        value = values[f.name]
        if f.name == "levels":
            value = tuple(Level.parse(v) if isinstance(v, str) else Level(v) for v in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return sub_cls(**kwargs)
