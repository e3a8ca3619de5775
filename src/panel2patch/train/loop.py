"""The training loop: ``train(TrainConfig)``; one process, or one per GPU/CPU rank under torchrun."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import open_clip
import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from panel2patch.eval.splits import SPLITS_FILE, rule_for_sources
from panel2patch.output.atomic import write_bytes_atomic
from panel2patch.train import checkpoint as ckpt
from panel2patch.train.config import Level, TrainConfig
from panel2patch.train.data import BatchBuilder, ContextPlan, StepDataset, make_loader, probe_levels
from panel2patch.train.distributed import (
    DistInfo, DistributedGather, barrier, gather_objects, init_distributed, shutdown_distributed,
)
from panel2patch.train.encoder import GranularEncoder, supports_patch_tokens
from panel2patch.train.logs import StepLogger
from panel2patch.train.losses import TERM_NAMES, Features, GranularityLoss, LossOutput, Structure
from panel2patch.train.model import build_model, image_config_for
from panel2patch.train.optim import eval_frozen_towers, freeze, make_optimizer, make_scheduler, trainable_summary
from panel2patch.train.schedule import LevelSchedule
from panel2patch.train.shards import resolve_sources

log = logging.getLogger(__name__)

MAX_LOGIT_SCALE = math.log(100)  # open_clip clamps the learned temperature there


class ResumeError(RuntimeError):
    """A checkpoint cannot continue this run (other data, workers or processes)."""


@dataclass
class TrainResult:
    out: Path
    steps: int
    final_weights: Path | None
    arch: str
    last_losses: dict[str, float]
    is_main: bool = True


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def autocast_for(precision: str, device: torch.device) -> contextlib.AbstractContextManager:
    if precision == "bf16" or (precision == "auto" and device.type == "cuda"):
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def attention_kernels_for(device: torch.device) -> contextlib.AbstractContextManager:
    """On CUDA, attention without cuDNN: a granular step's item count varies (context panels and
    regions), and cuDNN builds a new attention plan for every new batch shape (~5 ms of host time
    per layer call, measured on an H100), while the flash and memory-efficient kernels take any shape."""
    if device.type != "cuda":
        return contextlib.nullcontext()
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH])


def batch_structure(batch: dict[str, Any], patch: bool) -> Structure:
    """The batch's structure on the CPU; ``roi_rows``: regions with a parent and a visible box."""
    level, parent = batch["level"], batch["parent"]
    roi_rows = None
    if patch:
        usable = (level == int(Level.REGION)) & (parent >= 0) & torch.isfinite(batch["roi_box"]).all(dim=1)
        roi_rows = usable.nonzero(as_tuple=True)[0]
    return Structure(level, batch["primary"], parent, roi_rows)


def compute_loss(encoder: nn.Module, loss_fn: GranularityLoss, batch: dict[str, Any], device: torch.device,
                 precision: str) -> LossOutput:
    """Forward one micro-batch and evaluate the objective (shared by the loop and the tests)."""
    inner = encoder.module if isinstance(encoder, DistributedDataParallel) else encoder
    structure = batch_structure(batch, getattr(inner, "patch_tokens", False) and loss_fn.weights.patch > 0)
    images = batch["images"].to(device, non_blocking=True)
    tokens = batch["tokens"].to(device, non_blocking=True)
    roi_parent = roi_box = None
    if structure.roi_rows is not None:
        roi_parent = batch["parent"][structure.roi_rows].to(device, non_blocking=True)
        roi_box = batch["roi_box"][structure.roi_rows].to(device, non_blocking=True)
    with autocast_for(precision, device), attention_kernels_for(device):
        image, text, scale, roi = encoder(images, tokens, roi_parent, roi_box)
    out = loss_fn(Features(image.float(), text.float(), scale.float(), None if roi is None else roi.float()),
                  structure)
    # keep every used parameter in the graph even when a term is absent (DDP needs all grads)
    out.total = out.total + 0.0 * (image.sum() + text.sum() + scale)
    return out


@dataclass
class _StepStats:
    """What one optimizer step saw, summed over its micro-batches (tensors stay on the device)."""

    terms: dict[str, torch.Tensor] = field(default_factory=dict)
    term_batches: dict[str, int] = field(default_factory=dict)
    pairs: dict[str, int] = field(default_factory=lambda: {lv.label: 0 for lv in Level})
    items: int = 0
    data_s: float = 0.0

    def add(self, result: LossOutput, items: int) -> None:
        for name, value in result.terms.items():
            self.terms[name] = self.terms.get(name, 0.0) + value
            self.term_batches[name] = self.term_batches.get(name, 0) + 1
        for level in Level:
            self.pairs[level.label] += result.counts.get(level.label, 0)
        self.items += items


class Trainer:
    """Owns the model, optimizer, data stream and logs of one run on this process."""

    def __init__(self, config: TrainConfig, device: torch.device, dist: DistInfo) -> None:
        self.out, self.device, self.dist = Path(config.run.out), device, dist
        torch.manual_seed(config.data.seed + dist.rank)
        self.out.mkdir(parents=True, exist_ok=True)
        self.urls = resolve_sources(config.data.sources)
        if not self.urls:
            raise ValueError("no training shards")
        config = with_run_splits(config)

        self.built = build_model(config.model, device)
        freeze(self.built.model, config.model)
        self.config = config = replace(config, image=image_config_for(self.built, config.image))
        self.patch_on = config.loss.patch > 0 and supports_patch_tokens(self.built.model)
        if config.loss.patch > 0 and not self.patch_on:
            log.info("patch-token consistency needs an open_clip ViT image tower: term off for %s", self.built.arch)

        self.probe = probe_levels(self.urls, config.data, config.hierarchy)
        available = {lv for lv in Level if self.probe[lv.label] > 0}
        self.schedule = LevelSchedule(config.schedule, available, config.optim.accum_steps)
        self.optimizer = make_optimizer(self.built.model, config.optim)
        self.scheduler = make_scheduler(self.optimizer, config.optim, config.run.max_steps)
        self.trainable = [p for p in self.built.model.parameters() if p.requires_grad]
        self.fingerprint = {"urls": self.urls, **{k: config.to_dict()[k] for k in ("data", "hierarchy", "schedule")},
                            "accum_steps": config.optim.accum_steps, "world_size": dist.world_size}
        self.step, self.positions = 0, {}
        self._fill_warned = False
        self._resume()

        self.encoder: nn.Module = GranularEncoder(self.built.model, patch_tokens=self.patch_on)
        if dist.distributed:
            self.encoder = DistributedDataParallel(self.encoder,
                                                   device_ids=[device.index] if device.type == "cuda" else None)
        self.gather = DistributedGather(device) if dist.distributed else None
        self.loss_fn = GranularityLoss(config.loss, config.hierarchy.min_panels, config.hierarchy.min_regions,
                                       self.gather)
        if dist.is_main:
            log.info("shards: %d; probe: %s; levels trained: %s; %s", len(self.urls), dict(self.probe),
                     [lv.label for lv in self.schedule.levels], trainable_summary(self.built.model))
            write_bytes_atomic(self.out / "train_config.json", (json.dumps(
                {"config": config.to_dict(), "arch": self.built.arch, "shards": self.urls, "probe": dict(self.probe),
                 "levels": [lv.label for lv in self.schedule.levels]}, indent=2) + "\n").encode())

    # ------------------------------------------------------------------------------- resume
    def _resume(self) -> None:
        run = self.config.run
        path = (ckpt.latest_checkpoint(self.out) if run.resume == "auto"
                else None if run.resume == "never" else Path(run.resume))
        if path is None:
            return
        state = ckpt.load_checkpoint(path)
        _check_resume(state["fingerprint"], self.fingerprint)
        self.built.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        ckpt.set_rng_state(state["rng"][self.dist.rank])
        self.step = state["step"]
        self.positions = {int(k): v for k, v in state["data_positions"][self.dist.rank].items()}
        if self.dist.is_main:
            log.info("resumed from %s at step %d", path, self.step)

    def _save(self) -> None:
        rngs = gather_objects(ckpt.rng_state())
        positions = gather_objects({int(k): v for k, v in self.positions.items()})
        if self.dist.is_main:
            state = {
                "step": self.step, "model": self.built.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(), "rng": rngs, "data_positions": positions,
                "fingerprint": self.fingerprint, "config": self.config.to_dict(), "arch": self.built.arch,
            }
            ckpt.save_checkpoint(self.out, self.step, state, self.config.run.keep_checkpoints)
        barrier()

    # -------------------------------------------------------------------------------- loop
    def _loader(self, stop: int):
        config, accum = self.config, self.config.optim.accum_steps
        builder = BatchBuilder(config.image, config.hierarchy,
                               ContextPlan(figure_panels=config.loss.figure_panel > 0,
                                           panel_regions=config.loss.panel_region > 0,
                                           region_parents=self.patch_on),
                               self.built.tokenizer, config.data.seed, train=True)
        dataset = StepDataset(self.urls, config.data, config.hierarchy, self.schedule, builder, rank=self.dist.rank,
                              world_size=self.dist.world_size, start_micro=self.step * accum, end_micro=stop * accum,
                              positions=self.positions)
        return iter(make_loader(dataset, pin_memory=self.device.type == "cuda"))

    def _train_step(self, loader) -> _StepStats:
        accum, stats = self.config.optim.accum_steps, _StepStats()
        for micro in range(accum):
            waited = time.perf_counter()
            batch = next(loader)
            stats.data_s += time.perf_counter() - waited
            expected = self.step * accum + micro
            if batch["micro"] != expected:
                raise RuntimeError(f"data order broken: got micro-batch {batch['micro']}, expected {expected}")
            self.positions[batch["stream"]] = batch["positions"]
            last = micro == accum - 1
            with contextlib.nullcontext() if last or not self.dist.distributed else self.encoder.no_sync():
                result = compute_loss(self.encoder, self.loss_fn, batch, self.device, self.config.run.precision)
                (result.total / accum).backward()
            stats.add(result, int(batch["level"].numel()))
            self._check_fill(batch, micro)
        return stats

    def _check_fill(self, batch: dict[str, Any], micro: int) -> None:
        """Say once when batches come out much smaller than asked: a batch never repeats an item, so a
        level with fewer items per loader partition than the batch size gives short batches."""
        if self._fill_warned or not self.dist.is_main:
            return
        wanted = sum(self.schedule.micro_counts(self.step * self.config.optim.accum_steps + micro).values())
        got = int(batch["primary"].sum())
        if wanted and got < wanted // 2:
            self._fill_warned = True
            log.warning("a %s batch holds %d of the %d pairs asked for: each of the %d loader partitions holds "
                        "fewer items of that level than a batch (small data); use fewer --workers, a smaller "
                        "--batch-size or more data", self.schedule.step_label(self.step), got, wanted,
                        max(1, self.config.data.workers) * self.dist.world_size)

    def _optimizer_step(self) -> tuple[float, torch.Tensor | None]:
        grad_norm = None
        if self.config.optim.grad_clip_norm:
            grad_norm = torch.nn.utils.clip_grad_norm_(self.trainable, self.config.optim.grad_clip_norm)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        lr = self.optimizer.param_groups[0]["lr"]
        self.scheduler.step()
        with torch.no_grad():
            self.built.model.logit_scale.clamp_(0, MAX_LOGIT_SCALE)
        return lr, grad_norm

    def _row(self, stats: _StepStats, lr: float, grad_norm: torch.Tensor | None, started: float) -> dict[str, Any]:
        """The step's log row; the one host-device synchronisation of a logged step, which comes
        before the step's time is read (so ``step_s`` holds the accelerator's work too)."""
        names = list(stats.terms)
        zero = torch.zeros((), device=self.device)
        numbers = torch.stack([*(stats.terms[n].float() / stats.term_batches[n] for n in names),
                               self.built.model.logit_scale.detach().exp().float(),
                               grad_norm.float() if grad_norm is not None else zero]).tolist()
        seconds = time.perf_counter() - started
        terms = dict(zip(names, numbers))
        items = self.gather.count(stats.items) if self.gather else stats.items
        return {
            "step": self.step - 1, "level": self.schedule.step_label(self.step - 1), "lr": lr,
            "loss": sum(_weighted(self.config, terms).values()), **terms,
            **{f"n_{k}": v for k, v in stats.pairs.items()}, "n_items": items,
            "logit_scale": numbers[len(names)], "grad_norm": numbers[len(names) + 1] if grad_norm is not None else "",
            "data_s": stats.data_s, "step_s": seconds, "items_per_s": items / max(seconds, 1e-9),
        }

    def run(self) -> TrainResult:
        run = self.config.run
        stop = run.max_steps if run.stop_after_steps is None else min(run.max_steps, self.step + run.stop_after_steps)
        logger = StepLogger(self.out, run.tensorboard, self.step) if self.dist.is_main else None
        loader = self._loader(stop)
        last: dict[str, Any] = {}
        try:
            self.built.model.train()
            eval_frozen_towers(self.built.model)
            while self.step < stop:
                started = time.perf_counter()
                stats = self._train_step(loader)
                lr, grad_norm = self._optimizer_step()
                self.step += 1
                if self.step % run.log_every == 0 or self.step == stop:
                    last = self._row(stats, lr, grad_norm, started)
                    if logger is not None:
                        logger.log(last)
                if self.step % run.save_every == 0 or self.step == stop:
                    self._save()
        finally:
            if logger is not None:
                logger.close()
            del loader
        final = self._export() if self.step >= run.max_steps and self.dist.is_main else None
        barrier()
        terms = {k: v for k, v in last.items() if k in TERM_NAMES}
        return TrainResult(self.out, self.step, final, self.built.arch, terms, self.dist.is_main)

    def _export(self) -> Path:
        built, image = self.built, self.config.image
        builtin = built.arch in open_clip.list_models() and not built.preset
        preprocess = dict(built.preprocess, resize_mode=image.resize_mode, fill_color=image.fill_color)
        final = ckpt.export_final(self.out, built.model, built.arch, built.config, preprocess, builtin)
        log.info("final weights: %s (architecture %s)", final, built.arch)
        return final


def train(config: TrainConfig) -> TrainResult:
    """Train until ``run.max_steps`` (or ``run.stop_after_steps`` more steps), checkpointing as it goes."""
    device = resolve_device(config.run.device)
    dist = init_distributed(device.type)
    if device.type == "cuda" and dist.distributed:
        device = torch.device("cuda", dist.local_rank)
        torch.cuda.set_device(device)
    try:
        return Trainer(config, device, dist).run()
    finally:
        shutdown_distributed()


def with_run_splits(config: TrainConfig) -> TrainConfig:
    """Train only on the train split when a source run directory has a ``splits.json``."""
    data = config.data
    if not data.use_run_splits or data.split_fractions is not None:
        return config
    rule = rule_for_sources(data.sources)
    if rule is None:
        return config
    log.info("training on the train split of the run's %s (fractions train/val/test %s, seed %d); "
             "val and test articles are never read", SPLITS_FILE, rule.fractions, rule.seed)
    return replace(config, data=replace(data, split_fractions=rule.fractions, split_seed=rule.seed))


def _check_resume(saved: dict[str, Any], current: dict[str, Any]) -> None:
    for key in ("urls", "world_size", "accum_steps", "schedule", "hierarchy"):
        if saved.get(key) != current.get(key):
            raise ResumeError(f"checkpoint was made with another {key}: {saved.get(key)!r} != {current.get(key)!r}")
    for key in ("workers", "seed", "holdout_percent", "shuffle_buffer", "split_fractions", "split_seed"):
        if saved["data"].get(key) != current["data"].get(key):
            raise ResumeError(f"checkpoint was made with data.{key}={saved['data'].get(key)!r}, "
                              f"not {current['data'].get(key)!r}")


def _weighted(config: TrainConfig, terms: dict[str, float]) -> dict[str, float]:
    weights = {"figure": config.loss.figure, "panel": config.loss.panel, "region": config.loss.region,
               "patch": config.loss.patch}
    return {k: v * weights.get(k, config.loss.figure_panel if k.startswith("figure_panel")
                               else config.loss.panel_region) for k, v in terms.items()}


def configure_logging(verbose: bool = False) -> None:
    rank = int(os.environ.get("RANK", "0"))
    level = logging.INFO if (verbose or rank == 0) else logging.WARNING
    logging.basicConfig(level=level, format=f"%(asctime)s [rank {rank}] %(name)s: %(message)s")
