"""Decide which label tokens open a sub-caption, which close one, which are references.

Rules, in order of evidence:

* a token at the start of a sentence or clause and followed by words opens a sub-caption
  ("(A) Western blot…", "B. Quantification…", "C and D) …", "D–F: In prostate…");
* after a comma or "and", a token opens only when it moves the label sequence forward
  ("(A) H&E, (B) anti-IL-4 and (C) …"); "as in (A)" or "… (B–D, F–H) the indicated" do not;
* Springer-style bare labels ("a Representative… b Quantification…") need a run of two;
* a label of another family than the openers (roman "(i)" inside a lettered caption, "c1"
  inside panel C) is a sub-enumeration, not a panel;
* when no token opens, or a later sentence introduces the next label at its end ("… (b).",
  "… are shown in (c)."), such tokens close: they label the text before them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from panel2patch.captions.labels import FIRST_LABELS, is_roman_only, label_key
from panel2patch.captions.sequence import (
    STRONG_BOUNDARIES,
    find_chain,
    is_article,
    label_family,
    token_family,
)
from panel2patch.captions.text import same_sentence
from panel2patch.captions.tokens import PREPOSITIONS, LabelToken

_STRONG = STRONG_BOUNDARIES
# Words that, right after a label, show the label closed the text before it ("… in (d) where").
_FUNCTION_WORDS = frozenset(
    "where which that and or with while whereas but as in of for to at by on from is are was "
    "were be been has have had showing shows show shown respectively than then when after "
    "before".split()
)
_WEAK = frozenset({"comma", "conj"})


def _is_compound(label: str) -> bool:
    """"B1", "Aii", "Bv": a letter with a sub-panel suffix."""
    return len(label) > 1 and label[:1].isalpha() and not is_roman_only(label)


def _is_first(token: LabelToken, hint: Collection[str]) -> bool:
    return token.labels[0] in FIRST_LABELS or (bool(hint) and token.labels[0] in hint)


def _in_hint(token: LabelToken, hint: Collection[str]) -> bool:
    return bool(hint) and all(label in hint for label in token.labels)


def _is_nested(token: LabelToken, current: LabelToken | None) -> bool:
    """"c1 and c2:" inside panel C's sub-caption are parts of C, not new panels."""
    if current is None or len(current.labels) != 1:
        return False
    head = current.labels[0].lower()
    return all(len(lab) > 1 and lab[:1].lower() == head and not is_roman_only(lab)
               for lab in token.labels) and len(head) == 1


@dataclass
class _State:
    """What the openers accepted so far say about the label sequence."""

    roman: bool
    hint: Collection[str]
    accepted: list[LabelToken] = field(default_factory=list)
    family: str = ""
    last_key: tuple[int, int] = (0, 0)
    mentioned: set[int] = field(default_factory=set)  # label positions named in parentheses
    strong_at: dict[str, int] = field(default_factory=dict)  # label -> last clause-start token
    opened: set[str] = field(default_factory=set)  # labels of the accepted openers

    def accept(self, token: LabelToken, family: str) -> None:
        token.role = "open"
        self.accepted.append(token)
        self.opened.update(token.labels)
        self.family = self.family or family
        top = max(label_key(label, self.roman) for label in token.labels)
        self.last_key = max(self.last_key, top)


def _follows_mentions(token: LabelToken, state: _State) -> bool:
    """"… atrophy (B). C. Higher…": earlier references introduced the labels before C."""
    if state.accepted or not state.mentioned:
        return False
    key = label_key(token.labels[0], state.roman)[0]
    return key - 1 in state.mentioned


def _opens(token: LabelToken, state: _State, in_chain: bool) -> bool:
    """The rules of the module docstring for one token."""
    key = label_key(token.labels[0], state.roman)
    hinted = _in_hint(token, state.hint)
    forward = key > state.last_key
    fresh = bool(state.accepted) and not set(token.labels) & state.opened
    previous = state.accepted[-1].labels if state.accepted else ()
    local = len(previous) == 1 and key[0] == label_key(previous[0], state.roman)[0] + 1
    successor = bool(state.accepted) and key[0] == state.last_key[0] + 1
    leap_ok = key[0] <= state.last_key[0] + 3
    first = _is_first(token, state.hint) or _follows_mentions(token, state)
    boundary = token.boundary
    if in_chain and token.form in {"bare", "space"}:
        return True
    if token.form == "space":
        if is_article(token):
            return False  # "A carcinoma in situ…" is an article, not panel A
        if len(token.labels) > 1 and boundary in _STRONG:  # "B and D are sections of…"
            return leap_ok and (forward or fresh) and (bool(state.accepted) or first)
        return boundary in _STRONG and (successor or (hinted and first)) and \
            (hinted or key[1] == 0)
    if boundary == "glued":
        return not state.accepted and first
    if token.form == "bare" and token.term != ")":
        if token.term == "," and state.accepted and not successor:
            return hinted  # "F, maximal firing rate": an abbreviation legend, not panel F
        if boundary in _STRONG:
            return hinted or (leap_ok and (forward or fresh) and (bool(state.accepted) or first))
        return token.term == ":" and successor and boundary != "comma"
    if boundary in _STRONG:
        # The first opener is the first label ("(A)", "(a)", "(i)") unless the caption starts
        # with it; "…; (E) gives the key." in a title is a reference.
        at_start = boundary == "start" and token.form == "paren"
        return bool(state.accepted) or first or hinted or at_start
    if any(state.strong_at.get(label, -1) > token.start for label in token.labels):
        return False  # "(B) … as in (A), while (C) shows …" when "(C) …" opens later
    if boundary in _WEAK or boundary == "bracket":
        return (forward or fresh or local or hinted) and bool(state.accepted) and \
            token.prev_word not in PREPOSITIONS
    if token.form == "paren":
        # "… Voronoi Diagram (d), (i) Delaunay Triangulation", "(a) blot (b) quantification":
        # a missing comma or period before the next panel.
        introduces = token.next_upper or (successor and token.next_word not in _FUNCTION_WORDS)
        return fresh and leap_ok and introduces and token.prev_word not in PREPOSITIONS
    return token.form == "bare" and successor


def assign_roles(text: str, tokens: list[LabelToken],
                 hint: Collection[str] = ()) -> list[LabelToken]:
    """Set ``role`` on every token and return the tokens that delimit sub-captions.

    Roles: "open" (text follows), "close" (labels the text of its sentence before it),
    "shared" (a new panel named inside another panel's sentence: the sentence goes to both),
    "mention" (a reference; no effect on splitting).
    """
    roman = any(is_roman_only(label) for token in tokens for label in token.labels)
    chain = find_chain(tokens, roman)
    state = _State(roman, hint)
    for token in tokens:
        if token.boundary in _STRONG and token.followed_by_word and token.form != "space":
            state.strong_at.update((label, token.start) for label in token.labels)
    for index, token in enumerate(tokens):
        token.role = "mention"
        if token.has_extra or not token.followed_by_word:
            if token.form == "paren" and not state.accepted:
                state.mentioned.update(label_key(lab, roman)[0] for lab in token.labels)
            continue
        if _is_nested(token, state.accepted[-1] if state.accepted else None):
            continue
        family = token_family(token, roman)
        if state.family and family != state.family and not _in_hint(token, hint):
            continue
        if _opens(token, state, index in chain):
            state.accept(token, family)
        elif token.form == "paren" and not state.accepted:
            state.mentioned.update(label_key(lab, roman)[0] for lab in token.labels)
    _assign_closers(text, tokens, state.accepted, state.family, roman, hint)
    return sorted((t for t in tokens if t.role in {"open", "close", "shared"}),
                  key=lambda t: t.start)


def _sentence_between(text: str, start: int, end: int) -> bool:
    return not same_sentence(text, start, end)


def _assign_closers(text: str, tokens: list[LabelToken], accepted: list[LabelToken],
                    family: str, roman: bool, hint: Collection[str]) -> None:
    """Mentions that introduce a label no opener names close the text before them."""
    opened_all = {label for token in accepted for label in token.labels}
    mentions = [t for t in tokens if t.role == "mention" and t.form == "paren"]
    if not accepted:
        labels = {label for t in mentions for label in t.labels}
        firsts = any(_is_first(t, hint) for t in mentions)
        if len(labels) < 2 and not any(_in_hint(t, hint) for t in mentions):
            return
        if not firsts and not (hint and labels <= set(hint)):
            return
        family = label_family(sorted(labels, key=lambda lab: label_key(lab, roman))[0])
    closed: set[str] = set()
    opened: set[str] = set()  # labels of the openers before the current token
    last_open: LabelToken | None = None
    previous_open: LabelToken | None = None
    next_opener = 0
    for token in mentions:
        while next_opener < len(accepted) and accepted[next_opener].start < token.start:
            last_open = accepted[next_opener]
            opened.update(last_open.labels)
            next_opener += 1
        if token_family(token, roman) != family and not _in_hint(token, hint):
            continue
        if all(label in opened_all for label in token.labels) or any(
                label in opened or (_is_compound(label) and label[:1] in opened_all)
                for label in token.labels):
            continue  # a reference to an opened panel, or "(G5)"/"(Bv)" when G, B are panels
        seen = {label_key(lab, roman)[0] for lab in opened | closed}
        top = max(seen, default=0)
        gap = min(set(range(1, top + 2)) - seen)
        key = label_key(token.labels[0], roman)[0]
        # Only a token that introduces the next label (or fills the first gap: "(C and E,
        # respectively) … (D and F, respectively)") continues the sequence; in a caption
        # without openers, repeating an earlier label is fine too ("(g-h) … (g)").
        if key not in (top + 1, gap) and (opened or key > top + 1):
            continue
        if last_open is not None and not _sentence_between(text, last_open.end, token.start):
            token.role = "shared"
        elif _introduces(token) or (
            previous_open is not None and token.followed_by_word and not token.has_extra
            and token.next_word not in _FUNCTION_WORDS
            and not _sentence_between(text, previous_open.end, token.start)
        ):  # "treated with (A) control, (B) scrambled siRNA or (C) …": same style as (A)
            token.role = "open"
        else:
            token.role = "close"
        closed.update(token.labels)
        previous_open = token if token.role == "open" else None


def _introduces(token: LabelToken) -> bool:
    """"… detection in (A) renal carcinoma cells in (B) …": the label names what follows."""
    return (token.followed_by_word and not token.has_extra
            and token.prev_word in PREPOSITIONS | {"and", "or", "the", "a", "an"}
            and bool(token.next_word) and token.next_word not in _FUNCTION_WORDS)
