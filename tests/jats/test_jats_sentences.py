"""Sentence splitting that survives the abbreviations of scientific prose."""

from __future__ import annotations

import pytest

from panel2patch.jats.sentences import sentence_spans, split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "As shown in Fig. 2B, mitochondria stop.",
        "Both are shown (Figs. 1 and 2) in red.",
        "Smith et al. Reported the same in 2004.",
        "Several drugs (e.g. Haloperidol) and others (i.e. SKF38393) were used.",
        "Dopamine vs. Serotonin was compared.",
        "The speed was 3.5 µm/min in M. tuberculosis and E. coli cells.",
        "As described by J. Smith and colleagues.",
        "Treated cells (approx. 50%) died.",
        "See Eq. 3 and Ref. 12 for details.",
    ],
)
def test_no_split_inside_one_sentence(text: str) -> None:
    assert split_sentences(text) == [text]


def test_splits_at_real_sentence_ends() -> None:
    text = (
        "Dopamine inhibits transport (Fig. 3A–C). The effect is reversible! Is it? "
        "mRNA levels were unchanged [12]. 5 mice died."
    )
    assert split_sentences(text) == [
        "Dopamine inhibits transport (Fig. 3A–C).",
        "The effect is reversible!",
        "Is it?",
        "mRNA levels were unchanged [12].",
        "5 mice died.",
    ]


def test_lowercase_word_does_not_start_a_sentence() -> None:
    assert split_sentences("It was done in vitro. then washed.") == ["It was done in vitro. then washed."]


def test_spans_cover_the_text() -> None:
    text = "One. Two."
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["One.", "Two."]
    assert sentence_spans("") == [(0, 0)]


def test_single_lowercase_letter_ends_a_sentence_but_an_initial_does_not() -> None:
    assert split_sentences("As in Figure 3C, part a. It is important. As M. Smith said.") == [
        "As in Figure 3C, part a.", "It is important.", "As M. Smith said."
    ]
