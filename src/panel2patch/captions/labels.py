"""Panel label grammar: atoms ("A", "b2", "Aii", "iv", "3"), lists and ranges.

A label is kept as written ("Aii", "b"); ranges expand ("A–C" -> A, B, C; "Ai–iii" ->
Ai, Aii, Aiii; "ii–iv" -> ii, iii, iv). Nothing here looks at context: whether a label
token opens a sub-caption or merely refers to a panel is decided in ``tokens``.
"""

from __future__ import annotations

import re

from panel2patch.captions.text import DASHES

_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii",
          "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx")
ROMAN_VALUES: dict[str, int] = {numeral: index + 1 for index, numeral in enumerate(_ROMAN)}

ATOM = r"(?:[A-Za-z](?:\d{1,2}|[ivx]{1,4})?|\d{1,2}|[IVX]{2,5})['\u2032\u2019]?"
_ATOM_RE = re.compile(ATOM)
_RANGE_WORDS = {"to", "through", "thru"}
_SEP_RE = re.compile(
    r"(\s*(?:,\s*(?:and|&)\s+|,|&|\+|/|\band\b|\bor\b|\bto\b|\bthrough\b|\bthru\b|["
    + re.escape(DASHES)
    + r"])\s*)"
)
# Words that may precede a label list inside parentheses: "(see panel B)", "(panels C, D)".
_LEAD_RE = re.compile(
    r"^(?:see\s+(?:also\s+)?|cf\.?\s+|as\s+in\s+|compare\s+)?"
    r"(?:(?:(?:upper|lower|top|bottom|left|right|middle)\s+)?(?:panels?|images?)\s+)?",
    re.IGNORECASE,
)
_IN_LABELS_RE = re.compile(r"\s(?:in|of|from)\s+(?:panels?\s+|images?\s+)?([^\s].{0,20})$",
                           re.IGNORECASE)
_HE_RE = re.compile(r"H\s?&\s?E")
_PIECE_SEP_RE = re.compile(r"\s*[,;:]\s*")
FIRST_LABELS = frozenset({"a", "A", "i", "I", "1", "Ai", "ai", "A1", "a1"})


def roman_value(text: str) -> int | None:
    """1..20 for a roman numeral written in one case ("iv", "IV"), else None."""
    if text.islower() or text.isupper():
        return ROMAN_VALUES.get(text.lower())
    return None


def is_atom(text: str) -> bool:
    return _ATOM_RE.fullmatch(text) is not None and text != "0"


def is_roman_only(label: str) -> bool:
    """True for numerals that cannot be letters ("ii", "iv", "III"); "i"/"v"/"x" are not."""
    return len(label) > 1 and roman_value(label) is not None


def _split_atom(label: str) -> tuple[str, str]:
    """("A", "ii") for "Aii", ("b", "2") for "b2", ("A", "") for "A"; roman/number -> ("", x)."""
    label = label.rstrip("'\u2032\u2019")
    if label.isdigit() or is_roman_only(label):
        return "", label
    return label[:1], label[1:]


def label_key(label: str, roman_context: bool = False) -> tuple[int, int]:
    """An ordering key: (panel position, sub-position). Lets rules check "B comes after A"."""
    head, tail = _split_atom(label)
    if not head:
        if tail.isdigit():
            return int(tail), 0
        return roman_value(tail) or 0, 0
    if roman_context and not tail and roman_value(head) is not None:
        return roman_value(head) or 0, 0
    major = ord(head.lower()) - ord("a") + 1
    if not tail:
        return major, 0
    if tail.isdigit():
        return major, int(tail)
    return major, roman_value(tail) or 0


def _roman_range(low: str, high: str) -> tuple[str, ...] | None:
    lo, hi = roman_value(low), roman_value(high)
    if not lo or not hi or lo >= hi:
        return None
    return tuple(n.upper() if low.isupper() else n for n in _ROMAN[lo - 1 : hi])


def _expand_range(low: str, high: str) -> tuple[str, ...]:
    """Expand "A"–"C", "ii"–"iv", "3"–"5", "A1"–"A3" (or "A1"–"3"), "Ai"–"iii"."""
    if low.isdigit() and high.isdigit():
        lo, hi = int(low), int(high)
        return tuple(str(n) for n in range(lo, hi + 1)) if 0 < hi - lo < 30 else (low, high)
    single_pair = len(low) == 1 and len(high) == 1
    if is_roman_only(high) or is_roman_only(low) or (
        single_pair and low.islower() and (low, high) in {("i", "v"), ("i", "x"), ("v", "x")}
    ):
        roman = _roman_range(low, high)
        if roman and (is_roman_only(low) or len(low) == 1):
            return roman
    if single_pair and low.isalpha() and high.isalpha() and low.islower() == high.islower():
        if 0 < ord(high) - ord(low) <= 26:
            return tuple(chr(c) for c in range(ord(low), ord(high) + 1))
        return (low, high)
    low_head, low_tail = _split_atom(low)
    high_head, high_tail = _split_atom(high)
    if low_head and low_tail:
        if high_head and high_head != low_head and not (high_head + high_tail).isdigit():
            # "Ai–ii" splits "ii" as head "i", tail "i": read it whole as a suffix.
            high_tail = high if roman_value(high) else high_tail
            if not roman_value(high):
                return (low, high)
        elif not high_head:
            high_tail = high_tail or high
        if low_tail.isdigit() and high_tail.isdigit():
            lo, hi = int(low_tail), int(high_tail)
            if 0 < hi - lo < 30:
                return tuple(f"{low_head}{n}" for n in range(lo, hi + 1))
        suffixes = _roman_range(low_tail, high_tail)
        if suffixes:
            return tuple(f"{low_head}{n}" for n in suffixes)
    return (low, high)


def parse_label_list(content: str) -> tuple[str, ...] | None:
    """Labels of a list such as "A", "A, B", "A and C", "B–D, F–H", "Ai–ii"; else None.

    Returns None when any piece is not a label atom (so "(n = 3)" or "(PSA)" are rejected).
    """
    content = content.strip()
    if not content or len(content) > 60 or _HE_RE.fullmatch(content):
        return None
    parts = _SEP_RE.split(content)
    atoms = [part.strip() for part in parts[0::2]]
    seps = [part.strip().lower() for part in parts[1::2]]
    if not atoms or not all(is_atom(atom) for atom in atoms):
        return None
    labels: list[str] = [atoms[0]]
    for sep, atom in zip(seps, atoms[1:], strict=True):
        if sep and (sep in _RANGE_WORDS or sep in DASHES):
            labels.extend(_expand_range(labels.pop(), atom))
        else:
            labels.append(atom)
    return tuple(dict.fromkeys(labels))


def parse_label_prefix(content: str) -> tuple[tuple[str, ...], bool] | None:
    """Labels of a parenthetical, and whether other text comes with them.

    "(D and E, red dashed lines)" -> (("D", "E"), True); "(see panel B)" -> (("B",), False);
    "(a, b; magnification ×80)" -> (("a", "b"), True); "(AP; A, D, G)" -> (("A", "D", "G"),
    True); "(arrows in A)" -> (("A",), True).
    """
    lead = _LEAD_RE.match(content)
    body = content[lead.end():] if lead else content
    labels = parse_label_list(body)
    if labels:
        return labels, bool(lead and lead.end())
    cuts = list(_PIECE_SEP_RE.finditer(body))
    for cut in reversed(cuts):  # longest leading label list
        labels = parse_label_list(body[: cut.start()])
        if labels and body[cut.end():]:
            return labels, True
    tail = _IN_LABELS_RE.search(content)
    if tail:
        labels = parse_label_list(tail.group(1))
        if labels:
            return labels, True
    for cut in _PIECE_SEP_RE.finditer(content):  # longest trailing label list
        if cut.group().strip() == ":":
            continue
        rest = _LEAD_RE.sub("", content[cut.end():], count=1)
        labels = parse_label_list(rest) if len(rest) <= 16 else None
        if labels and content[: cut.start()].strip():
            return labels, True
    return None


def expand_panel_names(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Normalise panel names given by other stages ("B-D" -> B, C, D; "c" stays "c")."""
    out: dict[str, None] = {}
    for name in names:
        labels = parse_label_list(str(name)) or (str(name).strip(),)
        for label in labels:
            if label:
                out.setdefault(label, None)
    return tuple(out)
