"""apply_pubmed: what enrichment changes in ArticleMeta, and what it leaves alone."""

from __future__ import annotations

import pytest

from panel2patch.enrich import PubMedRecord, apply_pubmed
from panel2patch.records import ArticleMeta

RECORD = PubMedRecord(
    pmid="401505",
    title="Bacillus subtilis bacteriophage SPbeta",
    journal="Journal of bacteriology",
    abstract="The attachment site for the prophage of SPbeta lies between ilvA and kauA.",
    mesh_terms=["Bacillus subtilis", "Bacteriophages"],
    mesh_major=[True, True],
    reference_pmids=["16590310", "4215215", "819424"],
)


def test_fills_mesh_missing_abstract_and_merges_references() -> None:
    meta = ArticleMeta(pmcid="PMC234961", pmid="401505", reference_pmids=["819424", "111"])
    enriched = apply_pubmed(meta, RECORD)
    assert enriched.mesh_terms == ["Bacillus subtilis", "Bacteriophages"]
    assert enriched.abstract == RECORD.abstract
    assert enriched.reference_pmids == ["819424", "111", "16590310", "4215215"]
    assert enriched.pmcid == "PMC234961"
    assert meta.mesh_terms == [] and meta.abstract == ""  # the input is not modified
    enriched.mesh_terms.append("x")
    assert RECORD.mesh_terms == ["Bacillus subtilis", "Bacteriophages"]  # no shared lists


def test_keeps_the_article_abstract() -> None:
    meta = ArticleMeta(pmid="401505", abstract="The article's own abstract.")
    assert apply_pubmed(meta, RECORD).abstract == "The article's own abstract."
    blank = ArticleMeta(pmid="401505", abstract="   ")
    assert apply_pubmed(blank, RECORD).abstract == RECORD.abstract


def test_refuses_a_record_of_another_article() -> None:
    with pytest.raises(ValueError, match="401505"):
        apply_pubmed(ArticleMeta(pmid="29768149"), RECORD)
    assert apply_pubmed(ArticleMeta(), RECORD).mesh_terms == RECORD.mesh_terms  # no PMID: caller's mapping
