"""Open a discovered package: its member reader and which member is the article XML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from panel2patch.errors import ItemError, NoArticleXMLError
from panel2patch.images.resolve import is_image_name
from panel2patch.jats.license import code_from_text, license_group
from panel2patch.jats.safe_xml import parse_xml
from panel2patch.records import License
from panel2patch.sources.discover import ARTICLE_ROOT, XML_SUFFIXES, PackageRef
from panel2patch.sources.file_list import download_package
from panel2patch.sources.limits import ArchiveLimits
from panel2patch.sources.members import DirectoryMembers, MemberReader, TarMembers, ZipMembers
from panel2patch.sources.s3 import S3Members

_NOT_ARTICLE_NAMES = {"manifest.xml", "transfer.xml", "mimetype", "directives.xml"}


@dataclass
class OpenedPackage:
    ref: PackageRef
    members: MemberReader
    xml_name: str
    format: str  # "pmc_tar" | "pmc_tar_remote" | "zip" | "meca" | "folder" | "xml" | "pmc_s3"
    license_hint: License | None = None  # from the source's own metadata (PMC Cloud Service JSON)

    def read_xml(self) -> bytes:
        return self.members.read(self.xml_name)


def _wanted_in_tar(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(XML_SUFFIXES) or is_image_name(lower)


def open_package(
    ref: PackageRef, limits: ArchiveLimits = ArchiveLimits(), download_dir: Path | None = None
) -> OpenedPackage:
    """Raise an ``ItemError`` subclass (unsafe, corrupt, too large, no XML, download failed)."""
    if ref.kind == "remote_tar":
        if download_dir is None:
            raise ValueError("a remote package needs a download folder")
        local = download_package(ref.path, download_dir)
        members: MemberReader = TarMembers(local, keep=_wanted_in_tar, limits=limits)
        return OpenedPackage(ref, members, _find_article_xml(members, ref.name), "pmc_tar_remote")
    path = Path(ref.path) if ref.kind != "s3" else Path()
    if ref.kind == "tar":
        members = TarMembers(path, keep=_wanted_in_tar, limits=limits)
        return OpenedPackage(ref, members, _find_article_xml(members, ref.name), "pmc_tar")
    if ref.kind == "zip":
        members = ZipMembers(path, limits=limits)
        meca_xml = _meca_article(members)
        if meca_xml:
            return OpenedPackage(ref, members, meca_xml, "meca")
        return OpenedPackage(ref, members, _find_article_xml(members, ref.name), "zip")
    if ref.kind == "folder":
        members = DirectoryMembers(path, limits=limits)
        return OpenedPackage(ref, members, _find_article_xml(members, ref.name), "folder")
    if ref.kind == "xml":
        members = DirectoryMembers(path.parent, limits=limits, recursive=False)
        return OpenedPackage(ref, members, path.name, "xml")
    if ref.kind == "s3":
        s3 = S3Members(ref.path)
        code = s3.metadata().get("license_code")
        hint = License(code=code_from_text(code), statement=code, group=license_group(code_from_text(code))) if code else None
        return OpenedPackage(ref, s3, s3.article_xml_name(), "pmc_s3", hint)
    raise ValueError(f"unknown package kind {ref.kind!r}")


def _head_is_article(members: MemberReader, name: str) -> bool:
    return bool(ARTICLE_ROOT.search(members.read(name)[:8192]))


def _find_article_xml(members: MemberReader, package_name: str) -> str:
    candidates = [
        n
        for n in members.names()
        if n.lower().endswith(XML_SUFFIXES) and PurePosixPath(n).name.lower() not in _NOT_ARTICLE_NAMES
    ]
    articles = [n for n in candidates if _head_is_article(members, n)]
    if not articles:
        raise NoArticleXMLError(f"no JATS <article> XML among {len(candidates)} XML member(s)")

    def preference(name: str) -> tuple[int, int, str]:
        stem = PurePosixPath(name).name.lower().split(".")[0]
        return (not name.lower().endswith(".nxml"), stem != package_name.lower(), name)

    return min(articles, key=preference)


def _meca_article(members: MemberReader) -> str | None:
    """The article XML named by a MECA ``manifest.xml`` (item type "article"), if any."""
    names = members.names()
    if "manifest.xml" not in names:
        return None
    try:
        root = parse_xml(members.read("manifest.xml"), root_name="manifest")
    except ItemError:
        return None
    for item in root.iter("{*}item"):
        if (item.get("type") or item.get("item-type") or "").lower() != "article":
            continue
        for instance in item.iter("{*}instance"):
            href = instance.get("href") or instance.get("{http://www.w3.org/1999/xlink}href") or ""
            if instance.get("media-type", "").endswith("xml") or href.lower().endswith(".xml"):
                if href in names:
                    return href
    return None
