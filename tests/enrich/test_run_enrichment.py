"""PubMed enrichment inside a run: the driver asks efetch once per batch, samples get MeSH."""

from __future__ import annotations

from pathlib import Path

from panel2patch.enrich import EntrezConfig
from tests.enrich.conftest import WITHHELD, EfetchServer
from tests.fixtures.make_hostile import article, good_jpeg
from tests.pipeline.helpers import extract, index_rows, sample_json


def make_packages(root: Path, pmids: list[str]) -> None:
    """One loose package per PMID: a small real-format JATS article and one figure."""
    for i, pmid in enumerate(pmids):
        folder = root / f"pkg{i}"
        folder.mkdir(parents=True)
        xml = article(f"PMC80000{i:02d}", [("fig1", "A figure with a caption.")])
        xml = xml.replace(b'<article-id pub-id-type="pmc">', f'<article-id pub-id-type="pmid">{pmid}</article-id><article-id pub-id-type="pmc">'.encode())
        (folder / "article.nxml").write_bytes(xml)
        (folder / "fig1.jpg").write_bytes(good_jpeg())


def test_run_fills_mesh_and_reruns_ask_nothing(efetch: EfetchServer, tmp_path: Path) -> None:
    make_packages(tmp_path / "in", ["29768149", WITHHELD, "31129916"])
    config = EntrezConfig(base_url=efetch.base_url, email="dev@example.org", cache_dir=tmp_path / "cache")
    out = tmp_path / "run"
    summary = extract(tmp_path / "in", out, workers=2, pubmed=config)
    assert summary.failed_shards == {}
    assert efetch.hits == 1  # one batch for the whole run, sent by the driver
    assert summary.pubmed == {"pmids": 3, "found": 2, "failed": {}}
    rows = {r["pmcid"]: r for r in index_rows(out) if r["item"] == "article"}
    assert rows["PMC8000000"]["pubmed"] == "enriched" and rows["PMC8000001"]["pubmed"] == "not_found"
    meta = sample_json(out, "PMC8000000_F1")["article"]
    assert meta["pmid"] == "29768149" and meta["mesh_terms"] and meta["abstract"]
    assert sample_json(out, "PMC8000001_F1")["article"]["mesh_terms"] == []
    params = efetch.requests[0]
    assert params["tool"] == ["panel2patch"] and params["email"] == ["dev@example.org"]
    extract(tmp_path / "in", tmp_path / "run2", pubmed=config)
    assert efetch.hits == 1  # the shared cache answers the second run


def test_api_key_never_reaches_the_run_directory(efetch: EfetchServer, tmp_path: Path) -> None:
    make_packages(tmp_path / "in", ["29768149"])
    config = EntrezConfig(base_url=efetch.base_url, api_key="secret-key-123")
    out = tmp_path / "run"
    extract(tmp_path / "in", out, pubmed=config)
    assert efetch.requests[0]["api_key"] == ["secret-key-123"]
    assert "secret-key-123" not in (out / "config.json").read_text()
