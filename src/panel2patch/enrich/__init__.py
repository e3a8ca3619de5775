"""Metadata enrichment from outside the article package (PubMed E-utilities). Off unless asked for."""

from panel2patch.enrich.cache import PubMedCache
from panel2patch.enrich.pubmed import EntrezConfig, PubMedClient, apply_pubmed, clean_pmids
from panel2patch.enrich.pubmed_xml import PubMedRecord, parse_pubmed_xml

__all__ = [
    "EntrezConfig",
    "PubMedCache",
    "PubMedClient",
    "PubMedRecord",
    "apply_pubmed",
    "clean_pmids",
    "parse_pubmed_xml",
]
