"""Find every article package under a path, in a stable sorted order.

Package styles: PMC ``.tar.gz`` packages, loose folders with one ``.nxml``/``.xml`` and
its images, folders of many XML files (each its own article), publisher zips (eLife,
PLOS ingest) and MECA zips. Discovery only looks at names and the first bytes of XML
files; archives are opened later, inside the worker.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".meca.zip", ".meca", ".zip")
XML_SUFFIXES = (".nxml", ".xml")
ARTICLE_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?article[\s>/]")
_PMCID = re.compile(r"PMC\d+", re.IGNORECASE)


@dataclass(frozen=True)
class PackageRef:
    """Where one article package lives. Picklable, so it can travel to any worker."""

    path: str  # archive file, package folder, or XML file
    kind: str  # "tar" | "zip" | "folder" | "xml"
    name: str  # stem used for de-duplication and display
    duplicate_of: str | None = None

    @property
    def pmcid_hint(self) -> str | None:
        """A PMCID readable from the package name, if any (``PMC3003633.tar.gz``)."""
        match = _PMCID.fullmatch(self.name)
        return match.group(0).upper() if match else None


def package_stem(path: Path) -> str:
    name = path.name
    for suffix in ARCHIVE_SUFFIXES + (".jats.xml",) + XML_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def looks_like_article_xml(path: Path, head_bytes: int = 8192) -> bool:
    """True when the file's root element is a JATS ``<article>`` (read from its head)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(head_bytes)
    except OSError:
        return False
    return bool(ARTICLE_ROOT.search(head))


def _is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _classify_file(path: Path) -> PackageRef | None:
    if _is_archive(path):
        kind = "zip" if path.name.lower().endswith((".zip", ".meca")) else "tar"
        return PackageRef(str(path), kind, package_stem(path))
    if path.name.lower().endswith(XML_SUFFIXES) and looks_like_article_xml(path):
        return PackageRef(str(path), "xml", package_stem(path))
    return None


def _walk(folder: Path) -> Iterator[PackageRef]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    files = [Path(e.path) for e in entries if e.is_file(follow_symlinks=False)]
    dirs = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
    articles = [
        f for f in files if f.name.lower().endswith(XML_SUFFIXES) and looks_like_article_xml(f)
    ]
    if len(articles) == 1:
        # A loose package: the folder (with its subfolders) holds one article's files.
        yield PackageRef(str(folder), "folder", folder.name)
    else:
        for xml in articles:
            yield PackageRef(str(xml), "xml", package_stem(xml))
    for archive in (f for f in files if _is_archive(f)):
        ref = _classify_file(archive)
        if ref is not None:
            yield ref
    if len(articles) != 1:
        for sub in dirs:
            if not sub.name.startswith("."):
                yield from _walk(sub)


def discover_packages(root: Path) -> list[PackageRef]:
    """All packages under ``root`` in sorted order; later copies of a stem are marked duplicates."""
    root = Path(root)
    if root.is_file():
        ref = _classify_file(root)
        found = [ref] if ref else []
    else:
        found = list(_walk(root))
    seen: dict[str, str] = {}
    marked: list[PackageRef] = []
    for ref in found:
        key = ref.name.lower()
        if key in seen:
            marked.append(replace(ref, duplicate_of=seen[key]))
        else:
            seen[key] = ref.path
            marked.append(ref)
    return marked
