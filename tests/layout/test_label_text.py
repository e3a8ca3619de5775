import pytest

from panel2patch.layout.label_text import (
    Reading,
    _fill_holes,
    choose_sequence,
    missing_indices,
    parse_label,
    parse_part,
    partial_letters,
)


@pytest.mark.parametrize(
    ("text", "style", "index", "bare"),
    [
        ("A", "letter", 0, "A"),
        ("b", "letter", 1, "b"),
        ("(c)", "letter", 2, "c"),
        ("D.", "letter", 3, "D"),
        ("e)", "letter", 4, "e"),
        ("ii", "roman", 1, "ii"),
        ("(iv)", "roman", 3, "iv"),
        ("3", "digit", 2, "3"),
        ("中A", "letter", 0, "A"),  # the recogniser's stray CJK is dropped
        ("b)P.", "letter", 1, "b"),  # "b) P. areolatus": a label run into italic text
        ("(f)Lgibbus", "letter", 5, "f"),
    ],
)
def test_parse_label_accepts_every_style(text: str, style: str, index: int, bare: str) -> None:
    assert any(p.style == style and p.index == index and p.bare == bare for p in parse_label(text))


@pytest.mark.parametrize("text", ["", "Gene", "0.5", "p<0.05", "(a", "A1", "99"])
def test_parse_label_rejects_words_and_numbers(text: str) -> None:
    assert not [p for p in parse_label(text) if p.style == "letter" and len(p.bare) == 1 and text.isalpha()]


@pytest.mark.parametrize(("text", "letters"), [("b)P.", ["b"]), ("ab)cd", []), ("b.P", []), ("b)1", [])])
def test_text_run_on_after_a_closing_parenthesis(text: str, letters: list) -> None:
    """Only one letter (or number) before the ")", and words after it."""
    assert [p.bare for p in parse_label(text) if p.style == "letter"] == letters


@pytest.mark.parametrize(
    ("text", "parsed"),
    [(".(a)", [("letter", "a")]), ("/D", [("letter", "D")]), (",b)", [("letter", "b")]), (".5", []), ("/12", [])],
)
def test_a_mark_bled_from_the_crop_before_is_skipped_before_letters_only(text: str, parsed: list) -> None:
    """Crops are read side by side in one line; a "." or "/" that ends one crop is now and
    then placed past the gap's middle, at the start of the next crop's read ("0.5" cut to
    ".5" stays no label)."""
    assert [(p.style, p.bare) for p in parse_label(text)] == parsed


@pytest.mark.parametrize(("text", "letters"), [("(1)", ["l", "I"]), ("1", []), ("1)", []), ("(2)", [])])
def test_a_parenthesised_one_may_be_a_small_l_or_capital_i(text: str, letters: list) -> None:
    """The recogniser reads "(l)" as "(1)" now and then; a bare "1" is a tick value."""
    assert [p.bare for p in parse_label(text) if p.style == "letter"] == letters


def test_a_parenthesised_one_ends_a_sequence_of_small_letters() -> None:
    readings = _row(["(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)", "(i)", "(j)", "(k)", "(1)"])
    style, chosen = choose_sequence(readings)
    assert style == "lower" and [c.text for c in chosen][-1] == "l"


def _row(texts: list[str], height: int = 14, step: int = 200) -> list[Reading]:
    return [Reading((i * step, 0, i * step + 10, height), t, 0.9) for i, t in enumerate(texts)]


def test_sequence_in_reading_order_with_noise() -> None:
    readings = _row(["A", "B", "C", "D"]) + [Reading((50, 300, 56, 309), "1", 0.9), Reading((90, 300, 96, 309), "5", 0.9)]
    style, chosen = choose_sequence(readings)
    assert style == "upper" and [c.text for c in chosen] == ["A", "B", "C", "D"]


def test_case_of_look_alike_letters_follows_the_sequence() -> None:
    lowercase = [Reading((i * 200, 4 if t in "aC" else 0, i * 200 + 10, 14), t, 0.9) for i, t in enumerate("abCd")]
    style, chosen = choose_sequence(lowercase)  # x-height letters are shorter than b, d
    assert style == "lower" and [c.text for c in chosen] == ["a", "b", "c", "d"]
    style, chosen = choose_sequence(_row(["A", "B", "c", "D"]))
    assert style == "upper" and [c.text for c in chosen] == ["A", "B", "C", "D"]


def test_a_missing_letter_is_reported() -> None:
    _, chosen = choose_sequence(_row(["A", "B", "D", "E"]))
    assert [c.text for c in chosen] == ["A", "B", "D", "E"] and missing_indices(chosen) == [2]


def test_letters_whose_first_three_were_missed_still_show_where_labels_sit() -> None:
    """Synthetic dev figure 70 (a ruled 4 x 3 grid, labels "a)" over pictures): the
    first read gave d) e) f) i) j) k) and no letters at all, as a sequence had to start
    by c; they now place the reads of the other pieces (a) and b) were there)."""
    cells = {"d)": (3, 0), "e)": (0, 1), "f)": (1, 1), "i)": (0, 2), "j)": (1, 2), "k)": (2, 2)}
    readings = [Reading((8 + 258 * c, 8 + 235 * r, 28 + 258 * c, 29 + 235 * r), t, 0.9) for t, (c, r) in cells.items()]
    assert [c.text for c in partial_letters(readings)] == ["d", "e", "f", "i", "j", "k"]
    assert choose_sequence(readings) == (None, [])  # 6 of 11: too few for a sequence yet
    # a stray "d" to "f" still is nothing: 3 of 6 letters
    assert choose_sequence(_row(["d", "e", "f"])) == (None, [])


def test_letters_out_of_reading_order_are_dropped() -> None:
    readings = _row(["A", "B", "C"]) + [Reading((0, 400, 10, 414), "B", 0.5)]
    _, chosen = choose_sequence(readings)
    assert [c.reading.box[1] for c in chosen] == [0, 0, 0]


def test_tick_numbers_and_list_markers_are_not_labels() -> None:
    ticks = [Reading((0, i * 30, 8, i * 30 + 10), str(v), 0.9) for i, v in enumerate([0, 5, 10, 15])]
    assert choose_sequence(ticks) == (None, [])
    stacked = [Reading((0, i * 18, 20, i * 18 + 14), t, 0.9) for i, t in enumerate(["(a)", "(b)", "(c)"])]
    assert choose_sequence(stacked) == (None, [])


def test_roman_and_digit_sequences() -> None:
    style, chosen = choose_sequence(_row(["i", "ii", "iii"]))
    assert style == "roman" and [c.text for c in chosen] == ["i", "ii", "iii"]
    style, chosen = choose_sequence(_row(["1", "2", "3"]))
    assert style == "digit" and [c.text for c in chosen] == ["1", "2", "3"]


def test_two_numerals_far_apart_are_no_sequence() -> None:
    """ "i" and "v" alone (two white strokes in a grid of photos) are 2 of 5 numerals: no
    more complete than letters A and E would be; "i", "ii", "iv" are."""
    assert choose_sequence(_row(["i", "v"])) == (None, [])
    style, chosen = choose_sequence(_row(["i", "ii", "iv"]))
    assert style == "roman" and [c.text for c in chosen] == ["i", "ii", "iv"]


def test_numerals_read_with_a_stroke_dropped_take_their_place_in_the_sequence() -> None:
    """Synthetic dev figure 40 (i ii iii iv over a row, v below): the recogniser read ii
    and iii as "i" each (close thin strokes read as one), iv not at all, v as "V" (no
    dot: shorter than the numerals with one), and a small "i" of a panel's text: no
    sequence was found at all."""
    readings = [
        Reading((638, 46, 663, 64), "i", 0.9),  # iii
        Reading((79, 29, 86, 47), "i", 0.9),  # i
        Reading((443, 216, 458, 228), "V", 0.9),  # v
        Reading((432, 29, 449, 47), "i", 0.9),  # ii
        Reading((494, 63, 504, 74), "i", 0.9),  # panel text
        Reading((893, 68, 904, 74), "159", 0.9),
    ]
    style, chosen = choose_sequence(readings)
    assert style == "roman" and [(c.text, c.reading.box[0]) for c in chosen][:3] == [("i", 79), ("ii", 432), ("iii", 638)]


def test_a_row_of_lone_strokes_is_no_numeral_sequence() -> None:
    """A dropped stroke is read only in ink as wide as the numeral due, and in a sequence
    that keeps more numerals read as printed, one of them more than strokes: white lines
    of a photo grid read "i" stay nothing."""
    lines = [Reading((i * 200, 0, i * 200 + 4, 18), "i", 0.9) for i in range(4)]
    assert choose_sequence(lines) == (None, [])
    assert choose_sequence(lines[:3] + [Reading((600, 0, 620, 18), "iv", 0.9)]) == (None, [])
    wide = [Reading((i * 200, 0, i * 200 + 8 * (i + 1), 18), "i", 0.9) for i in range(4)]
    assert choose_sequence(wide) == (None, [])


def test_labels_of_another_size_are_ignored() -> None:
    readings = _row(["A", "B", "C"]) + [Reading((700, 0, 730, 40), "D", 0.99)]
    _, chosen = choose_sequence(readings)
    assert [c.text for c in chosen] == ["A", "B", "C"]


def test_capital_i_read_as_small_l_takes_its_place_in_the_sequence() -> None:
    second_row = [Reading((r.box[0], 300, r.box[2], 314), r.text, r.confidence) for r in _row(["F", "G", "H", "l", "J"])]
    style, chosen = choose_sequence(_row(["A", "B", "C", "D", "E"]) + second_row)
    assert style == "upper" and "".join(c.text for c in chosen) == "ABCDEFGHIJ"
    second_row = [Reading((r.box[0], 300, r.box[2], 314), r.text, r.confidence) for r in _row(list("ghijkl"))]
    _, chosen = choose_sequence(_row(list("abcdef")) + second_row)  # a real small L keeps its place
    assert "".join(c.text for c in chosen) == "abcdefghijkl"


def test_a_letter_out_of_reading_order_fills_a_hole() -> None:
    """C D F along one row, E G below (panel F spans both rows): E is still a label."""
    rows = [(0, "C", 300), (200, "D", 300), (400, "F", 300), (0, "E", 600), (200, "G", 600)]
    readings = _row(["A", "B"]) + [Reading((x, y, x + 10, y + 14), t, 0.9) for x, t, y in rows]
    _, chosen = choose_sequence(readings)
    assert [c.text for c in chosen] == ["A", "B", "C", "D", "E", "F", "G"]


def test_a_hole_filler_beside_its_neighbours_on_the_wrong_side_is_no_label() -> None:
    """a b _ d along one row, and a "c" read right of d and a little below it (the C of a
    formula in panel d): it does not fill the hole; one between b and d does. A stray
    letter further on (an "i" left of it) does not stop it."""

    def item(text: str, x: int, y: int = 0) -> tuple:
        return (ord(text) - ord("a"), Reading((x, y, x + 10, y + 14), text, 0.9), parse_label(text)[0])

    kept = [item("a", 0), item("b", 200), item("d", 400), item("i", 100, 40)]
    stray, between = item("c", 520, 32), item("c", 300, 32)
    assert [k[0] for k in _fill_holes(kept, [*kept, stray])] == [0, 1, 3, 8]
    assert [k[0] for k in _fill_holes(kept, [*kept, between])] == [0, 1, 2, 3, 8]


@pytest.mark.parametrize(
    ("text", "part"),
    [("Ai", ("A", 1, "roman")), ("(Aii)", ("A", 2, "roman")), ("b-iv", ("b", 4, "roman")),
     ("A2", ("A", 2, "digit")), ("c.3", ("c", 3, "digit"))],
)
def test_parse_part_reads_letter_and_part(text: str, part: tuple) -> None:
    assert parse_part(text) == part


@pytest.mark.parametrize("text", ["A", "Ab", "AB12", "10", "ii", "A0", "A10"])
def test_parse_part_rejects_plain_labels_and_words(text: str) -> None:
    assert parse_part(text) is None


def test_parts_of_a_letter_label_their_own_panels() -> None:
    # Ai above Aii, then B and C to the right: the stand-in A completes the sequence
    readings = [Reading((0, 0, 20, 14), "Ai", 0.9), Reading((0, 300, 24, 314), "Aii", 0.9),
                Reading((400, 0, 410, 14), "B", 0.9), Reading((800, 0, 810, 14), "C", 0.9)]
    style, chosen = choose_sequence(readings)
    assert style == "upper" and [c.text for c in chosen] == ["Ai", "Aii", "B", "C"]
    assert [c.index for c in chosen] == [0, 0, 1, 2]


def test_a_part_read_twice_is_numbered_in_reading_order() -> None:
    # the recogniser drops the second stroke of "ii": both read "Ai"
    readings = [Reading((0, 300, 20, 314), "Ai", 0.9), Reading((0, 0, 20, 14), "Ai", 0.9),
                Reading((400, 0, 410, 14), "B", 0.9)]
    _, chosen = choose_sequence(readings)
    assert [(c.text, c.reading.box[1]) for c in chosen] == [("Ai", 0), ("Aii", 300), ("B", 0)]


def test_a_lone_letter_with_a_number_is_not_a_label() -> None:
    # "B1" beside A and C is a vitamin or a gene name, not panel B
    _, chosen = choose_sequence(_row(["A", "B1", "C"]))
    assert [c.text for c in chosen] == ["A", "C"]


def test_repeated_formulas_are_not_parts() -> None:
    # "H2" under two panels of a pathway figure: a formula, not panel H's parts
    readings = _row(["A", "B", "C"]) + [Reading((100, 300, 114, 314), "H2", 0.9), Reading((500, 300, 514, 314), "H2", 0.9)]
    _, chosen = choose_sequence(readings)
    assert [c.text for c in chosen] == ["A", "B", "C"]


def test_parts_of_the_first_letter_alone_are_a_sequence() -> None:
    style, chosen = choose_sequence(_row(["A1", "A2", "A3"]))
    assert style == "upper" and [c.text for c in chosen] == ["A1", "A2", "A3"]
