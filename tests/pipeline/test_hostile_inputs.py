"""Every hostile or broken input gives a recorded status and no side effect."""

from pathlib import Path

import pytest

from tests.pipeline.helpers import extract, index_rows


@pytest.fixture(scope="module")
def hostile_run(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("hostile_run")
    summary = extract(hostile, out)
    assert summary.failed_shards == {}
    return out, index_rows(out)


def _article_status(rows: list[dict], package_name: str) -> tuple[str, str | None]:
    (row,) = [r for r in rows if r["item"] == "article" and Path(r["package"]).name == package_name]
    return row["status"], row["error"]


@pytest.mark.parametrize(
    "package,status",
    [
        ("xxe_file.xml", "xml_forbidden"),
        ("xxe_url.xml", "xml_forbidden"),
        ("billion_laughs.xml", "xml_forbidden"),
        ("malformed.xml", "xml_error"),
        ("zip_slip.zip", "unsafe_archive"),
        ("zip_symlink.zip", "unsafe_archive"),
        ("zip_absolute.zip", "unsafe_archive"),
        ("tar_slip.tar.gz", "unsafe_archive"),
        ("tar_symlink.tar.gz", "unsafe_archive"),
        ("tar_hardlink.tar.gz", "unsafe_archive"),
        ("empty.tar.gz", "no_article_xml"),
        ("empty_archive.zip", "no_article_xml"),
        ("zero_bytes.tar.gz", "archive_error"),
        ("not_a_zip.zip", "archive_error"),
    ],
)
def test_hostile_package_status(hostile_run: tuple[Path, list[dict]], package: str, status: str) -> None:
    got, error = _article_status(hostile_run[1], package)
    assert got == status
    assert error  # always says why


@pytest.mark.parametrize(
    "fig,status",
    [("F1", "image_too_large"), ("F2", "image_error"), ("F3", "image_error"), ("F4", "ok"), ("F5", "image_missing")],
)
def test_bad_images_are_per_figure_statuses(hostile_run: tuple[Path, list[dict]], fig: str, status: str) -> None:
    (row,) = [r for r in hostile_run[1] if r["item"] == "figure" and r["fig_id"] == fig and r["pmcid"] == "PMC9000001"]
    assert row["status"] == status
    assert (row["key"] is not None) == (status == "ok")


def test_nothing_is_written_outside_the_run(hostile_run: tuple[Path, list[dict]], hostile: Path) -> None:
    out = hostile_run[0]
    for name in ("evil_zip.txt", "evil_tar.txt", "evil_abs.txt"):
        assert not list(out.parent.rglob(name))
        assert not list(hostile.parent.rglob(name))
        assert not Path("/tmp", name).exists()
    produced = {p.relative_to(out).parts[0] for p in out.rglob("*") if p.is_file()}
    assert produced <= {"shards", "stats", "done", "config.json", "sizes.json", "stats.json", "report.md"}


def test_report_lists_failures(hostile_run: tuple[Path, list[dict]]) -> None:
    report = (hostile_run[0] / "report.md").read_text()
    assert "unsafe_archive" in report and "xml_forbidden" in report and "image_too_large" in report
