"""Caps that keep one hostile or oversized package from exhausting a worker."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArchiveLimits:
    max_member_bytes: int = 512 * 1024**2  # one file inside a package
    max_total_bytes: int = 2 * 1024**3  # everything read from one package
    max_members: int = 50_000  # entries listed in one archive
    max_ratio: float = 200.0  # zip compression ratio above which a member is a bomb
