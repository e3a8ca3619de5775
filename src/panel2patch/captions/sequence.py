"""Label sequences: families ("A" vs "a" vs "ii") and runs of bare labels (A., B., C.).

A bare letter at a sentence start ("A.", "b,", "a Representative…") is a label only when
it is part of a run: the best chain of such tokens whose labels go forward one or two
steps at a time. A run counts when it starts at the first label (a, A, i, 1) and has two
members, or covers three labels anywhere ("b–e, …  f, g, …  h, …" after a lost "a").
"""

from __future__ import annotations

from panel2patch.captions.labels import FIRST_LABELS, is_roman_only, label_key
from panel2patch.captions.tokens import LabelToken

ARTICLES = frozenset({"a", "A", "I"})
STRONG_BOUNDARIES = frozenset({"start", "sentence", "clause"})
_MAX_CHAIN_TOKENS = 400


def label_family(label: str) -> str:
    """"upper" (A, A1, Aii), "lower" (a, b2), "roman" (ii, IV), "number" (3)."""
    if label.isdigit():
        return "number"
    if is_roman_only(label):
        return "roman"
    return "upper" if label[:1].isupper() else "lower"


def token_family(token: LabelToken, roman: bool) -> str:
    """The family of a token's first label; "i", "v", "x" are roman in a roman caption."""
    first = token.labels[0]
    if roman and first in {"i", "v", "x", "I", "V", "X"}:
        return "roman"
    return label_family(first)


def is_article(token: LabelToken) -> bool:
    """A lone "A"/"a"/"I" before a lower-case word: "A carcinoma in situ…"."""
    return len(token.labels) == 1 and token.labels[0] in ARTICLES and not token.next_upper


def _chainable(token: LabelToken) -> bool:
    if not token.followed_by_word or token.form not in {"bare", "space"}:
        return False
    if token.form == "space" and is_article(token):
        return False  # "A carcinoma in situ…": an article
    if token.term == ")" or token.boundary == "glued":
        return True
    return token.boundary in STRONG_BOUNDARIES


def find_chain(tokens: list[LabelToken], roman: bool) -> set[int]:
    """Indices (into ``tokens``) of the best run of bare label tokens, or an empty set."""
    index = [i for i, t in enumerate(tokens) if _chainable(t)][:_MAX_CHAIN_TOKENS]
    if len(index) < 2:
        return set()
    first_key = [label_key(tokens[i].labels[0], roman)[0] for i in index]
    last_key = [max(label_key(lab, roman)[0] for lab in tokens[i].labels) for i in index]
    family = [token_family(tokens[i], roman) for i in index]
    covered = [len(tokens[i].labels) for i in index]
    previous = [-1] * len(index)
    for k in range(len(index)):
        for j in range(k):
            step = first_key[k] - last_key[j]
            if family[j] == family[k] and 1 <= step <= 2 and \
                    covered[j] + len(tokens[index[k]].labels) > covered[k]:
                covered[k] = covered[j] + len(tokens[index[k]].labels)
                previous[k] = j
    best = max(range(len(index)), key=lambda k: covered[k])
    run = []
    while best >= 0:
        run.append(index[best])
        best = previous[best]
    run.reverse()
    starts_first = tokens[run[0]].labels[0] in FIRST_LABELS
    labels = sum(len(tokens[i].labels) for i in run)
    if len(run) >= 2 and (starts_first or labels >= 3):
        return set(run)
    return set()
