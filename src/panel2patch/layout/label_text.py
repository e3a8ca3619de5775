"""Panel-label strings: parse OCR output and pick the figure's label sequence.

Accepted styles: ``A``, ``a``, ``(a)``, ``A.``, ``a)``, ``i``/``ii``/``iii``, ``1``/``2``/``3``,
and letters split into parts (``Ai``/``Aii``, ``A1``/``A2``, ``a-i``): two or more parts
of one letter stand for that letter in the sequence and each part labels its own panel.
The sequence (A, B, C...) decides what is a label: OCR reads of axis ticks and stray
letters drop out because they break the sequence or its reading order, and the letter
case of look-alike glyphs (c/C, o/O, s/S...) follows the rest of the sequence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from panel2patch.layout.gutters import WorkBox

# A mark just past the end of the crop before (read in one line with it) may be given to
# this crop: ".(a)", "/D". It is skipped before a parenthesis or a letter, never a number.
_BLEED = r"(?:[.,/'`](?=[(\[A-Za-z]))?"
_WRAPPED = re.compile(rf"^{_BLEED}[(\[]?([A-Za-z]{{1,4}}|[0-9]{{1,2}}|\|)[)\].:,]?$")
# a label closed by ")" and run into the text after it, read as one word: "b)P. areolatus"
_RUN_ON = re.compile(rf"^{_BLEED}\(?([A-Za-z]|[0-9]{{1,2}})\)[A-Za-z].*$")
# a letter and its part: "Ai", "(Aii)", "A-iii", "a.2", "B1"
_PART = re.compile(rf"^{_BLEED}[(\[]?([A-Za-z])[-.]?(i{{1,3}}|iv|vi{{0,3}}|I{{1,3}}|IV|VI{{0,3}}|[1-9])[)\].:,]?$")
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
# Glyphs whose upper and lower case look alike; OCR guesses their case.
CASELESS = set("cosuvwxzpk")
LOOK_ALIKE = {"I": "l", "l": "I", "|": "I"}
STYLES = ("upper", "lower", "roman", "digit")
SIZE_BAND = 1.45  # label heights of one figure stay within this factor ("a" next to "b")
ODD_SIZE = 1.3  # a letter after a hole this much smaller or larger than the rest is not a label
MAX_HOLE = 3  # consecutive labels may skip at most this many letters (missed reads)
MAX_FIRST = MAX_HOLE  # the first label read may be at most this far in: the letters before it missed
MIN_LABEL_SPACING = 2.5  # label centres lie at least this many label heights apart
MIN_LETTER_COMPLETENESS = 0.55  # share of the letters up to the last one that were read
MIN_DIGIT_COMPLETENESS = 0.75  # numbers: ticks 1, 2, 3 are complete too, so this adds little risk
MIN_PARTIAL = 3  # letters of an incomplete sequence that still show where labels sit
DOT_HEIGHT = 1.4  # a numeral with an "i" (its dot above the x-height) is this much taller than one without
STROKE_WIDTH = 0.45  # a numeral's ink is about this many heights wide per character (i: 0.4, ii: 0.9, iii: 1.4)
BAND_GAP = 3.0  # labels of one row (column) of panels may be offset by up to this many heights


@dataclass(frozen=True)
class Reading:
    """One OCR result on a label candidate, in work-image coordinates."""

    box: WorkBox
    text: str
    confidence: float


@dataclass(frozen=True)
class Parsed:
    style: str  # "letter", "roman" or "digit"
    index: int  # 0-based
    bare: str  # "A", "b", "ii", "3"


# the label choice parses the same few OCR texts again and again (each reading once per
# style, per size band and per round): they are parsed once (0.5% of the layout step)
PARSE_CACHE = 4096


@functools.lru_cache(maxsize=PARSE_CACHE)
def parse_label(text: str) -> tuple[Parsed, ...]:
    """Every way ``text`` can be read as a panel label (letters may also be roman numerals)."""
    text = "".join(ch for ch in text if ch.isascii() and not ch.isspace())
    match = _WRAPPED.match(text) or _RUN_ON.match(text)
    if not match:
        return ()
    core = match.group(1)
    out: list[Parsed] = []
    if core.isdigit():
        number = int(core)
        if 1 <= number <= 30:
            out.append(Parsed("digit", number - 1, str(number)))
        if core == "1" and text.startswith("("):  # "(l)" and "(I)" often read as "(1)"; ticks are bare
            out += [Parsed("letter", ord(c.upper()) - ord("A"), c) for c in "lI"]
        return tuple(out)
    if len(core) == 1:
        if core.isalpha():
            out.append(Parsed("letter", ord(core.upper()) - ord("A"), core))
        if core in LOOK_ALIKE:  # sans-serif capital I and small L are one glyph
            other = LOOK_ALIKE[core]
            out.append(Parsed("letter", ord(other.upper()) - ord("A"), other))
    if core.lower() in ROMAN and (core.islower() or core.isupper()):
        out.append(Parsed("roman", ROMAN.index(core.lower()), core.lower()))
    return tuple(out)


@dataclass(frozen=True)
class Chosen:
    reading: Reading
    index: int
    text: str


def median_height(readings: Iterable[Reading]) -> int:
    """The label size of ``readings``: the upper median of their heights (0 for none)."""
    heights = sorted(_height(r) for r in readings)
    return heights[len(heights) // 2] if heights else 0


def in_size_band(height: int, reference: float) -> bool:
    """``height`` within SIZE_BAND of ``reference`` either way (the labels of one figure)."""
    return reference / SIZE_BAND <= height <= reference * SIZE_BAND


@functools.lru_cache(maxsize=PARSE_CACHE)
def parse_part(text: str) -> tuple[str, int, str] | None:
    """(letter, part number from 1, part style "roman" or "digit") of a label naming a
    part of a lettered panel ("Aii" -> ("A", 2, "roman")); None for anything else."""
    text = "".join(ch for ch in text if ch.isascii() and not ch.isspace())
    match = _PART.match(text)
    if not match:
        return None
    letter, part = match.groups()
    if (letter + part).lower() in ROMAN and ((letter + part).islower() or (letter + part).isupper()):
        return None  # "ii", "vi", "IV": a numeral, not a letter's part
    if part.isdigit():
        return letter, int(part), "digit"
    return letter, ROMAN.index(part.lower()) + 1, "roman"


def part_number(text: str) -> int:
    """The part a label names ("Aii" -> 2); 0 for a plain label ("A")."""
    part = parse_part(text)
    return part[1] if part is not None else 0


def part_text(letter: str, number: int, style: str) -> str:
    return letter + (ROMAN[number - 1] if style == "roman" and number <= len(ROMAN) else str(number))


def choose_sequence(readings: Sequence[Reading]) -> tuple[str | None, list[Chosen]]:
    """The most convincing label sequence among the readings: (style, labels).

    Labels of one letter's parts (Ai, Aii) count as that letter once; each part is one
    label of the result, with the letter's index."""
    readings, parts = _letters_for_parts(readings)
    style, chosen = _choose_plain(readings)
    if style is None and parts:
        style, chosen = _parts_of_a(parts)
    if parts and style in ("upper", "lower"):
        chosen = _expand_parts(chosen, parts, style == "upper")
    return style, chosen


def _parts_of_a(parts: dict[WorkBox, list[Reading]]) -> tuple[str | None, list[Chosen]]:
    """A figure whose only labels are the parts of its first letter (Ai, Aii, Aiii)."""
    for box, group in parts.items():
        letter = parse_part(group[0].text)[0]
        if letter in "Aa":
            stand_in = Reading(box, letter, max(r.confidence for r in group))
            return ("upper" if letter == "A" else "lower"), [Chosen(stand_in, 0, letter)]
    return None, []


def _choose_plain(readings: Sequence[Reading]) -> tuple[str | None, list[Chosen]]:
    best: tuple[float, str | None, list[Chosen]] = (0.0, None, [])
    for style in ("letter", "roman", "digit"):
        options = [(r, p) for r in readings for p in parse_label(r.text) if p.style == style]
        chosen = _consistent_subset(options)
        if style == "roman":
            chosen = max((chosen, _with_dropped_strokes(options)), key=_weight)
        if len(chosen) < 2 or not _plausible(style, chosen):
            continue
        # letters win ties; digits need more evidence (axis ticks are digits too)
        weight = {"letter": 1.0, "roman": 0.9, "digit": 0.75}[style]
        score = weight * _weight(chosen)
        if score > best[0]:
            best = (score, style, chosen)
    _, style, chosen = best
    if style == "letter":
        style, chosen = _resolve_case(chosen)
    return style, sorted(chosen, key=lambda c: c.index)


def _with_dropped_strokes(options: list[tuple[Reading, Parsed]]) -> list[Chosen]:
    """The numeral sequence once readings that dropped a repeated stroke are read as the
    numeral their place in it calls for ("i" where ii or iii is due, "vi" for vii): the
    recogniser often reads two or three thin strokes close together as one.

    A reading counts so only right after the numeral before it in reading order, at its
    size, and only while the sequence keeps more numerals read as printed than read so,
    one of them more than strokes ("v", "iv"): a row of stray "i"s stays no sequence."""
    readings = [r for r, _ in options]
    if len(readings) < 3:
        return []
    best: list[Chosen] = []
    for row_major in (True, False):
        keys = _reading_keys(readings, row_major)
        order = [o for _, o in sorted(zip(keys, options), key=lambda ko: ko[0])]
        for start in range(len(order)):
            if order[start][1].index != 0:
                continue
            last_reading, last = order[start]
            fixed = [(last_reading, last)]
            dropped = 0
            for reading, parsed in order[start + 1:]:
                if not in_size_band(_height(reading) * _dot_free(reading), _height(last_reading) * _dot_free(last_reading)):
                    continue
                due = last.index + 1
                if due <= parsed.index <= due + MAX_HOLE:
                    last_reading, last = reading, parsed
                elif _stroke_dropped(reading, parsed, due):
                    last_reading, last = reading, Parsed("roman", due, ROMAN[due])
                    dropped += 1
                else:
                    continue
                fixed.append((last_reading, last))
            exact = len(fixed) - dropped
            if not dropped or exact < dropped or all(p.bare == "i" for _, p in fixed if p.bare != "i" * (p.index + 1)):
                continue
            chosen = _sequence_in_band(fixed)
            if _weight(chosen) > _weight(best):
                best = chosen
    return best


def _stroke_dropped(reading: Reading, parsed: Parsed, due: int) -> bool:
    """``reading`` may be numeral ``due`` with one or two of its closing "i"s read as one:
    its text is that numeral without them, and its ink is as wide as the numeral's (a
    single stroke, a grid line read "i", is far narrower)."""
    if due >= len(ROMAN) or not ROMAN[due].startswith(parsed.bare) or set(ROMAN[due][len(parsed.bare):]) != {"i"}:
        return False
    width = reading.box[2] - reading.box[0]
    return width >= STROKE_WIDTH * _height(reading) * (len(ROMAN[due]) - 0.5)


def _dot_free(reading: Reading) -> float:
    """Scale that brings a numeral's height to its strokes': "v" and "x" lack the dot of
    "i", a third of its height above the x-height."""
    return 1.0 if "i" in reading.text.lower() else DOT_HEIGHT


def _letters_for_parts(readings: Sequence[Reading]) -> tuple[list[Reading], dict[WorkBox, list[Reading]]]:
    """The readings with each letter's parts replaced by one reading of the bare letter at
    the first part; and those parts, in reading order, by the box of that stand-in.

    A letter needs two or more parts of one size to count as parts, numbered from the
    first or second (a missed first part); once one letter has, a single part of another
    letter at that size counts too (B1 missed, B2 read). A lone "B1" in a figure without
    parts stays what it was (vitamin B1, a D2 receptor)."""
    by_letter: dict[str, list[Reading]] = {}
    for reading in _one_per_place([r for r in readings if parse_part(r.text) is not None]):
        by_letter.setdefault(parse_part(reading.text)[0].upper(), []).append(reading)
    groups = {letter: _one_size(group) for letter, group in by_letter.items()}
    valid = {k: g for k, g in groups.items() if len(g) >= 2 and _numbered_parts([parse_part(r.text) for r in g])}
    if not valid:
        return list(readings), {}
    median = median_height(r for g in valid.values() for r in g)
    for letter, group in groups.items():
        if letter not in valid and len(group) == 1 and in_size_band(_height(group[0]), median):
            valid[letter] = group
    taken = {id(r) for g in valid.values() for r in g}
    out = [r for r in readings if id(r) not in taken]
    parts: dict[WorkBox, list[Reading]] = {}
    for group in valid.values():
        keys = _reading_keys(group, row_major=True)
        group = [r for _, r in sorted(zip(keys, group), key=lambda kr: kr[0])]
        out.append(Reading(group[0].box, parse_part(group[0].text)[0], max(r.confidence for r in group)))
        parts[group[0].box] = group
    return out, parts


def _one_per_place(readings: list[Reading]) -> list[Reading]:
    """One reading per label place: a crop read in two rounds (boxes a pixel apart) once,
    the more confident read."""
    kept: list[Reading] = []
    for reading in sorted(readings, key=lambda r: -r.confidence):
        x, y = (reading.box[0] + reading.box[2]) / 2, (reading.box[1] + reading.box[3]) / 2
        if not any(k.box[0] <= x < k.box[2] and k.box[1] <= y < k.box[3] for k in kept):
            kept.append(reading)
    return kept


def _numbered_parts(parts: list[tuple[str, int, str]]) -> bool:
    """Parts start at the first (or the second: a missed first) and differ; roman parts
    may repeat (the recogniser drops a thin stroke: "Ai" for "Aii"), numbers may not
    ("H2" twice is a formula)."""
    numbers = [number for _, number, _ in parts]
    repeats = len(set(numbers)) < len(numbers)
    return min(numbers) <= 2 and not (repeats and any(style == "digit" for _, _, style in parts))


def _one_size(group: list[Reading]) -> list[Reading]:
    """The largest subset of ``group`` within one SIZE_BAND of heights."""
    best: list[Reading] = []
    for ref in {_height(r) for r in group}:
        band = [r for r in group if ref <= _height(r) <= ref * SIZE_BAND]
        if len(band) > len(best):
            best = band
    return best


def _expand_parts(chosen: list[Chosen], parts: dict[WorkBox, list[Reading]], upper: bool) -> list[Chosen]:
    """Each chosen stand-in letter back to its parts. Parts read out of order or twice
    ("Ai" for "Aii": the recogniser drops a thin stroke) are numbered in reading order."""
    out: list[Chosen] = []
    for c in chosen:
        group = parts.get(c.reading.box)
        if group is None or parse_part(c.reading.text) is not None:
            out.append(c)
            continue
        read = [parse_part(r.text) for r in group]
        numbers = [p[1] for p in read]
        if numbers != sorted(set(numbers)):
            numbers = list(range(1, len(group) + 1))
        letter = c.text.upper() if upper else c.text.lower()
        out.extend(Chosen(r, c.index, part_text(letter, n, read[0][2])) for r, n in zip(group, numbers))
    return out


def partial_letters(readings: Sequence[Reading]) -> list[Chosen]:
    """Letters that would form a sequence but for its completeness (A, C, E, G read;
    B, D, F missed): where the labels are, not yet which labels there are."""
    options = [(r, p) for r in readings for p in parse_label(r.text) if p.style == "letter"]
    chosen = _consistent_subset(options)
    return chosen if len(chosen) >= MIN_PARTIAL else []


def _consistent_subset(options: list[tuple[Reading, Parsed]]) -> list[Chosen]:
    """The best label sequence among readings of one size (labels of a figure share a size)."""
    best: list[Chosen] = []
    best_key = (0.0, 0)
    for ref in sorted({_height(r) for r, _ in options}, reverse=True):
        band = [(r, p) for r, p in options if in_size_band(_height(r), ref)]
        chosen = _sequence_in_band(band)
        if len(chosen) < 2:
            continue
        key = (_weight(chosen), ref)
        if key > best_key:
            best, best_key = chosen, key
    return best


def _sequence_in_band(options: list[tuple[Reading, Parsed]]) -> list[Chosen]:
    # one reading per index (the more confident, then taller), one index per reading
    # a reading with two meanings ("l": I or L) takes the one next to other letters read
    present = {p.index for _, p in options}
    lonely = {id(p): p.index - 1 not in present and p.index + 1 not in present for _, p in options}
    by_index: dict[int, tuple[Reading, Parsed]] = {}
    for reading, parsed in sorted(options, key=lambda o: (-o[0].confidence, -_height(o[0]), lonely[id(o[1])])):
        if parsed.index not in by_index and not any(r is reading for r, _ in by_index.values()):
            by_index[parsed.index] = (reading, parsed)
    spaced = _spaced([(i, r, p) for i, (r, p) in by_index.items()])
    items = _in_reading_order(spaced)
    # a sequence starts near its beginning and has few holes
    items.sort(key=lambda t: t[0])
    kept: list[tuple[int, Reading, Parsed]] = []
    for item in items:
        limit = MAX_FIRST if not kept else kept[-1][0] + 1 + MAX_HOLE
        if item[0] <= limit:
            kept.append(item)
    kept = _fill_holes(kept, spaced)
    while len(kept) >= 3 and kept[-1][0] > kept[-2][0] + 1 and _odd_size(kept[-1][1], [k[1] for k in kept[:-1]]):
        kept.pop()  # a last letter after a hole, unlike the rest in size: a stray word
    return [Chosen(r, i, p.bare) for i, r, p in kept]


def _fill_holes(
    kept: list[tuple[int, Reading, Parsed]], spaced: list[tuple[int, Reading, Parsed]]
) -> list[tuple[int, Reading, Parsed]]:
    """A letter read that fills a hole of the sequence joins it even out of reading order
    (a panel spanning two rows puts its label between the rows' labels: C D F / E G).
    Letters beyond the last are not added: on dev that adds stray letters more often."""
    if len(kept) < 2:
        return kept
    present = {k[0] for k in kept}
    holes = set(range(kept[0][0], kept[-1][0])) - present
    fillers = [item for item in spaced if item[0] in holes and _in_row_order(item, kept)]
    return sorted(kept + fillers, key=lambda t: t[0])


def _in_row_order(item: tuple[int, Reading, Parsed], kept: list[tuple[int, Reading, Parsed]]) -> bool:
    """``item`` is not beside the letter before or after it on the wrong side: within one
    row band (centres ``BAND_GAP`` label heights apart at most), letters run left to right,
    in a row-major and a column-major layout alike. (A "C" of a formula in panel D, right
    of D's label and a little below it, is no label C.) Only the next letters count: a
    stray letter further on in the sequence says nothing of this one."""
    index, reading, _ = item
    box = reading.box
    for k_index, k_reading, _ in kept:
        if abs(k_index - index) != 1:
            continue
        other = k_reading.box
        h = max(_height(reading), _height(k_reading))
        if abs((box[1] + box[3]) - (other[1] + other[3])) / 2 > BAND_GAP * h:
            continue
        if (k_index > index and other[2] <= box[0]) or (k_index < index and box[2] <= other[0]):
            return False
    return True


def _odd_size(reading: Reading, others: list[Reading]) -> bool:
    median = median_height(others)
    return not median / ODD_SIZE <= _height(reading) <= median * ODD_SIZE


def _spaced(items: list[tuple[int, Reading, Parsed]]) -> list[tuple[int, Reading, Parsed]]:
    """Two panel labels are never closer than a few label heights (a panel lies between);
    stacked list markers "(a) ... (b) ..." in a text block are."""
    kept: list[tuple[int, Reading, Parsed]] = []
    for item in sorted(items, key=lambda t: t[0]):
        box = item[1].box
        h = max(_height(item[1]), *(_height(k[1]) for k in kept)) if kept else _height(item[1])
        close = [k for k in kept if _center_gap(box, k[1].box) < MIN_LABEL_SPACING * h]
        if any(k[0] == item[0] - 1 for k in close):
            return []  # consecutive letters a line apart: an enumerated list, not panels
        if not close:
            kept.append(item)
    return kept


def _center_gap(a: WorkBox, b: WorkBox) -> float:
    return max(abs((a[0] + a[2]) - (b[0] + b[2])), abs((a[1] + a[3]) - (b[1] + b[3]))) / 2


def _in_reading_order(items: list[tuple[int, Reading, Parsed]]) -> list[tuple[int, Reading, Parsed]]:
    """Longest run of labels whose order matches rows-then-columns or columns-then-rows."""
    if len(items) <= 2:
        return items
    best: list[tuple[int, Reading, Parsed]] = []
    for row_major in (True, False):
        keys = _reading_keys([t[1] for t in items], row_major)
        ordered = [t for _, t in sorted(zip(keys, items), key=lambda kt: kt[0])]
        run = _longest_increasing(ordered)
        if len(run) > len(best):
            best = run
    return best


def _reading_keys(readings: list[Reading], row_major: bool) -> list[tuple[int, int]]:
    """(band, position in band): bands are rows (or columns) of labels that line up.

    Labels of one row need not line up exactly (a label at the top of each panel when
    the panels of a row differ in height): sorted by their top, a new band starts at a
    gap wider than BAND_GAP label heights, or than the figure's own row gaps allow."""
    lead, cross = (1, 0) if row_major else (0, 1)
    height = max(_height(r) for r in readings)
    order = sorted(range(len(readings)), key=lambda i: readings[i].box[lead])
    starts = [readings[i].box[lead] for i in order]
    widest = max((b - a for a, b in zip(starts, starts[1:])), default=0)
    tolerance = max(0.6 * height, min(BAND_GAP * height, 0.3 * widest))
    band_of = [0] * len(readings)
    band, previous = -1, None
    for i, start in zip(order, starts):
        if previous is None or start > previous + tolerance:
            band += 1
        band_of[i], previous = band, start
    return [(band_of[i], readings[i].box[cross]) for i in range(len(readings))]


def _longest_increasing(seq: list[tuple[int, Reading, Parsed]]) -> list[tuple[int, Reading, Parsed]]:
    """Longest chain of increasing indices in ``seq`` order that starts near the beginning
    of the sequence and skips at most MAX_HOLE letters per step; among chains of one
    length, the one that skips fewest (a stray "P" after "a" must not outrank "b")."""
    n = len(seq)
    best = [(1, -seq[i][0]) if seq[i][0] <= MAX_FIRST else (0, 0) for i in range(n)]  # (length, -skipped)
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            step = seq[i][0] - seq[j][0]
            if best[j][0] and 0 < step <= MAX_HOLE + 1:
                key = (best[j][0] + 1, best[j][1] - (step - 1))
                if key > best[i]:
                    best[i], prev[i] = key, j
    if not n or max(best)[0] == 0:
        return []
    end = max(range(n), key=lambda i: best[i])
    out = []
    while end >= 0:
        out.append(seq[end])
        end = prev[end]
    return out[::-1]


def _plausible(style: str, chosen: list[Chosen]) -> bool:
    """Numbers and numerals must start at the first one, and numerals be as complete as
    letters ("i" and "v" alone were two white strokes of a photo grid); numbers need more
    evidence (ticks)."""
    if style == "letter":
        return _completeness(chosen) >= MIN_LETTER_COMPLETENESS
    starts = min(c.index for c in chosen) == 0
    if style == "roman":
        return starts and _completeness(chosen) >= MIN_LETTER_COMPLETENESS
    return starts and len(chosen) >= 3 and _completeness(chosen) >= MIN_DIGIT_COMPLETENESS


def _weight(chosen: list[Chosen]) -> float:
    """Labels read times completeness: how a sequence of one style is ranked."""
    return len(chosen) * _completeness(chosen) if chosen else 0.0


def _completeness(chosen: list[Chosen]) -> float:
    top = max(c.index for c in chosen) + 1
    return len(chosen) / top


def _resolve_case(chosen: list[Chosen]) -> tuple[str, list[Chosen]]:
    decided = [c.text for c in chosen if c.text.lower() not in CASELESS]
    uppers = sum(t.isupper() for t in decided)
    lowers = len(decided) - uppers
    if not decided:
        upper = sum(c.text.isupper() for c in chosen) >= len(chosen) / 2
    else:
        upper = uppers >= lowers
    fixed = [Chosen(c.reading, c.index, c.text.upper() if upper else c.text.lower()) for c in chosen]
    return ("upper" if upper else "lower"), fixed


def missing_indices(chosen: Sequence[Chosen]) -> list[int]:
    """Holes in the sequence (a missing letter suggests a missed panel)."""
    present = {c.index for c in chosen}
    return [i for i in range(max(present, default=-1) + 1) if i not in present]


def _height(reading: Reading) -> int:
    return reading.box[3] - reading.box[1]
