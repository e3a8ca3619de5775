"""Image<->text retrieval on a run's pairs: figure, panel and region level, and box<->text.

Pairs come from the training data path (same hierarchy parsing and crops, no augmentation), from
the articles a ``keep`` predicate selects (the test split, normally). Text per task:

- ``figure``: the figure crop vs its full caption;
- ``panel``: the panel crop vs its sub-caption (a single-panel figure is its own panel);
- ``region``: the region crop vs its longest text, the caption clause that defines the marker
  ("white arrowheads indicate apoptotic nuclei");
- ``box_text``: the same region crop vs the marker phrase alone ("apoptotic nuclei").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from panel2patch.eval.metrics import RetrievalScores, retrieval_scores
from panel2patch.train.config import HierarchyConfig, ImageConfig, Level
from panel2patch.train.crops import CropError, decode_for_boxes, render
from panel2patch.train.hierarchy import Node, article_of, level_nodes
from panel2patch.train.shards import iter_raw_samples
from panel2patch.train.skips import SkipLog
from panel2patch.train.stream import parse_figure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrievalTask:
    name: str
    level: Level
    text_of: Callable[[Node], str]


RETRIEVAL_TASKS = {
    "figure": RetrievalTask("figure", Level.FIGURE, lambda node: node.texts[0]),
    "panel": RetrievalTask("panel", Level.PANEL, lambda node: node.texts[0]),
    "region": RetrievalTask("region", Level.REGION, lambda node: max(node.texts, key=len)),
    "box_text": RetrievalTask("box_text", Level.REGION, lambda node: node.texts[0]),
}


@dataclass
class LevelPairs:
    keys: list[str]
    images: torch.Tensor  # [N, 3, S, S]
    texts: list[str]


def collect_pairs(urls: Sequence[str], level: Level, image: ImageConfig, hierarchy: HierarchyConfig,
                  keep: Callable[[str], bool] | None = None,
                  text_of: Callable[[Node], str] = lambda node: node.texts[0]) -> LevelPairs:
    """Every pair of ``level`` from the articles ``keep(article id)`` accepts (all when None)."""
    skips = SkipLog(log)
    keys, arrays, texts = [], [], []
    for url in urls:
        for sample in iter_raw_samples(url):
            if keep is not None and not keep(article_of(sample.get("__key__", ""))):
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
                texts.append(text_of(chain[-1]))
    size = image.size or 224
    return LevelPairs(keys, torch.stack(arrays) if arrays else torch.zeros(0, 3, size, size), texts)


@torch.no_grad()
def embed_images(model: nn.Module, images: torch.Tensor, batch_size: int = 32, device: str = "cpu") -> torch.Tensor:
    model.eval()
    parts = [model.encode_image(images[s:s + batch_size].to(device)).float().cpu()
             for s in range(0, len(images), batch_size)]
    return F.normalize(torch.cat(parts), dim=-1) if parts else torch.zeros(0, 0)


@torch.no_grad()
def embed_texts(model: nn.Module, tokenizer: Callable[[list[str]], torch.Tensor], texts: Sequence[str],
                batch_size: int = 64, device: str = "cpu") -> torch.Tensor:
    model.eval()
    parts = [model.encode_text(tokenizer(list(texts[s:s + batch_size])).to(device)).float().cpu()
             for s in range(0, len(texts), batch_size)]
    return F.normalize(torch.cat(parts), dim=-1) if parts else torch.zeros(0, 0)


def embed_pairs(model: nn.Module, tokenizer: Callable[[list[str]], torch.Tensor], pairs: LevelPairs,
                batch_size: int = 32, device: str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """L2-normalised image and text embeddings of the pairs."""
    return (embed_images(model, pairs.images, batch_size, device),
            embed_texts(model, tokenizer, pairs.texts, batch_size, device))


def score_pairs(model: nn.Module, tokenizer: Callable[[list[str]], torch.Tensor], pairs: LevelPairs,
                device: str = "cpu") -> RetrievalScores:
    image, text = embed_pairs(model, tokenizer, pairs, device=device)
    return retrieval_scores(image.numpy(), text.numpy(), pairs.texts)


def as_percent(scores: RetrievalScores) -> dict[str, float]:
    """The training benchmark's flat form: ``{"i2t_R@1": percent, ..., "pairs": N}``."""
    out: dict[str, float] = {}
    for short, values in (("i2t", scores.image_to_text), ("t2i", scores.text_to_image)):
        out.update({f"{short}_R@{k.split('@')[1]}": 100.0 * v for k, v in values.items() if k.startswith("recall@")})
    out["pairs"] = scores.pairs
    return out
