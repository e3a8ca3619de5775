"""License normalisation to Creative Commons codes and BIOMEDICA's groups."""

from __future__ import annotations

import pytest
from lxml import etree

from panel2patch.jats import license_group
from panel2patch.jats.license import code_from_license_type, code_from_text, code_from_url, parse_license

XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ali="http://www.niso.org/schemas/ali/1.0/"'


@pytest.mark.parametrize(
    ("url", "code", "version"),
    [
        ("http://creativecommons.org/licenses/by/4.0/", "CC BY", "4.0"),
        ("https://creativecommons.org/licenses/by-nc-sa/3.0/", "CC BY-NC-SA", "3.0"),
        ("http://creativecommons.org/licenses/by-nc-nd/2.5", "CC BY-NC-ND", "2.5"),
        ("http://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC BY-SA", "4.0"),
        ("http://creativecommons.org/publicdomain/zero/1.0/", "CC0", "1.0"),
        ("http://creativecommons.org/publicdomain/mark/1.0/", "PD", "1.0"),
        ("https://www.elsevier.com/tdm/userlicense/1.0/", None, None),
    ],
)
def test_code_from_url(url: str, code: str | None, version: str | None) -> None:
    assert code_from_url(url) == (code, version)


@pytest.mark.parametrize(
    ("license_type", "code"),
    [("cc-by", "CC BY"), ("CC BY-NC-ND 4.0", "CC BY-NC-ND"), ("creative-commons-attribution", "CC BY"),
     ("cc0", "CC0"), ("public-domain", "PD"), ("open-access", None), ("creative-commons", None)],
)
def test_code_from_license_type(license_type: str, code: str | None) -> None:
    assert code_from_license_type(license_type) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("This is an open-access article distributed under the terms of the Creative Commons Attribution "
         "License, which permits unrestricted use", "CC BY"),
        ("distributed under the Creative Commons Attribution-NonCommercial License", "CC BY-NC"),
        ("the Creative Commons Attribution Non-Commercial No Derivatives License", "CC BY-NC-ND"),
        ("Creative Commons Attribution-ShareAlike 4.0 International", "CC BY-SA"),
        ("Licensed under CC BY-NC 4.0.", "CC BY-NC"),
        ("made available under the Creative Commons CC0 public domain dedication.", "CC0"),
        ("Publication of EHP lies in the public domain and is therefore without copyright.", "PD"),
        ("This article is a work of the U.S. government.", "PD"),
        ("We injected 5 cc by syringe.", None),
        ("Copyright 2010 Cancer Research UK", None),
    ],
)
def test_code_from_text(text: str, code: str | None) -> None:
    assert code_from_text(text) == code


@pytest.mark.parametrize(
    ("code", "group"),
    [("CC0", "commercial"), ("CC BY", "commercial"), ("CC BY-SA", "commercial"), ("CC BY-ND", "commercial"),
     ("CC BY-NC", "noncommercial"), ("CC BY-NC-SA", "noncommercial"), ("CC BY-NC-ND", "noncommercial"),
     ("PD", "other"), (None, "other"), ("publisher", "other")],
)
def test_license_group(code: str | None, group: str) -> None:
    assert license_group(code) == group


def meta(permissions: str) -> etree._Element:
    return etree.fromstring(f"<article-meta {XLINK}>{permissions}</article-meta>".encode())


def test_url_beats_wording_and_statement_is_kept() -> None:
    found = parse_license(meta(
        "<permissions><copyright-statement>© 2012 The Author</copyright-statement>"
        '<license license-type="open-access" xlink:href="http://creativecommons.org/licenses/by-nc/3.0">'
        "<license-p>Creative Commons Attribution License</license-p></license></permissions>"
    ))
    assert (found.code, found.version, found.group) == ("CC BY-NC", "3.0", "noncommercial")
    assert found.url == "http://creativecommons.org/licenses/by-nc/3.0"
    assert found.statement == "© 2012 The Author Creative Commons Attribution License"


def test_ali_license_ref_and_url_in_text() -> None:
    ali = parse_license(meta("<permissions><ali:license_ref>https://creativecommons.org/licenses/by/4.0/"
                             "</ali:license_ref></permissions>"))
    assert (ali.code, ali.version) == ("CC BY", "4.0")
    bare = parse_license(meta("<permissions><license><license-p>under the terms of the Creative Commons "
                              "Attribution License (&lt;url&gt;http://creativecommons.org/licenses/by/2.0&lt;/url&gt;)"
                              "</license-p></license></permissions>"))
    assert (bare.code, bare.version, bare.url) == ("CC BY", "2.0", "http://creativecommons.org/licenses/by/2.0")


def test_version_from_wording_and_unknown_license() -> None:
    worded = parse_license(meta("<permissions><license><license-p>This work is licensed under a Creative Commons "
                                "Attribution 4.0 International License.</license-p></license></permissions>"))
    assert (worded.code, worded.version) == ("CC BY", "4.0")
    unknown = parse_license(meta("<permissions><copyright-statement>All rights reserved.</copyright-statement>"
                                 "</permissions>"))
    assert (unknown.code, unknown.group, unknown.statement) == (None, "other", "All rights reserved.")
    assert parse_license(None).code is None
