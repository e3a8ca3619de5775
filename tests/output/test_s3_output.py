"""A run directory on S3 (a moto server on 127.0.0.1, written with credentials): same files
as on local disk, stats and resume work, and a failed shard leaves no object behind."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from panel2patch.cli import _register_commands, app
from panel2patch.output.storage import FsspecStorage, open_run_storage
from tests.conftest import EXAMPLES
from tests.pipeline.helpers import extract

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")
pytest.importorskip("s3fs")

BUCKET = "panel2patch-runs"
SOURCE = EXAMPLES / "pmc_oa_packages"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings = {"AWS_ENDPOINT_URL": f"http://{host}:{port}", **CREDENTIALS,
                "PANEL2PATCH_SCRATCH": str(tmp_path_factory.mktemp("scratch"))}  # spooled uploads land here
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    client = boto3.client("s3", endpoint_url=settings["AWS_ENDPOINT_URL"])
    client.create_bucket(Bucket=BUCKET)  # private: writes need the credentials
    try:
        yield client
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop()


def objects(client: Any, prefix: str) -> dict[str, bytes]:
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix + "/"):
        for item in page.get("Contents", []):
            name = item["Key"][len(prefix) + 1 :]
            found[name] = client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
    return found


def local_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def s3_run(s3: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = f"s3://{BUCKET}/runs/sample"
    summary = extract(SOURCE, url, shard_size=2, layout_backend=None, concepts=False)  # type: ignore[arg-type]
    assert summary.failed_shards == {} and summary.out_dir == url
    local = tmp_path_factory.mktemp("local") / "run"
    extract(SOURCE, local, shard_size=2, layout_backend=None, concepts=False)
    return {"url": url, "summary": summary, "local": local}


def test_the_run_directory_on_s3_holds_the_same_files(s3: Any, s3_run: dict[str, Any]) -> None:
    remote, local = objects(s3, "runs/sample"), local_files(s3_run["local"])
    assert set(remote) == set(local)
    assert not [name for name in remote if ".tmp-" in name]
    timing_free = ("shards/", "done/", "sizes.json")
    for name, data in local.items():
        if name.startswith(timing_free):
            assert remote[name] == data, name
    config = (json.loads(remote["config.json"]), json.loads(local["config.json"]))
    assert config[0] == config[1]
    for name in ("stats.json", "stats/000000.json"):
        ours, theirs = json.loads(remote[name]), json.loads(local[name])
        assert ours.keys() == theirs.keys() and ours["samples"] == theirs["samples"] > 0
    assert remote["report.md"].startswith(f"# panel2patch run report: `{s3_run['url']}`".encode())


def test_writes_use_credentials_not_anonymous_access(s3_run: dict[str, Any]) -> None:
    storage = open_run_storage(s3_run["url"])
    assert isinstance(storage, FsspecStorage) and not storage.fs.anon


def test_stats_command_reads_the_url(s3_run: dict[str, Any]) -> None:
    _register_commands()
    result = CliRunner().invoke(app, ["stats", s3_run["url"], "--json"])
    assert result.exit_code == 0, result.output
    totals = json.loads(result.output)
    expected = json.loads((s3_run["local"] / "stats.json").read_text())
    assert totals["samples"] == expected["samples"] and totals["figures_by_status"] == expected["figures_by_status"]


def test_rerun_skips_and_a_deleted_shard_is_rebuilt_identically(s3: Any, s3_run: dict[str, Any]) -> None:
    url = s3_run["url"]
    before = objects(s3, "runs/sample")
    summary = extract(SOURCE, url, shard_size=2, layout_backend=None, concepts=False)  # type: ignore[arg-type]
    assert summary.shards_skipped == summary.shards
    s3.delete_object(Bucket=BUCKET, Key="runs/sample/shards/000001.tar")
    summary = extract(SOURCE, url, shard_size=2, layout_backend=None, concepts=False)  # type: ignore[arg-type]
    assert summary.shards_skipped == summary.shards - 1
    after = objects(s3, "runs/sample")
    for name in before:
        if name.startswith(("shards/", "done/")):
            assert after[name] == before[name], name


def test_a_failed_shard_leaves_no_object_and_no_marker(s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import panel2patch.pipeline.shards as shards

    real = shards.process_package

    def crashes_on_the_second_package(ref: Any, *args: Any, **kwargs: Any) -> Any:
        if ref.path == second:
            raise MemoryError("simulated crash in the middle of a shard")
        return real(ref, *args, **kwargs)

    second = sorted(str(p) for p in SOURCE.iterdir())[1]
    monkeypatch.setattr(shards, "process_package", crashes_on_the_second_package)
    url = f"s3://{BUCKET}/runs/broken"
    summary = extract(SOURCE, url, shard_size=3, layout_backend=None, concepts=False)  # type: ignore[arg-type]
    assert set(summary.failed_shards) == {0} and "simulated crash" in summary.failed_shards[0]
    remote = objects(s3, "runs/broken")
    assert not any(name.startswith(("shards/000000", "done/000000", "stats/000000")) for name in remote)
    assert "done/000001.json" in remote
    monkeypatch.setattr(shards, "process_package", real)
    summary = extract(SOURCE, url, shard_size=3, layout_backend=None, concepts=False)  # type: ignore[arg-type]
    assert summary.failed_shards == {} and summary.shards_skipped == 1


def test_the_run_command_takes_an_s3_url(s3: Any) -> None:
    _register_commands()
    url = f"s3://{BUCKET}/runs/cli"
    args = ["run", str(SOURCE), "--out", url, "-w", "1", "--layout", "none", "--no-concepts", "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"output: {url}" in result.output
    assert {"config.json", "sizes.json", "stats.json", "report.md", "done/000000.json"} <= set(objects(s3, "runs/cli"))
