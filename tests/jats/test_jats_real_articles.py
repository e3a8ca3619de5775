"""Every real article under ../shared/data/articles: parses, figure counts, ids, dates, licenses."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from panel2patch.jats.license import code_from_url
from panel2patch.records import ParsedArticle

pytestmark = pytest.mark.shared_data

Lookup = Callable[[str], ParsedArticle]


def manifest_rows(articles_dir: Path) -> list[dict[str, str]]:
    with (articles_dir / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def package_article(real_articles: dict[str, ParsedArticle], manifest_path: str) -> ParsedArticle:
    """The article of a MANIFEST row, found by the package's own name (folder or zip file)."""
    name = manifest_path.rstrip("/").rsplit("/", 1)[-1]
    keys = [key for key in real_articles if f"/{name}/" in f"/{key}" or key.split("!")[0].endswith(f"/{name}")]
    assert len(keys) == 1, (manifest_path, keys)
    return real_articles[keys[0]]


def figures_only(article: ParsedArticle) -> list:
    return [record for record in article.figures if record.kind == "figure"]


def test_every_real_xml_parses(real_articles: dict[str, ParsedArticle]) -> None:
    assert len(real_articles) >= 98
    plos = [key for key in real_articles if key.startswith("plos_ingest/xml_only/")]
    assert len(plos) == 66
    for key, article in real_articles.items():
        assert article.meta.title, key
        assert [record.position for record in figures_only(article)] == list(range(1, len(figures_only(article)) + 1))


def test_figure_counts_match_the_manifest(articles_dir: Path, real_articles: dict[str, ParsedArticle]) -> None:
    rows = manifest_rows(articles_dir)
    assert len(rows) == 24
    counts = {row["path"]: len(figures_only(package_article(real_articles, row["path"]))) for row in rows}
    assert counts == {row["path"]: int(row["n_figs"]) for row in rows}
    assert sum(counts.values()) == 138


def test_every_real_figure_has_caption_and_graphic(real_articles: dict[str, ParsedArticle]) -> None:
    for key, article in real_articles.items():
        for figure in figures_only(article):
            assert figure.caption and figure.graphics, (key, figure.fig_id)
            assert "  " not in figure.caption and figure.caption == figure.caption.strip(), (key, figure.fig_id)
            assert figure.caption.startswith(figure.title), (key, figure.fig_id)


def test_licenses_match_the_manifest(articles_dir: Path, real_articles: dict[str, ParsedArticle]) -> None:
    for row in manifest_rows(articles_dir):
        license_ = package_article(real_articles, row["path"]).meta.license
        if "creativecommons.org" in row["license"]:
            expected_code, expected_version = code_from_url(row["license"])
            assert (license_.code, license_.version) == (expected_code, expected_version), row["path"]
        elif row["license"].startswith("CC BY (statement"):
            assert (license_.code, license_.group) == ("CC BY", "commercial"), row["path"]


@pytest.mark.parametrize(
    ("fragment", "code", "version", "group"),
    [
        ("elife-46472", "CC0", "1.0", "commercial"),
        ("elife-00353", "CC BY", "3.0", "commercial"),
        ("mds526", "CC BY-NC", "3.0", "noncommercial"),
        ("ehp-116-1694", "PD", "1.0", "other"),
        ("6605965a", None, None, "other"),
        ("PMC3003633", "CC BY", "2.0", "commercial"),  # URL only as "<url>" text in the license-p
        ("PMC2467486", "CC BY", None, "commercial"),  # wording of the copyright statement
        ("pone.0055490", "CC0", None, "commercial"),  # "CC0 public domain dedication"
        ("xml_only/pbio.0020365", "PD", None, "other"),  # "Creative Commons Public Domain Declaration"
    ],
)
def test_real_licenses(real_article: Lookup, fragment: str, code: str | None, version: str | None, group: str) -> None:
    license_ = real_article(fragment).meta.license
    assert (license_.code, license_.version, license_.group) == (code, version, group)


def test_pmcids_match_folders_and_manifest(articles_dir: Path, real_articles: dict[str, ParsedArticle]) -> None:
    for row in manifest_rows(articles_dir):
        assert package_article(real_articles, row["path"]).meta.pmcid == (row["pmcid"] or None), row["path"]
    for key, article in real_articles.items():
        if key.startswith("pmc_oa_packages/"):
            assert article.meta.pmcid == key.split("/")[1]


@pytest.mark.parametrize(
    ("fragment", "pmcid", "pmid", "doi"),
    [
        ("PMC2467486", "PMC2467486", "18665222", "10.1371/journal.pone.0002804"),
        ("mds526", "PMC3574550", "23149571", "10.1093/annonc/mds526"),
        ("elife-46793", None, None, "10.7554/eLife.46793"),
    ],
)
def test_real_ids(real_article: Lookup, fragment: str, pmcid: str | None, pmid: str | None, doi: str) -> None:
    meta = real_article(fragment).meta
    assert (meta.pmcid, meta.pmid, meta.doi) == (pmcid, pmid, doi)


@pytest.mark.parametrize(
    ("fragment", "date"),
    [
        ("PMC2467486", "2008-07-30"),  # epub preferred over the year-only collection date
        ("mds526", "2012-11-12"),  # epub before the later ppub
        ("elife-30274", "2018-01-09"),  # date-type="publication" publication-format="electronic"
        ("elife-65581", "2021"),  # the publication date carries only a year
        ("texture_elife", None),  # Texture's simplified front matter has no date
    ],
)
def test_real_dates(real_article: Lookup, fragment: str, date: str | None) -> None:
    assert real_article(fragment).meta.pub_date == date


def test_real_metadata_fields(real_article: Lookup) -> None:
    meta = real_article("PMC2467486").meta
    assert meta.title == "Dopamine Inhibits Mitochondrial Motility in Hippocampal Neurons"
    assert meta.journal == "PLoS ONE"
    assert meta.authors == ["Sigeng Chen", "Geoffrey C. Owens", "David B. Edelman"]
    assert "Cell Biology/Neuronal and Glial Cell Biology" in meta.subjects
    assert len(meta.reference_pmids) == 45 and all(pmid.isdigit() for pmid in meta.reference_pmids)
    assert meta.abstract.startswith("Background")
    texture = real_article("texture_elife").meta
    assert texture.authors[:2] == ["Weijian Yang", "Luis Carrillo-Reid"]
    assert real_article("ehp-116-1694").meta.keywords


def test_inline_markup_in_real_full_text(real_article: Lookup) -> None:
    text = real_article("xml_only/pone.0040470").meta.full_text
    assert "its Ca2+-binding domains can participate" in text
    assert "\n" not in text and "  " not in text
