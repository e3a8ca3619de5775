"""The static HTML of the run report: inline CSS, no script, relative paths only, so the page
opens from disk with no server and loads nothing from the network."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from panel2patch.dataset.concepts import figure_concept_entries, global_concepts
from panel2patch.report.gallery import GalleryItem, hex_color
from panel2patch.report.profile import panel_kind

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2733;background:#f4f6f8;margin:0}
header{background:#1f3b57;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;opacity:.85}
main{max-width:1220px;margin:0 auto;padding:8px 24px 40px}
h2{font-size:18px;margin:28px 0 10px;border-bottom:2px solid #d5dde6;padding-bottom:4px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{background:#fff;border-radius:8px;padding:10px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:24px;color:#1f3b57} .card span{color:#5b6b7b;font-size:12px}
table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{padding:5px 10px;border-bottom:1px solid #e6ebf0;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600} td.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
.chart{background:#fff;border-radius:8px;padding:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.chart img{max-width:100%;height:auto;display:block;margin:auto}
.funnel{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px;align-items:start}
@media (max-width:900px){.funnel{grid-template-columns:1fr}}
.empty{color:#7a8896;font-style:italic;padding:20px}
.fig{display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr);gap:16px;background:#fff;border-radius:8px;
  padding:14px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.fig img{max-width:100%;height:auto;display:block;border:1px solid #e6ebf0}
.fig h3{margin:0 0 4px;font-size:14px;word-break:break-all} .meta{color:#5b6b7b;font-size:12px;margin:0 0 8px}
.caption{font-size:13px;margin:0 0 8px} .panels{list-style:none;margin:0;padding:0}
.panels li{border-left:5px solid;padding:3px 8px;margin:0 0 6px;font-size:13px;background:#fafbfc}
.tag{display:inline-block;color:#fff;border-radius:3px;padding:0 5px;font-weight:700;font-size:12px;margin-right:4px}
.pill{display:inline-block;background:#e8eef5;border-radius:9px;padding:0 7px;font-size:11px;margin:0 3px 0 0;color:#334}
.none{color:#98a4b0;font-style:italic}
.regions{margin:4px 0 0 8px;padding:0;list-style:none} .regions li{border-left:3px dashed;padding:2px 6px;margin:2px 0;background:#fff}
.mk{background:#ffdd00;color:#000}
details{margin:6px 0} summary{cursor:pointer;color:#2f6f9f}
pre{background:#fff;padding:10px;overflow:auto;font-size:12px}
@media (max-width:900px){.fig{grid-template-columns:1fr}}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def page(title: str, subtitle: str, sections: list[str]) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1><p>{_e(subtitle)}</p></header><main>"
        + "\n".join(sections)
        + "</main></body></html>\n"
    )


def cards(values: list[tuple[str, Any]]) -> str:
    body = "".join(f"<div class=\"card\"><b>{_e(v)}</b><span>{_e(k)}</span></div>" for k, v in values)
    return f"<div class=\"cards\">{body}</div>"


def funnel_table(funnel: dict[str, Any]) -> str:
    rows = []
    for stage in funnel["stages"]:
        reasons = "<br>".join(f"{_e(r)}: {n}" for r, n in stage["dropped"].items()) or "<span class=\"none\">none</span>"
        rows.append(f"<tr><td>{_e(stage['stage'])}</td><td class=\"n\">{stage['in']}</td><td class=\"n\">{stage['out']}</td>"
                    f"<td class=\"n\">{stage['in'] - stage['out']}</td><td>{reasons}</td></tr>")
    return ("<table><tr><th>stage</th><th>in</th><th>kept</th><th>dropped</th><th>drop reasons</th></tr>"
            + "".join(rows) + "</table>")


def counts_table(title: str, counts: dict[str, int]) -> str:
    rows = "".join(f"<tr><td>{_e(k)}</td><td class=\"n\">{v}</td></tr>" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"<table><tr><th>{_e(title)}</th><th>count</th></tr>{rows}</table>"


def chart_grid(charts: dict[str, str | None], titles: dict[str, str], folder: str, css_class: str = "charts") -> str:
    cells = []
    for chart_id, title in titles.items():
        name = charts.get(chart_id)
        inner = (f"<img src=\"{_e(folder)}/{_e(name)}\" alt=\"{_e(title)}\">" if name
                 else f"<div class=\"empty\">{_e(title)}: nothing to draw in this run</div>")
        cells.append(f"<div class=\"chart\">{inner}</div>")
    return f"<div class=\"{css_class}\">{''.join(cells)}</div>"


def _concept_pills(entries: Any) -> str:
    names = global_concepts(entries)
    locals_ = [e.get("local") for e in entries or [] if isinstance(e, dict) and e.get("local")]
    pills = [f"<span class=\"pill\">{_e(n)}</span>" for n in names] + [f"<span class=\"pill\">{_e(n)}</span>" for n in dict.fromkeys(locals_)]
    return "".join(pills)


def gallery_entry(item: GalleryItem) -> str:
    meta = item.meta
    article = meta.get("article") or {}
    license_ = article.get("license") or {}
    figure = meta.get("figure") or {}
    ids = " · ".join(x for x in (article.get("pmcid"), f"doi:{article['doi']}" if article.get("doi") else None) if x)
    layout = meta.get("layout") or {}
    image = meta.get("image") or {}
    layout_note = f" · layout: {_e(layout.get('reason'))}" if layout.get("reason") else ""
    figure_pills = _concept_pills(figure_concept_entries(meta))
    head = (
        f"<h3>{_e(item.key)}</h3>"
        f"<p class=\"meta\">{_e(article.get('title'))} — <i>{_e(article.get('journal'))}</i> {_e(article.get('date'))}<br>"
        f"{_e(ids)} · license {_e(license_.get('code') or 'none')} ({_e(license_.get('group'))}) · "
        f"{_e(figure.get('label'))} · {image.get('width')}×{image.get('height')} px · "
        f"panel text: {_e(meta.get('panel_text'))}{layout_note}</p>"
        + (f"<p>{figure_pills}</p>" if figure_pills else "")
        + f"<details><summary>full caption ({len(item.caption)} chars)</summary><p class=\"caption\">{_e(item.caption)}</p></details>"
    )
    panels = []
    for index, panel in enumerate(meta.get("panels") or []):
        color = hex_color(index)
        tag = f"{index + 1}:{panel.get('label')}" if panel.get("label") else str(index + 1)
        text = _e(panel.get("text")) if panel.get("text") else "<span class=\"none\">no text</span>"
        kind = panel_kind(panel)
        pills = (f"<span class=\"pill\">kind: {_e(kind)}</span>" if kind else "") + _concept_pills(panel.get("concepts"))
        regions = "".join(_region_entry(i, r, color) for i, r in enumerate(panel.get("regions") or []))
        if regions:
            regions = f"<ul class=\"regions\">{regions}</ul>"
        panels.append(
            f"<li style=\"border-color:{color}\"><span class=\"tag\" style=\"background:{color}\">{_e(tag)}</span>"
            f"{pills}<br>{text}{regions}</li>"
        )
    body = f"<ul class=\"panels\">{''.join(panels)}</ul>" if panels else "<p class=\"none\">single panel: the figure pair is the only pair</p>"
    figure_regions = "".join(_region_entry(i, r, hex_color(0)) for i, r in enumerate(meta.get("regions") or []))
    if figure_regions:  # a single-panel figure keeps its regions at the figure level
        body += f"<ul class=\"regions\">{figure_regions}</ul>"
    img = f"<img src=\"{_e(item.image_file)}\" width=\"{item.width}\" height=\"{item.height}\" alt=\"{_e(item.key)}\">"
    return f"<section class=\"fig\" id=\"{_e(item.key)}\"><div>{img}</div><div>{head}{body}</div></section>"


def _region_entry(index: int, region: dict[str, Any], color: str) -> str:
    marker = region.get("marker") or {}
    name = " ".join(str(x) for x in (f"r{index + 1}", marker.get("type"), marker.get("color")) if x)
    text = _e(region.get("text")) if region.get("text") else "<span class=\"none\">no phrase</span>"
    return f"<li style=\"border-color:{color}\"><span class=\"tag mk\">{_e(name)}</span>{text}</li>"


def failures_table(examples: dict[str, list[dict[str, Any]]]) -> str:
    rows = []
    for status, items in sorted(examples.items()):
        for row in items:
            where = str(row.get("package", "")).rsplit("/", 1)[-1] + (f" / {row['fig_id']}" if row.get("fig_id") else "")
            rows.append(f"<tr><td>{_e(status)}</td><td>{_e(where)}</td><td>{_e(row.get('error'))}</td></tr>")
    if not rows:
        return "<p class=\"none\">no failures</p>"
    return "<table><tr><th>item:status</th><th>where</th><th>error</th></tr>" + "".join(rows) + "</table>"


def json_block(title: str, data: Any) -> str:
    return f"<details><summary>{_e(title)}</summary><pre>{_e(json.dumps(data, indent=2, sort_keys=True))}</pre></details>"
