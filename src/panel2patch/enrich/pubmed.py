"""PubMed enrichment through NCBI E-utilities (what BIOMEDICA adds via Entrez): MeSH terms,
the abstract when the article XML has none, and reference PMIDs.

NCBI's rules are followed: efetch in batches of at most 200 ids, at most 3 requests/s without
an API key and 10 with one (a per-host rate on the shared ``Fetcher``, so every thread that
uses that fetcher counts), ``tool`` and ``email`` sent with every request. Records are mapped
back by the PMID each one carries, never by position: efetch may reorder, merge or drop ids.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from panel2patch.enrich.cache import PubMedCache
from panel2patch.enrich.pubmed_xml import PubMedRecord, parse_pubmed_xml
from panel2patch.errors import DownloadError, ForbiddenXMLError, XMLError
from panel2patch.net import FetchPolicy, Fetcher
from panel2patch.records import ArticleMeta

log = logging.getLogger(__name__)

MAX_BATCH = 200  # NCBI: use POST / history beyond this; 200 per GET is the documented norm


@dataclass(frozen=True)
class EntrezConfig:
    """Where and how to ask E-utilities. ``email`` lets NCBI contact you before blocking you."""

    base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    api_key: str | None = None
    tool: str = "panel2patch"
    email: str | None = None
    batch_size: int = MAX_BATCH
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be within 1..{MAX_BATCH}, got {self.batch_size}")

    @property
    def requests_per_second(self) -> float:
        return 10.0 if self.api_key else 3.0

    @property
    def efetch_url(self) -> str:
        return urljoin(self.base_url if self.base_url.endswith("/") else self.base_url + "/", "efetch.fcgi")


def clean_pmids(pmids: Iterable[str | int]) -> list[str]:
    """Strip, keep numeric ids only (no 0), drop duplicates; first-seen order."""
    seen: dict[str, None] = {}
    for value in pmids:
        pmid = str(value).strip()
        if pmid.isdigit() and pmid.isascii() and int(pmid) > 0:
            seen.setdefault(str(int(pmid)), None)
    return list(seen)


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PubMedClient:
    """Fetch PubMed records by PMID, from the disk cache first, then efetch.

    ``failed`` maps each PMID of a batch that could not be fetched or parsed during the last
    ``fetch`` call to the reason; those PMIDs are not cached and are asked again next time.
    """

    def __init__(self, config: EntrezConfig | None = None, fetcher: Fetcher | None = None) -> None:
        self.config = config or EntrezConfig()
        self.fetcher = fetcher or Fetcher(FetchPolicy(max_concurrency=4))
        self.fetcher.set_host_rate(self.config.efetch_url, self.config.requests_per_second)
        self.cache = PubMedCache(self.config.cache_dir) if self.config.cache_dir else None
        self.failed: dict[str, str] = {}

    def fetch(self, pmids: Iterable[str | int]) -> dict[str, PubMedRecord]:
        """Records of the PMIDs PubMed has; unknown PMIDs and failed batches are simply absent."""
        self.failed = {}
        found: dict[str, PubMedRecord] = {}
        to_ask: list[str] = []
        for pmid in clean_pmids(pmids):
            cached, record = self.cache.lookup(pmid) if self.cache else (False, None)
            if not cached:
                to_ask.append(pmid)
            elif record is not None:
                found[pmid] = record
        batches = list(_batches(to_ask, self.config.batch_size))
        if not batches:
            return found
        # a few batches in flight hide efetch latency; the host rate still caps requests/s
        workers = min(len(batches), self.fetcher.policy.max_concurrency, 4)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="panel2patch-efetch") as pool:
            for batch, (records, error) in zip(batches, pool.map(self._fetch_batch, batches), strict=True):
                if error is not None:
                    log.warning("efetch of %d PMIDs (%s..%s) failed: %s", len(batch), batch[0], batch[-1], error)
                    self.failed.update(dict.fromkeys(batch, error))
                found.update(records)
        return found

    def _params(self, batch: list[str]) -> dict[str, str]:
        params = {"db": "pubmed", "id": ",".join(batch), "retmode": "xml", "tool": self.config.tool}
        if self.config.email:
            params["email"] = self.config.email
        if self.config.api_key:
            params["api_key"] = self.config.api_key
        return params

    def _fetch_batch(self, batch: list[str]) -> tuple[dict[str, PubMedRecord], str | None]:
        try:
            body = self.fetcher.get_bytes(self.config.efetch_url, self._params(batch))
            records = parse_pubmed_xml(body)
        except (DownloadError, XMLError, ForbiddenXMLError) as error:
            return {}, f"{error.status}: {error}"
        asked = set(batch)
        by_pmid = {record.pmid: record for record in records if record.pmid in asked}
        if self.cache is not None:
            for pmid in batch:
                if pmid in by_pmid:
                    self.cache.store(by_pmid[pmid])
                else:
                    self.cache.store_missing(pmid)
        return by_pmid, None


def apply_pubmed(meta: ArticleMeta, record: PubMedRecord) -> ArticleMeta:
    """A copy of ``meta`` enriched from PubMed: MeSH terms filled, the abstract only when the
    article XML had none, reference PMIDs as the union (the article XML's first)."""
    if meta.pmid and meta.pmid.strip() != record.pmid:
        raise ValueError(f"PubMed record {record.pmid} does not belong to article PMID {meta.pmid}")
    references = list(dict.fromkeys([*meta.reference_pmids, *record.reference_pmids]))
    return dataclasses.replace(
        meta,
        mesh_terms=list(record.mesh_terms) or list(meta.mesh_terms),
        abstract=meta.abstract if meta.abstract.strip() else record.abstract,
        reference_pmids=references,
    )
