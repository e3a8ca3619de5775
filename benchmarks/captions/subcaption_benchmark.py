"""Sub-caption splitting on the prostate-pathology benchmark (196 captions, 849 sub-captions).

The data is read in place from ``../shared/data`` (license unclear: never copied here).
The benchmark repeats the preamble inside every sub-caption, so each label's text is
compared as ``subcaption_for(parse, label, with_preamble=True)``.

Rules were developed on the even positions ("dev") only; the odd positions ("held_out")
show how well they generalise. Metrics per label: normalised Levenshtein similarity
(1 - distance / longer length), smoothed sentence BLEU-4 (our own implementation, see
``panel2patch.captions.evaluation``; no NLTK/sacrebleu), and the share of labels with
similarity >= 0.9. Label-set precision/recall compare the labels we find with the
annotated ones. Throughput is single-process on all 1,162 prostate captions.

    .venv/bin/python benchmarks/captions/subcaption_benchmark.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from datetime import date
from pathlib import Path

from panel2patch.captions.scoring import halves, load_prostate, score_split, throughput

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
PUBMED_OPHTHA_BLEU = 0.913  # Qwen3-32B, two-step prompt; arXiv 2605.02720 (other data set)


def _row(name: str, hint: bool, items: list) -> str:
    s = score_split(items, use_hint=hint)
    good = sum(sim >= 0.9 for _, _, sim in s.per_label) / max(s.labels, 1)
    return (f"| {name} | {'yes' if hint else 'no'} | {s.captions} | {s.labels} | "
            f"{s.similarity:.3f} | {s.bleu:.3f} | {good:.1%} | {s.label_precision:.3f} | "
            f"{s.label_recall:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="../shared/data")
    parser.add_argument("--repeats", type=int, default=3, help="throughput passes (best kept)")
    args = parser.parse_args()
    items = load_prostate(args.data)
    parts = halves(items)
    print(f"## {date.today().isoformat()}, {platform.machine()}, Python "
          f"{platform.python_version()}, {os.cpu_count()} cores\n")
    print("| half | image labels given | captions | labels | mean similarity | mean BLEU | "
          "labels with similarity >= 0.9 | label precision | label recall |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, subset in (("dev (even)", parts["dev"]), ("held-out (odd)", parts["held_out"]),
                         ("all", items)):
        for hint in (False, True):
            print(_row(name, hint, subset))
    print(f"| PubMed-Ophtha (Qwen3-32B), its own data | - | - | - | - | {PUBMED_OPHTHA_BLEU} | "
          "- | - | - |")
    full = args.data / "benchmarks" / "subcaption_prostate" / "prostate_data.json"
    captions = [v["caption"] for v in json.loads(full.read_text(encoding="utf-8")).values()]
    rate = throughput(captions, repeat=args.repeats)
    chars = sum(len(c) for c in captions) / len(captions)
    print(f"\nThroughput: {rate:,.0f} captions/s on one core ({len(captions)} captions, "
          f"mean {chars:.0f} characters, best of {args.repeats}).")


if __name__ == "__main__":
    main()
