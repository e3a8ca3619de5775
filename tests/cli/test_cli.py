import json
from pathlib import Path

from typer.testing import CliRunner

from panel2patch.cli import _register_commands, app
from tests.conftest import FIXTURES

_register_commands()
runner = CliRunner()


def test_help_explains_every_run_option() -> None:
    result = runner.invoke(app, ["run", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--workers", "--pmcids", "--license", "--limit", "--shard-size", "--overwrite"):
        assert option in result.output


def test_run_then_stats_json(tmp_path: Path) -> None:
    out = tmp_path / "run"
    source = FIXTURES / "hostile" / "bad_images"
    result = runner.invoke(app, ["run", str(source), "--out", str(out), "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert str(out.resolve()) in result.output
    stats = runner.invoke(app, ["stats", str(out), "--json"])
    totals = json.loads(stats.output)
    assert totals["articles"] == 1 and totals["figures"] == 5 and totals["figures_ok"] == 1
    assert totals["figures_by_status"] == {"image_error": 2, "image_missing": 1, "image_too_large": 1, "ok": 1}
    funnel = {stage["stage"]: stage for stage in totals["funnel"]["stages"]}
    assert funnel["figures"]["in"] == 5 and funnel["figures"]["out"] == 1
    assert funnel["figures"]["dropped"] == {"image_error": 2, "image_missing": 1, "image_too_large": 1}
    table = runner.invoke(app, ["stats", str(out)]).output
    assert "funnel" in table and "image_too_large: 1" in table and "pairs: figure 1" in table


def test_selection_by_pmcid_and_license(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# wanted\nPMC123\n")
    out = tmp_path / "run"
    source = FIXTURES / "hostile" / "bad_images"
    result = runner.invoke(app, ["run", str(source), "--out", str(out), "-w", "1", "--pmcids", str(ids), "--no-progress"])
    assert result.exit_code == 0, result.output
    totals = json.loads(runner.invoke(app, ["stats", str(out), "--json"]).output)
    assert totals["articles_by_status"] == {"filtered": 1} and totals["samples"] == 0
    out2 = tmp_path / "run2"
    args = ["run", str(source), "--out", str(out2), "-w", "1", "--license", "noncommercial", "--no-progress"]
    assert runner.invoke(app, args).exit_code == 0
    totals = json.loads(runner.invoke(app, ["stats", str(out2), "--json"]).output)
    assert totals["articles_by_status"] == {"filtered": 1}


def test_stats_on_an_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", str(tmp_path)])
    assert result.exit_code == 2
    assert "no finished shard" in result.output


def test_commands_register_without_importing_torch() -> None:
    """`panel2patch --help` and `figure` start in well under a second: webdataset (which
    imports torch when the [train] extra is installed, ~1.6 s) loads only when shards are written."""
    import subprocess
    import sys

    code = (
        "import sys; from panel2patch.cli import _register_commands; _register_commands(); "
        "print(sorted(m for m in ('torch', 'webdataset') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
