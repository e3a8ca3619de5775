"""Benchmarks on the shared real data (read in place; skipped when ../shared/data is absent).

Thresholds are asserted on the held-out half of the prostate benchmark (odd positions),
which was never used to write the rules; development used the even positions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from panel2patch.captions import parse_caption
from panel2patch.captions.scoring import (
    PROSTATE_FILE,
    halves,
    load_prostate,
    score_soda,
    score_split,
)

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def prostate(shared_data: Path) -> dict[str, list]:
    if not (shared_data / PROSTATE_FILE).is_file():
        pytest.skip("prostate sub-caption benchmark absent")
    return halves(load_prostate(shared_data))


def test_prostate_held_out_half(prostate: dict[str, list]) -> None:
    scores = score_split(prostate["held_out"])
    assert scores.labels > 350
    assert scores.similarity >= 0.90
    assert scores.bleu >= 0.85
    assert scores.label_precision >= 0.97
    assert scores.label_recall >= 0.95


def test_prostate_both_halves_with_image_labels(prostate: dict[str, list]) -> None:
    everything = prostate["dev"] + prostate["held_out"]
    scores = score_split(everything, use_hint=True)
    assert scores.labels == 849
    assert scores.similarity >= 0.90
    assert scores.label_recall >= 0.98


def test_every_prostate_caption_parses(shared_data: Path) -> None:
    path = shared_data / "benchmarks" / "subcaption_prostate" / "prostate_data.json"
    if not path.is_file():
        pytest.skip("prostate captions absent")
    for value in json.loads(path.read_text(encoding="utf-8")).values():
        json.dumps(parse_caption(value["caption"]).to_dict())


def test_soda_marker_definitions_are_found(shared_data: Path) -> None:
    if not (shared_data / "figures" / "soda_mmqc").is_dir():
        pytest.skip("soda_mmqc absent")
    scores = score_soda(shared_data)
    assert scores.strict_expected >= 3
    assert scores.strict_found == scores.strict_expected, scores.misses
    assert scores.strict_labels_ok == scores.strict_expected
    assert scores.strict_color_ok == scores.strict_expected
