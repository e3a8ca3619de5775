"""Hostile and broken XML is refused with a typed error before anything is resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel2patch.errors import ForbiddenXMLError, Status, XMLError
from panel2patch.jats import parse_article
from panel2patch.jats.safe_xml import parse_xml
from tests.jats.conftest import HOSTILE_XML, JATS_FIXTURES

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<article><front/><body><p>&xxe;</p></body></article>"""

XXE_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/evil.dtd">]>
<article><body><p>&xxe;</p></body></article>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<article><body><p>&d;</p></body></article>"""

PARAMETER_ENTITY_INTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY % decl "<!ENTITY x 'y'>"> %decl;]>
<article><body><p>&x;</p></body></article>"""

FORBIDDEN = {
    "xxe_file": XXE_FILE,
    "xxe_http": XXE_HTTP,
    "billion_laughs": BILLION_LAUGHS,
    "parameter_entity_internal": PARAMETER_ENTITY_INTERNAL,
    "parameter_entity_external": (JATS_FIXTURES / "parameter_entity.xml").read_bytes(),
    # UTF-16 hides the declaration from the byte scan; the parsed DTD still reveals it
    "xxe_utf16": XXE_FILE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_entity_declarations_are_forbidden(name: str) -> None:
    with pytest.raises(ForbiddenXMLError, match="DTD declares entities") as caught:
        parse_article(FORBIDDEN[name])
    assert caught.value.status is Status.XML_FORBIDDEN


@pytest.mark.parametrize("path", sorted(HOSTILE_XML.glob("*.xml")), ids=lambda path: path.name)
def test_shared_hostile_fixtures_raise_item_errors(path: Path) -> None:
    expected = XMLError if path.name == "malformed.xml" else ForbiddenXMLError
    with pytest.raises(expected):
        parse_article(path.read_bytes())


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"<article><body><p>unclosed</body></article>", "not well-formed"),
        (b"<?xml version='1.0'?><article>", "not well-formed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed"),
        (b"<html><body/></html>", "root element is <html>"),
        (b"<pmc-articleset><article/></pmc-articleset>", "root element is <pmc-articleset>"),
    ],
)
def test_broken_or_foreign_documents_are_xml_errors(xml: bytes, message: str) -> None:
    with pytest.raises(XMLError, match=message) as caught:
        parse_article(xml)
    assert caught.value.status is Status.XML_ERROR


def test_plain_jats_doctype_is_accepted_without_loading_the_dtd() -> None:
    article = parse_article((JATS_FIXTURES / "plain_doctype.xml").read_bytes())
    assert article.meta.pmcid == "PMC123"
    assert article.meta.full_text == "Fine."


def test_internal_subset_without_entities_is_accepted() -> None:
    xml = b'<!DOCTYPE article [<!ATTLIST article dtd-version CDATA "1.2">]><article><body><p>ok</p></body></article>'
    assert parse_article(xml).meta.full_text == "ok"


def test_undeclared_named_entity_from_the_external_dtd_becomes_its_character() -> None:
    xml = b'<!DOCTYPE article PUBLIC "x" "JATS.dtd"><article><body><p>10&nbsp;&micro;m &ndash; ok</p></body></article>'
    assert parse_article(xml).meta.full_text == "10 \u00b5m \u2013 ok"


def test_namespaced_article_root_is_accepted() -> None:
    root = parse_xml(b'<j:article xmlns:j="http://jats.nlm.nih.gov"><j:body/></j:article>')
    assert root.tag.endswith("}article")


def test_non_bytes_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_xml("<article/>")  # type: ignore[arg-type]
