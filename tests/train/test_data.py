"""Hierarchy parsing, crop geometry, deterministic streams, step batches and shard sources."""

from __future__ import annotations

import functools
import http.server
import io
import json
import logging
import tarfile
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from panel2patch.train.config import DataConfig, HierarchyConfig, ImageConfig, Level, ScheduleConfig
from panel2patch.train.crops import decode_for_boxes, render
from panel2patch.train.hierarchy import figure_tree, level_nodes
from panel2patch.train.shards import SourceError, iter_raw_samples, resolve_sources
from panel2patch.train.skips import SkipLog
from panel2patch.train.stream import ItemStream, Partition, StreamPosition, is_heldout, parse_figure

H = HierarchyConfig()


def test_single_panel_figure_is_its_own_panel() -> None:
    meta = {"image": {"width": 100, "height": 80}, "panels": []}
    tree = figure_tree("PMC1_F1", meta, "A caption.", (100, 80), H)
    assert [c[-1].key for c in level_nodes(tree, Level.PANEL, H)] == ["PMC1_F1"]
    assert tree.panels[0].box == (0.0, 0.0, 100.0, 80.0) and not tree.multi_panel
    assert level_nodes(tree, Level.REGION, H) == []


def test_hierarchy_reads_panels_regions_and_skips_unusable_items() -> None:
    meta = {"image": {"width": 200, "height": 100}, "panels": [
        {"key": "PMC1_F1_pA", "bbox": [0, 0, 100, 100], "text": "Panel A text", "regions": [
            {"key": "PMC1_F1_pA_r1", "bbox": [10, 10, 40, 40], "texts": ["arrow: nuclei", "nuclei"], "text": "nuclei"},
            {"key": "PMC1_F1_pA_r2", "bbox": [10, 10, 12, 12], "texts": ["too small"]},
            {"key": "PMC1_F1_pA_r3", "bbox": [50, 50, 90, 90], "texts": [], "text": None}]},
        {"key": "PMC1_F1_pB", "bbox": [100, 0, 200, 100], "text": "Panel B text", "regions": []},
        {"key": "PMC1_F1_pC", "bbox": [100, 0, 200, 100], "text": "", "subcaption": None},
        {"key": "PMC1_F1_pD", "bbox": "bad", "text": "x"},
    ]}
    skipped: Counter = Counter()
    tree = figure_tree("PMC1_F1", meta, "Caption.", (200, 100), H, skipped)
    assert [p.key for p in tree.panels] == ["PMC1_F1_pA", "PMC1_F1_pB"] and tree.multi_panel
    region = tree.panels[0].children[0]
    assert region.texts == ("arrow: nuclei", "nuclei") and region.box == (10.0, 10.0, 40.0, 40.0)
    assert skipped == Counter(region_box=1, region_text=1, panel_text=1, panel_box=1)
    with_caption = figure_tree("PMC1_F1", meta, "Caption.", (200, 100), HierarchyConfig(untexted_panels="caption"))
    assert [p.texts for p in with_caption.panels][-1] == ("Caption.",)


def test_boxes_follow_a_resized_image() -> None:
    meta = {"image": {"width": 200, "height": 100}, "panels": [
        {"key": "k_pA", "bbox": [0, 0, 100, 100], "text": "a"}, {"key": "k_pB", "bbox": [100, 0, 200, 100], "text": "b"}]}
    tree = figure_tree("k", meta, "c", (100, 50), H)
    assert tree.panels[1].box == (50.0, 0.0, 100.0, 50.0)


def _marked_jpeg(size=(900, 600), box=(600, 150, 700, 300)) -> bytes:
    image = Image.new("RGB", size, (255, 255, 255))
    image.paste((255, 0, 0), box)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


@pytest.mark.parametrize("mode", ["longest", "squash", "shortest"])
def test_geometry_locates_a_box_in_the_output(mode: str) -> None:
    """A red square drawn at a known box lands where the geometry says, after crop + resize + draft."""
    red = (600, 150, 700, 300)
    config = ImageConfig(size=64, resize_mode=mode, mean=(0, 0, 0), std=(1, 1, 1))
    panel = (450.0, 0.0, 900.0, 600.0)
    image, scale = decode_for_boxes(_marked_jpeg(box=red), [panel], config)
    assert image.size[0] < 900  # decoded at a reduced JPEG scale
    import random

    array, geometry = render(image, scale, panel, config, random.Random(3))
    x0, y0, x1, y1 = (v * 64 for v in geometry.normalized_box(red))
    inside = array[:, int(y0) + 2:int(y1) - 2, int(x0) + 2:int(x1) - 2]
    assert inside.size and inside[0].mean() > 0.8 and inside[1].mean() < 0.2
    outside = np.concatenate([array[1, :, : max(0, int(x0) - 3)].ravel(), array[1, :, int(x1) + 3:].ravel()])
    assert outside.size == 0 or np.median(outside) > 0.8 or mode == "longest"


def test_broken_image_is_a_crop_error() -> None:
    from panel2patch.train.crops import CropError

    with pytest.raises(CropError):
        decode_for_boxes(b"<html>not a jpeg</html>", [(0, 0, 10, 10)], ImageConfig(size=32))
    with pytest.raises(CropError):
        decode_for_boxes(_marked_jpeg()[:300], [(0, 0, 10, 10)], ImageConfig(size=32))


def test_holdout_split_is_deterministic_and_proportional() -> None:
    ids = [f"PMC{i}" for i in range(4000)]
    held = [a for a in ids if is_heldout(a, 25)]
    assert held == [a for a in ids if is_heldout(a, 25)]
    assert 0.22 < len(held) / len(ids) < 0.28
    assert not any(is_heldout(a, 0) for a in ids)


def _keys(stream: ItemStream, n: int) -> list[str]:
    return [stream.take().node.key for _ in range(n)]


def test_partitions_split_items_without_overlap(hier_run: Path) -> None:
    urls = resolve_sources([str(hier_run)])
    data = DataConfig(shuffle_buffer=8, seed=1)
    everything = ItemStream(urls, Level.PANEL, Partition(0, 1), data, H)
    first = everything.take()
    total = 1
    while everything.epoch == 0:
        everything.peek()
        if everything.epoch:
            break
        everything.take()
        total += 1
    seen = []
    for count in (2, 4):  # 4 partitions > 3 shards: samples are split instead of shards
        seen = []
        for index in range(count):
            stream = ItemStream(urls, Level.PANEL, Partition(index, count), data, H)
            stream.peek()
            part = []
            while stream.epoch == 0:
                part.append(stream.take().node.key)
                stream.peek()
            seen.extend(part)
        assert len(seen) == len(set(seen)) == total
    assert first.node.key in seen


def test_stream_position_resumes_exactly(hier_run: Path) -> None:
    urls = resolve_sources([str(hier_run)])
    data = DataConfig(shuffle_buffer=16, seed=5)
    straight = ItemStream(urls, Level.REGION, Partition(1, 2), data, H)
    head = _keys(straight, 70)  # crosses an epoch boundary
    assert straight.epoch >= 1
    tail = _keys(straight, 30)
    again = ItemStream(urls, Level.REGION, Partition(1, 2), data, H)
    _keys(again, 70)
    resumed = ItemStream(urls, Level.REGION, Partition(1, 2), data, H, StreamPosition(**again.position.to_dict()))
    assert _keys(resumed, 30) == tail
    assert head[:10] != _keys(ItemStream(urls, Level.REGION, Partition(1, 2), DataConfig(shuffle_buffer=16, seed=6), H), 10)


def test_sources_accept_run_dirs_globs_braces_and_lists(hier_run: Path, tmp_path: Path) -> None:
    shards = sorted(str(p) for p in (hier_run / "shards").glob("*.tar"))
    assert resolve_sources([str(hier_run)]) == shards
    assert resolve_sources([str(hier_run / "shards" / "{000000..000002}.tar")]) == shards
    assert resolve_sources(["::".join(shards[:2]), shards[0]]) == shards[:2]
    assert resolve_sources([str(hier_run / "shards" / "*.tar")]) == shards
    with pytest.raises(SourceError):
        resolve_sources([str(tmp_path)])


def test_shards_stream_over_http(hier_run: Path) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(hier_run))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        urls = resolve_sources([base])
        assert urls == [f"{base}/shards/{n:06d}.tar" for n in range(3)]
        remote = [s["__key__"] for s in iter_raw_samples(urls[1])]
        local = [s["__key__"] for s in iter_raw_samples(str(hier_run / "shards" / "000001.tar"))]
        assert remote == local and remote
    finally:
        server.shutdown()


def test_broken_samples_are_skipped_and_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    shard = tmp_path / "000000.tar"
    good = _marked_jpeg()
    meta = {"image": {"width": 900, "height": 600}, "panels": []}
    members = {"a_F1.jpg": good, "a_F1.txt": b"good", "a_F1.json": json.dumps(meta).encode(),
               "b_F1.jpg": b"<html>", "b_F1.txt": b"html as jpg", "b_F1.json": json.dumps(meta).encode(),
               "c_F1.jpg": good, "c_F1.txt": b"bad json", "c_F1.json": b"{not json"}
    with tarfile.open(shard, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    skips = SkipLog(logging.getLogger("test"))
    with caplog.at_level(logging.WARNING):
        figures = [parse_figure(s, H, skips) for s in iter_raw_samples(str(shard))]
    assert [f.key for f in figures if f] == ["a_F1"]
    assert skips.counts == Counter(bad_image_header=1, bad_json=1)
    truncated = tmp_path / "000001.tar"
    truncated.write_bytes(shard.read_bytes()[:1500])
    assert [s["__key__"] for s in iter_raw_samples(str(truncated))] in ([], ["a_F1"])


def test_alternating_schedule_cycles_with_ratios_and_skips_missing_levels() -> None:
    from panel2patch.train.schedule import LevelSchedule

    schedule = LevelSchedule(ScheduleConfig(ratios=(1, 2, 3), batch_size=4), accum_steps=2)
    labels = [schedule.step_label(s) for s in range(7)]
    assert labels == ["figure", "panel", "panel", "region", "region", "region", "figure"]
    assert schedule.micro_counts(3) == {Level.PANEL: 4}  # micro-batch 3 belongs to step 1
    without_regions = LevelSchedule(ScheduleConfig(ratios=(1, 2, 3)), {Level.FIGURE, Level.PANEL})
    assert [without_regions.step_label(s) for s in range(4)] == ["figure", "panel", "panel", "figure"]
    mixed = LevelSchedule(ScheduleConfig(kind="mixed", ratios=(1, 1, 2), batch_size=8))
    assert mixed.step_counts(5) == {Level.FIGURE: 2, Level.PANEL: 2, Level.REGION: 4}
    with pytest.raises(ValueError):
        LevelSchedule(ScheduleConfig(levels=(Level.REGION,)), {Level.FIGURE})
