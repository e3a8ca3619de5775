"""Small typed configuration objects. Only the CLI turns argv into these."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from panel2patch.enrich.pubmed import EntrezConfig
from panel2patch.images.decode import ImageConfig
from panel2patch.sources.limits import ArchiveLimits

LICENSE_GROUPS = ("commercial", "noncommercial", "other")


@dataclass(frozen=True)
class Selection:
    """Which articles to keep. PMCIDs are ``PMC<digits>``, optionally with a version (``PMC123.2``)."""

    pmcids: frozenset[str] | None = None
    license_groups: tuple[str, ...] | None = None  # subset of LICENSE_GROUPS
    limit: int | None = None  # at most this many packages, in sorted order

    @property
    def base_pmcids(self) -> frozenset[str] | None:
        """The PMCIDs without their versions."""
        return None if self.pmcids is None else frozenset(p.split(".")[0] for p in self.pmcids)

    def reason_to_skip(self, pmcid: str | None, license_group: str, check_pmcid: bool = True) -> str | None:
        wanted = self.base_pmcids
        if check_pmcid and wanted is not None and (pmcid or "").upper() not in wanted:
            return f"PMCID {pmcid or '(none)'} not in the --pmcids list"
        if self.license_groups is not None and license_group not in self.license_groups:
            return f"license group {license_group!r} not selected"
        return None


@dataclass(frozen=True)
class ExtractConfig:
    """Everything that changes the bytes of a shard."""

    image: ImageConfig = field(default_factory=ImageConfig)
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    selection: Selection = field(default_factory=Selection)
    include_full_text: bool = True
    include_tables: bool = True  # <table-wrap> images become samples too (BIOMEDICA keeps them)
    download_dir: str | None = None  # where remote packages land until their shard is committed
    pubmed: EntrezConfig | None = None  # PubMed enrichment (MeSH, abstract, references); off when None
    layout_backend: str | None = "classical"  # panel splitting + label OCR; None skips the panel level
    concepts: bool = True  # panel kinds and BIOMEDICA concepts from pixels + text
    markers: bool = True  # arrows, arrowheads, asterisks, boxes -> regions with caption phrases

    def to_json(self) -> dict:
        """JSON-ready; secrets (the NCBI API key) are masked, so they never reach disk."""
        data = asdict(self)
        pmcids = data["selection"]["pmcids"]
        data["selection"]["pmcids"] = sorted(pmcids) if pmcids is not None else None
        if data["pubmed"] is not None:
            data["pubmed"]["api_key"] = "***" if data["pubmed"]["api_key"] else None
            data["pubmed"]["cache_dir"] = str(data["pubmed"]["cache_dir"]) if data["pubmed"]["cache_dir"] else None
        return data

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class RunConfig:
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    shard_size: int = 100  # packages per shard
    workers: int = 1
    executor: str = "local"
    max_retries: int = 2  # whole-shard retries after a crash
    package_base_url: str | None = None  # where an oa_file_list's File paths live (legacy mirrors)
