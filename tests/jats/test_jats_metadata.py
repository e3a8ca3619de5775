"""Article metadata from the front matter of small synthetic articles."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from panel2patch.jats import parse_article

FRONT = """
<journal-meta><journal-id journal-id-type="nlm-ta">PLoS ONE</journal-id>
  <journal-title-group><journal-title>PLoS <italic>ONE</italic></journal-title></journal-title-group></journal-meta>
<article-meta>
  <article-id pub-id-type="pmid">18665222</article-id>
  <article-id pub-id-type="pmc">2467486</article-id>
  <article-id pub-id-type="publisher-id">08-PONE-RA-04071R1</article-id>
  <article-id pub-id-type="doi">https://doi.org/10.1371/journal.pone.0002804</article-id>
  <article-categories><subj-group subj-group-type="heading"><subject>Research Article</subject></subj-group>
    <subj-group><subject>Cell Biology</subject><subj-group><subject>Neurons</subject></subj-group></subj-group>
  </article-categories>
  <title-group><article-title>Dopamine Inhibits <italic>Mitochondrial</italic> Motility</article-title></title-group>
  <contrib-group>
    <contrib contrib-type="author"><name><surname>Chen</surname><given-names>Sigeng</given-names></name></contrib>
    <contrib contrib-type="author"><name name-style="eastern"><surname>Wang</surname>
      <given-names>Li</given-names></name></contrib>
    <contrib contrib-type="author"><collab>The Consortium<contrib-group><contrib><name><surname>Member</surname>
      </name></contrib></contrib-group></collab></contrib>
    <contrib contrib-type="editor"><name><surname>Lu</surname><given-names>Bai</given-names></name></contrib>
  </contrib-group>
  <pub-date pub-type="collection"><year>2008</year></pub-date>
  <pub-date pub-type="epub"><day>30</day><month>7</month><year>2008</year></pub-date>
  <kwd-group><kwd>dopamine</kwd><kwd>mitochondria</kwd></kwd-group><kwd-group><kwd>dopamine</kwd></kwd-group>
  <abstract abstract-type="graphical"><p>Graphical.</p></abstract>
  <abstract><title>Abstract</title><sec><title>Background</title><p>We <italic>asked</italic>.</p></sec></abstract>
  <abstract abstract-type="executive-summary"><p>Digest.</p></abstract>
</article-meta>"""

BACK = """<ref-list><ref><element-citation><pub-id pub-id-type="pmid">123</pub-id><pub-id pub-id-type="doi">10.1/x
</pub-id></element-citation></ref><ref><mixed-citation><pub-id pub-id-type="pmid"> 456 </pub-id></mixed-citation>
</ref><ref><mixed-citation><pub-id pub-id-type="pmid">123</pub-id></mixed-citation></ref></ref-list>"""


def test_front_matter(make_article: Callable[..., bytes]) -> None:
    meta = parse_article(make_article(front=FRONT, back=BACK, body="<p>Body <bold>text</bold>.</p>",
                                      attributes='article-type="research-article"')).meta
    assert (meta.pmcid, meta.pmid, meta.publisher_id) == ("PMC2467486", "18665222", "08-PONE-RA-04071R1")
    assert meta.doi == "10.1371/journal.pone.0002804"
    assert meta.title == "Dopamine Inhibits Mitochondrial Motility"
    assert meta.journal == "PLoS ONE"
    assert meta.pub_date == "2008-07-30"
    assert meta.article_type == "research-article"
    assert meta.authors == ["Sigeng Chen", "Li Wang", "The Consortium"]
    assert meta.keywords == ["dopamine", "mitochondria"]
    assert meta.subjects == ["Research Article", "Cell Biology", "Neurons"]
    assert meta.abstract == "Background We asked."
    assert meta.reference_pmids == ["123", "456"]
    assert meta.full_text == "Body text."
    assert meta.mesh_terms == []


@pytest.mark.parametrize(
    ("pmc_id", "pmcid"),
    [('<article-id pub-id-type="pmcid">PMC99</article-id>', "PMC99"),
     ('<article-id pub-id-type="pmc-uid">12345</article-id>', "PMC12345"),
     ('<article-id pub-id-type="pmc">pmc7 </article-id>', "PMC7")],
)
def test_pmcid_normalisation(make_article: Callable[..., bytes], pmc_id: str, pmcid: str) -> None:
    assert parse_article(make_article(front=f"<article-meta>{pmc_id}</article-meta>")).meta.pmcid == pmcid


@pytest.mark.parametrize(
    ("dates", "iso"),
    [
        ('<pub-date pub-type="ppub"><month>Mar</month><year>2013</year></pub-date>'
         '<pub-date pub-type="epub"><day>12</day><month>11</month><year>2012</year></pub-date>', "2012-11-12"),
        ('<pub-date date-type="pub" publication-format="electronic" iso-8601-date="2019-07-09">'
         '<year>2019</year></pub-date><pub-date pub-type="collection"><year>2019</year></pub-date>', "2019-07-09"),
        ('<pub-date date-type="publication" publication-format="electronic"><day>09</day><month>01</month>'
         '<year>2018</year></pub-date><pub-date pub-type="collection"><year>2018</year></pub-date>', "2018-01-09"),
        ('<pub-date pub-type="ppub"><season>Spring</season><year>2008</year></pub-date>', "2008-04"),
        ('<pub-date pub-type="ppub"><month>Sept</month><year>2008</year></pub-date>', "2008-09"),
        ('<pub-date pub-type="ppub"><season>Jan-Feb</season><year>2001</year></pub-date>', "2001-01"),
        ('<pub-date pub-type="epub"><day>31</day><month>2</month><year>2010</year></pub-date>', "2010-02"),
        ('<pub-date><year>1999</year></pub-date>', "1999"),
        ('<pub-date pub-type="epub"><year>n/a</year></pub-date>', None),
    ],
)
def test_publication_date(make_article: Callable[..., bytes], dates: str, iso: str | None) -> None:
    assert parse_article(make_article(front=f"<article-meta>{dates}</article-meta>")).meta.pub_date == iso


def test_journal_falls_back_to_journal_id_and_missing_front_is_empty(make_article: Callable[..., bytes]) -> None:
    front = '<journal-meta><journal-id journal-id-type="publisher-id">pub</journal-id>' \
            '<journal-id journal-id-type="nlm-ta">Nat Med</journal-id></journal-meta>'
    assert parse_article(make_article(front=front)).meta.journal == "Nat Med"
    bare = parse_article(b"<article><back/></article>").meta
    assert (bare.pmcid, bare.title, bare.full_text, bare.license.group) == (None, "", "", "other")


def test_untyped_contribs_in_an_author_group_are_authors(make_article: Callable[..., bytes]) -> None:
    front = ('<article-meta><contrib-group content-type="author"><contrib contrib-type="person"><name>'
             "<surname>Yang</surname><given-names>Weijian</given-names></name></contrib></contrib-group>"
             '<contrib-group><contrib><string-name>Ann Other</string-name></contrib></contrib-group></article-meta>')
    assert parse_article(make_article(front=front)).meta.authors == ["Weijian Yang", "Ann Other"]
