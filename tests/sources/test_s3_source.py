"""The PMC Cloud Service source against a real S3-compatible server (moto) on 127.0.0.1."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from panel2patch.config import Selection
from panel2patch.jats import parse_article
from tests.conftest import EXAMPLES, SHARED_DATA
from tests.pipeline.helpers import extract, index_rows, samples

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")
pytest.importorskip("s3fs")

BUCKET = "pmc-oa-opendata"


def pmc_folders() -> list[Path]:
    """Real PMC packages (nxml + media files), from the shared data when present, else the sample."""
    root = SHARED_DATA / "articles" / "pmc_oa_packages"
    if not root.is_dir():
        root = EXAMPLES / "pmc_oa_packages"
    return sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*.nxml")))


def upload_like_pmc(client, folder: Path, version: int, license_code: str) -> str:
    """Lay one package out as the Cloud Service does: a version prefix, one object per file, metadata JSON."""
    (xml_path,) = folder.glob("*.nxml")
    xml = xml_path.read_bytes()
    pmcid = parse_article(xml).meta.pmcid
    prefix = f"{pmcid}.{version}"
    client.put_object(Bucket=BUCKET, Key=f"{prefix}/{prefix}.xml", Body=xml, ACL="public-read")
    media = []
    for path in sorted(folder.iterdir()):
        if path != xml_path and path.is_file():
            client.put_object(Bucket=BUCKET, Key=f"{prefix}/{path.name}", Body=path.read_bytes(), ACL="public-read")
            media.append(f"s3://{BUCKET}/{prefix}/{path.name}")
    metadata = {
        "pmcid": pmcid, "version": version, "is_pmc_openaccess": True, "license_code": license_code,
        "xml_url": f"s3://{BUCKET}/{prefix}/{prefix}.xml", "media_urls": media,
        "text_url": f"s3://{BUCKET}/{prefix}/{prefix}.txt",
    }
    client.put_object(Bucket=BUCKET, Key=f"metadata/{prefix}.json", Body=json.dumps(metadata).encode(), ACL="public-read")
    return pmcid


@pytest.fixture(scope="module")
def s3_bucket() -> Iterator[dict[str, str]]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    previous = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    client = boto3.client(
        "s3", region_name="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
        aws_access_key_id="test", aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    # world-readable like the real bucket: anonymous (unsigned) requests only, as s3fs anon=True sends
    client.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    ids = {}
    for folder in pmc_folders():
        code = "CC BY-NC" if folder.name == "PMC3192425" else "CC BY"
        ids[folder.name] = upload_like_pmc(client, folder, 1, code)
    # an older version 1 and a newer version 2 of one article: the latest must be chosen
    newest = pmc_folders()[0]
    upload_like_pmc(client, newest, 2, "CC BY")
    client.put_object(Bucket=BUCKET, Key="README.txt", Body=b"not an article")
    try:
        yield ids
    finally:
        if previous is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = previous
        server.stop()


def test_s3_run_matches_the_local_run(s3_bucket: dict[str, str], tmp_path: Path) -> None:
    remote = tmp_path / "s3run"
    summary = extract("s3://" + BUCKET, remote, workers=2, selection=Selection(pmcids=frozenset(s3_bucket.values()) | {"PMC99999999"}), layout_backend=None)
    assert summary.failed_shards == {}
    local = tmp_path / "localrun"
    parent = pmc_folders()[0].parent
    extract(parent, local, selection=Selection(pmcids=frozenset(s3_bucket.values())), layout_backend=None)
    got, expected = samples(remote), samples(local)
    assert set(got) == set(expected) and got
    for key in expected:
        assert got[key]["txt"] == expected[key]["txt"]
        assert got[key]["jpg"] == expected[key]["jpg"]  # same full-size file chosen, same bytes
    rows = index_rows(remote)
    articles = {r["pmcid"] or Path(r["package"].rstrip("/")).name: r for r in rows if r["item"] == "article"}
    assert articles["PMC99999999.0"]["status"] == "no_article_xml"  # asked for, not in the bucket
    versions = {r["package"] for r in rows if r["item"] == "article"}
    newest = s3_bucket[pmc_folders()[0].name]
    assert f"s3://{BUCKET}/{newest}.2/" in versions and f"s3://{BUCKET}/{newest}.1/" not in versions
    assert all(r["package_format"] == "pmc_s3" for r in rows if r["status"] != "no_article_xml")


def test_license_selection_uses_the_metadata_before_fetching_xml(s3_bucket: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "comm"
    extract("s3://" + BUCKET, out, selection=Selection(license_groups=("commercial",)), layout_backend=None)
    rows = [r for r in index_rows(out) if r["item"] == "article"]
    filtered = [r for r in rows if r["status"] == "filtered"]
    assert [r["license_code"] for r in filtered] == ["CC BY-NC"]
    assert "PMC3192425" in s3_bucket and len(rows) == len(s3_bucket)



def test_cli_run_from_the_bucket(s3_bucket: dict[str, str], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from panel2patch.cli import _register_commands, app

    _register_commands()
    ids = tmp_path / "ids.txt"
    ids.write_text("PMC2467486\nPMC3040697.1\n")
    out = tmp_path / "run"
    args = ["run", f"s3://{BUCKET}", "--pmcids", str(ids), "--out", str(out), "-w", "1", "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    totals = json.loads(CliRunner().invoke(app, ["stats", str(out), "--json"]).output)
    assert totals["articles_by_status"] == {"no_figures": 1, "ok": 1}
    assert totals["figures_ok"] == 9
