"""Normalise an article's license to a Creative Commons code and BIOMEDICA's group.

Evidence, strongest first: a license URL (``<license xlink:href>``, ``<ali:license_ref>``, a
link or bare URL in the license text), then ``@license-type``, then the wording of the license
text, the copyright statement and any other ``<permissions>`` text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from panel2patch.jats.text import flatten, local_name
from panel2patch.records import License

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

_COMMERCIAL = frozenset({"CC0", "CC BY", "CC BY-SA", "CC BY-ND"})
_NONCOMMERCIAL = frozenset({"CC BY-NC", "CC BY-NC-SA", "CC BY-NC-ND"})

_CC_URL = re.compile(
    r"creativecommons\.org/(?:licenses/(?P<terms>[a-z\-]+)(?:/(?P<version>\d+(?:\.\d+)?))?"
    r"|publicdomain/(?P<pd>zero|mark)(?:/(?P<pd_version>\d+(?:\.\d+)?))?)",
    re.I,
)
_URL = re.compile(r"https?://[^\s<>\"')]+|(?:www\.)?creativecommons\.org/[^\s<>\"')]+", re.I)
_TEXT_VERSION = re.compile(r"\b(?:attribution|cc[\s\-]by[a-z\s\-]*|license|licence)\D{0,40}?(\d\.\d)\b", re.I)
# Case-sensitive on purpose: "5 cc by injection" is not a license.
_CC_ABBREVIATION = re.compile(r"\bCC[\s\-]?(BY(?:[\s\-](?:NC|SA|ND)){0,2}|0)\b")


def license_group(code: str | None) -> str:
    """BIOMEDICA's split: "commercial", "noncommercial" or "other" (PD and unknown included)."""
    if code in _COMMERCIAL:
        return "commercial"
    if code in _NONCOMMERCIAL:
        return "noncommercial"
    return "other"


def _code_from_terms(terms: str) -> str | None:
    """"by-nc-sa" / "BY NC SA" -> "CC BY-NC-SA"; ``None`` when not a CC BY family code."""
    parts = [part for part in re.split(r"[\s\-_]+", terms.upper()) if part]
    if not parts or parts[0] != "BY":
        return None
    modifiers = [part for part in ("NC", "SA", "ND") if part in parts[1:]]
    if "SA" in modifiers and "ND" in modifiers:
        return None
    return "CC " + "-".join(["BY", *modifiers])


def code_from_url(url: str) -> tuple[str | None, str | None]:
    """(code, version) of a creativecommons.org license URL, (None, None) otherwise."""
    found = _CC_URL.search(url)
    if found is None:
        return None, None
    if found.group("pd"):
        code = "CC0" if found.group("pd").lower() == "zero" else "PD"
        return code, found.group("pd_version")
    return _code_from_terms(found.group("terms")), found.group("version")


def code_from_license_type(license_type: str) -> str | None:
    """``@license-type`` values: "cc-by", "CC BY-NC 4.0", "creative-commons-attribution", "cc0"."""
    value = re.sub(r"[\s_]+", "-", license_type.strip().lower())
    value = re.sub(r"-\d+(\.\d+)*$", "", value)  # "cc-by-4.0" -> "cc-by", "cc0" stays
    if value in {"cc0", "cc-zero", "cc0-1.0", "public-domain-dedication"}:
        return "CC0"
    if value in {"public-domain", "publicdomain", "pd", "us-government-work"}:
        return "PD"
    if value.startswith("cc-by"):
        return _code_from_terms(value[3:])
    if value.startswith("creative-commons-attribution"):
        terms = value.removeprefix("creative-commons-attribution")
        terms = terms.replace("noncommercial", "nc").replace("non-commercial", "nc")
        terms = terms.replace("sharealike", "sa").replace("share-alike", "sa")
        terms = terms.replace("noderivatives", "nd").replace("noderivs", "nd").replace("no-derivatives", "nd")
        return _code_from_terms("by" + terms)
    return None  # "open-access", "creative-commons", "free", publisher-specific ...


def code_from_text(text: str) -> str | None:
    """License wording -> code ("Creative Commons Attribution-NonCommercial License" -> CC BY-NC)."""
    lowered = text.lower()
    if "cc0" in lowered or "public domain dedication" in lowered or "cc zero" in lowered:
        return "CC0"
    abbreviation = _CC_ABBREVIATION.search(text)
    if abbreviation:
        terms = abbreviation.group(1).upper()
        return "CC0" if terms == "0" else _code_from_terms(terms)
    if "creative commons" in lowered and "attribution" in lowered:
        squashed = re.sub(r"[\s\-]+", "", lowered)
        modifiers = [
            modifier
            for modifier, words in (
                ("NC", ("noncommercial",)),
                ("SA", ("sharealike",)),
                ("ND", ("noderiv", "noderivatives", "noderivs")),
            )
            if any(word in squashed for word in words)
        ]
        return _code_from_terms(" ".join(["BY", *modifiers]))
    if (
        "public domain" in lowered
        or "government work" in lowered
        or "work of the u.s. government" in lowered
        or "work of the united states government" in lowered
        or "not subject to copyright" in lowered
        or "free of all copyright" in lowered
    ):
        return "PD"
    return None


def _urls(license_elements: Iterable[etree._Element], texts: Iterable[str]) -> list[str]:
    urls: list[str] = []
    for element in license_elements:
        if element.get(XLINK_HREF):
            urls.append(element.get(XLINK_HREF, ""))
        for child in element.iter():
            if not isinstance(child.tag, str):
                continue
            name = local_name(child.tag)
            if name == "license_ref" and child.text:
                urls.append(child.text.strip())
            elif name in {"ext-link", "uri"} and child.get(XLINK_HREF):
                urls.append(child.get(XLINK_HREF, ""))
    for text in texts:
        urls.extend(_URL.findall(text))
    return urls


def parse_license(article_meta: etree._Element | None) -> License:
    """The article's ``License``; ``License()`` (unknown, group "other") when nothing matches."""
    if article_meta is None:
        return License()
    licenses = list(article_meta.iter("{*}license"))
    license_texts = [flatten(element) for element in licenses]
    copyright_texts = [flatten(element) for element in article_meta.iter("{*}copyright-statement")]
    statement = " ".join(text for text in [*copyright_texts, *license_texts] if text) or None
    permissions_texts = [flatten(element) for element in article_meta.iter("{*}permissions")]

    code: str | None = None
    version: str | None = None
    url: str | None = None
    ali_refs = [ref.text.strip() for ref in article_meta.iter("{*}license_ref") if ref.text]
    for candidate in [*_urls(licenses, [*license_texts, *copyright_texts]), *ali_refs]:
        code, version = code_from_url(candidate)
        if code:
            url = candidate
            break
    if code is None:
        for element in licenses:
            code = code_from_license_type(element.get("license-type", ""))
            if code:
                break
    if code is None:
        for text in [*license_texts, *copyright_texts, *permissions_texts]:
            code = code_from_text(text)
            if code:
                break
    if code is not None and version is None and code.startswith("CC BY") and statement:
        found = _TEXT_VERSION.search(statement)
        version = found.group(1) if found else None
    return License(code=code, version=version, url=url, statement=statement, group=license_group(code))
