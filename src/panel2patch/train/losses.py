"""The granularity-aware objective, independent of any model.

Inputs are L2-normalised embeddings of every item of a batch plus its structure (level, whether
the item is a primary pair of the step, and the batch index of its parent). Terms:

* ``figure``, ``panel``, ``region``: the CLIP loss (open_clip's ``ClipLoss``) among the primary
  items of each level.
* ``figure_panel_image`` / ``figure_panel_text``: for every figure with at least ``min_panels``
  panels in the batch, the figure embedding against the mean of its panel embeddings, as a CLIP
  loss across figures (image-image and text-text). ``panel_region_*``: the same for panels and
  their regions.
* ``patch``: for regions whose parent panel is in the batch, 1 - cos(region crop embedding,
  panel patch tokens pooled over the region box and projected).

Across processes, features are concatenated through ``gather`` (with gradient) so every
contrastive term sees the global batch; per-item terms are global means. The gradients then
equal those of one process holding the whole batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch
import torch.nn.functional as F
from open_clip import ClipLoss
from torch import Tensor, nn

from panel2patch.train.config import Level, LossConfig

INTER_PAIRS = (
    ("figure_panel", Level.FIGURE, Level.PANEL),
    ("panel_region", Level.PANEL, Level.REGION),
)
TERM_NAMES = (
    "figure", "panel", "region",
    "figure_panel_image", "figure_panel_text", "panel_region_image", "panel_region_text",
    "patch",
)


class Gather(Protocol):
    world_size: int

    def cat(self, tensor: Tensor) -> Tensor:
        """Concatenate ``tensor`` (rows may differ per process) across processes, keeping gradients."""

    def total(self, value: Tensor) -> Tensor:
        """Sum a detached value across processes."""

    def count(self, n: int) -> int:
        """Sum a count across processes."""


class LocalGather:
    world_size = 1

    def cat(self, tensor: Tensor) -> Tensor:
        return tensor

    def total(self, value: Tensor) -> Tensor:
        return value

    def count(self, n: int) -> int:
        return n


@dataclass
class Structure:
    """Who is who in a batch. Kept on the CPU: indices are computed there, so evaluating the loss
    does not make the host wait for the accelerator."""

    level: Tensor  # [N] long, Level values
    primary: Tensor  # [N] bool: the item is one of the step's pairs (not only context)
    parent: Tensor  # [N] long: batch index of the parent item, -1 when absent
    roi_rows: Tensor | None = None  # [R] long: regions whose parent panel's patch tokens were pooled


@dataclass
class Features:
    image: Tensor  # [N, D], normalised
    text: Tensor  # [N, D], normalised
    logit_scale: Tensor  # scalar, already exponentiated
    roi: Tensor | None = None  # [R, D] normalised pooled parent patch tokens of the rows ``Structure.roi_rows``


@dataclass
class LossOutput:
    total: Tensor  # what to backpropagate on this process
    terms: dict[str, Tensor]  # global value of every term computed this step (detached scalars)
    counts: dict[str, int]  # global number of pairs behind each term

    def values(self) -> dict[str, float]:
        """The terms as floats (one device synchronisation for all of them)."""
        if not self.terms:
            return {}
        numbers = torch.stack([t.double() for t in self.terms.values()]).tolist()
        return dict(zip(self.terms, numbers))


def _upcast(tensor: Tensor) -> Tensor:
    return tensor.float() if tensor.dtype in (torch.float16, torch.bfloat16) else tensor


def _rows(mask: Tensor, device: torch.device) -> Tensor:
    return mask.nonzero(as_tuple=True)[0].to(device, non_blocking=True)


class GranularityLoss(nn.Module):
    def __init__(self, weights: LossConfig, min_panels: int = 2, min_regions: int = 1,
                 gather: Gather | None = None) -> None:
        super().__init__()
        self.weights = weights
        self.min_children = {Level.PANEL: min_panels, Level.REGION: min_regions}
        self.gather = gather or LocalGather()
        self.clip = ClipLoss()

    def _contrastive(self, a: Tensor, b: Tensor, scale: Tensor) -> tuple[Tensor, int] | None:
        a, b = self.gather.cat(a), self.gather.cat(b)
        if a.shape[0] == 0:
            return None
        return self.clip(a, b, scale), a.shape[0]

    def forward(self, features: Features, structure: Structure) -> LossOutput:
        image, text, scale = _upcast(features.image), _upcast(features.text), _upcast(features.logit_scale)
        device = image.device
        total = image.new_zeros(())
        terms: dict[str, Tensor] = {}
        counts: dict[str, int] = {}

        for level in (Level.FIGURE, Level.PANEL, Level.REGION):
            weight = self.weights.intra(level)
            if weight <= 0:
                continue
            rows = _rows(structure.primary & (structure.level == int(level)), device)
            result = self._contrastive(image.index_select(0, rows), text.index_select(0, rows), scale)
            if result is not None:
                value, n = result
                total = total + weight * value
                terms[level.label], counts[level.label] = value.detach(), n

        for name, parent_level, child_level in INTER_PAIRS:
            weight = getattr(self.weights, name)
            if weight <= 0:
                continue
            parents, children, child_parent = (
                t.to(device, non_blocking=True) for t in self._family(structure, parent_level, child_level))
            for modality, emb in (("image", image), ("text", text)):
                pooled = emb.new_zeros(emb.shape).index_add(0, child_parent, emb.index_select(0, children))
                rows = parents
                result = self._contrastive(emb.index_select(0, rows),
                                           F.normalize(pooled.index_select(0, rows), dim=-1), scale)
                if result is not None:
                    value, n = result
                    total = total + weight * value
                    terms[f"{name}_{modality}"], counts[f"{name}_{modality}"] = value.detach(), n

        if self.weights.patch > 0 and features.roi is not None and structure.roi_rows is not None:
            n = self.gather.count(int(structure.roi_rows.numel()))
            if n > 0:
                rows = structure.roi_rows.to(device, non_blocking=True)
                local_sum = (1.0 - (image.index_select(0, rows) * _upcast(features.roi)).sum(dim=-1)).sum()
                total = total + self.weights.patch * local_sum * (self.gather.world_size / n)
                terms["patch"], counts["patch"] = self.gather.total(local_sum.detach()) / n, n
        return LossOutput(total, terms, counts)

    def _family(self, structure: Structure, parent_level: Level, child_level: Level) -> tuple[Tensor, Tensor, Tensor]:
        """(parents with enough children in the batch, those children, each child's parent), CPU indices."""
        level, parent = structure.level, structure.parent
        children = ((level == int(child_level)) & (parent >= 0)).nonzero(as_tuple=True)[0]
        parent_of = parent[children]
        per_parent = torch.bincount(parent_of, minlength=level.shape[0])
        is_parent = (level == int(parent_level)) & (per_parent >= self.min_children[child_level])
        keep = is_parent[parent_of]
        return is_parent.nonzero(as_tuple=True)[0], children[keep], parent_of[keep]
