"""Run under ``torchrun --nproc_per_node 2``: DDP gradients vs one process on the same global batch.

Every rank builds the same tiny model and the same three global micro-batches (a figure step with
its panels, a panel step with its regions, a region step with its parent panels), keeps the items
of every other figure, and backpropagates the granularity-aware loss through DDP with features
gathered across ranks. Rank 0 then computes the gradients of one process on the whole batch and
writes both comparisons to the JSON file named on the command line.
"""

from __future__ import annotations

import json
import os
import sys

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from panel2patch.train.config import DataConfig, HierarchyConfig, ImageConfig, LossConfig, ModelConfig, ScheduleConfig
from panel2patch.train.data import BatchBuilder, ContextPlan, StepDataset
from panel2patch.train.distributed import DistributedGather
from panel2patch.train.encoder import GranularEncoder
from panel2patch.train.loop import compute_loss
from panel2patch.train.losses import GranularityLoss
from panel2patch.train.model import build_model, image_config_for
from panel2patch.train.schedule import LevelSchedule
from panel2patch.train.shards import resolve_sources


def split_batch(batch: dict, rank: int, world: int) -> dict:
    """Items whose root figure has rank-th position (mod world) among the batch's roots."""
    parent = batch["parent"].tolist()

    def root(i: int) -> int:
        while parent[i] >= 0:
            i = parent[i]
        return i

    roots = sorted({root(i) for i in range(len(parent))})
    owner = {r: k % world for k, r in enumerate(roots)}
    keep = [i for i in range(len(parent)) if owner[root(i)] == rank]
    new_index = {old: new for new, old in enumerate(keep)}
    index = torch.tensor(keep, dtype=torch.long)
    return {
        "images": batch["images"][index], "tokens": batch["tokens"][index], "level": batch["level"][index],
        "primary": batch["primary"][index], "roi_box": batch["roi_box"][index],
        "parent": torch.tensor([new_index.get(parent[i], -1) for i in keep], dtype=torch.long),
    }


def grads(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None}


def main(run_dir: str, out_path: str) -> None:
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    hierarchy = HierarchyConfig(max_children=3)
    model_cfg = ModelConfig(preset="tiny-vit", lock_text=False)
    loss_cfg = LossConfig(patch=0.5)

    def fresh_model():
        torch.manual_seed(0)
        return build_model(model_cfg, torch.device("cpu"))

    built = fresh_model()
    builder = BatchBuilder(image_config_for(built, ImageConfig()), hierarchy, ContextPlan(True, True, True),
                           built.tokenizer, seed=1)
    dataset = StepDataset(resolve_sources([run_dir]), DataConfig(workers=0, shuffle_buffer=16, seed=1), hierarchy,
                          LevelSchedule(ScheduleConfig(batch_size=8)), builder, end_micro=3)
    batches = list(dataset)  # the same on every rank: one partition, no split

    ddp = DistributedDataParallel(GranularEncoder(built.model, patch_tokens=True))
    loss_fn = GranularityLoss(loss_cfg, hierarchy.min_panels, hierarchy.min_regions, DistributedGather())
    report = {"steps": []}
    reference = fresh_model() if rank == 0 else None
    for batch in batches:
        built.model.zero_grad(set_to_none=True)
        out = compute_loss(ddp, loss_fn, split_batch(batch, rank, world), torch.device("cpu"), "fp32")
        out.total.backward()
        ddp_grads = grads(built.model)
        if rank == 0:
            reference.model.zero_grad(set_to_none=True)
            ref = compute_loss(GranularEncoder(reference.model, patch_tokens=True),
                               GranularityLoss(loss_cfg, hierarchy.min_panels, hierarchy.min_regions), batch,
                               torch.device("cpu"), "fp32")
            ref.total.backward()
            ref_grads = grads(reference.model)
            worst = max(float((ddp_grads[n] - g).abs().max() / (g.abs().max() + 1e-8)) for n, g in ref_grads.items())
            report["steps"].append({
                "terms_ddp": out.values(), "terms_single": ref.values(),
                "same_params": sorted(ddp_grads) == sorted(ref_grads),
                "max_relative_grad_diff": worst, "n_params": len(ref_grads),
                "items_per_rank": [int((split_batch(batch, r, world)["level"]).numel()) for r in range(world)],
            })
    if rank == 0:
        with open(out_path, "w") as handle:
            json.dump(report, handle, indent=2)
    dist.destroy_process_group()


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main(sys.argv[1], sys.argv[2])
