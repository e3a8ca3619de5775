"""``panel2patch figure``: show what the layout stage finds in one figure image."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from PIL import Image, ImageDraw

from panel2patch.cli.app import app
from panel2patch.errors import ItemError
from panel2patch.images import ImageConfig, decode_image_file
from panel2patch.config import ExtractConfig
from panel2patch.layout import available_backends
from panel2patch.naming import safe_component
from panel2patch.pipeline.figure_stages import analyze_figure
from panel2patch.records import FigureRecord


def figure_json(image_path: Path, picture: Image.Image, caption: str | None, backend: str) -> dict[str, Any]:
    """Exactly what a run stores for this figure, through the same stages (one code path)."""
    config = ExtractConfig(layout_backend=backend)
    record = FigureRecord(fig_id="F1", caption=caption or "")
    analysis = analyze_figure(picture, record, safe_component(image_path.stem) or "figure", config)
    panels = analysis.panels or []
    regions = [r for p in panels for r in p["regions"]] + analysis.regions
    return {
        "image": str(image_path),
        "width": picture.width,
        "height": picture.height,
        "panels": [
            {k: p.get(k) for k in ("bbox", "label", "label_bbox", "kind", "subcaption", "text", "concepts")}
            for p in panels
        ],
        "caption": caption,
        "layout": analysis.layout,
        "panel_text": analysis.panel_text,
        "marker_phrases": (analysis.caption or {}).get("marker_phrases", []),
        "scale_bars": (analysis.caption or {}).get("scale_bars", []),
        "markers": analysis.markers,
        "regions": [{k: r.get(k) for k in ("bbox", "panel", "marker", "text")} for r in regions],
        "figure_concepts": analysis.concepts,
    }


def render_figure(picture: Image.Image, result: dict[str, Any]) -> Image.Image:
    """Panels (blue, with labels), markers (red) and regions (green, with their text) drawn."""
    canvas = picture.copy()
    draw = ImageDraw.Draw(canvas)
    width = max(2, round(max(picture.size) / 400))
    for panel in result["panels"]:
        draw.rectangle([panel["bbox"][0], panel["bbox"][1], panel["bbox"][2] - 1, panel["bbox"][3] - 1], outline=(0, 90, 255), width=width)
        draw.text((panel["bbox"][0] + 3, panel["bbox"][1] + 3), f"{panel['label'] or '?'} {panel['kind'] or ''}", fill=(0, 90, 255))
    for marker in result["markers"]:
        if "bbox" in marker:
            draw.rectangle([marker["bbox"][0], marker["bbox"][1], marker["bbox"][2] - 1, marker["bbox"][3] - 1], outline=(255, 0, 0), width=width)
    for region in result["regions"]:
        x0, y0, x1, y1 = region["bbox"]
        draw.rectangle([x0, y0, x1 - 1, y1 - 1], outline=(0, 200, 0), width=width)
        if region["text"]:
            draw.text((x0 + 2, y1 + 2), region["text"][:40], fill=(0, 160, 0))
    return canvas


@app.command("figure")
def figure_command(
    image: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True,
        help="A figure image file (JPEG, PNG, TIFF, GIF ...).",
    ),
    caption: str | None = typer.Option(
        None, "--caption", "-c",
        help="The figure's caption: panels get their sub-captions, the caption's marker phrases "
             "are linked to the markers found on the image.",
    ),
    as_json: bool = typer.Option(
        False, "--json",
        help='Print {"image", "width", "height", "panels": \\[{"bbox", "label", "label_bbox", "kind", '
             '"subcaption", ...}], "marker_phrases", "markers", "regions"} as JSON instead of drawing. '
             "Boxes are x0, y0, x1, y1 in image pixels, x1 and y1 exclusive. A figure that is one "
             'panel has "panels": [] (no panel level); its markers\' and regions\' "panel" 0 is then '
             "the whole image.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", dir_okay=False,
        help="Where to write the PNG with panel boxes and labels drawn "
             "(default: IMAGE_STEM_panels.png in the current directory). Ignored with --json.",
    ),
    backend: str = typer.Option(
        "classical", "--backend",
        help=f"Layout backend. Available: {', '.join(available_backends())}.",
    ),
) -> None:
    """Show what each stage finds in one figure: panels and their printed labels, each panel's
    kind and sub-caption, markers and the regions they point at, with their caption phrases."""
    if backend not in available_backends():
        raise typer.BadParameter(f"unknown backend {backend!r}; available: {available_backends()}")
    try:
        # any size: the dataset drops images of 20 px or less per side (ImageConfig.min_side),
        # but here the layout answers for them too, with its reason
        picture = decode_image_file(image, ImageConfig(min_side=0))
    except ItemError as exc:
        if as_json:
            typer.echo(json.dumps({"image": str(image), "error": f"{exc.status}: {exc}"}))
        else:
            typer.echo(f"cannot read {image}: {exc}", err=True)
        raise typer.Exit(1) from exc
    result = figure_json(image, picture, caption, backend)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    target = out or Path.cwd() / f"{image.stem}_panels.png"
    render_figure(picture, result).save(target)
    labels = ", ".join(p["label"] or "?" for p in result["panels"])
    reason = f" ({result['layout']['reason']})" if result["layout"]["reason"] else ""
    typer.echo(f"{len(result['panels'])} panel(s) [{labels}]{reason} -> {target}")
