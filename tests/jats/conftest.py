"""Fixtures for the JATS tests: the real articles under ``../shared/data`` and an article builder.

The shared folder is found as ``<repo root>/../shared/data`` by ``tests/conftest.py``'s
``shared_data`` fixture, which skips the test when it is absent.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from panel2patch.jats import parse_article
from panel2patch.records import ParsedArticle

REPO_ROOT = Path(__file__).resolve().parents[2]
JATS_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "jats"
HOSTILE_XML = REPO_ROOT / "tests" / "fixtures" / "hostile" / "xml"

_PLAIN_XML_GLOBS = (
    "pmc_oa_packages/*/*.nxml",
    "pmc_nxml_only/*.nxml",
    "stencila_jats/*/main.jats.xml",
    "texture_elife/*/manuscript.xml",
    "plos_ingest/xml_only/*.xml",
)
_ZIP_GLOBS = ("elife_packages/*.zip", "elife_meca/*.zip", "plos_ingest/*.zip", "plos_ingest/bad_zips/*.zip")
_NOT_ARTICLE_XML = frozenset({"manifest.xml", "transfer.xml"})


def article_members(archive: zipfile.ZipFile) -> list[str]:
    """Names of the JATS article XMLs inside a package zip (manifests excluded)."""
    return [
        name
        for name in archive.namelist()
        if name.lower().endswith(".xml") and Path(name).name.lower() not in _NOT_ARTICLE_XML
    ]


def iter_real_xmls(articles: Path) -> Iterator[tuple[str, bytes]]:
    """(key, bytes) of every real article XML; key is the path under articles/ (zip!member)."""
    for pattern in _PLAIN_XML_GLOBS:
        for path in sorted(articles.glob(pattern)):
            yield path.relative_to(articles).as_posix(), path.read_bytes()
    for pattern in _ZIP_GLOBS:
        for path in sorted(articles.glob(pattern)):
            with zipfile.ZipFile(path) as archive:
                for member in article_members(archive):
                    yield f"{path.relative_to(articles).as_posix()}!{member}", archive.read(member)


@pytest.fixture(scope="session")
def articles_dir(shared_data: Path) -> Path:
    """``../shared/data/articles`` (skips when the shared folder is absent)."""
    return shared_data / "articles"


@pytest.fixture(scope="session")
def real_articles(articles_dir: Path) -> dict[str, ParsedArticle]:
    """Every real article parsed once per session, keyed like ``iter_real_xmls``."""
    return {key: parse_article(xml) for key, xml in iter_real_xmls(articles_dir)}


@pytest.fixture(scope="session")
def real_article(real_articles: dict[str, ParsedArticle]) -> Callable[[str], ParsedArticle]:
    """Look an article up by a unique fragment of its key ("PMC2467486", "elife-46793")."""

    def lookup(fragment: str) -> ParsedArticle:
        keys = [key for key in real_articles if fragment in key]
        assert len(keys) == 1, f"{fragment!r} matches {keys}"
        return real_articles[keys[0]]

    return lookup


def build_article(body: str = "", front: str = "", back: str = "", attributes: str = "") -> bytes:
    """A small JATS article around the given fragments (xlink and mml namespaces declared)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange '
        'DTD v1.2 20190208//EN" "JATS-archivearticle1.dtd">\n'
        '<article xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:mml="http://www.w3.org/1998/Math/MathML" '
        f'xmlns:ali="http://www.niso.org/schemas/ali/1.0/" {attributes}>'
        f"<front>{front}</front><body>{body}</body><back>{back}</back></article>"
    ).encode()


@pytest.fixture
def make_article() -> Callable[..., bytes]:
    return build_article
