"""Legacy PMC mirrors: an ``oa_file_list.csv`` and the ``.tar.gz`` packages it lists.

Columns: ``File`` (e.g. ``oa_package/1e/a1/PMC11376217.tar.gz``, a hashed path that must be
taken from the list), ``Article Citation``, ``Accession ID``, ``Last Updated (YYYY-MM-DD
HH:MM:SS)``, ``PMID``, ``License``. Selection by PMCID and license group happens on the list
itself, so nothing unwanted is downloaded. Each package is fetched by the worker that
processes it (``Fetcher``: retries, backoff, per-host rate limit, atomic resumable writes).
"""

from __future__ import annotations

import csv
import io
import posixpath
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlparse

from panel2patch.config import Selection
from panel2patch.jats.license import code_from_text, license_group
from panel2patch.net import Fetcher, FetchPolicy
from panel2patch.sources.discover import PackageRef

REQUIRED_COLUMNS = ("File", "Accession ID")


@lru_cache(maxsize=1)
def shared_fetcher() -> Fetcher:
    """One fetcher per process, so its per-host rate limit covers every download of the worker."""
    return Fetcher(FetchPolicy())


def is_file_list(source: str) -> bool:
    return urlparse(source).path.lower().endswith(".csv") or source.lower().endswith(".csv")


def _read_list(source: str) -> str:
    if "://" in source:
        return shared_fetcher().get_bytes(source).decode("utf-8-sig")
    return Path(source).read_text(encoding="utf-8-sig")


def default_base_url(source: str) -> str | None:
    """Packages live beside a remote list (``.../pub/pmc/oa_file_list.csv`` -> ``.../pub/pmc/``)."""
    if "://" not in source:
        return None
    return source.rsplit("/", 1)[0] + "/"


def discover_file_list(source: str, base_url: str | None, selection: Selection) -> list[PackageRef]:
    """One package per listed row that passes the selection, in list order."""
    base = base_url or default_base_url(source)
    if not base:
        raise ValueError(f"{source} is a local file list: give --package-base-url (where its File paths live)")
    base = base if base.endswith("/") else base + "/"
    reader = csv.DictReader(io.StringIO(_read_list(source)))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{source}: not an oa_file_list (missing column(s) {', '.join(missing)})")
    wanted = selection.base_pmcids
    refs = []
    for row in reader:
        pmcid = (row.get("Accession ID") or "").strip().upper()
        if wanted is not None and pmcid not in wanted:
            continue
        if selection.license_groups is not None:
            group = license_group(code_from_text(row.get("License") or ""))
            if group not in selection.license_groups:
                continue
        file_path = (row.get("File") or "").strip().lstrip("/")
        if not file_path or ".." in file_path.split("/"):
            continue  # an unusable row: a hostile or broken list cannot point outside the base
        name = pmcid or posixpath.basename(file_path).split(".")[0]
        refs.append(PackageRef(urljoin(base, file_path), "remote_tar", name))
    return refs


def download_package(url: str, download_dir: Path) -> Path:
    """Fetch one package into the run's download folder (kept until its shard is committed)."""
    dest = download_dir / posixpath.basename(urlparse(url).path)
    return shared_fetcher().download(url, dest)
