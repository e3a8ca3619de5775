"""The whole real article set: every package found, every readable captioned figure out."""

from pathlib import Path

import pytest

from tests.pipeline.helpers import extract, index_rows, sample_json, samples


@pytest.fixture(scope="module")
def shared_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shared") / "run"
    # figure-level extraction is under test here; the layout stage has its own tests and benchmark
    summary = extract(shared_data / "articles", out, workers=2, shard_size=20, layout_backend=None)
    assert summary.failed_shards == {}
    return out


@pytest.mark.shared_data
def test_all_packages_and_figures(shared_run: Path) -> None:
    rows = index_rows(shared_run)
    articles = [r for r in rows if r["item"] == "article"]
    with_images = [r for r in articles if r["package_format"] != "xml" and r["status"] != "duplicate_package"]
    assert len(with_images) == 24
    figures = [r for r in rows if r["item"] == "figure"]
    ok = [r for r in figures if r["status"] == "ok"]
    in_packages_with_images = [r for r in figures if r["package_format"] != "xml"]
    assert len(ok) == 138
    assert all(r["status"] == "ok" for r in in_packages_with_images), [
        (r["package"], r["fig_id"], r["status"], r["error"]) for r in in_packages_with_images if r["status"] != "ok"
    ]
    # XML-only articles: figures are listed, with the missing image as their status
    assert {r["status"] for r in figures if r["package_format"] == "xml"} <= {"image_missing", "no_graphic"}
    (editorial,) = [r for r in articles if r["pmcid"] == "PMC3040697"]
    assert editorial["status"] == "no_figures"


@pytest.mark.shared_data
def test_corrupt_member_is_an_image_error_and_the_rest_comes_out(shared_run: Path) -> None:
    rows = [r for r in index_rows(shared_run) if Path(r["package"]).name == "pone.0060593.zip"]
    assert [r["status"] for r in rows if r["item"] == "figure"] == ["ok", "ok"]
    # t003 is in the zip only as 18-byte files that no graphic of the XML points to
    (t003,) = [r for r in rows if r["item"] == "image_file" and "t003" in (r["member"] or "")]
    assert t003["status"] == "image_error"
    assert [r["status"] for r in rows if r["item"] == "table"] == ["ok", "ok"]


@pytest.mark.shared_data
def test_captions_are_full_text_with_spacing(shared_run: Path) -> None:
    got = samples(shared_run)
    captions = {key: members["txt"].decode() for key, members in got.items()}
    for key, caption in captions.items():
        assert "  " not in caption and caption == caption.strip(), key
    # PMC2467486 figure 1: the caption continues well past its title
    meta = sample_json(shared_run, "PMC2467486_pone-0002804-g001")
    title = meta["figure"]["title"]
    assert title and len(meta["figure"]["caption"]) > len(title) + 100
    assert meta["article"]["license"]["group"] == "commercial"
