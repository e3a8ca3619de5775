"""PubMed enrichment for a run: the driver asks E-utilities, the workers read the disk cache.

NCBI allows 3 requests/s (10 with a key) per user, not per process, so all requests go out
from the driver, through one rate-limited client, in batches of up to 200 PMIDs, before the
shards that need them run. Workers never talk to NCBI: they look records up in the cache,
so a process pool or a cluster cannot exceed the limit, and a rerun asks for nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from panel2patch.config import ExtractConfig
from panel2patch.enrich import EntrezConfig, PubMedCache, PubMedClient, PubMedRecord
from panel2patch.errors import ItemError
from panel2patch.jats import parse_article
from panel2patch.sources.discover import PackageRef
from panel2patch.sources.packages import open_package

PubMedLookup = Callable[[str], PubMedRecord | None]


def article_pmid(ref: PackageRef, config: ExtractConfig) -> str | None:
    """The PMID in the package's article XML, or None (no PMID, or a package that fails to open)."""
    if ref.duplicate_of:
        return None
    try:
        download_dir = Path(config.download_dir) if config.download_dir else None
        package = open_package(ref, config.limits, download_dir)
        return parse_article(package.read_xml()).meta.pmid
    except ItemError:
        return None  # the shard's own pass records the status


def prefetch_pubmed(refs: Iterable[PackageRef], config: EntrezConfig, extract: ExtractConfig) -> dict[str, Any]:
    """Read the PMIDs of ``refs`` (an XML-only pass) and fill the cache. Runs in the driver."""
    pmids = [pmid for pmid in (article_pmid(ref, extract) for ref in refs) if pmid]
    client = PubMedClient(config)
    found = client.fetch(pmids) if pmids else {}
    return {"pmids": len(set(pmids)), "found": len(found), "failed": dict(client.failed)}


def cached_lookup(config: EntrezConfig | None) -> PubMedLookup | None:
    """A worker's view: records from the cache only; None when enrichment is off."""
    if config is None or config.cache_dir is None:
        return None
    cache = PubMedCache(Path(config.cache_dir))

    def lookup(pmid: str) -> PubMedRecord | None:
        return cache.lookup(pmid)[1]

    return lookup
