"""A loopback E-utilities efetch server answering from a saved real efetch response.

It returns the requested records that it has in REVERSE order of the request, never returns
``WITHHELD`` (as if PubMed had no record for it), answers 500 to any batch holding a
``POISON`` id, and an E-utilities error document to any batch holding ``ERROR_DOC``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from lxml import etree

from panel2patch.net import FetchPolicy, Fetcher
from tests.net.servers import LocalHTTPServer, query, send

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed" / "efetch_sample.xml"
FIXTURE_PMIDS = ["29768149", "31129916", "29892698", "401505", "399617"]
WITHHELD = "399617"
POISON = "13"
ERROR_DOC = "17"
EFETCH_PATH = "/entrez/eutils/efetch.fcgi"

FAST = FetchPolicy(max_concurrency=4, retries=1, backoff_base=0.01, backoff_max=0.05, timeout=5.0)


def _records(xml: bytes) -> tuple[bytes, dict[str, bytes]]:
    header = xml[: xml.index(b"<PubmedArticleSet>")]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml, parser)
    records = {}
    for article in root.iter("PubmedArticle"):
        article.tail = None
        records[article.findtext("MedlineCitation/PMID") or ""] = etree.tostring(article, encoding="utf-8")
    return header, records


@dataclass
class EfetchServer:
    http: LocalHTTPServer
    header: bytes
    records: dict[str, bytes]
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    returned: list[list[str]] = field(default_factory=list)  # PMIDs in response order, per request

    @property
    def base_url(self) -> str:
        return self.http.url("/entrez/eutils/")

    @property
    def hits(self) -> int:
        return self.http.hits[EFETCH_PATH]

    def route(self, handler: BaseHTTPRequestHandler, hit: int) -> None:
        params = query(handler)
        self.requests.append(params)
        asked = params.get("id", [""])[0].split(",")
        if POISON in asked:
            send(handler, 500, b"Internal Server Error")
            return
        if ERROR_DOC in asked:
            send(handler, 200, b'<?xml version="1.0"?>\n<eFetchResult><ERROR>Bad id list</ERROR></eFetchResult>')
            return
        chosen = [pmid for pmid in reversed(asked) if pmid in self.records and pmid != WITHHELD]
        self.returned.append(chosen)
        articles = [self.records[pmid] + b"\n" for pmid in chosen]
        body = b"".join([self.header, b"<PubmedArticleSet>\n", *articles, b"</PubmedArticleSet>\n"])
        send(handler, 200, body, {"Content-Type": "text/xml; charset=UTF-8"})


@pytest.fixture
def efetch() -> Iterator[EfetchServer]:
    header, records = _records(FIXTURE.read_bytes())
    assert sorted(records) == sorted(FIXTURE_PMIDS)
    http = LocalHTTPServer()
    server = EfetchServer(http, header, records)
    http.routes[EFETCH_PATH] = server.route
    with http:
        yield server


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(FAST)
