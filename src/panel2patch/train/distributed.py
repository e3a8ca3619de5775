"""Process-group setup for ``torchrun`` and the feature gather the loss uses across processes."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import Tensor


@dataclass(frozen=True)
class DistInfo:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def init_distributed(device_type: str) -> DistInfo:
    """Join the process group ``torchrun`` describes (NCCL on GPU, gloo on CPU); a no-op alone."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistInfo()
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device_type == "cuda" else "gloo")
    return DistInfo(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0")))


def shutdown_distributed() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


class _AllGatherRows(torch.autograd.Function):
    """Concatenate equal-shaped tensors from every process; the gradient of each process's slice is
    the sum of that slice's gradients on all processes (every process computes the same loss)."""

    @staticmethod
    def forward(ctx, tensor: Tensor) -> Tensor:  # type: ignore[override]
        parts = [torch.empty_like(tensor) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, tensor.contiguous())
        ctx.rows, ctx.rank = tensor.shape[0], dist.get_rank()
        return torch.cat(parts)

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:  # type: ignore[override]
        grad = grad.contiguous()
        dist.all_reduce(grad)
        return grad[ctx.rank * ctx.rows:(ctx.rank + 1) * ctx.rows]


class DistributedGather:
    """Concatenate per-process rows (their number may differ) with gradients flowing back."""

    def __init__(self, device: torch.device | str = "cpu") -> None:
        self.world_size = dist.get_world_size()
        self.device = torch.device(device)

    def cat(self, tensor: Tensor) -> Tensor:
        rows = torch.tensor([tensor.shape[0]], device=tensor.device, dtype=torch.long)
        sizes = [torch.zeros_like(rows) for _ in range(self.world_size)]
        dist.all_gather(sizes, rows)
        counts = [int(s.item()) for s in sizes]
        longest = max(counts)
        if longest == 0:
            return tensor
        if tensor.shape[0] < longest:
            pad = tensor.new_zeros((longest - tensor.shape[0], *tensor.shape[1:]))
            tensor = torch.cat([tensor, pad])
        gathered = _AllGatherRows.apply(tensor)
        return torch.cat([gathered[r * longest:r * longest + count] for r, count in enumerate(counts)])

    def total(self, value: Tensor) -> Tensor:
        value = value.detach().clone()
        dist.all_reduce(value)
        return value

    def count(self, n: int) -> int:
        value = torch.tensor([n], dtype=torch.long, device=self.device)
        dist.all_reduce(value)
        return int(value.item())


def broadcast_object(value: object, src: int = 0) -> object:
    if not (dist.is_available() and dist.is_initialized()):
        return value
    holder = [value]
    dist.broadcast_object_list(holder, src=src)
    return holder[0]


def gather_objects(value: object) -> list[object]:
    if not (dist.is_available() and dist.is_initialized()):
        return [value]
    out: list[object] = [None] * dist.get_world_size()
    dist.all_gather_object(out, value)
    return out


def barrier() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
