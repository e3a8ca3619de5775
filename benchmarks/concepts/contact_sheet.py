"""Draw numbered thumbnails of benchmark panels on a grid, to look at them (a development aid).

python benchmarks/concepts/contact_sheet.py soda dev /tmp/sheets
python benchmarks/concepts/contact_sheet.py kinds dev /tmp/sheets --truth image
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from cases import kind_cases, soda_cases
from PIL import Image, ImageDraw

THUMB = 180
COLUMNS = 6
ROWS = 5


def sheets(cases, out: Path, prefix: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    per_sheet = COLUMNS * ROWS
    for start in range(0, len(cases), per_sheet):
        sheet = Image.new("RGB", (COLUMNS * THUMB, ROWS * (THUMB + 16)), (128, 128, 128))
        draw = ImageDraw.Draw(sheet)
        for offset, case in enumerate(cases[start : start + per_sheet]):
            crop = case.crop()
            if crop.size == 0:
                continue
            thumb = Image.fromarray(np.ascontiguousarray(crop))
            thumb.thumbnail((THUMB - 4, THUMB - 4))
            x, y = (offset % COLUMNS) * THUMB, (offset // COLUMNS) * (THUMB + 16)
            sheet.paste(thumb, (x + 2, y + 2))
            draw.text((x + 2, y + THUMB), f"{start + offset} {case.label} {case.truth}", fill=(255, 255, 0))
        sheet.save(out / f"{prefix}_{start // per_sheet:02d}.png")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", choices=["soda", "kinds"])
    parser.add_argument("split", choices=["dev", "test"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--truth", default=None)
    args = parser.parse_args()
    cases = soda_cases() if args.source == "soda" else kind_cases()
    cases = [c for c in cases if c.split == args.split and (args.truth is None or c.truth == args.truth)]
    sheets(cases, args.out, f"{args.source}_{args.split}_{args.truth or 'all'}")


if __name__ == "__main__":
    main()
