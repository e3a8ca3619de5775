"""Publication date of an article as ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD)."""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from panel2patch.jats.text import flatten

# Lower rank wins. Electronic publication first: it is the date the article became public.
_TYPE_RANK: dict[str, int] = {
    "epub": 0,
    "pub": 1,
    "publication": 1,
    "ppub": 2,
    "epub-ppub": 3,
    "collection": 4,
    "ecorrected": 6,
    "pcorrected": 6,
    "pmc-release": 7,
}
_UNKNOWN_TYPE_RANK = 5

_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# First month of a season or quarter ("Spring 2008" -> 2008-04).
_SEASONS: dict[str, int] = {
    "winter": 1,
    "spring": 4,
    "summer": 7,
    "fall": 10,
    "autumn": 10,
    "first quarter": 1,
    "second quarter": 4,
    "third quarter": 7,
    "fourth quarter": 10,
}
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _month(text: str) -> int | None:
    """Numeric month from "7", "07", "Jul", "July", "Jan-Feb", "Spring"."""
    text = text.strip().lower().rstrip(".")
    if not text:
        return None
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    if text in _SEASONS:
        return _SEASONS[text]
    first = re.split(r"[\s/\-–]+", text)[0].rstrip(".")
    return _MONTHS.get(first) or _SEASONS.get(first)


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    if not 1000 <= year <= 9999:
        return None
    if month is None:
        return f"{year:04d}"
    if day is not None:
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    return f"{year:04d}-{month:02d}"


def date_to_iso(date: etree._Element) -> str | None:
    """ISO string of a ``<pub-date>`` / ``<date>``: ``@iso-8601-date`` else its parts."""
    attribute = date.get("iso-8601-date")
    if attribute:
        found = _ISO.match(attribute)
        if found:
            month = int(found.group(2)) if found.group(2) else None
            day = int(found.group(3)) if found.group(3) else None
            if month is None or 1 <= month <= 12:
                return _iso(int(found.group(1)), month, day)
    parts = {"year": "", "month": "", "day": "", "season": ""}
    for child in date:
        if isinstance(child.tag, str):
            name = child.tag.rpartition("}")[2]
            if name in parts and not parts[name]:
                parts[name] = flatten(child)
    year_digits = re.match(r"\d{4}", parts["year"])
    if year_digits is None:
        return None
    month = _month(parts["month"]) or _month(parts["season"])
    day = int(parts["day"]) if parts["day"].isdigit() and month else None
    return _iso(int(year_digits.group()), month, day)


def _rank(date: etree._Element) -> int:
    kind = (date.get("pub-type") or date.get("date-type") or "").strip().lower()
    if kind in {"pub", "publication"} and date.get("publication-format", "").lower() == "electronic":
        return _TYPE_RANK["epub"]
    return _TYPE_RANK.get(kind, _UNKNOWN_TYPE_RANK)


def find_pub_date(article_meta: etree._Element | None) -> str | None:
    """The best-ranked ``<pub-date>`` that yields a year; ties go to the more complete date."""
    if article_meta is None:
        return None
    candidates: list[tuple[int, int, int, str]] = []
    for order, date in enumerate(article_meta.iterfind("{*}pub-date")):
        iso = date_to_iso(date)
        if iso:
            candidates.append((_rank(date), -len(iso), order, iso))
    return min(candidates)[3] if candidates else None
