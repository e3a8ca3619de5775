"""Match a ``<graphic xlink:href>`` to the file that holds the figure.

Href styles met in real packages: PMC (no extension: ``pone.0002804.g001`` matches
``.jpg`` and a ``.gif`` thumbnail), rewritten names (``fig1.jpg``), eLife deposits
(``elife-19405-fig1`` -> ``.tif``), PLOS DOI URIs
(``info:doi/10.1371/journal.pone.0056489.g001`` -> ``pone.0056489.g001.tif`` and
``.PNG_L/M/S/I`` derivatives) and MECA (``content/...``). Several files can match one
href; the caller keeps the one with the most pixels, so the full-size file wins over
thumbnails and derivatives.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

IMAGE_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".webp",
    ".png_l", ".png_m", ".png_s", ".png_i",  # PLOS ingest derivatives
)


def _strip_image_suffix(name: str) -> str:
    for suffix in IMAGE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def href_basename(href: str) -> str:
    """Last path component of an href, URI schemes and folders removed, lowercased."""
    value = href.strip().replace("\\", "/")
    value = value.rsplit("/", 1)[-1]
    if ":" in value:  # "info:doi:..." variants without a slash
        value = value.rsplit(":", 1)[-1]
    return value.lower()


def original_rank(name: str) -> int:
    """Higher for files more likely to be the author's original: ties in pixel count go to it."""
    lower = name.lower()
    if lower.endswith((".tif", ".tiff")):
        return 3
    if lower.endswith((".png", ".jpg", ".jpeg", ".bmp", ".webp")):
        return 2
    if lower.endswith(".gif"):
        return 0  # PMC thumbnails
    return 1  # PLOS .PNG_L/M/S/I derivatives


def image_stem(name: str) -> str:
    """``"content/Fig1.PNG_L"`` -> ``"fig1"``: lowercased file name without folder or image suffix."""
    return _strip_image_suffix(posixpath.basename(name).lower())


def is_image_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def resolve_graphic(href: str, names: Iterable[str]) -> list[str]:
    """Package members that can hold the image of ``href``, best match tier only.

    Returns [] when nothing matches. Order within the tier is the member order.
    """
    base = href_basename(href)
    if not base:
        return []
    stem = _strip_image_suffix(base)
    tiers: dict[int, list[str]] = {}
    for name in names:
        if not is_image_name(name):
            continue
        member = posixpath.basename(name).lower()
        member_stem = image_stem(name)
        if member == base:
            tier = 0
        elif member_stem in (base, stem):
            tier = 1
        elif base.endswith("." + member_stem) or stem.endswith("." + member_stem) or member_stem.endswith("." + stem):
            tier = 2
        else:
            continue
        tiers.setdefault(tier, []).append(name)
    return tiers[min(tiers)] if tiers else []
