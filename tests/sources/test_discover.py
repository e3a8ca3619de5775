from pathlib import Path

import pytest

from panel2patch.sources.discover import discover_packages
from tests.conftest import EXAMPLES


@pytest.mark.shared_data
def test_finds_every_package_style_in_the_shared_articles(shared_data: Path) -> None:
    refs = discover_packages(shared_data / "articles")
    unique = [r for r in refs if r.duplicate_of is None]
    with_images = [r for r in unique if r.kind != "xml"]
    # 7 PMC (2 as the original tar.gz) + 9 stencila + 1 texture + 4 eLife zips + 1 MECA + 2 PLOS zips
    assert len(with_images) == 24
    assert {r.kind for r in with_images} == {"tar", "folder", "zip"}
    # the extracted copies of the two PMC tarballs, and the XML-only copy of a PLOS zip's
    # article, are recognised as the same packages
    assert sorted(r.name for r in refs if r.duplicate_of) == ["PMC3003633", "PMC3231133", "pone.0056489"]
    # folders of many XML files give one package per article XML (66 PLOS + 8 PMC nxml)
    assert sum(r.kind == "xml" for r in refs) == 74
    assert refs == discover_packages(shared_data / "articles")  # deterministic order


def test_examples_cover_each_package_style() -> None:
    refs = discover_packages(EXAMPLES)
    assert {r.kind for r in refs} == {"tar", "folder", "zip"}
    assert any(r.pmcid_hint == "PMC3003633" for r in refs)


def test_single_file_and_non_package(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert discover_packages(tmp_path) == []
    xml = tmp_path / "a.nxml"
    xml.write_text('<?xml version="1.0"?><article><front/></article>')
    refs = discover_packages(xml)
    assert len(refs) == 1 and refs[0].kind == "xml"
