"""Marker phrases against soda_mmqc ``micrograph-symbols-defined`` (12 EMBO Press figures).

For every panel the annotators list the symbols drawn on it (arrows, arrowheads, boxes…)
and the caption quote defining each. A quote counts when it is really in the caption
(some "quotes" are legends drawn on the image) and names a marker type we have; it is
found when one of our marker phrases has that type and a clause overlapping the quote.
"strict" = micrograph panels only (the issue's check); "all" = every annotated panel.
Precision is against the annotations, which cover only symbols drawn on micrograph panels,
so our phrases from plots ("orange circle" in a violin plot) are listed for a human look.

    .venv/bin/python benchmarks/captions/marker_benchmark.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from panel2patch.captions.scoring import score_soda

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "0/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="../shared/data")
    args = parser.parse_args()
    s = score_soda(args.data)
    print(f"soda_mmqc figures with symbol annotations: {s.figures}\n")
    print("| check | result |")
    print("|---|---|")
    print(f"| strict recall (micrograph panels) | {_share(s.strict_found, s.strict_expected)} |")
    print(f"| … with the panel among the phrase's labels | "
          f"{_share(s.strict_labels_ok, s.strict_expected)} |")
    print(f"| … with the annotated colour | {_share(s.strict_color_ok, s.strict_expected)} |")
    print(f"| recall, all annotated panels | {_share(s.all_found, s.all_expected)} |")
    print(f"| our phrases confirmed by an annotation | {_share(s.ours_confirmed, s.ours)} |")
    for title, rows in (("Missed", s.misses), ("Not a marker type of ours", s.skipped),
                        ("Our phrases without an annotation (judge by eye)", s.unconfirmed)):
        print(f"\n{title}:")
        for row in rows or ["(none)"]:
            print(f"- {row}")


if __name__ == "__main__":
    main()
