"""One forward pass of an open_clip model over a step's items, plus region-pooled patch tokens.

Wrapping the model in this module lets DDP see a single ``forward`` that returns everything the
loss needs (image and text embeddings, the exponentiated temperature, and, for ViT towers, the
panel patch tokens pooled over each region's box and projected like the pooled token).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def supports_patch_tokens(model: nn.Module) -> bool:
    """open_clip ViT towers without attention pooling expose a patch grid we can pool."""
    visual = getattr(model, "visual", None)
    return (visual is not None and hasattr(visual, "output_tokens") and hasattr(visual, "grid_size")
            and getattr(visual, "attn_pool", None) is None and getattr(visual, "proj", None) is not None)


def box_weights(boxes: Tensor, grid: tuple[int, int]) -> Tensor:
    """``[R, gh * gw]`` weights: each patch cell's overlap with the box (normalised coords), summing to 1."""
    gh, gw = grid
    xs = torch.arange(gw + 1, device=boxes.device, dtype=boxes.dtype) / gw
    ys = torch.arange(gh + 1, device=boxes.device, dtype=boxes.dtype) / gh
    ox = (torch.minimum(xs[1:][None], boxes[:, 2:3]) - torch.maximum(xs[:-1][None], boxes[:, 0:1])).clamp(min=0)
    oy = (torch.minimum(ys[1:][None], boxes[:, 3:4]) - torch.maximum(ys[:-1][None], boxes[:, 1:2])).clamp(min=0)
    weights = (oy[:, :, None] * ox[:, None, :]).reshape(boxes.shape[0], gh * gw)
    return weights / weights.sum(dim=1, keepdim=True).clamp(min=1e-12)


def frozen_hf_text(model: nn.Module) -> bool:
    """A Hugging Face text tower (open_clip ``HFTextEncoder``) whose transformer is entirely frozen."""
    text = getattr(model, "text", None)
    return (text is not None and all(hasattr(text, a) for a in ("transformer", "pooler", "proj", "config"))
            and not any(p.requires_grad for p in text.transformer.parameters()))


class FrozenTextCache:
    """Pooled outputs of a frozen HF text transformer, by token ids.

    LiT-style training (the offline preset) trains only the projection on top: the transformer
    then runs once per distinct caption instead of once per step. The transformer must be in
    eval mode (no dropout) for its output to be a function of the tokens."""

    def __init__(self, max_entries: int = 500_000) -> None:
        self.max_entries = max_entries
        self.store: dict[tuple[int, ...], Tensor] = {}

    def pooled(self, text: nn.Module, tokens: Tensor) -> Tensor:
        keys = [tuple(row) for row in tokens.tolist()]
        missing = [i for i, k in enumerate(keys) if k not in self.store]
        if missing:
            ids = tokens[missing]
            mask = (ids != text.config.pad_token_id).long()
            with torch.no_grad():
                pooled = text.pooler(text.transformer(input_ids=ids, attention_mask=mask), mask).float().cpu()
            if len(self.store) + len(missing) > self.max_entries:
                self.store.clear()
            for i, row in zip(missing, pooled):
                self.store[keys[i]] = row
        return torch.stack([self.store[k] for k in keys]).to(tokens.device)


class GranularEncoder(nn.Module):
    def __init__(self, model: nn.Module, patch_tokens: bool = False, cache_frozen_text: bool = True) -> None:
        super().__init__()
        self.model = model
        self.patch_tokens = patch_tokens and supports_patch_tokens(model)
        self.text_cache = FrozenTextCache() if cache_frozen_text and frozen_hf_text(model) else None

    def encode_text(self, tokens: Tensor) -> Tensor:
        if self.text_cache is not None and not self.model.text.transformer.training:
            text = self.model.text
            pooled = self.text_cache.pooled(text, tokens)
            return F.normalize(text.proj(pooled), dim=-1)
        return self.model.encode_text(tokens, normalize=True)

    def forward(self, images: Tensor, tokens: Tensor, roi_parent: Tensor | None = None,
                roi_box: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
        """``(image, text, logit_scale, roi)``, embeddings L2-normalised. ``roi[r]`` pools the patch
        tokens of item ``roi_parent[r]`` over ``roi_box[r]`` (normalised x0, y0, x1, y1)."""
        visual = self.model.visual
        roi = None
        if self.patch_tokens and roi_parent is not None and roi_box is not None and roi_parent.numel():
            visual.output_tokens = True
            try:
                pooled, patches = visual(images)
            finally:
                visual.output_tokens = False
            grid = tuple(visual.grid_size)
            if patches.shape[1] != grid[0] * grid[1]:
                raise ValueError(f"patch tokens {patches.shape[1]} do not form the {grid} grid of this ViT")
            weights = box_weights(roi_box.to(patches.dtype), grid)
            region_tokens = torch.einsum("rl,rld->rd", weights, patches.index_select(0, roi_parent))
            if getattr(visual, "final_ln_after_pool", False):
                region_tokens = visual.ln_post(region_tokens)
            roi = F.normalize(region_tokens @ visual.proj, dim=-1)
        else:
            pooled = visual(images)
        image = F.normalize(pooled, dim=-1)
        text = self.encode_text(tokens)
        return image, text, self.model.logit_scale.exp(), roi
