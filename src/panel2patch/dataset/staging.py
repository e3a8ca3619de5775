"""Export phase 1, one run shard per task: filter, crop, hash, and stage the surviving samples.

Runs in a worker process (a plain picklable function of a ``StageTask``). Each figure is decoded
once; its surviving crops are encoded and written to a staging tar, and only small records
(keys, hashes, concepts) go back to the parent, which decides duplicates and caps across the
whole run before anything reaches the final shards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from panel2patch.dataset.candidates import Candidate, Level, figure_candidates
from panel2patch.dataset.dedup import ImageHashes, image_hashes
from panel2patch.dataset.filters import DropReason, FilterConfig, SampleFilter, build_filters, clip_box, first_drop
from panel2patch.dataset.flat_json import flat_sample_json
from panel2patch.dataset.run_reader import iter_shard
from panel2patch.dataset.subsets import ConceptFilter, KindFilter
from panel2patch.errors import ItemError
from panel2patch.images import ImageConfig, open_image
from panel2patch.images.decode import encode_jpeg

if TYPE_CHECKING:  # webdataset imports torch when it is installed (~1.6 s): only on first use
    import webdataset as wds


@dataclass(frozen=True)
class StageTask:
    run_shard: Path
    staging_tar: Path
    levels: tuple[Level, ...]
    filters: FilterConfig
    drop_concepts: tuple[str, ...]
    drop_kinds: tuple[str, ...]
    hash_images: bool
    jpeg_quality: int


@dataclass(frozen=True)
class Staged:
    """A sample that passed every per-sample filter and sits in the staging tar."""

    key: str
    level: Level
    parent: str | None
    license_group: str
    concept: str | None
    hashes: ImageHashes | None


@dataclass(frozen=True)
class Dropped:
    key: str
    level: Level
    parent: str | None
    concept: str | None
    reason: DropReason
    detail: str | None = None


@dataclass
class StageResult:
    run_shard: str
    staged: list[Staged]
    dropped: list[Dropped]


def stage_shard(task: StageTask) -> StageResult:
    filters: list[SampleFilter] = [*build_filters(task.filters), ConceptFilter(task.drop_concepts), KindFilter(task.drop_kinds)]
    result = StageResult(task.run_shard.name, [], [])
    task.staging_tar.parent.mkdir(parents=True, exist_ok=True)
    import webdataset as wds

    with wds.TarWriter(str(task.staging_tar), encoder=False, mtime=0.0, user="", group="", mode=0o444) as tar:
        for sample in iter_shard(task.run_shard, with_images=True):
            survivors = []
            for candidate in figure_candidates(sample.key, sample.caption, sample.meta, task.levels):
                verdict = first_drop(candidate, filters)
                if verdict.keep:
                    survivors.append(candidate)
                else:
                    result.dropped.append(_dropped(candidate, verdict.reason or DropReason.BAD_BOX, verdict.detail))
            if not survivors:
                continue
            try:
                image = open_image(sample.jpeg or b"", ImageConfig(min_side=0))
            except ItemError as exc:
                result.dropped += [_dropped(c, DropReason.IMAGE_ERROR, str(exc)) for c in survivors]
                continue
            for candidate in survivors:
                _stage_one(candidate, image, sample.jpeg or b"", sample.meta, task, tar, result)
    return result


def _stage_one(
    candidate: Candidate,
    image: Image.Image,
    figure_jpeg: bytes,
    meta: dict,
    task: StageTask,
    tar: wds.TarWriter,
    result: StageResult,
) -> None:
    box = clip_box(candidate.box, image.size)
    if box is None:  # the JSON's size disagreed with the pixels
        result.dropped.append(_dropped(candidate, DropReason.BAD_BOX, f"box {candidate.box} in a {image.size} image"))
        return
    whole = box == (0, 0, image.width, image.height)
    crop = image if whole else image.crop(box)
    hashes = image_hashes(crop) if task.hash_images else None
    jpeg = figure_jpeg if whole and candidate.level is Level.FIGURE else encode_jpeg(crop, ImageConfig(jpeg_quality=task.jpeg_quality))
    data = flat_sample_json(candidate, box, meta, task.run_shard.name, hashes)
    tar.write(
        {
            "__key__": candidate.key,
            "jpg": jpeg,
            "txt": candidate.text.encode("utf-8"),
            "json": json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        }
    )
    result.staged.append(Staged(candidate.key, candidate.level, candidate.parent, candidate.license_group, candidate.concept, hashes))


def _dropped(candidate: Candidate, reason: DropReason, detail: str | None) -> Dropped:
    return Dropped(candidate.key, candidate.level, candidate.parent, candidate.concept, reason, detail)
