"""Exact and near-duplicate images across a whole run.

Exact: SHA-256 of the decoded pixels (so two JPEG encodings of one bitmap agree only when their
pixels do; the same figure packaged twice does). Near: a 64-bit DCT perceptual hash (pHash,
as in ``imagehash.phash``) within a Hamming threshold, confirmed by a finer 256-bit pHash and a
similar aspect ratio. The confirmation matters on figures: plots drawn from one template (same
axes, legend and layout, other data) sit 2-4 bits apart in the 64-bit hash, as close as a
re-encoded copy, but 28+ bits apart in the 256-bit one, where a JPEG q50 or half-size copy
stays within ~10. Lookup is a multi-index hash: the 64 bits are cut into
``threshold + 1`` bands, and two hashes within ``threshold`` bits agree exactly on at least one
band (pigeonhole), so only those buckets are compared, never the whole run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

HASH_BITS = 64


@dataclass(frozen=True)
class DedupConfig:
    phash_threshold: int = 4  # max Hamming distance of pHashes for a near duplicate
    fine_threshold: int = 18  # max Hamming distance of the 256-bit pHashes that confirm it
    max_aspect_change: float = 0.1  # and relative difference of width/height

    def __post_init__(self) -> None:
        if not 0 <= self.phash_threshold < 16:
            raise ValueError("phash_threshold must be in 0..15")


@dataclass(frozen=True)
class ImageHashes:
    sha256: str  # of the RGB pixels and the size
    phash: int  # 64 bits: the lookup key
    phash_fine: int  # 256 bits: the confirmation
    width: int
    height: int


@dataclass(frozen=True)
class DuplicateMatch:
    kept: str  # key of the sample kept in its place
    exact: bool
    distance: int  # pHash Hamming distance (0 for exact)


@lru_cache(maxsize=4)
def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    return np.cos(np.pi * (2 * x + 1) * k / (2 * n))


def _bits_to_int(bits: np.ndarray) -> int:
    return int("".join("1" if b else "0" for b in bits.ravel()), 2)


def phash(image: Image.Image, hash_size: int = 8, highfreq_factor: int = 4) -> int:
    """DCT perceptual hash: low frequencies of a 32x32 grey thumbnail against their median."""
    side = hash_size * highfreq_factor
    grey = np.asarray(image.convert("L").resize((side, side), Image.Resampling.LANCZOS), dtype=np.float64)
    matrix = _dct_matrix(side)
    low = (matrix @ grey @ matrix.T)[:hash_size, :hash_size]
    return _bits_to_int(low > np.median(low))


def image_hashes(image: Image.Image) -> ImageHashes:
    rgb = image.convert("RGB")
    digest = hashlib.sha256(f"{rgb.width}x{rgb.height}:".encode())
    digest.update(rgb.tobytes())
    return ImageHashes(digest.hexdigest(), phash(rgb), phash(rgb, hash_size=16), rgb.width, rgb.height)


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def _bands(value: int, n_bands: int) -> list[tuple[int, int]]:
    """(band index, band bits) for ``n_bands`` near-equal slices of a 64-bit value."""
    edges = [round(i * HASH_BITS / n_bands) for i in range(n_bands + 1)]
    return [(i, (value >> edges[i]) & ((1 << (edges[i + 1] - edges[i])) - 1)) for i in range(n_bands)]


class DuplicateIndex:
    """Samples seen so far; ``check_and_add`` says whether a new one duplicates a kept one.

    Order decides which copy is kept: the first one offered (callers offer in sorted run order).
    """

    def __init__(self, config: DedupConfig = DedupConfig()) -> None:
        self.config = config
        self._n_bands = config.phash_threshold + 1
        self._exact: dict[str, str] = {}
        self._entries: list[tuple[str, ImageHashes]] = []
        self._buckets: dict[tuple[int, int], list[int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, hashes: ImageHashes) -> DuplicateMatch | None:
        kept = self._exact.get(hashes.sha256)
        if kept is not None:
            return DuplicateMatch(kept, True, 0)
        seen: set[int] = set()
        best: tuple[int, int] | None = None  # (distance, entry index)
        for band in _bands(hashes.phash, self._n_bands):
            for index in self._buckets.get(band, ()):
                if index in seen:
                    continue
                seen.add(index)
                distance = self._near(hashes, self._entries[index][1])
                if distance is not None and (best is None or (distance, index) < best):
                    best = (distance, index)
        return None if best is None else DuplicateMatch(self._entries[best[1]][0], False, best[0])

    def add(self, key: str, hashes: ImageHashes) -> None:
        self._exact.setdefault(hashes.sha256, key)
        index = len(self._entries)
        self._entries.append((key, hashes))
        for band in _bands(hashes.phash, self._n_bands):
            self._buckets.setdefault(band, []).append(index)

    def check_and_add(self, key: str, hashes: ImageHashes) -> DuplicateMatch | None:
        """The kept sample this one duplicates, or None (and then it is kept and indexed)."""
        match = self.find(hashes)
        if match is None:
            self.add(key, hashes)
        return match

    def _near(self, a: ImageHashes, b: ImageHashes) -> int | None:
        distance = hamming(a.phash, b.phash)
        if distance > self.config.phash_threshold or hamming(a.phash_fine, b.phash_fine) > self.config.fine_threshold:
            return None
        ratio_a, ratio_b = a.width / max(1, a.height), b.width / max(1, b.height)
        if abs(ratio_a - ratio_b) > self.config.max_aspect_change * max(ratio_a, ratio_b):
            return None
        return distance
