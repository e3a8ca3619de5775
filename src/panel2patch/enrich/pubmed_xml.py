"""PubMed XML (efetch ``retmode=xml``, also the annual baseline files) -> ``PubMedRecord``.

Parsed with the same hardened parser as JATS (no entities, no DTD loading, no network): real
efetch responses carry a ``<!DOCTYPE PubmedArticleSet PUBLIC ...>`` that must not be fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from panel2patch.jats.safe_xml import parse_xml

_REFERENCE_PMIDS = 'ReferenceList//Reference/ArticleIdList/ArticleId[@IdType="pubmed"]'


@dataclass
class PubMedRecord:
    """What enrichment takes from one PubMed record.

    ``mesh_terms`` are the MeSH DescriptorName texts in record order; ``mesh_major`` is the
    parallel list of NLM's major-topic flag (the asterisk in PubMed's display: the descriptor
    or any of its qualifiers has ``MajorTopicYN="Y"``). ``abstract`` joins every AbstractText
    section, each prefixed with its label ("BACKGROUND: ..."), with single spaces like the
    JATS abstracts. ``reference_pmids`` are the PubMed ids of the reference list, in order.
    """

    pmid: str
    title: str = ""
    journal: str = ""
    abstract: str = ""
    mesh_terms: list[str] = field(default_factory=list)
    mesh_major: list[bool] = field(default_factory=list)
    reference_pmids: list[str] = field(default_factory=list)


def _text(element: etree._Element | None) -> str:
    """All text inside ``element`` (inline markup like <sub>, <i> flattened), spacing normalised."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())  # type: ignore[arg-type]  # lxml-stubs say str | bytes


def _abstract(abstract: etree._Element | None) -> str:
    if abstract is None:
        return ""
    sections = []
    for section in abstract.iterfind("AbstractText"):
        text = _text(section)
        if not text:
            continue
        label = " ".join((section.get("Label") or "").split())
        sections.append(f"{label}: {text}" if label else text)
    return " ".join(sections)


def _mesh(citation: etree._Element) -> tuple[list[str], list[bool]]:
    terms: list[str] = []
    major: list[bool] = []
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):
        descriptor = heading.find("DescriptorName")
        name = _text(descriptor)
        if descriptor is None or not name:
            continue
        flags = [descriptor.get("MajorTopicYN")] + [q.get("MajorTopicYN") for q in heading.iterfind("QualifierName")]
        terms.append(name)
        major.append("Y" in flags)
    return terms, major


def _reference_pmids(data: etree._Element | None, own_pmid: str) -> list[str]:
    if data is None:
        return []
    seen: dict[str, None] = {}
    for article_id in data.iterfind(_REFERENCE_PMIDS):
        pmid = (article_id.text or "").strip()
        if pmid.isdigit() and pmid != own_pmid:
            seen.setdefault(pmid, None)
    return list(seen)


def _journal_article(element: etree._Element) -> PubMedRecord | None:
    citation = element.find("MedlineCitation")
    pmid = (citation.findtext("PMID") or "").strip() if citation is not None else ""
    if citation is None or not pmid:
        return None
    article = citation.find("Article")
    title = ""
    journal = ""
    abstract = ""
    if article is not None:
        title = _text(article.find("ArticleTitle")) or _text(article.find("VernacularTitle"))
        journal = _text(article.find("Journal/Title"))
        abstract = _abstract(article.find("Abstract"))
    terms, major = _mesh(citation)
    references = _reference_pmids(element.find("PubmedData"), pmid)
    return PubMedRecord(pmid, title, journal, abstract, terms, major, references)


def _book_article(element: etree._Element) -> PubMedRecord | None:
    """NCBI Bookshelf records (``<PubmedBookArticle>``) come back from efetch too; no MeSH there."""
    document = element.find("BookDocument")
    pmid = (document.findtext("PMID") or "").strip() if document is not None else ""
    if document is None or not pmid:
        return None
    title = _text(document.find("ArticleTitle")) or _text(document.find("Book/BookTitle"))
    abstract = _abstract(document.find("Abstract"))
    references = _reference_pmids(document, pmid) or _reference_pmids(element.find("PubmedBookData"), pmid)
    return PubMedRecord(pmid, title, "", abstract, [], [], references)


def parse_pubmed_xml(xml: bytes) -> list[PubMedRecord]:
    """Every record of a ``<PubmedArticleSet>``, in document order, each with the PMID it carries.

    Raises ``XMLError`` (malformed, or an efetch error document such as ``<eFetchResult>``)
    and ``ForbiddenXMLError`` (entity declarations) from ``panel2patch.errors``.
    """
    root = parse_xml(xml, root_name="PubmedArticleSet")
    records = []
    for child in root:
        if child.tag == "PubmedArticle":
            record = _journal_article(child)
        elif child.tag == "PubmedBookArticle":
            record = _book_article(child)
        else:  # DeleteCitation and anything new
            continue
        if record is not None:
            records.append(record)
    return records
