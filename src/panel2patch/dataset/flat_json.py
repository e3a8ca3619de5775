"""The ``.json`` of a flat (one crop, one text) sample: level, parent, box, license, provenance."""

from __future__ import annotations

from typing import Any

from panel2patch.dataset.candidates import Box, Candidate
from panel2patch.dataset.dedup import ImageHashes

FLAT_SCHEMA_VERSION = 1


def flat_sample_json(
    candidate: Candidate,
    box: Box,
    figure_meta: dict[str, Any],
    run_shard: str,
    hashes: ImageHashes | None,
) -> dict[str, Any]:
    article = figure_meta.get("article") or {}
    figure = figure_meta.get("figure") or {}
    license_ = article.get("license") or {}
    source = figure_meta.get("source") or {}
    data: dict[str, Any] = {
        "schema_version": FLAT_SCHEMA_VERSION,
        "key": candidate.key,
        "level": str(candidate.level),
        "parent": candidate.parent,
        "figure_key": candidate.figure_key,
        "box": list(box),  # in the figure's pixels, x1/y1 exclusive
        "size": [box[2] - box[0], box[3] - box[1]],
        "figure_size": list(candidate.image_size),
        "text": candidate.text,
        "label": candidate.label,
        "kind": candidate.kind,
        "concepts": list(candidate.concepts),
        "license": {
            "group": candidate.license_group,
            "code": license_.get("code"),
            "version": license_.get("version"),
            "url": license_.get("url"),
        },
        "article": {k: article.get(k) for k in ("pmcid", "pmid", "doi", "title", "journal", "date")},
        "figure": {k: figure.get(k) for k in ("fig_id", "label", "kind")},
        "provenance": {
            "run_shard": run_shard,
            "run_key": candidate.figure_key,
            "package": source.get("package"),
            "member": source.get("member"),
            "figure_sha256": (figure_meta.get("image") or {}).get("sha256"),
        },
    }
    if hashes is not None:
        data["image_hashes"] = {"sha256": hashes.sha256, "phash": f"{hashes.phash:016x}", "phash_fine": f"{hashes.phash_fine:064x}"}
    data.update(candidate.extra)
    return data
