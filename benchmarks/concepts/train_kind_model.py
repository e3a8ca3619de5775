"""Fit the two small linear models behind ``panel_kind`` on the *dev* panels only, and write
them to ``src/panel2patch/data/panel_kind_model.json`` (plain numbers: no pickle, no sklearn
needed at run time).

* ``picture``: is the crop a picture (micrograph, photo, radiology) or drawn graphics
  (plot, diagram, table)? Only structural features (tone, flatness, strokes, blocks), no hue
  features, so that it does not learn the colours of the few dev figures.
* ``graphic``: plot vs diagram vs table, for crops that are graphics.

Training panels: the hand-judged panel kinds of the dev article figures
(``benchmarks/markers/panel_kinds.json``), the dev soda_mmqc panels, and the even rows of
MedPix (radiology). Each figure's panels are down-weighted by 1/sqrt(count) so one figure of
100 beetles does not dominate, and classes are balanced.

    .venv/bin/python benchmarks/concepts/train_kind_model.py
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from cases import DATA_ROOT, kind_cases, soda_cases
from PIL import Image
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from panel2patch.concepts.features import image_features

OUT = Path(__file__).resolve().parents[2] / "src" / "panel2patch" / "data" / "panel_kind_model.json"
PICTURE_FEATURES = (
    "white", "dark", "solid", "flat", "tonal", "spiky", "spiky_rest", "colours", "edges", "blocky",
    "straight", "cells", "rainbow", "picture", "picture_largest", "picture_fill", "thin_ink", "long_lines",
)  # fmt: skip
GRAPHIC_FEATURES = (
    "axes", "ticks", "long_lines", "thin_ink", "straight", "cells", "rainbow", "coloured", "white", "solid",
    "flat", "spiky", "hue_spread", "edges", "blocky",
)  # fmt: skip
PICTURES = {"micrograph", "photo", "radiology"}
GRAPHICS = {"plot", "diagram", "table"}
C = 0.3


def dev_rows() -> list[dict]:
    rows = []
    for case in kind_cases():
        if case.split != "dev" or case.truth in ("mixed", "render"):
            continue
        kind = case.truth
        if kind == "image":
            kind = "micrograph" if "exsclaim" in case.figure_id else "photo"
        rows.append({"fig": case.figure_id, "kind": kind, "f": image_features(case.crop())})
    soda_kinds = {(c.figure_id, c.label): c.truth for c in kind_cases(include_soda=True) if "soda" in c.figure_id}
    for case in soda_cases():
        if case.split != "dev":
            continue
        kind = "micrograph" if case.truth == "micrograph" else soda_kinds.get((case.figure_id, case.label), "")
        rows.append({"fig": case.figure_id, "kind": kind, "f": image_features(case.crop())})
    medpix = DATA_ROOT / "classification" / "medpix_ct_mr"
    for index, row in enumerate(csv.DictReader((medpix / "labels.csv").open())):
        if index % 2 == 0:
            image = np.asarray(Image.open(medpix / "images" / row["file"]).convert("RGB"))
            rows.append({"fig": row["file"], "kind": "radiology", "f": image_features(image)})
    return [r for r in rows if r["f"].usable]


def weights(groups: np.ndarray, labels: np.ndarray) -> np.ndarray:
    count = Counter(groups)
    w = np.array([1 / np.sqrt(count[g]) for g in groups])
    classes = sorted(set(labels))
    for cls in classes:
        w[labels == cls] *= (w.sum() / len(classes)) / w[labels == cls].sum()
    return w


def fit(rows: list[dict], features: tuple[str, ...], label_of) -> tuple[dict, np.ndarray, np.ndarray]:
    x = np.array([[getattr(r["f"], name) for name in features] for r in rows], dtype=np.float64)
    y = np.array([label_of(r["kind"]) for r in rows])
    groups = np.array([r["fig"] for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    w = weights(groups, y)
    predicted = np.empty(len(y), dtype=object)
    for train, test in GroupKFold(8).split(z, y, groups):
        model = LogisticRegression(C=C, max_iter=5000).fit(z[train], y[train], sample_weight=w[train])
        predicted[test] = model.predict(z[test])
    model = LogisticRegression(C=C, max_iter=5000).fit(z, y, sample_weight=w)
    params = {
        "features": list(features),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "classes": [str(c) for c in model.classes_],
        "coef": [[round(float(v), 6) for v in row] for row in model.coef_],
        "intercept": [round(float(v), 6) for v in model.intercept_],
    }
    return params, y, predicted


def main() -> None:
    rows = dev_rows()
    picture_rows = [r for r in rows if r["kind"] in PICTURES | GRAPHICS]
    picture, y, pred = fit(picture_rows, PICTURE_FEATURES, lambda k: "picture" if k in PICTURES else "graphic")
    print("picture model, 8-fold cross-validation by figure (dev):")
    for cls in ("picture", "graphic"):
        print(f"  recall {cls}: {(pred[y == cls] == cls).mean():.3f}  (n={int((y == cls).sum())})")
    graphic_rows = [r for r in rows if r["kind"] in GRAPHICS]
    graphic, y, pred = fit(graphic_rows, GRAPHIC_FEATURES, lambda k: k)
    print("graphic model:")
    for cls in sorted(GRAPHICS):
        print(f"  recall {cls}: {(pred[y == cls] == cls).mean():.3f}  (n={int((y == cls).sum())})")
    data = {
        "about": "Logistic models behind panel2patch.concepts.kinds, fitted on dev panels only by "
        "benchmarks/concepts/train_kind_model.py. p(class) = softmax(coef . (x - mean) / scale + intercept); "
        "a binary model has one coef row for its second class.",
        "picture": picture,
        "graphic": graphic,
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
