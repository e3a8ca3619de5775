"""The training data loader: step batches of figure / panel / region pairs, cropped in workers.

Every micro-batch has a number ``m``. Loader stream ``v = m % S`` (``S`` = loader workers, at
least 1) produces it, reading partition ``rank * S + v`` of the data; a worker that starts at
micro-batch ``m0`` serves stream ``(worker + m0) % S``, so the DataLoader's round-robin order is
exactly ``m0, m0 + 1, ...``. What a micro-batch holds is a pure function of its number and the
stream positions, which the batch reports back: that is the data position a checkpoint stores.

A batch holds the step's primary items, and the context items the loss needs: the panels of a
figure (figure<->panel term), the regions of a panel (panel<->region term), the parent panel of a
region (patch term). Each item's text is drawn from its texts with a per-step seed.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from panel2patch.train.config import DataConfig, HierarchyConfig, ImageConfig, Level
from panel2patch.train.crops import CropError, Geometry, decode_for_boxes, render
from panel2patch.train.hierarchy import Node, article_of, level_nodes
from panel2patch.train.schedule import LevelSchedule
from panel2patch.train.shards import iter_raw_samples
from panel2patch.train.skips import SkipLog
from panel2patch.train.stream import (
    Item, ItemStream, Partition, RawFigure, StreamPosition, excluded_from_training,
    parse_figure,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ContextPlan:
    """Which context items a batch carries (each only when the loss term that uses it is on)."""

    figure_panels: bool = True
    panel_regions: bool = True
    region_parents: bool = False


@dataclass
class _Entry:
    node: Node
    figure: RawFigure
    level: Level
    primary: bool
    parent_key: tuple[Level, str] | None


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


class BatchBuilder:
    """Turns the items drawn for one micro-batch into tensors (runs inside loader workers)."""

    def __init__(self, image: ImageConfig, hierarchy: HierarchyConfig, context: ContextPlan,
                 tokenizer: Callable[[list[str]], torch.Tensor], seed: int, train: bool = True) -> None:
        self.image, self.hierarchy, self.context = image, hierarchy, context
        self.tokenizer, self.seed, self.train = tokenizer, seed, train
        self.skips = SkipLog(log)

    def _choose(self, nodes: Sequence[Node], micro: int, key: str) -> list[Node]:
        if len(nodes) <= self.hierarchy.max_children:
            return list(nodes)
        picked = _rng(self.seed, micro, key, "children").sample(range(len(nodes)), self.hierarchy.max_children)
        return [nodes[i] for i in sorted(picked)]

    def entries(self, items: dict[Level, list[Item]], micro: int) -> list[_Entry]:
        entries: dict[tuple[Level, str], _Entry] = {}

        def add(node: Node, figure: RawFigure, level: Level, primary: bool, parent: Node | None) -> None:
            ident = (level, node.key)
            parent_key = (Level(level - 1), parent.key) if parent is not None else None
            if ident in entries:
                entries[ident].primary |= primary
            else:
                entries[ident] = _Entry(node, figure, level, primary, parent_key)

        for level, level_items in items.items():
            for item in level_items:
                node, parent = item.node, (item.chain[-2] if len(item.chain) > 1 else None)
                add(node, item.figure, level, True, parent)
                if level is Level.FIGURE and self.context.figure_panels:
                    if len(node.children) >= self.hierarchy.min_panels:
                        for panel in self._choose(node.children, micro, node.key):
                            add(panel, item.figure, Level.PANEL, False, node)
                elif level is Level.PANEL and self.context.panel_regions:
                    if len(node.children) >= self.hierarchy.min_regions:
                        for region in self._choose(node.children, micro, node.key):
                            add(region, item.figure, Level.REGION, False, node)
                elif level is Level.REGION and self.context.region_parents and parent is not None:
                    add(parent, item.figure, Level.PANEL, False, item.chain[0])
        # primary items first, in draw order; context after
        ordered = list(entries.values())
        return [e for e in ordered if e.primary] + [e for e in ordered if not e.primary]

    def build(self, items: dict[Level, list[Item]], micro: int) -> dict[str, Any]:
        entries = self.entries(items, micro)
        arrays: list[np.ndarray | None] = [None] * len(entries)
        geometry: list[Geometry | None] = [None] * len(entries)
        by_figure: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            by_figure.setdefault(entry.figure.key, []).append(index)
        for figure_key, indices in by_figure.items():
            figure = entries[indices[0]].figure
            try:
                decoded, scale = decode_for_boxes(figure.image, [entries[i].node.box for i in indices], self.image)
            except CropError as exn:
                self.skips.skip("image_decode", f"{figure_key}: {exn}")
                continue
            for i in indices:
                entry = entries[i]
                rng = _rng(self.seed, micro, int(entry.level), entry.node.key, "image") if self.train else None
                arrays[i], geometry[i] = render(decoded, scale, entry.node.box, self.image, rng)
        keep = [i for i, a in enumerate(arrays) if a is not None]
        entries = [entries[i] for i in keep]
        arrays = [arrays[i] for i in keep]
        geometry = [geometry[i] for i in keep]

        position = {(e.level, e.node.key): i for i, e in enumerate(entries)}
        parent = [position.get(e.parent_key, -1) if e.parent_key else -1 for e in entries]
        roi = np.full((len(entries), 4), np.nan, dtype=np.float32)
        for i, entry in enumerate(entries):
            p = parent[i]
            if entry.level is Level.REGION and p >= 0 and geometry[p] is not None:
                box = geometry[p].normalized_box(entry.node.box)
                if box is not None:
                    roi[i] = box
        texts = [_rng(self.seed, micro, e.node.key, "text").choice(e.node.texts) if self.train else e.node.texts[0]
                 for e in entries]
        size = self.image.size
        return {
            "images": torch.from_numpy(np.stack(arrays)) if arrays else torch.zeros(0, 3, size, size),
            "tokens": self.tokenizer(texts) if texts else self.tokenizer([""])[:0],
            "level": torch.tensor([int(e.level) for e in entries], dtype=torch.long),
            "primary": torch.tensor([e.primary for e in entries], dtype=torch.bool),
            "parent": torch.tensor(parent, dtype=torch.long),
            "roi_box": torch.from_numpy(roi),
            "keys": [e.node.key for e in entries],
            "micro": micro,
        }


def _take(stream: ItemStream, count: int) -> list[Item]:
    """Up to ``count`` items; stops early rather than repeat an item within a batch (tiny data)."""
    taken: list[Item] = []
    seen: set[str] = set()
    while len(taken) < count:
        key = stream.peek().node.key
        if key in seen:
            break
        seen.add(key)
        taken.append(stream.take())
    return taken


class StepDataset(IterableDataset):
    """Micro-batches ``start_micro, start_micro + 1, ... end_micro - 1`` for one rank."""

    def __init__(self, urls: Sequence[str], data: DataConfig, hierarchy: HierarchyConfig, schedule: LevelSchedule,
                 builder: BatchBuilder, *, rank: int = 0, world_size: int = 1, start_micro: int = 0,
                 end_micro: int | None = None, positions: dict[int, dict[str, dict]] | None = None) -> None:
        super().__init__()
        self.urls, self.data, self.hierarchy = list(urls), data, hierarchy
        self.schedule, self.builder = schedule, builder
        self.rank, self.world_size = rank, world_size
        self.start_micro, self.end_micro = start_micro, end_micro
        self.positions = positions or {}

    @property
    def streams_per_rank(self) -> int:
        return max(1, self.data.workers)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        info = get_worker_info()
        workers, worker = (info.num_workers, info.id) if info else (1, 0)
        if workers != self.streams_per_rank:
            raise RuntimeError(f"StepDataset expects {self.streams_per_rank} loader workers, got {workers}")
        stream_id = (worker + self.start_micro) % workers
        partition = Partition(self.rank * workers + stream_id, self.world_size * workers)
        saved = self.positions.get(stream_id, {})
        streams = {
            level: ItemStream(self.urls, level, partition, self.data, self.hierarchy,
                              StreamPosition(**saved[level.label]) if level.label in saved else None)
            for level in self.schedule.levels
        }
        micro = self.start_micro + worker
        while self.end_micro is None or micro < self.end_micro:
            counts = self.schedule.micro_counts(micro)
            items = {level: _take(streams[level], n) for level, n in counts.items()}
            batch = self.builder.build(items, micro)
            batch["stream"] = stream_id
            batch["positions"] = {level.label: s.position.to_dict() for level, s in streams.items()}
            yield batch
            micro += workers


def make_loader(dataset: StepDataset, pin_memory: bool = False) -> DataLoader:
    workers = dataset.data.workers
    return DataLoader(dataset, batch_size=None, num_workers=workers, pin_memory=pin_memory,
                      prefetch_factor=2 if workers > 0 else None, persistent_workers=False)


def probe_levels(urls: Sequence[str], data: DataConfig, hierarchy: HierarchyConfig) -> Counter:
    """Items per level among the first ``data.probe_samples`` figure samples (which levels exist)."""
    counts: Counter = Counter()
    skips = SkipLog(log)
    seen = 0
    for url in urls:
        for sample in iter_raw_samples(url):
            if excluded_from_training(article_of(sample.get("__key__", "")), data):
                continue
            figure = parse_figure(sample, hierarchy, skips)
            if figure is not None:
                counts["figures"] += 1
                counts["multi_panel_figures"] += int(figure.tree.multi_panel)
                for level in (Level.FIGURE, Level.PANEL, Level.REGION):
                    counts[level.label] += len(level_nodes(figure.tree, level, hierarchy))
            seen += 1
            if seen >= data.probe_samples:
                return counts
    return counts

