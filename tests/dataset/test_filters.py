"""Per-sample filters, concept reading, and the concept cap."""

from __future__ import annotations

from panel2patch.dataset import Candidate, ConceptFilter, FilterConfig, KindFilter, Level, LevelLimits, build_filters, first_drop
from panel2patch.dataset.candidates import figure_candidates
from panel2patch.dataset.concepts import figure_concept_entries, global_concepts
from panel2patch.dataset.subsets import Labelled, capped_keys, concept_counts


def _candidate(level: Level = Level.PANEL, text: str = "a panel text", box: tuple[int, int, int, int] | None = (0, 0, 100, 80),
               group: str = "commercial", concepts: tuple[str, ...] = (), kind: str | None = None) -> Candidate:
    return Candidate(key="K_pA", level=level, figure_key="K", parent="K", box=box, image_size=(200, 100), text=text,
                     license_group=group, concepts=concepts, kind=kind)


def test_filters_name_their_reason() -> None:
    filters = build_filters(FilterConfig(license_groups=("commercial",)))
    assert first_drop(_candidate(), filters).keep
    cases = {
        "empty_text": _candidate(text="  "),
        "text_too_short": _candidate(text="short"),
        "bad_box": _candidate(box=(300, 0, 400, 50)),
        "too_small": _candidate(box=(0, 0, 100, 20)),
        "license_not_selected": _candidate(group="noncommercial"),
    }
    for reason, candidate in cases.items():
        result = first_drop(candidate, filters)
        assert not result.keep and result.reason == reason, (reason, result)


def test_limits_are_per_level() -> None:
    config = FilterConfig(limits={Level.PANEL: LevelLimits(10, 1), Level.REGION: LevelLimits(8, 1), Level.FIGURE: LevelLimits(64, 1)})
    filters = build_filters(config)
    assert first_drop(_candidate(box=(0, 0, 20, 20)), filters).keep
    assert first_drop(_candidate(level=Level.REGION, box=(0, 0, 9, 9), text="x"), filters).keep
    assert first_drop(_candidate(level=Level.FIGURE, box=(0, 0, 60, 60)), filters).reason == "too_small"


def test_concept_and_kind_filters() -> None:
    drop = ConceptFilter(["plots and charts"])
    assert drop(_candidate(concepts=("Plots and Charts", "Microscopy"))).reason == "concept_dropped"
    assert drop(_candidate(concepts=("Microscopy", "Plots and Charts"))).keep  # only the primary concept counts
    assert drop(_candidate()).keep
    kinds = KindFilter(["plot", "diagram"])
    assert kinds(_candidate(kind="plot")).reason == "kind_dropped"
    assert kinds(_candidate(kind="micrograph")).keep


def test_concepts_read_in_any_shape() -> None:
    entries = [{"global": "Microscopy", "confidence": 0.4}, "Plots and Charts", {"name": "Tables", "score": 0.9}, {"local": "x"}]
    assert global_concepts(entries) == ("Plots and Charts", "Tables", "Microscopy")
    assert global_concepts(None) == ()
    assert global_concepts(figure_concept_entries({"figure": {"kind": "table"}})) == ("Tables",)
    assert global_concepts(figure_concept_entries({"figure": {}, "figure_concepts": ["Microscopy"]})) == ("Microscopy",)


def test_candidates_follow_the_hierarchy() -> None:
    meta = {
        "image": {"width": 200, "height": 100},
        "article": {"license": {"group": "noncommercial"}},
        "figure": {"caption": "The caption."},
        "panels": [
            {"key": "K_pA", "index": 0, "bbox": [0, 0, 100, 100], "text": "Panel A.", "kind": {"kind": "plot", "score": 0.9},
             "concepts": [{"global": "Plots and Charts"}], "regions": [{"key": "K_pA_r1", "bbox": [1, 2, 30, 40], "text": "arrows", "marker": {"type": "arrow"}}]},
            {"key": "K_pB", "index": 1, "bbox": [100, 0, 200, 100], "text": None, "regions": []},
        ],
    }
    found = figure_candidates("K", "The caption.", meta)
    assert [(c.key, c.level, c.parent) for c in found] == [
        ("K", Level.FIGURE, None), ("K_pA", Level.PANEL, "K"), ("K_pA_r1", Level.REGION, "K_pA"), ("K_pB", Level.PANEL, "K")]
    assert found[1].kind == "plot" and found[2].concepts == ("Plots and Charts",) and found[3].text == ""
    assert all(c.license_group == "noncommercial" for c in found)
    assert [c.key for c in figure_candidates("K", "c", meta, (Level.REGION,))] == ["K_pA_r1"]


def test_cap_is_uniform_and_order_free() -> None:
    samples = [Labelled(f"k{i}", Level.PANEL, "Microscopy" if i % 3 else None) for i in range(30)]
    over = capped_keys(samples, 5)
    assert len(over) == 20 - 5 and all(s.concept for s in samples if s.key in over)
    assert capped_keys(list(reversed(samples)), 5) == over
    assert concept_counts(samples) == {"panel": {"(unlabelled)": 10, "Microscopy": 20}}
