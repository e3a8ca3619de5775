"""Parse untrusted JATS bytes without ever touching the disk or the network.

Two layers keep hostile XML out:

1. The lxml parser resolves no entities, loads no DTD and has network access off, so an
   external entity (XXE) is never fetched and an entity bomb is never expanded.
2. Any entity declared in the document's internal DTD subset is refused outright
   (``ForbiddenXMLError``), both from a cheap byte scan before parsing and from the parsed
   DTD afterwards (the second catches encodings the byte scan cannot read, like UTF-16).
   A normal JATS ``<!DOCTYPE article PUBLIC "..." "JATS-archivearticle1.dtd">`` has no
   internal subset and passes.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from panel2patch.errors import ForbiddenXMLError, XMLError
from panel2patch.jats.text import local_name

# An internal subset starts at the first "[" of a DOCTYPE declaration.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[")
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s>]+)")


class _RefuseAllResolver(etree.Resolver):
    """Belt and braces: if libxml2 ever asks to load anything, refuse."""

    def resolve(self, system_url: str, public_id: str, context: object) -> None:
        raise ForbiddenXMLError(f"refused to load external resource: {system_url!r}")


def _make_parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )
    parser.resolvers.add(_RefuseAllResolver())
    return parser


_local = threading.local()


def _parser() -> etree.XMLParser:
    """One parser per thread: building it per call costs more than the parse of a small file."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = _make_parser()
    return parser


def _check_prolog_bytes(xml: bytes) -> None:
    """Refuse entity declarations in an internal DTD subset before libxml2 sees them."""
    subset = _INTERNAL_SUBSET.search(xml, 0, 1 << 16)
    if subset is None:
        return
    names = [m.group(2).decode("ascii", "replace") for m in _ENTITY_DECL.finditer(xml, subset.end())]
    if names:
        raise ForbiddenXMLError(f"DTD declares entities: {', '.join(names[:10])}")


def _check_parsed_dtd(tree: etree._ElementTree) -> None:
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    names = [entity.name for entity in dtd.iterentities()]
    if names:
        raise ForbiddenXMLError(f"DTD declares entities: {', '.join(names[:10])}")


def parse_xml(xml: bytes, root_name: str = "article") -> etree._Element:
    """Parse untrusted bytes into their root element, which must be ``<root_name>``.

    Raises ``ForbiddenXMLError`` for DTD entity declarations (XXE, billion laughs, parameter
    entities) and ``XMLError`` for empty, malformed or non-article documents.
    """
    if not isinstance(xml, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_xml expects bytes, got {type(xml).__name__}")
    xml = bytes(xml)
    if not xml.strip():
        raise XMLError("empty document")
    _check_prolog_bytes(xml)
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as error:
        raise XMLError(f"not well-formed XML: {error}") from error
    except ValueError as error:  # e.g. an unknown declared encoding
        raise XMLError(f"unreadable XML: {error}") from error
    if root is None:
        raise XMLError("document has no root element")
    _check_parsed_dtd(root.getroottree())
    name = local_name(root.tag) if isinstance(root.tag, str) else ""
    if name != root_name:
        raise XMLError(f"root element is <{name}>, not <{root_name}>")
    return root
