"""Fit and apply the cluster path on a run directory (what ``panel2patch concepts fit`` and
``panel2patch concepts apply`` call)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from panel2patch.concepts.clusters import TABLE, ClusterModel, draft_table, fit_clusters, read_table, write_table
from panel2patch.concepts.embedders import Embedder, get_embedder
from panel2patch.concepts.features import ImageFeatures, image_features
from panel2patch.concepts.kinds import decide_kind, kind_scores
from panel2patch.concepts.shards import Item, Level, iter_items
from panel2patch.concepts.text import concepts_from_text

BATCH = 64


@dataclass(frozen=True)
class FitSummary:
    items: int
    clusters: int
    model_dir: Path
    table: Path


def _embed(embedder: Embedder, batch: list[Item], with_features: bool) -> tuple[np.ndarray, list[ImageFeatures | None]]:
    images = [item.image for item in batch]
    both = getattr(embedder, "embed_with_features", None)
    if both is not None:
        return both(images)
    features = [image_features(image) for image in images] if with_features else [None] * len(images)
    return embedder.embed(images), features


def _kind(features: ImageFeatures | None) -> str | None:
    return decide_kind(kind_scores(features)).kind.value if features is not None else None


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def fit_run(
    run_dir: str | Path,
    n_clusters: int,
    out_dir: str | Path,
    embedder: str | None = None,
    level: Level = "all",
    pca_components: int = 25,
    seed: int = 0,
    max_items: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> FitSummary:
    """Embed every item of the run, fit PCA + k-means, write the model and a draft table."""
    model_embedder: Embedder = get_embedder(embedder)
    keys, embeddings, texts, kinds = [], [], [], []
    for batch in _batches(iter_items(run_dir, level), BATCH):
        if max_items is not None:
            batch = batch[: max(0, max_items - len(keys))]
            if not batch:
                break
        vectors, features = _embed(model_embedder, batch, with_features=True)
        embeddings.append(vectors)
        for item, found_features in zip(batch, features, strict=True):
            keys.append(item.key)
            found = concepts_from_text(item.text)
            texts.append(found[0] if found else None)
            kinds.append(_kind(found_features) or "")
        if progress:
            progress(len(batch))
    if len(keys) < 2:
        raise ValueError(f"{run_dir}: found {len(keys)} item(s) in shards/*.tar; need at least 2")
    matrix = np.concatenate(embeddings)
    model, labels = fit_clusters(matrix, n_clusters, pca_components, seed, model_embedder.spec)
    model.meta["level"] = level
    out_dir = Path(out_dir)
    model.save(out_dir)
    table = out_dir / TABLE
    write_table(draft_table(labels.tolist(), keys, texts, kinds, model.n_clusters), table)
    return FitSummary(len(keys), model.n_clusters, out_dir, table)


LABEL_COLUMNS = (
    "key", "figure_key", "level", "panel_index", "bbox", "cluster", "distance",
    "global_class", "local_class", "confidence", "source", "kind",
)  # fmt: skip


def apply_run(
    run_dir: str | Path,
    model_dir: str | Path,
    out_path: str | Path,
    level: Level | None = None,
    with_kind: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Label every item of the run with its cluster's concept; write a Parquet table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    model = ClusterModel.load(model_dir)
    table = read_table(Path(model_dir) / TABLE, model.n_clusters)
    model_embedder = get_embedder(model.embedder)
    level = level or model.meta.get("level", "all")
    columns: dict[str, list] = {name: [] for name in LABEL_COLUMNS}
    for batch in _batches(iter_items(run_dir, level), BATCH):
        vectors, features = _embed(model_embedder, batch, with_features=with_kind)
        clusters, distances = model.assign(vectors)
        for item, cluster, distance, found in zip(batch, clusters.tolist(), distances.tolist(), features, strict=True):
            concept = table[cluster]
            columns["key"].append(item.key)
            columns["figure_key"].append(item.figure_key)
            columns["level"].append(item.level)
            columns["panel_index"].append(item.panel_index)
            columns["bbox"].append(list(item.bbox) if item.bbox else None)
            columns["cluster"].append(int(cluster))
            columns["distance"].append(round(float(distance), 4))
            columns["global_class"].append(concept.global_class)
            columns["local_class"].append(concept.local_class)
            columns["confidence"].append(concept.confidence)
            columns["source"].append(concept.source)
            columns["kind"].append(_kind(found) if with_kind else None)
        if progress:
            progress(len(batch))
    schema = pa.schema(
        [
            ("key", pa.string()), ("figure_key", pa.string()), ("level", pa.string()), ("panel_index", pa.int32()),
            ("bbox", pa.list_(pa.int32())), ("cluster", pa.int32()), ("distance", pa.float32()),
            ("global_class", pa.string()), ("local_class", pa.string()), ("confidence", pa.float32()),
            ("source", pa.string()), ("kind", pa.string()),
        ]
    )  # fmt: skip
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    pq.write_table(pa.table(columns, schema=schema), tmp)
    tmp.replace(out_path)
    return len(columns["key"])
