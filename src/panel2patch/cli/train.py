"""``panel2patch train``: continue training a CLIP model on figure ▸ panel ▸ region shards."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from panel2patch.cli.app import app
from panel2patch.errors import MissingExtraError
from panel2patch.train.config import (
    DataConfig, HierarchyConfig, ImageConfig, Level, LossConfig, ModelConfig, OptimConfig, RunConfig,
    ScheduleConfig, TrainConfig,
)

PRESET_NAMES = ("offline-lite", "tiny-vit")  # panel2patch.models.PRESETS, without importing torch here


class Schedule(str, Enum):
    alternating = "alternating"
    mixed = "mixed"


class LrSchedule(str, Enum):
    cosine = "cosine"
    constant = "constant"
    linear = "linear"


class Precision(str, Enum):
    auto = "auto"
    fp32 = "fp32"
    bf16 = "bf16"


class ResizeMode(str, Enum):
    longest = "longest"
    squash = "squash"
    shortest = "shortest"


class FigureLevel(str, Enum):
    all = "all"
    multi = "multi"


class UntextedPanels(str, Enum):
    skip = "skip"
    caption = "caption"


def _pair(text: str, name: str, cast: type = float) -> tuple:
    parts = [p for p in text.replace(":", ",").split(",") if p.strip()]
    try:
        return tuple(cast(p) for p in parts)
    except ValueError:
        raise typer.BadParameter(f"{name}: cannot read {text!r}") from None


@app.command("train")
def train_command(
    sources: list[str] = typer.Argument(
        ..., help="Training data: run directories made by `panel2patch run` (their shards/*.tar), shard files, "
        "brace patterns ('runs/a/shards/{000000..000009}.tar'), '::'-joined lists, or URLs fsspec opens "
        "(https://, s3://, gs://...; a URL not ending in .tar is a remote run directory). Streamed, never copied.",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Checkpoint directory: checkpoints/, final/, train_log.csv, "
                             "tensorboard/, train_config.json. Re-running the same command resumes from it."),
    preset: str | None = typer.Option(None, "--preset", help="Starting model and CPU-friendly defaults: offline-lite "
                                      "(EfficientNet-Lite0 + MiniLM from PyPI wheels, LiT-style, no hub access) or "
                                      "tiny-vit (random, for smoke tests). Default offline-lite unless --model is "
                                      "given."),
    model: str | None = typer.Option(None, "--model", help="Any open_clip architecture instead of a preset "
                                     "(ViT-B-16, ViT-L-14, hf-hub:org/repo, local-dir:PATH)."),
    model_config: Path | None = typer.Option(None, "--model-config", exists=True, dir_okay=False, help="An open_clip "
                                             "model config JSON to register first; its file name (without .json) "
                                             "is the --model name (e.g. final/p2p-offline-lite.json of a run)."),
    pretrained: str | None = typer.Option(None, "--pretrained", help="Weights for --model: a checkpoint file, an "
                                          "open_clip tag (laion2b_s34b_b79k), or nothing for random init. With "
                                          "--preset: a checkpoint of that preset to continue from."),
    max_steps: int = typer.Option(1000, "--max-steps", min=1, help="Optimizer steps in the whole run (the LR "
                                  "schedule spans them); final weights are written when they are done."),
    stop_after_steps: int | None = typer.Option(None, "--stop-after-steps", min=1, help="Stop this invocation after "
                                                "so many steps (checkpointed); run again to resume."),
    batch_size: int | None = typer.Option(None, "--batch-size", "-b", min=1, help="Pairs of the step's level per "
                                          "process per micro-batch (context items come on top). Preset default: "
                                          "offline-lite 16, tiny-vit 8; else 32."),
    accum_steps: int = typer.Option(1, "--accum-steps", min=1, help="Micro-batches per optimizer step (gradient "
                                    "accumulation; negatives stay within a micro-batch)."),
    lr: float | None = typer.Option(None, "--lr", help="Peak learning rate (default: preset's, else 1e-5 as "
                                    "Panel2Patch)."),
    weight_decay: float | None = typer.Option(None, "--wd", help="AdamW weight decay (not on gains, biases, "
                                              "temperature). Default 0.05."),
    beta1: float = typer.Option(0.9, "--beta1", help="AdamW beta1."),
    beta2: float = typer.Option(0.95, "--beta2", help="AdamW beta2 (0.95 as BMC-CLIP and Panel2Patch)."),
    eps: float = typer.Option(1e-6, "--eps", help="AdamW epsilon."),
    warmup: int | None = typer.Option(None, "--warmup", min=0, help="Linear warmup steps (default: preset's, "
                                      "else 1000 capped at a tenth of --max-steps)."),
    lr_schedule: LrSchedule = typer.Option(LrSchedule.cosine, "--lr-schedule", help="LR after warmup."),
    min_lr_ratio: float = typer.Option(0.0, "--min-lr-ratio", min=0.0, max=1.0, help="LR floor as a fraction of --lr."),
    grad_clip_norm: float = typer.Option(1.0, "--grad-clip", min=0.0, help="Clip the global gradient norm (0 = off)."),
    lock_text: bool | None = typer.Option(None, "--lock-text/--no-lock-text", help="Freeze the text tower (its "
                                          "projection of an HF tower still trains). Default: locked."),
    text_unlocked_layers: int = typer.Option(0, "--text-unlocked-layers", min=0, help="With --lock-text: leave the "
                                             "last N text layers trainable."),
    vision_trainable_blocks: int | None = typer.Option(None, "--vision-trainable-blocks", min=-1, help="Train only "
                                                       "the last N image-tower blocks (+ final norm and projection); "
                                                       "-1 trains all. Panel2Patch: 5. Preset offline-lite: 0."),
    grad_checkpointing: bool = typer.Option(False, "--grad-checkpointing", help="Recompute activations in the "
                                            "backward pass (less memory, ~30% slower)."),
    precision: Precision = typer.Option(Precision.auto, "--precision", help="auto: bf16 autocast on GPU, fp32 on CPU."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda. Under torchrun each rank takes "
                               "cuda:LOCAL_RANK."),
    seed: int = typer.Option(0, "--seed", help="Seeds data order, augmentation, text draws and initial heads."),
    workers: int | None = typer.Option(None, "--workers", "-w", min=0, help="Data-loader worker processes per "
                                       "process (crops are cut there). Must stay the same to resume. Default: "
                                       "preset's, else 4."),
    shuffle_buffer: int = typer.Option(256, "--shuffle-buffer", min=1, help="Items mixed per level stream."),
    holdout_percent: float = typer.Option(0.0, "--holdout-percent", min=0.0, max=100.0, help="Never train on the "
                                          "articles whose id hash falls in this percentage (for held-out evaluation)."),
    use_splits: bool = typer.Option(True, "--use-splits/--ignore-splits", help="When a source run directory has a "
                                    "splits.json (`panel2patch split RUN`), train only on its train split and never "
                                    "read val/test articles."),
    schedule: Schedule = typer.Option(Schedule.alternating, "--schedule", help="alternating: each step one level, "
                                      "cycling figure -> panel -> region (Panel2Patch). mixed: every step all levels."),
    levels: str = typer.Option("figure,panel,region", "--levels", help="Levels to train on (comma list). Levels "
                               "without data are dropped automatically."),
    level_ratios: str = typer.Option("1:1:1", "--level-ratios", help="figure:panel:region steps per cycle "
                                     "(alternating) or share of the batch (mixed)."),
    figure_level: FigureLevel = typer.Option(FigureLevel.all, "--figure-level", help="Figure-level pairs from all "
                                             "figures, or only multi-panel ones."),
    untexted_panels: UntextedPanels = typer.Option(
        UntextedPanels.skip, "--untexted-panels", help="A panel the extraction found no sub-caption for: skip it, "
        "or pair it with the full caption ('caption')."),
    max_children: int | None = typer.Option(None, "--max-children", min=1, help="Panels per figure / regions per "
                                            "panel encoded as context for the inter-level terms (default 4; "
                                            "offline-lite 2)."),
    min_panels: int = typer.Option(2, "--min-panels", min=1, help="Panels a figure needs for the figure<->panel term."),
    min_regions: int = typer.Option(1, "--min-regions", min=1, help="Regions a panel needs for the "
                                    "panel<->region term."),
    w_figure: float = typer.Option(1.0, "--w-figure", min=0.0, help="Weight of the CLIP loss among figures."),
    w_panel: float = typer.Option(1.0, "--w-panel", min=0.0, help="Weight of the CLIP loss among panels."),
    w_region: float = typer.Option(1.0, "--w-region", min=0.0, help="Weight of the CLIP loss among regions."),
    w_figure_panel: float = typer.Option(0.5, "--w-figure-panel", min=0.0, help="Weight of figure vs mean-of-panels "
                                         "(image-image and text-text)."),
    w_panel_region: float = typer.Option(0.5, "--w-panel-region", min=0.0, help="Weight of panel vs mean-of-regions."),
    w_patch: float = typer.Option(0.5, "--w-patch", min=0.0, help="Weight of region-crop vs pooled panel patch tokens "
                                  "(open_clip ViT towers only; off for others)."),
    image_size: int | None = typer.Option(None, "--image-size", min=16, help="Input size; the model is built for "
                                          "it (open_clip resizes ViT position embeddings). Default: the "
                                          "architecture's (offline-lite 160, for CPU speed)."),
    resize_mode: ResizeMode = typer.Option(ResizeMode.longest, "--resize-mode", help="longest: letterbox (keeps every "
                                           "panel of a wide figure); squash; shortest: open_clip's centre crop."),
    crop_scale: str = typer.Option("0.9,1.0", "--crop-scale", help="Random crop area range (open_clip's default); "
                                   "'1,1' turns it off."),
    color_jitter: float = typer.Option(0.0, "--color-jitter", min=0.0, max=1.0, help="Brightness/contrast/saturation "
                                       "jitter strength."),
    grayscale_prob: float = typer.Option(0.0, "--grayscale-prob", min=0.0, max=1.0, help="Probability of grayscale."),
    log_every: int = typer.Option(1, "--log-every", min=1, help="Write a log row every N steps."),
    save_every: int = typer.Option(100, "--save-every", min=1, help="Checkpoint every N steps (and at the end)."),
    keep_checkpoints: int = typer.Option(2, "--keep-checkpoints", min=1, help="Checkpoints kept on disk."),
    tensorboard: bool = typer.Option(True, "--tensorboard/--no-tensorboard", help="Also write TensorBoard scalars."),
    resume: str = typer.Option("auto", "--resume", help="auto: continue from the latest checkpoint in --out; never; "
                               "or a checkpoint path."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log from every rank."),
) -> None:
    """Train a CLIP model on figure / panel / region pairs with the granularity-aware objective.

    Single process: `panel2patch train RUN --preset offline-lite --max-steps 50 --out CKPT`.
    Several GPUs (or CPU processes, gloo): `torchrun --nproc_per_node N -m panel2patch train RUN ... --out CKPT`.
    The final weights load with open_clip: see CKPT/final/LOADING.md.
    """
    if preset and model:
        raise typer.BadParameter("give --preset or --model, not both")
    if preset is None and model is None:
        preset = "offline-lite"
    if preset is not None and preset not in PRESET_NAMES:
        raise typer.BadParameter(f"unknown preset {preset!r}; known: {', '.join(PRESET_NAMES)}")
    try:
        from panel2patch.train import train
        from panel2patch.train.loop import configure_logging
        from panel2patch.train.model import preset_defaults
    except MissingExtraError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    configure_logging(verbose)

    if model_config is not None:
        from panel2patch.models.registry import register_config_file

        register_config_file(model_config)
        model = model or model_config.stem
    base_model = ModelConfig(preset=preset, arch=model, pretrained=pretrained)
    defaults = preset_defaults(base_model)

    def pick(value, key, fallback):
        return value if value is not None else defaults.get(key, fallback)

    level_list = tuple(Level.parse(name) for name in levels.split(",") if name.strip())
    ratios = _pair(level_ratios, "--level-ratios", int)
    if len(ratios) != 3:
        raise typer.BadParameter("--level-ratios needs three numbers figure:panel:region")
    scale = _pair(crop_scale, "--crop-scale")
    if len(scale) != 2:
        raise typer.BadParameter("--crop-scale needs two numbers low,high")
    config = TrainConfig(
        model=ModelConfig(
            preset=preset, arch=model, pretrained=pretrained, lock_text=pick(lock_text, "lock_text", True),
            text_unlocked_layers=text_unlocked_layers,
            vision_trainable_blocks=pick(vision_trainable_blocks, "vision_trainable_blocks", -1),
            grad_checkpointing=grad_checkpointing, image_size=image_size,
        ),
        data=DataConfig(sources=tuple(sources), workers=pick(workers, "workers", 4), shuffle_buffer=shuffle_buffer,
                        holdout_percent=holdout_percent, seed=seed, use_run_splits=use_splits),
        image=ImageConfig(resize_mode=resize_mode.value, crop_scale=scale,
                          color_jitter=color_jitter, grayscale_prob=grayscale_prob),
        hierarchy=HierarchyConfig(figure_level=figure_level.value, untexted_panels=untexted_panels.value,
                                  max_children=pick(max_children, "max_children", 4),
                                  min_panels=min_panels, min_regions=min_regions),
        schedule=ScheduleConfig(kind=schedule.value, levels=level_list, ratios=ratios,
                                batch_size=pick(batch_size, "batch_size", 32)),
        loss=LossConfig(figure=w_figure, panel=w_panel, region=w_region, figure_panel=w_figure_panel,
                        panel_region=w_panel_region, patch=w_patch),
        optim=OptimConfig(lr=pick(lr, "lr", 1e-5), weight_decay=pick(weight_decay, "weight_decay", 0.05),
                          beta1=beta1, beta2=beta2, eps=eps,
                          warmup_steps=pick(warmup, "warmup_steps", min(1000, max_steps // 10)),
                          lr_schedule=lr_schedule.value, min_lr_ratio=min_lr_ratio,
                          grad_clip_norm=grad_clip_norm or None, accum_steps=accum_steps),
        run=RunConfig(out=str(out), max_steps=max_steps, stop_after_steps=stop_after_steps,
                      precision=precision.value, device=device, log_every=log_every, save_every=save_every,
                      keep_checkpoints=keep_checkpoints, tensorboard=tensorboard, resume=resume),
    )
    result = train(config)
    if not result.is_main:
        return
    if result.final_weights is not None:
        typer.echo(f"final weights: {result.final_weights}  (architecture {result.arch}; see {out}/final/LOADING.md)")
    else:
        typer.echo(f"stopped at step {result.steps} of {max_steps}; run the same command again to resume")
