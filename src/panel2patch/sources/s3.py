"""The PMC Cloud Service: the public S3 bucket ``pmc-oa-opendata`` (anonymous, us-east-1).

Layout read here (the service's structure since August 2026):

    PMC<id>.<version>/PMC<id>.<version>.xml     the JATS article
    PMC<id>.<version>/<media file>              each figure/media file as its own object
    metadata/PMC<id>.<version>.json             license_code, is_pmc_openaccess, xml_url, media_urls, ...

Access goes through fsspec/s3fs with anonymous requests; the standard ``AWS_ENDPOINT_URL``
environment variable points the same code at any S3-compatible server. Only the XML and the
image objects the XML references are fetched; the listing of a version prefix tells which
objects exist.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from panel2patch.errors import ArchiveError, NoArticleXMLError
from panel2patch.extras import require
from panel2patch.sources.discover import PackageRef
from panel2patch.sources.members import HEAD_BYTES, SizedMembers

_VERSIONED = re.compile(r"^(PMC\d+)\.(\d+)$")
_PMCID = re.compile(r"^(PMC\d+)(?:\.(\d+))?$", re.IGNORECASE)


@lru_cache(maxsize=4)
def s3_filesystem(endpoint_url: str | None = None) -> Any:
    """An anonymous s3fs filesystem (one per process and endpoint)."""
    s3fs = require("s3fs", extra="s3", purpose="reading the PMC Cloud Service")
    client_kwargs: dict[str, str] = {"region_name": "us-east-1"}
    if endpoint_url:
        client_kwargs["endpoint_url"] = endpoint_url
    return s3fs.S3FileSystem(anon=True, client_kwargs=client_kwargs, config_kwargs={"retries": {"max_attempts": 8, "mode": "adaptive"}})


def current_filesystem() -> Any:
    return s3_filesystem(os.environ.get("AWS_ENDPOINT_URL") or None)


def split_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (``bucket``, ``some/prefix``)."""
    rest = url[len("s3://") :] if url.startswith("s3://") else url
    bucket, _, prefix = rest.partition("/")
    return bucket, prefix.strip("/")


def parse_pmcid(token: str) -> tuple[str, int | None]:
    match = _PMCID.match(token.strip())
    if not match:
        raise ValueError(f"{token!r} is not a PMCID (PMC123 or PMC123.2)")
    return match.group(1).upper(), int(match.group(2)) if match.group(2) else None


def _versions(fs: Any, root: str, pmcid: str) -> list[int]:
    """Versions of one article present under ``root`` (one LIST with the id as prefix)."""
    found = []
    for path in fs.glob(f"{root}/{pmcid}.*"):
        match = _VERSIONED.match(path.rstrip("/").rsplit("/", 1)[-1])
        if match and match.group(1) == pmcid:
            found.append(int(match.group(2)))
    return sorted(found)


def discover_s3(url: str, pmcids: Iterable[str] | None = None) -> list[PackageRef]:
    """One package per article: the given version, else the latest one in the bucket.

    Without a PMCID list the bucket's top level is listed (all article versions)."""
    fs = current_filesystem()
    bucket, prefix = split_url(url)
    root = f"{bucket}/{prefix}".rstrip("/")
    chosen: dict[str, int] = {}
    if pmcids is not None:
        for token in pmcids:
            pmcid, version = parse_pmcid(token)
            if version is None:
                versions = _versions(fs, root, pmcid)
                # not in the bucket: version 0 never exists, so the worker records it as missing
                version = versions[-1] if versions else 0
            chosen[pmcid] = max(version, chosen.get(pmcid, 0))
    else:
        for path in fs.ls(root, detail=False):
            match = _VERSIONED.match(path.rstrip("/").rsplit("/", 1)[-1])
            if match:
                pmcid, version = match.group(1), int(match.group(2))
                chosen[pmcid] = max(version, chosen.get(pmcid, 0))
    refs = [
        PackageRef(f"s3://{root}/{pmcid}.{version}/", "s3", pmcid)
        for pmcid, version in chosen.items()
    ]
    return sorted(refs, key=lambda r: (len(r.name), r.name))


class S3Members(SizedMembers):
    """The objects of one article version prefix, fetched on demand (never the whole prefix)."""

    remote = True

    def __init__(self, url: str) -> None:
        self.fs = current_filesystem()
        bucket, prefix = split_url(url)
        self.root = f"{bucket}/{prefix}"
        self.version_id = prefix.rsplit("/", 1)[-1]
        try:
            listing = self.fs.ls(self.root, detail=True)
        except FileNotFoundError as exc:
            raise NoArticleXMLError(f"no objects under {url} (article or version not in the bucket)") from exc
        except OSError as exc:
            raise ArchiveError(f"cannot list {url}: {exc}") from exc
        self._sizes = {
            entry["name"][len(self.root) + 1 :]: int(entry.get("size") or 0)
            for entry in listing
            if entry.get("type") == "file"
        }

    def read(self, name: str) -> bytes:
        try:
            return self.fs.cat_file(f"{self.root}/{self._known(name)}")
        except OSError as exc:
            raise ArchiveError(f"cannot fetch {name}: {exc}") from exc

    def read_head(self, name: str, nbytes: int = HEAD_BYTES) -> bytes:
        try:
            return self.fs.cat_file(f"{self.root}/{name}", start=0, end=min(nbytes, self._sizes[name]))
        except OSError as exc:
            raise ArchiveError(f"cannot fetch {name}: {exc}") from exc

    def article_xml_name(self) -> str:
        expected = f"{self.version_id}.xml"
        if expected in self._sizes:
            return expected
        xmls = [n for n in self.names() if n.lower().endswith((".xml", ".nxml"))]
        if not xmls:
            raise NoArticleXMLError(f"no XML object under s3://{self.root}/")
        return xmls[0]

    def metadata(self) -> dict[str, Any]:
        """``metadata/PMC<id>.<version>.json`` of the bucket, or {} when absent or unreadable."""
        bucket = self.root.split("/", 1)[0]
        try:
            return json.loads(self.fs.cat_file(f"{bucket}/metadata/{self.version_id}.json"))
        except (OSError, ValueError):
            return {}
