"""PubMedClient against a loopback efetch server serving real PubMed XML."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from panel2patch.enrich import EntrezConfig, PubMedClient, clean_pmids
from panel2patch.net import Fetcher
from tests.enrich.conftest import ERROR_DOC, FIXTURE_PMIDS, POISON, WITHHELD, EfetchServer


def test_records_are_mapped_by_the_pmid_they_carry(efetch: EfetchServer, fetcher: Fetcher) -> None:
    config = EntrezConfig(base_url=efetch.base_url, tool="panel2patch-test", email="data@example.org")
    client = PubMedClient(config, fetcher)
    asked: list[str | int] = [29768149, "31129916", " 29892698", "401505", WITHHELD, "99999999"]
    asked += ["abc", "PMC123", "", "29768149"]

    found = client.fetch(asked)

    assert efetch.hits == 1
    (params,) = efetch.requests
    assert params["id"] == ["29768149,31129916,29892698,401505,399617,99999999"]
    assert params["db"] == ["pubmed"] and params["retmode"] == ["xml"]
    assert params["tool"] == ["panel2patch-test"] and params["email"] == ["data@example.org"]
    assert "api_key" not in params
    # the server answered in another order than asked, and without two of the ids
    assert efetch.returned == [["401505", "29892698", "31129916", "29768149"]]
    assert sorted(found) == sorted(["29768149", "31129916", "29892698", "401505"])
    assert all(record.pmid == pmid for pmid, record in found.items())
    assert found["29768149"].title == "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma."
    assert found["401505"].journal == "Journal of bacteriology"
    assert found["29892698"].reference_pmids[0] == "23317513"
    assert client.failed == {}


def test_api_key_raises_the_rate_to_ten(efetch: EfetchServer, fetcher: Fetcher) -> None:
    keyed = PubMedClient(EntrezConfig(base_url=efetch.base_url, api_key="k3y"), fetcher)
    assert fetcher.host_rate(keyed.config.efetch_url) == 10.0
    keyed.fetch(["401505"])
    assert efetch.requests[-1]["api_key"] == ["k3y"]
    assert "email" not in efetch.requests[-1]
    plain = PubMedClient(EntrezConfig(base_url=efetch.base_url), Fetcher())
    assert plain.fetcher.host_rate(plain.config.efetch_url) == 3.0


def test_450_ids_make_three_batches_at_most_three_per_second(efetch: EfetchServer, fetcher: Fetcher) -> None:
    ids = FIXTURE_PMIDS + [str(20_000_000 + i) for i in range(445)]
    client = PubMedClient(EntrezConfig(base_url=efetch.base_url), fetcher)
    start = time.monotonic()
    found = client.fetch(ids)
    elapsed = time.monotonic() - start
    batches = [params["id"][0].split(",") for params in efetch.requests]
    assert sorted(len(batch) for batch in batches) == [50, 200, 200]
    assert sorted(pmid for batch in batches for pmid in batch) == sorted(ids)
    assert elapsed >= 2 / 3.0 - 0.01  # three requests at 3/s: starts at 0, 1/3, 2/3 s
    assert sorted(found) == sorted(set(FIXTURE_PMIDS) - {WITHHELD})


def test_disk_cache_makes_reruns_ask_nothing(efetch: EfetchServer, fetcher: Fetcher, tmp_path: Path) -> None:
    config = EntrezConfig(base_url=efetch.base_url, cache_dir=tmp_path / "cache")
    ids = FIXTURE_PMIDS + ["99999999"]
    first = PubMedClient(config, fetcher).fetch(ids)
    assert efetch.hits == 1
    entry = json.loads((tmp_path / "cache" / "pubmed" / "149" / "29768149.json").read_text())
    assert entry["record"]["pmid"] == "29768149"
    missing = json.loads((tmp_path / "cache" / "pubmed" / "999" / "99999999.json").read_text())
    assert missing["missing"] is True
    assert not list((tmp_path / "cache").rglob(".*"))  # no temporary files left

    second = PubMedClient(config, Fetcher()).fetch(ids)
    assert efetch.hits == 1  # zero new requests, the absent ids included
    assert second == first

    third = PubMedClient(config, fetcher).fetch(ids + ["31175111"])
    assert efetch.hits == 2 and efetch.requests[-1]["id"] == ["31175111"]
    assert third == first


def test_cache_ignores_a_corrupt_entry(efetch: EfetchServer, fetcher: Fetcher, tmp_path: Path) -> None:
    config = EntrezConfig(base_url=efetch.base_url, cache_dir=tmp_path)
    PubMedClient(config, fetcher).fetch(["401505"])
    (tmp_path / "pubmed" / "505" / "401505.json").write_text('{"schema": 1, "rec')  # cut short
    again = PubMedClient(config, fetcher).fetch(["401505"])
    assert efetch.hits == 2 and again["401505"].journal == "Journal of bacteriology"


def test_a_failed_batch_does_not_sink_the_others(efetch: EfetchServer, fetcher: Fetcher, tmp_path: Path) -> None:
    config = EntrezConfig(base_url=efetch.base_url, batch_size=2, cache_dir=tmp_path)
    client = PubMedClient(config, fetcher)
    found = client.fetch(["29768149", "31129916", POISON, "29892698", ERROR_DOC, "401505"])
    assert sorted(found) == ["29768149", "31129916"]
    assert sorted(client.failed) == sorted([POISON, "29892698", ERROR_DOC, "401505"])
    assert client.failed[POISON].startswith("download_failed:") and "HTTP 500" in client.failed[POISON]
    assert client.failed[ERROR_DOC].startswith("xml_error:") and "eFetchResult" in client.failed[ERROR_DOC]
    # failures are not cached: the next call asks again for exactly those batches
    hits = efetch.hits
    client.fetch(["29768149", "31129916", POISON, "29892698"])
    assert efetch.requests[-1]["id"] == [f"{POISON},29892698"]
    assert efetch.hits == hits + 2  # one attempt + one retry of the 500


def test_clean_pmids_and_config_limits() -> None:
    assert clean_pmids([" 12", 12, "012", "0", "1e3", "１２", "PMID:5", "7"]) == ["12", "7"]
    with pytest.raises(ValueError):
        EntrezConfig(batch_size=201)
    assert EntrezConfig(base_url="http://h/eutils").efetch_url == "http://h/eutils/efetch.fcgi"
