"""Image<->text retrieval of one level on (held-out) articles: a quick check of a trained model.

The full evaluation suite lives elsewhere; this is what the training benchmark and tests use to
compare a model before and after training on the same pairs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from panel2patch.train.config import HierarchyConfig, ImageConfig, Level
from panel2patch.train.crops import CropError, decode_for_boxes, render
from panel2patch.train.hierarchy import article_of, level_nodes
from panel2patch.train.shards import iter_raw_samples
from panel2patch.train.skips import SkipLog
from panel2patch.train.stream import is_heldout, parse_figure

log = logging.getLogger(__name__)


@dataclass
class LevelPairs:
    keys: list[str]
    images: torch.Tensor  # [N, 3, S, S]
    texts: list[str]


def collect_pairs(urls: Sequence[str], level: Level, image: ImageConfig, hierarchy: HierarchyConfig,
                  holdout_percent: float, heldout: bool = True) -> LevelPairs:
    """Every pair of ``level`` from the held-out articles (or from the others), first text, no augmentation."""
    skips = SkipLog(log)
    keys, arrays, texts = [], [], []
    for url in urls:
        for sample in iter_raw_samples(url):
            if is_heldout(article_of(sample.get("__key__", "")), holdout_percent) != heldout:
                continue
            figure = parse_figure(sample, hierarchy, skips)
            if figure is None:
                continue
            chains = level_nodes(figure.tree, level, hierarchy)
            if not chains:
                continue
            try:
                decoded, scale = decode_for_boxes(figure.image, [c[-1].box for c in chains], image)
            except CropError as exn:
                skips.skip("image_decode", f"{figure.key}: {exn}")
                continue
            for chain in chains:
                array, _ = render(decoded, scale, chain[-1].box, image)
                keys.append(chain[-1].key)
                arrays.append(torch.from_numpy(array))
                texts.append(chain[-1].texts[0])
    size = image.size or 224
    return LevelPairs(keys, torch.stack(arrays) if arrays else torch.zeros(0, 3, size, size), texts)


@torch.no_grad()
def embed_pairs(model: nn.Module, tokenizer: Callable[[list[str]], torch.Tensor], pairs: LevelPairs,
                batch_size: int = 32, device: str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    model.eval()
    images, texts = [], []
    for start in range(0, len(pairs.keys), batch_size):
        images.append(model.encode_image(pairs.images[start:start + batch_size].to(device)).float().cpu())
        texts.append(model.encode_text(tokenizer(pairs.texts[start:start + batch_size]).to(device)).float().cpu())
    return F.normalize(torch.cat(images), dim=-1), F.normalize(torch.cat(texts), dim=-1)


def recall_at_k(image: torch.Tensor, text: torch.Tensor, ks: Sequence[int] = (1, 5, 10)) -> dict[str, float]:
    """Image->text and text->image recall@k (%) where pair i is the right answer for query i."""
    similarity = image @ text.T
    n = similarity.shape[0]
    target = torch.arange(n)
    out = {}
    for name, sims in (("i2t", similarity), ("t2i", similarity.T)):
        rank = (sims > sims[target, target][:, None]).sum(dim=1)  # how many beat the right answer
        for k in ks:
            out[f"{name}_R@{k}"] = 100.0 * float((rank < k).float().mean()) if n else 0.0
    out["pairs"] = n
    return out
