"""BIOMEDICA's labelling path: embeddings → PCA → k-means → a cluster-to-concept table →
every member of a cluster inherits its cluster's concept.

BIOMEDICA embedded 24M figures with DINOv2 ViT-L/14, kept 25 (paper) or 45 (code) principal
components, ran k-means with 2,000 clusters, and had experts name each cluster. Here the
table is pre-filled with the majority text-derived concept of each cluster (and a few
example keys to look at), and a person edits it before ``apply``.

A model directory holds ``model.json`` (embedder spec, sizes), ``model.npz`` (PCA mean and
components, cluster centres: applying needs numpy only) and ``clusters.csv`` (the table).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from panel2patch.concepts.records import Concept
from panel2patch.concepts.taxonomy import Taxonomy, load_taxonomy
from panel2patch.extras import require

TABLE = "clusters.csv"
TABLE_COLUMNS = ("cluster", "size", "global_class", "local_class", "confidence", "text_share", "kinds", "examples")
EXAMPLES_PER_CLUSTER = 5


@dataclass
class ClusterModel:
    embedder: str
    mean: np.ndarray  # (d,)
    components: np.ndarray  # (k_pca, d)
    centres: np.ndarray  # (n_clusters, k_pca)
    meta: dict = field(default_factory=dict)

    @property
    def n_clusters(self) -> int:
        return int(self.centres.shape[0])

    def project(self, embeddings: np.ndarray) -> np.ndarray:
        return (np.asarray(embeddings, dtype=np.float64) - self.mean) @ self.components.T

    def assign(self, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest centre (and the distance to it) for each embedding, in PCA space."""
        z = self.project(embeddings)
        centres_sq = (self.centres**2).sum(axis=1)
        nearest = np.zeros(len(z), dtype=np.int64)
        distance = np.zeros(len(z), dtype=np.float64)
        for start in range(0, len(z), 2048):  # chunks keep (rows x clusters) small
            chunk = z[start : start + 2048]
            d2 = (chunk**2).sum(axis=1)[:, None] - 2.0 * chunk @ self.centres.T + centres_sq[None, :]
            best = d2.argmin(axis=1)
            nearest[start : start + len(chunk)] = best
            distance[start : start + len(chunk)] = np.sqrt(np.maximum(d2[np.arange(len(chunk)), best], 0.0))
        return nearest, distance

    def save(self, out_dir: str | Path) -> None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        np.savez(out_dir / "model.npz", mean=self.mean, components=self.components, centres=self.centres)
        meta = {
            "embedder": self.embedder,
            "n_clusters": self.n_clusters,
            "pca_components": int(self.components.shape[0]),
        }
        (out_dir / "model.json").write_text(json.dumps({**self.meta, **meta}, indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, model_dir: str | Path) -> ClusterModel:
        model_dir = Path(model_dir)
        meta = json.loads((model_dir / "model.json").read_text())
        arrays = np.load(model_dir / "model.npz")
        return cls(meta["embedder"], arrays["mean"], arrays["components"], arrays["centres"], meta)


def fit_clusters(
    embeddings: np.ndarray, n_clusters: int, pca_components: int = 25, seed: int = 0, embedder: str = "builtin"
) -> tuple[ClusterModel, np.ndarray]:
    """PCA then MiniBatchKMeans (scikit-learn); returns the model and each row's cluster."""
    decomposition = require("sklearn.decomposition", extra="concepts", purpose="fitting concept clusters")
    cluster = require("sklearn.cluster", extra="concepts", purpose="fitting concept clusters")
    x = np.asarray(embeddings, dtype=np.float64)
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"need at least 2 items to fit clusters, got {n}")
    n_clusters = max(1, min(n_clusters, n))
    n_components = max(1, min(pca_components, n, x.shape[1]))
    pca = decomposition.PCA(n_components=n_components, random_state=seed).fit(x)
    z = pca.transform(x)
    kmeans = cluster.MiniBatchKMeans(
        n_clusters=n_clusters, random_state=seed, n_init=3, batch_size=min(4096, max(256, n))
    ).fit(z)
    meta = {
        "fitted": datetime.now(UTC).isoformat(timespec="seconds"),
        "n_items": n,
        "explained_variance": round(float(pca.explained_variance_ratio_.sum()), 4),
        "seed": seed,
    }
    model = ClusterModel(embedder, pca.mean_, pca.components_, kmeans.cluster_centers_, meta)
    labels, _ = model.assign(x)
    return model, labels


@dataclass
class ClusterRow:
    cluster: int
    size: int
    global_class: str
    local_class: str | None
    confidence: float
    text_share: float
    kinds: str
    examples: list[str]


def draft_table(
    labels: Sequence[int],
    keys: Sequence[str],
    text_concepts: Sequence[Concept | None],
    kinds: Sequence[str] | None,
    n_clusters: int,
) -> list[ClusterRow]:
    """Pre-fill each cluster with its members' majority text concept (global class, then the
    majority local class within it); ``text_share`` is that majority's share of the cluster.
    A cluster whose members' texts name nothing gets "Ambiguous"."""
    rows = []
    for cluster in range(n_clusters):
        members = [i for i, label in enumerate(labels) if label == cluster]
        globals_ = Counter(text_concepts[i].global_class for i in members if text_concepts[i] is not None)
        global_class, local_class, share = "Ambiguous", "ambiguous", 0.0
        if globals_:
            global_class, count = globals_.most_common(1)[0]
            share = count / len(members)
            locals_ = Counter(
                text_concepts[i].local_class
                for i in members
                if text_concepts[i] is not None and text_concepts[i].global_class == global_class
            )
            named = [(local, n) for local, n in locals_.most_common() if local is not None]
            local_class = named[0][0] if named else None
        kind_counts = Counter(kinds[i] for i in members) if kinds else Counter()
        rows.append(
            ClusterRow(
                cluster=cluster,
                size=len(members),
                global_class=global_class,
                local_class=local_class,
                confidence=round(share, 3),
                text_share=round(share, 3),
                kinds=" ".join(f"{k}:{v}" for k, v in kind_counts.most_common(3)),
                examples=[keys[i] for i in members[:EXAMPLES_PER_CLUSTER]],
            )
        )
    return rows


def write_table(rows: Sequence[ClusterRow], path: str | Path) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TABLE_COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    row.cluster,
                    row.size,
                    row.global_class,
                    row.local_class or "",
                    row.confidence,
                    row.text_share,
                    row.kinds,
                    " ".join(row.examples),
                ]
            )


class TableError(ValueError):
    """The edited cluster table names an unknown class or misses a cluster."""


def read_table(path: str | Path, n_clusters: int, taxonomy: Taxonomy | None = None) -> dict[int, Concept]:
    """The (edited) table as ``{cluster: Concept(..., source="cluster")}``; checked against
    the taxonomy so that a typo fails loudly instead of becoming a new class."""
    taxonomy = taxonomy or load_taxonomy()
    table: dict[int, Concept] = {}
    with Path(path).open(newline="", encoding="utf-8") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            try:
                cluster = int(record["cluster"])
                confidence = float(record.get("confidence") or 1.0)
            except (KeyError, ValueError) as exc:
                raise TableError(f"{path}:{line}: bad cluster or confidence ({exc})") from exc
            global_class = (record.get("global_class") or "").strip()
            local_class = (record.get("local_class") or "").strip() or None
            if not taxonomy.is_valid(global_class, local_class):
                raise TableError(f"{path}:{line}: {global_class!r} / {local_class!r} is not in the taxonomy")
            table[cluster] = Concept(global_class, local_class, "cluster", max(0.0, min(1.0, confidence)))
    missing = sorted(set(range(n_clusters)) - set(table))
    if missing:
        raise TableError(f"{path}: clusters {missing[:10]} have no row")
    return table
