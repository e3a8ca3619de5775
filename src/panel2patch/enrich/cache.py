"""One JSON file per PMID, so a rerun (or another shard) never asks NCBI for a record twice.

Layout: ``<cache_dir>/pubmed/<last three digits>/<pmid>.json`` (1,000 folders keep each small
at the scale of millions of PMIDs). A PMID that efetch answered without a record is stored as
``{"missing": true}``. Writes go to a temporary name and are renamed; an unreadable file (say,
cut short by a crash) counts as a miss and is fetched again, so no fsync is needed.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import asdict
from pathlib import Path

from panel2patch.enrich.pubmed_xml import PubMedRecord

log = logging.getLogger(__name__)

SCHEMA = 1


class PubMedCache:
    def __init__(self, cache_dir: Path) -> None:
        self.root = Path(cache_dir) / "pubmed"

    def path(self, pmid: str) -> Path:
        return self.root / pmid[-3:].zfill(3) / f"{pmid}.json"

    def lookup(self, pmid: str) -> tuple[bool, PubMedRecord | None]:
        """(found in cache, record); a cached "missing" answer is (True, None)."""
        path = self.path(pmid)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if entry.get("schema") != SCHEMA:
                return False, None
            if entry.get("missing"):
                return True, None
            return True, PubMedRecord(**entry["record"])
        except FileNotFoundError:
            return False, None
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("ignoring unreadable PubMed cache entry %s: %s", path, error)
            return False, None

    def store(self, record: PubMedRecord) -> None:
        self._write(record.pmid, {"schema": SCHEMA, "record": asdict(record)})

    def store_missing(self, pmid: str) -> None:
        self._write(pmid, {"schema": SCHEMA, "pmid": pmid, "missing": True})

    def _write(self, pmid: str, entry: dict[str, object]) -> None:
        path = self.path(pmid)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        try:
            tmp.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
