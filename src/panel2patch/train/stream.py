"""Endless, deterministic streams of one level's items, one stream per data partition.

Each level (figure, panel, region) has its own stream over the same shards, so a level is
iterated at its own pace (an alternating schedule visits every level's data fully, whatever their
sizes). The sequence of a stream is a pure function of (seed, level, partition, epoch): shard
order is shuffled per epoch, shards (or, when there are fewer shards than partitions, samples)
are split across partitions, and a seeded shuffle buffer mixes items. A stream's position is
``(epoch, items taken in that epoch)``, so resuming replays at most one epoch of reading and
decodes no image while doing it.

Nothing here decodes pixels: an item carries the figure's JPEG bytes and its hierarchy.
"""

from __future__ import annotations

import io
import json
import logging
import random
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from PIL import Image

from panel2patch.eval.splits import SplitRule, is_heldout
from panel2patch.train.config import DataConfig, HierarchyConfig, Level
from panel2patch.train.hierarchy import FigureTree, Node, article_of, figure_tree, level_nodes
from panel2patch.train.shards import iter_raw_samples
from panel2patch.train.skips import SkipLog

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")


class EmptyLevelError(RuntimeError):
    """A level has no item at all in the data a stream reads."""


@dataclass(frozen=True)
class RawFigure:
    key: str
    image: bytes
    tree: FigureTree


@dataclass(frozen=True)
class Item:
    figure: RawFigure
    chain: tuple[Node, ...]  # (figure,), (figure, panel) or (figure, panel, region)

    @property
    def node(self) -> Node:
        return self.chain[-1]


@dataclass(frozen=True)
class Partition:
    index: int  # rank * streams_per_rank + stream
    count: int


@dataclass
class StreamPosition:
    epoch: int = 0
    consumed: int = 0  # items taken in this epoch
    unsplit: bool = False  # this partition had no item of the level; it reads everything instead

    def to_dict(self) -> dict:
        return asdict(self)


def excluded_from_training(article: str, data: DataConfig) -> bool:
    """Held out by ``--holdout-percent``, or outside the train split of the run's ``splits.json``."""
    if is_heldout(article, data.holdout_percent):
        return True
    if data.split_fractions is None:
        return False
    return SplitRule(data.split_fractions, data.split_seed).split_of(article) != "train"


def image_bytes(sample: dict) -> bytes | None:
    for ext in IMAGE_EXTENSIONS:
        if ext in sample:
            return sample[ext]
    return None


def parse_figure(sample: dict, hierarchy: HierarchyConfig, skips: SkipLog, skipped: Counter | None = None
                 ) -> RawFigure | None:
    """A raw shard sample as a ``RawFigure``, or None (logged) when its parts are unusable."""
    key = sample.get("__key__", "?")
    data = image_bytes(sample)
    if data is None:
        skips.skip("no_image", key)
        return None
    try:
        meta = json.loads(sample["json"]) if "json" in sample else {}
        caption = sample["txt"].decode("utf-8") if "txt" in sample else ""
    except (ValueError, UnicodeDecodeError) as exn:
        skips.skip("bad_json", f"{key}: {exn}")
        return None
    if not isinstance(meta, dict):
        skips.skip("bad_json", f"{key}: not an object")
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as header:
                size = header.size
    except (OSError, ValueError, SyntaxError) as exn:
        skips.skip("bad_image_header", f"{key}: {exn}")
        return None
    return RawFigure(key, data, figure_tree(key, meta, caption, size, hierarchy, skipped))


class ItemStream:
    """The items of one level for one partition, forever (epoch after epoch)."""

    def __init__(self, urls: Sequence[str], level: Level, partition: Partition, data: DataConfig,
                 hierarchy: HierarchyConfig, position: StreamPosition | None = None) -> None:
        self.urls, self.level, self.partition = list(urls), level, partition
        self.data, self.hierarchy = data, hierarchy
        start = position or StreamPosition()
        self.epoch, self.consumed, self.unsplit = start.epoch, start.consumed, start.unsplit
        self.skips = SkipLog(log)
        self._iter: Iterator[Item] | None = None
        self._pending: Item | None = None

    @property
    def position(self) -> StreamPosition:
        return StreamPosition(self.epoch, self.consumed, self.unsplit)

    def peek(self) -> Item:
        if self._pending is None:
            self._pending = self._next()
        return self._pending

    def take(self) -> Item:
        item = self.peek()
        self._pending = None
        self.consumed += 1
        return item

    def at_epoch_start(self) -> bool:
        self.peek()
        return self.consumed == 0

    def _next(self) -> Item:
        while True:
            if self._iter is None:
                self._iter = self._epoch_items(self.epoch, self.unsplit)
                for _ in range(self.consumed):  # resume inside an epoch: replay without decoding
                    if next(self._iter, None) is None:
                        break
            item = next(self._iter, None)
            if item is not None:
                return item
            if self.consumed == 0:
                if not self.unsplit and self.partition.count > 1:
                    log.warning("partition %d/%d holds no %s item; it reads all the data for that level",
                                self.partition.index, self.partition.count, self.level.label)
                    self.unsplit, self._iter = True, None
                    continue
                raise EmptyLevelError(f"no {self.level.label} item in {len(self.urls)} shard(s)")
            self.epoch, self.consumed, self._iter = self.epoch + 1, 0, None

    def _epoch_items(self, epoch: int, unsplit: bool) -> Iterator[Item]:
        seed, level, part = self.data.seed, int(self.level), self.partition
        order = list(self.urls)
        random.Random(f"{seed}:{level}:{epoch}:shards").shuffle(order)
        split_shards = not unsplit and len(order) >= part.count
        split_samples = not unsplit and not split_shards and part.count > 1
        if split_shards:
            order = order[part.index::part.count]
        rng = random.Random(f"{seed}:{level}:{epoch}:{part.index}/{part.count}:{int(unsplit)}")
        buffer: list[Item] = []
        ordinal = -1
        for url in order:
            for sample in iter_raw_samples(url):
                ordinal += 1
                if split_samples and ordinal % part.count != part.index:
                    continue
                if excluded_from_training(article_of(sample.get("__key__", "")), self.data):
                    continue
                figure = parse_figure(sample, self.hierarchy, self.skips)
                if figure is None:
                    continue
                for chain in level_nodes(figure.tree, self.level, self.hierarchy):
                    if len(buffer) < max(1, self.data.shuffle_buffer):
                        buffer.append(Item(figure, chain))
                        continue
                    index = rng.randrange(len(buffer))
                    yield buffer[index]
                    buffer[index] = Item(figure, chain)
        rng.shuffle(buffer)
        yield from buffer
