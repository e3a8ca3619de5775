"""The packaged taxonomy matches BIOMEDICA's released class list (systems.md)."""

from __future__ import annotations

import pytest

from panel2patch.concepts import PanelKind, load_taxonomy
from panel2patch.concepts.taxonomy import compile_cue

# BIOMEDICA annotations/taxonomy_collapsed_and_filtered.json: 16 globals, 119 locals.
EXPECTED = {
    "Ambiguous": {"ambiguous"},
    "Chemical Structures": {"2D chemical reaction", "3D chemical reaction", "2D chemical structure", "3D protein structure", "3D chemical structure"},
    "Clinical Imaging": {
        "x-ray radiography", "optical coherence tomography", "endoscopy", "intraoral imaging", "angiography",
        "procedural image", "skull", "patient photo", "functional magnetic resonance", "magnetic resonance", "eye",
        "mammography", "electrocardiography", "clinical imaging", "skin lesion", "ultrasound", "specimen",
        "computerized tomography", "laryngoscopy", "teeth", "intraoperative image", "surgical procedure", "brain",
    },
    "Graphs and Networks": {"graph", "neural network", "network"},
    "Illustrative Diagrams": {
        "sankey diagram", "metabolic pathway", "scientific illustration", "diagram", "signaling pathway",
        "illustrative diagram", "flow diagram", "cohort selection flowchart", "illustration", "drawing",
        "system diagram", "flowchart",
    },
    "Immuno Assays": {"immunocytochemistry", "karyotype", "gel electrophoresis", "immunoassay", "immunoblot", "assay", "immunohistochemistry"},
    "Laboratory Specimens and Cultures": {"reagents", "laboratory specimen", "bacterial culture"},
    "Maps": {"map"},
    "Microscopy": {
        "scanning electron microscopy", "electron microscopy", "flowcytometry", "transmission electron microscopy",
        "light microscopy", "fluorescence microscopy", "phase contrast microscopy", "confocal microscopy",
        "epifluorescence microscopy", "microscopy",
    },
    "Natural Images": {"face", "aerial photography", "natural image", "human head", "humans and devices", "human", "insects", "nature"},
    "PCR": {"qPCR", "RT PCR"},
    "Plots and Charts": {
        "violin plot", "bar plot", "roc curve", "sequence plot", "radial plot", "plot", "matrix plot",
        "phylogenetic tree", "process chart", "dot plot", "pyramid chart", "forest plot", "box plot",
        "survival curve", "circos plot", "venn diagram", "heatmap plot", "circular plot", "scatter plot",
        "word cloud", "list", "tree", "density plot", "funnel plot", "plot and chart", "2D mesh", "3D plot",
        "radial diagram", "pie chart", "manuscript", "histogram", "differential gene expression matrix",
        "line plot", "signal plot",
    },
    "Screen Based Visuals": {"screenshot", "user interface"},
    "Scientific Formulae and Equations": {"algorithm"},
    "Tables": {"table", "checklist table"},
    "Tools and Materials": {"medical equipment", "microscope", "electronic circuit", "lab equipment", "tool"},
}  # fmt: skip


def test_classes_match_biomedica() -> None:
    taxonomy = load_taxonomy()
    assert set(taxonomy.global_names()) == set(EXPECTED)
    for name, locals_ in EXPECTED.items():
        assert set(taxonomy.local_names(name)) == locals_, name
    assert sum(len(v) for v in EXPECTED.values()) == 119


def test_loaded_once() -> None:
    assert load_taxonomy() is load_taxonomy()


def test_kind_concepts_and_kinds_are_valid() -> None:
    taxonomy = load_taxonomy()
    for kind in PanelKind:
        global_class, local_class = taxonomy.kind_concept(kind)
        assert taxonomy.is_valid(global_class, local_class)
    for g in taxonomy.classes:
        assert g.kinds, g.name
    assert taxonomy.kinds_of("Immuno Assays", "immunoblot") == {PanelKind.BLOT_GEL}
    assert not taxonomy.is_valid("Microscopy", "bar plot")


@pytest.mark.parametrize(
    ("cue", "text", "hit"),
    [
        ("Kaplan-Meier", "Kaplan\u2013Meier curves", True),
        ("Kaplan-Meier", "Kaplan Meier", True),
        ("western blot*", "Western blots of p53", True),
        ("bar graph*", "bar graphs", True),
        ("x-ray", "chest X-ray", True),
        ("CT", "CT scan", True),
        ("CT", "ct", False),
        ("CT", "ACTB", False),
        ("FISH", "zebrafish", False),
        ("H&E", "H&E-stained sections", True),
        ("µm", "Scale bar, 50 µm.", True),
    ],
)
def test_cue_matching(cue: str, text: str, hit: bool) -> None:
    assert bool(compile_cue(cue).search(text)) is hit
