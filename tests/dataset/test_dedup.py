"""Perceptual hashes and the duplicate index: copies are caught, look-alike plots are not."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

from panel2patch.dataset.dedup import DedupConfig, DuplicateIndex, hamming, image_hashes, phash
from tests.dataset.runs import PACKAGE


def _photo() -> Image.Image:
    return Image.open(PACKAGE / "pone.0002804.g001.jpg").convert("RGB")


def _reencode(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _bar_plot(heights: list[int]) -> Image.Image:
    """A bar chart drawn from one template: same axes and frame, other data."""
    image = Image.new("RGB", (320, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(40, 10), (40, 210), (310, 210)], fill="black", width=2)
    for i, h in enumerate(heights):
        draw.rectangle([60 + i * 50, 210 - h, 90 + i * 50, 210], fill=(40, 90, 160))
    return image


def test_phash_is_stable_under_reencoding_and_resizing() -> None:
    image = _photo()
    base = image_hashes(image)
    for copy in (_reencode(image, 50), image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)):
        other = image_hashes(copy)
        assert other.sha256 != base.sha256
        assert hamming(base.phash, other.phash) <= DedupConfig().phash_threshold
        assert hamming(base.phash_fine, other.phash_fine) <= DedupConfig().fine_threshold
    assert phash(image) == phash(image.copy())


def test_index_keeps_the_first_copy_and_names_it() -> None:
    index = DuplicateIndex()
    image = _photo()
    assert index.check_and_add("a", image_hashes(image)) is None
    exact = index.check_and_add("b", image_hashes(image.copy()))
    assert exact is not None and exact.exact and exact.kept == "a"
    near = index.check_and_add("c", image_hashes(_reencode(image, 60)))
    assert near is not None and not near.exact and near.kept == "a"
    assert index.check_and_add("d", image_hashes(image.rotate(90, expand=True))) is None
    assert len(index) == 2


def test_template_plots_with_other_data_are_not_duplicates() -> None:
    index = DuplicateIndex()
    assert index.check_and_add("p1", image_hashes(_bar_plot([150, 80, 120, 60, 170]))) is None
    assert index.check_and_add("p2", image_hashes(_bar_plot([60, 170, 90, 140, 30]))) is None


def test_aspect_ratio_guard() -> None:
    flat = Image.fromarray(np.tile(np.linspace(0, 255, 400, dtype=np.uint8), (100, 1))).convert("RGB")
    index = DuplicateIndex(DedupConfig(phash_threshold=8, fine_threshold=64))
    assert index.check_and_add("wide", image_hashes(flat)) is None
    assert index.check_and_add("square", image_hashes(flat.resize((200, 200)))) is None
