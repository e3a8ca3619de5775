"""Parsing real PubMed XML (a saved efetch response) into PubMedRecord."""

from __future__ import annotations

import gzip

import pytest

from panel2patch.enrich import parse_pubmed_xml
from panel2patch.errors import ForbiddenXMLError, XMLError
from tests.enrich.conftest import FIXTURE


@pytest.fixture(scope="module")
def records() -> dict:
    return {record.pmid: record for record in parse_pubmed_xml(FIXTURE.read_bytes())}


def test_structured_abstract_keeps_labels_and_inline_markup(records: dict) -> None:
    record = records["29768149"]
    assert record.abstract.startswith(
        "BACKGROUND: In patients with mild asthma, as-needed use of an inhaled glucocorticoid "
        "plus a fast-acting β 2-agonist may be an alternative"
    )
    assert " METHODS: We conducted a 52-week" in record.abstract
    assert " CONCLUSIONS: In patients with mild asthma" in record.abstract
    assert "\n" not in record.abstract and "  " not in record.abstract


def test_mesh_terms_with_major_topic_flags(records: dict) -> None:
    record = records["29768149"]
    assert len(record.mesh_terms) == len(record.mesh_major) == 23
    assert record.mesh_terms[:3] == ["Administration, Inhalation", "Adolescent", "Adult"]
    majors = [term for term, major in zip(record.mesh_terms, record.mesh_major, strict=True) if major]
    assert majors == ["Asthma", "Bronchodilator Agents", "Budesonide", "Formoterol Fumarate", "Terbutaline"]
    # all five are major through a qualifier only, e.g. <DescriptorName MajorTopicYN="N">Asthma
    # with <QualifierName MajorTopicYN="Y">drug therapy; and directly by the descriptor:
    sleep = dict(zip(records["31129916"].mesh_terms, records["31129916"].mesh_major, strict=True))
    assert sleep["Renal Insufficiency, Chronic"] is True and sleep["Humans"] is False


def test_references_plain_abstract_and_missing_abstract(records: dict) -> None:
    assert records["29768149"].reference_pmids == []
    assert records["31129916"].reference_pmids == ["29424935"]
    assert len(records["29892698"].reference_pmids) == 12
    assert records["29892698"].mesh_terms == []
    assert records["29892698"].abstract.startswith("Objective: To conduct a systematic review")
    assert records["401505"].abstract.startswith("The attachment site for the prophage of SPbeta")
    assert records["401505"].reference_pmids == ["16590310", "4215215", "819424", "4972797", "4200853"]
    assert records["399617"].abstract == ""
    assert records["399617"].title == "Can medical practice be free of risk?"


def test_agrees_with_pubmed_parser(records: dict, tmp_path) -> None:  # noqa: ANN001
    """An independent parser (pubmed_parser, the [bench] extra) reads the same MeSH, refs, text."""
    pubmed_parser = pytest.importorskip("pubmed_parser")
    path = tmp_path / "sample.xml.gz"  # it only reads gzip files
    path.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    theirs = list(pubmed_parser.parse_medline_xml(str(path), reference_list=True))
    assert sorted(r["pmid"] for r in theirs) == sorted(records)
    for other in theirs:
        ours = records[other["pmid"]]
        assert ours.title == other["title"] and ours.journal == other["journal"]
        names = [term.split(":", 1)[1] for term in other["mesh_terms"].split("; ") if term]
        assert ours.mesh_terms == names
        assert ours.reference_pmids == [ref["pmid"] for ref in other["references"] if ref["pmid"]]
        assert ours.abstract.replace(":", "").split() == other["abstract"].replace(":", "").split()


def test_book_article_and_deleted_citations() -> None:
    xml = b"""<?xml version="1.0"?>
<PubmedArticleSet>
 <PubmedBookArticle><BookDocument><PMID Version="1">20301295</PMID>
  <ArticleTitle>Achondroplasia</ArticleTitle>
  <Abstract><AbstractText Label="CLINICAL CHARACTERISTICS">Short stature.</AbstractText></Abstract>
 </BookDocument></PubmedBookArticle>
 <DeleteCitation><PMID Version="1">123</PMID></DeleteCitation>
</PubmedArticleSet>"""
    (record,) = parse_pubmed_xml(xml)
    assert (record.pmid, record.title) == ("20301295", "Achondroplasia")
    assert record.abstract == "CLINICAL CHARACTERISTICS: Short stature."


def test_hostile_and_wrong_documents_are_refused() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    with pytest.raises(ForbiddenXMLError):
        parse_pubmed_xml(bomb)
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>&x;</PMID></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    with pytest.raises(ForbiddenXMLError):
        parse_pubmed_xml(xxe)
    with pytest.raises(XMLError):
        parse_pubmed_xml(b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>")
    with pytest.raises(XMLError):
        parse_pubmed_xml(FIXTURE.read_bytes()[:5000])  # cut short
