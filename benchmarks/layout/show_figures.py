"""Contact sheets of real figures with true boxes (grey) and predicted boxes (colour).

    python benchmarks/layout/show_figures.py OUT_DIR [--split dev] [--truth-only] [--per-sheet 6]

Looking at these is how the annotations were checked and how the splitter was tuned
(on the dev split only).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_figures import load_annotations, load_figure

from panel2patch.layout import Panel, PanelLayout, parse_layout
from panel2patch.layout.render import render_layout

CELL = 520


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--split", default="dev", help="dev, test, excluded or all")
    parser.add_argument("--truth-only", action="store_true", help="draw the annotations only")
    parser.add_argument("--compound-only", action="store_true", help="skip single-panel figures")
    parser.add_argument("--per-sheet", type=int, default=6)
    parser.add_argument("--match", nargs="*", default=[], help="only figures whose id contains one of these")
    args = parser.parse_args(argv)
    figures = [f for f in load_annotations() if args.split in ("all", f.split)]
    if args.match:
        figures = [f for f in figures if any(m in f.id for m in args.match)]
    if args.compound_only:
        figures = [f for f in figures if len(f.panels) > 1]
    args.out.mkdir(parents=True, exist_ok=True)
    font = ImageFont.load_default()
    for start in range(0, len(figures), args.per_sheet):
        batch = figures[start : start + args.per_sheet]
        cols = 3
        rows = (len(batch) + cols - 1) // cols
        sheet = Image.new("RGB", (cols * CELL, rows * (CELL + 16)), "gray")
        draw = ImageDraw.Draw(sheet)
        for i, fig in enumerate(batch):
            image = load_figure(fig.id)
            truth_boxes = [box for box, _ in fig.panels]
            if args.truth_only:
                layout = PanelLayout(
                    fig.width, fig.height, [Panel(box, label=label) for box, label in fig.panels]
                )
                tile = render_layout(image, layout)
            else:
                tile = render_layout(image, parse_layout(image), truth=truth_boxes)
            tile.thumbnail((CELL - 4, CELL - 4))
            x, y = (i % cols) * CELL, (i // cols) * (CELL + 16)
            sheet.paste(tile, (x + 2, y + 16))
            labels = "".join(label or "-" for _, label in fig.panels)
            draw.text((x + 2, y + 2), f"{start + i} {fig.id[-40:]} [{labels}]", fill="yellow", font=font)
        sheet.save(args.out / f"sheet_{start // args.per_sheet:02d}.png")
    print(f"{len(figures)} figures -> {args.out}")


if __name__ == "__main__":
    main()
