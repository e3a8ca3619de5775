"""Concepts from captions and sub-captions."""

from __future__ import annotations

import pytest

from panel2patch.concepts import concepts_from_text
from panel2patch.concepts.text import find_cues


def top(text: str) -> tuple[str, str | None]:
    concept = concepts_from_text(text)[0]
    assert concept.source == "text" and 0 < concept.confidence <= 1
    return concept.global_class, concept.local_class


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CT scan of the chest", ("Clinical Imaging", "computerized tomography")),
        ("Western blot of p53", ("Immuno Assays", "immunoblot")),
        ("Kaplan\u2013Meier survival curves", ("Plots and Charts", "survival curve")),
        ("Axial T2-weighted MRI of the brain", ("Clinical Imaging", "magnetic resonance")),
        ("H&E staining of liver sections. Scale bar, 50 \u00b5m.", ("Microscopy", "light microscopy")),
        ("Immunofluorescence of HeLa cells; nuclei stained with DAPI.", ("Microscopy", "fluorescence microscopy")),
        ("Transmission electron micrographs of mitochondria", ("Microscopy", "transmission electron microscopy")),
        ("Bar graphs show mean \u00b1 SEM of three experiments.", ("Plots and Charts", "bar plot")),
        ("Schematic of the experimental design", ("Illustrative Diagrams", "diagram")),
        ("Habitus of the beetle larva, dorsal view", ("Natural Images", "insects")),
        ("Chemical structures of compounds 1-4", ("Chemical Structures", "2D chemical structure")),
    ],
)
def test_cues(text: str, expected: tuple[str, str | None]) -> None:
    assert top(text) == expected


def test_negation_and_antibody_targets_are_ignored() -> None:
    assert concepts_from_text("No GFP signal was detected.") == []
    assert not any(m.local_class == "fluorescence microscopy" for m in find_cues("anti-GFP antibody"))


def test_plurals_and_case() -> None:
    assert top("western blots")[1] == "immunoblot"
    assert concepts_from_text("the pet owners") == []  # "PET" is case-sensitive


def test_more_cues_more_confidence() -> None:
    one = concepts_from_text("confocal image")[0].confidence
    two = concepts_from_text("confocal image of DAPI-stained nuclei, z-stack")[0].confidence
    assert two > one


@pytest.mark.parametrize("text", [None, "", "   ", "\u0000\u2028", "x" * 20_000, "((([[["])
def test_odd_text_never_raises(text: str | None) -> None:
    concepts_from_text(text)


def test_equal_evidence_goes_to_the_local_class_named_first() -> None:
    # PLOS ONE 0178565 g004: a histogram whose caption later mentions phylogenetic profiles
    assert top("Histogram of gene conservation index (GCI) for the 23,633 phylogenetic profiles.") == (
        "Plots and Charts", "histogram")
    assert top("Phylogenetic tree of the 73 genome groups, with a histogram of branch lengths.") == (
        "Plots and Charts", "phylogenetic tree")


def test_a_scale_bar_is_a_microscopy_cue_only_at_microscope_scale() -> None:
    # ZooKeys 119 (PMC3192425): plates of beetle larvae photographed with a 5 mm scale bar
    plate = "Morphs presenting color variability of L2 larvae of Epomis dejeani. Scale bar 5 mm."
    assert "Microscopy" not in {c.global_class for c in concepts_from_text(plate)}
    assert not any(m.global_class == "Microscopy" for m in find_cues(plate))
    assert any(m.cue == "scale bar" for m in find_cues("Confocal images of HeLa cells. Scale bar, 10 \u00b5m."))
    mixed = "Whole mount (A) and section (B). Scale bars: 1 mm (A) and 20 \u00b5m (B)."
    assert any(m.cue == "scale bars" for m in find_cues(mixed))
    assert any(m.cue == "scale bar" for m in find_cues("Kymograph; scale bar = 10 minutes."))  # no length given
