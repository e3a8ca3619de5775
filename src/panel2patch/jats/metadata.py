"""Article-level metadata (``ArticleMeta``) from the main article's ``<front>``."""

from __future__ import annotations

import re

from lxml import etree

from panel2patch.jats.dates import find_pub_date
from panel2patch.jats.license import parse_license
from panel2patch.jats.text import flatten, local_name
from panel2patch.records import ArticleMeta

_PMC_ID_TYPES = ("pmc", "pmcid", "pmc-uid")
_SIDE_ABSTRACT_TYPES = frozenset({"graphical", "teaser", "toc", "web-summary"})
_JOURNAL_ID_ORDER = ("nlm-ta", "iso-abbrev", "publisher-id", "pmc", "hwp")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


def normalize_pmcid(value: str) -> str | None:
    """"2467486", "PMC2467486", "pmc2467486 " -> "PMC2467486"."""
    digits = re.search(r"\d+", value)
    return f"PMC{digits.group()}" if digits else None


def _article_ids(article_meta: etree._Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    for element in article_meta.iterfind("{*}article-id"):
        kind = (element.get("pub-id-type") or "").strip().lower()
        value = flatten(element)
        if kind and value and kind not in ids:
            ids[kind] = value
    return ids


def _journal(front: etree._Element | None) -> str:
    journal_meta = front.find("{*}journal-meta") if front is not None else None
    if journal_meta is None:
        return ""
    for title in journal_meta.iter("{*}journal-title"):
        text = flatten(title)
        if text:
            return text
    journal_ids = {
        (element.get("journal-id-type") or ""): flatten(element)
        for element in reversed(journal_meta.findall("{*}journal-id"))
    }
    for kind in (*_JOURNAL_ID_ORDER, *journal_ids):
        if journal_ids.get(kind):
            return journal_ids[kind]
    return ""


def _person_name(name: etree._Element) -> str:
    """"Given Surname" whatever the name style; the flattened text for a bare <string-name>."""
    parts = {local_name(child.tag): flatten(child) for child in name if isinstance(child.tag, str)}
    text = " ".join(part for part in (parts.get("given-names", ""), parts.get("surname", "")) if part)
    return text or flatten(name)


def _contrib_name(contrib: etree._Element) -> str | None:
    for name in contrib.iter("{*}name", "{*}string-name", "{*}collab", "{*}anonymous"):
        kind = local_name(name.tag)
        if kind == "collab":
            # a consortium may list its members in a nested <contrib-group>: name only
            return flatten(name, skip=frozenset({"contrib-group", "xref", "fn"})) or None
        if kind == "anonymous":
            return flatten(name) or "Anonymous"
        return _person_name(name) or None
    return None


def _is_author(contrib: etree._Element, group: etree._Element) -> bool:
    """contrib-type="author", or an untyped / "person" contrib in an author contrib-group."""
    kind = (contrib.get("contrib-type") or "").strip().lower()
    if kind == "author":
        return True
    if kind not in {"", "person"}:
        return False
    return (group.get("content-type") or "author").strip().lower() in {"author", "authors"}


def _authors(article_meta: etree._Element) -> list[str]:
    authors: list[str] = []
    for group in article_meta.iterfind("{*}contrib-group"):
        for contrib in group.iterfind("{*}contrib"):
            if _is_author(contrib, group):
                name = _contrib_name(contrib)
                if name:
                    authors.append(name)
    return authors


def _unique_texts(elements: list[etree._Element]) -> list[str]:
    seen: dict[str, None] = {}
    for element in elements:
        text = flatten(element)
        if text:
            seen.setdefault(text, None)
    return list(seen)


def _abstract(article_meta: etree._Element) -> str:
    abstracts = article_meta.findall("{*}abstract")
    main = [a for a in abstracts if (a.get("abstract-type") or "").lower() not in _SIDE_ABSTRACT_TYPES]
    chosen = (main or abstracts or [None])[0]
    if chosen is None:
        return ""
    # the heading ("Abstract", "Summary") is not abstract text; section titles inside are kept
    heading = [child for child in chosen if isinstance(child.tag, str) and local_name(child.tag) in {"title", "label"}]
    text = flatten(chosen)
    for child in heading:
        head = flatten(child)
        if head and text.startswith(head):
            text = text[len(head) :].lstrip()
    return text


def _reference_pmids(root: etree._Element) -> list[str]:
    pmids: dict[str, None] = {}
    for ref_list in root.iter("{*}ref-list"):
        for pub_id in ref_list.iter("{*}pub-id"):
            if (pub_id.get("pub-id-type") or "").lower() == "pmid":
                digits = re.sub(r"\D", "", pub_id.text or "")
                if digits:
                    pmids.setdefault(digits, None)
    return list(pmids)


def parse_metadata(root: etree._Element) -> ArticleMeta:
    """``ArticleMeta`` of the main article (sub-articles' front stubs are ignored)."""
    front = root.find("{*}front")
    article_meta = front.find("{*}article-meta") if front is not None else None
    body = root.find("{*}body")
    meta = ArticleMeta(
        journal=_journal(front),
        article_type=root.get("article-type") or None,
        full_text=flatten(body) if body is not None else "",
        reference_pmids=_reference_pmids(root),
    )
    if article_meta is None:
        return meta
    ids = _article_ids(article_meta)
    pmc_value = next((ids[kind] for kind in _PMC_ID_TYPES if kind in ids), None)
    meta.pmcid = normalize_pmcid(pmc_value) if pmc_value else None
    meta.pmid = ids.get("pmid")
    meta.doi = _DOI_PREFIX.sub("", ids["doi"]) if "doi" in ids else None
    meta.publisher_id = ids.get("publisher-id")
    meta.title = flatten(article_meta.find("{*}title-group/{*}article-title"))
    meta.pub_date = find_pub_date(article_meta)
    meta.license = parse_license(article_meta)
    meta.keywords = _unique_texts(list(article_meta.iter("{*}kwd")))
    meta.subjects = _unique_texts(list(article_meta.iterfind("{*}article-categories//{*}subject")))
    meta.abstract = _abstract(article_meta)
    meta.authors = _authors(article_meta)
    return meta
