"""Pick the source by the form of its location: a local path, ``s3://`` (PMC Cloud Service),
or an ``oa_file_list.csv`` (local or URL) whose packages are fetched over HTTPS/FTP."""

from __future__ import annotations

from pathlib import Path

from panel2patch.config import Selection
from panel2patch.sources.discover import PackageRef, discover_packages


def is_remote(source: str) -> bool:
    return "://" in source


def discover_source(source: str, selection: Selection, package_base_url: str | None = None) -> list[PackageRef]:
    """Every package of ``source``, name-level selection applied, in a stable order."""
    from panel2patch.sources.file_list import discover_file_list, is_file_list

    if is_file_list(source):
        refs = discover_file_list(source, package_base_url, selection)
    elif source.startswith("s3://"):
        from panel2patch.sources.s3 import discover_s3

        refs = discover_s3(source, sorted(selection.pmcids) if selection.pmcids is not None else None)
    elif is_remote(source):
        raise ValueError(
            f"unsupported source {source!r}: use a local path, s3://bucket[/prefix], or an oa_file_list .csv"
        )
    else:
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"source {source!r} does not exist")
        refs = discover_packages(path)
    wanted = selection.base_pmcids
    if wanted is not None:
        refs = [r for r in refs if r.pmcid_hint is None or r.pmcid_hint in wanted]
    if selection.limit is not None:
        refs = refs[: selection.limit]
    return refs
