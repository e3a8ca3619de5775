"""``panel2patch run``: extract figure samples from article packages into a run directory."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from panel2patch.cli.app import app
from panel2patch.cli.render import print_totals
from panel2patch.config import ExtractConfig, RunConfig, Selection
from panel2patch.enrich import EntrezConfig
from panel2patch.errors import MissingExtraError, RunConfigMismatchError
from panel2patch.executors import make_executor
from panel2patch.images.decode import ImageConfig
from panel2patch.cli.progress import RunProgress
from panel2patch.layout import available_backends
from panel2patch.pipeline.run import execute_run, plan_run, read_pmcid_list

NO_LAYOUT = "none"


class LicenseGroup(str, Enum):
    commercial = "commercial"
    noncommercial = "noncommercial"
    other = "other"


class ExecutorName(str, Enum):
    local = "local"
    ray = "ray"


@app.command("run")
def run_command(
    source: str = typer.Argument(
        ...,
        help="Where the articles are. A local folder (searched recursively) or single package: PMC .tar.gz, "
        "a folder with one .nxml/.xml and its images, a folder of XML files, eLife/PLOS publisher zips, "
        "MECA zips. Or the PMC Cloud Service: s3://pmc-oa-opendata (anonymous; AWS_ENDPOINT_URL "
        "points it at another S3-compatible server), latest version of each article unless --pmcids names one. "
        "Or a legacy oa_file_list.csv (path or URL) whose .tar.gz packages are fetched over HTTPS/FTP.",
    ),
    out: str = typer.Option(
        ...,
        "--out",
        "-o",
        help="Run directory to create or resume: a local path, or an fsspec URL such as s3://bucket/run "
        "(credentials from the usual chain; AWS_ENDPOINT_URL for another S3-compatible server).",
    ),
    workers: int = typer.Option(
        os.cpu_count() or 1,
        "--workers",
        "-w",
        min=1,
        help="Worker processes (1 = run in this process); with --executor ray, the CPUs of the local cluster it starts.",
    ),
    executor_name: ExecutorName = typer.Option(
        ExecutorName.local, "--executor", help="Where shards run: local processes, or a Ray cluster ([ray] extra)."
    ),
    address: str | None = typer.Option(
        None,
        "--address",
        help="With --executor ray: join a running cluster (auto, or ray://host:port) instead of starting a local one.",
    ),
    pmcids: Path | None = typer.Option(
        None,
        "--pmcids",
        exists=True,
        dir_okay=False,
        help="Keep only these PMCIDs (a file, one per line; PMC123.2 asks for version 2 on s3://).",
    ),
    license_group: list[LicenseGroup] | None = typer.Option(
        None,
        "--license",
        help="Keep only these license groups (repeatable): commercial = CC0/CC BY/CC BY-SA/CC BY-ND, "
        "noncommercial = CC BY-NC*, other = the rest (as BIOMEDICA splits them).",
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Process at most this many packages (sorted order)."),
    shard_size: int = typer.Option(100, "--shard-size", min=1, help="Packages per shard (the unit of work and resume)."),
    max_side: int | None = typer.Option(None, "--max-side", min=32, help="Downscale figures whose longer side exceeds this."),
    jpeg_quality: int = typer.Option(92, "--jpeg-quality", min=50, max=100, help="Quality of re-encoded figure JPEGs."),
    max_pixels: int = typer.Option(
        ImageConfig().max_pixels, "--max-pixels", min=1, help="Refuse images above this many pixels (decompression bombs)."
    ),
    full_text: bool = typer.Option(True, "--full-text/--no-full-text", help="Store the article body text in every sample JSON."),
    package_base_url: str | None = typer.Option(
        None,
        "--package-base-url",
        help="With an oa_file_list.csv: the URL its File paths are relative to (default: the list's own folder).",
    ),
    pubmed: bool = typer.Option(
        False, "--pubmed/--no-pubmed", help="Add MeSH terms, missing abstracts and reference PMIDs from PubMed (E-utilities)."
    ),
    ncbi_email: str | None = typer.Option(
        None, "--ncbi-email", envvar="NCBI_EMAIL", help="Contact e-mail sent to NCBI with --pubmed (as NCBI asks)."
    ),
    ncbi_api_key: str | None = typer.Option(
        None, "--ncbi-api-key", envvar="NCBI_API_KEY", help="NCBI API key: 10 requests/s instead of 3. Never written to disk."
    ),
    eutils_url: str = typer.Option(
        EntrezConfig().base_url, "--eutils-url", help="E-utilities base URL (a mirror or a test server)."
    ),
    pubmed_cache: Path | None = typer.Option(
        None, "--pubmed-cache", help="Where PubMed records are cached (default: RUN_DIR/cache); share it between runs."
    ),
    layout: str = typer.Option(
        "classical", "--layout", help=f"Panel layout backend, or '{NO_LAYOUT}' for figure-level samples only (much faster)."
    ),
    concepts: bool = typer.Option(
        True, "--concepts/--no-concepts", help="Label figure and panel kinds and BIOMEDICA concepts (pixels + text)."
    ),
    retries: int = typer.Option(2, "--retries", min=0, help="Retries of a shard whose task crashed."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Rebuild a run directory made with other settings."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Extract one WebDataset sample per figure (image + caption + metadata JSON) from every article package.

    Re-running the same command resumes: finished shards are skipped, missing or deleted ones rebuilt.
    """
    console = Console(stderr=True)
    if layout != NO_LAYOUT and layout not in available_backends():
        console.print(f"[red]error:[/red] unknown --layout {layout!r}; choose from {', '.join(available_backends() + [NO_LAYOUT])}")
        raise typer.Exit(2)
    if address and executor_name is not ExecutorName.ray:
        console.print("[red]error:[/red] --address is for --executor ray")
        raise typer.Exit(2)
    try:
        wanted = read_pmcid_list(pmcids) if pmcids else None
        # made first, so a missing extra fails before any work
        executor = make_executor(executor_name.value, workers, **({"address": address} if address else {}))
    except (ValueError, MissingExtraError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    selection = Selection(
        pmcids=wanted,
        license_groups=tuple(g.value for g in license_group) if license_group else None,
        limit=limit,
    )
    config = RunConfig(
        extract=ExtractConfig(
            image=ImageConfig(max_pixels=max_pixels, jpeg_quality=jpeg_quality, max_side=max_side),
            selection=selection,
            include_full_text=full_text,
            pubmed=EntrezConfig(base_url=eutils_url, api_key=ncbi_api_key, email=ncbi_email, cache_dir=pubmed_cache)
            if pubmed
            else None,
            layout_backend=None if layout == NO_LAYOUT else layout,
            concepts=concepts,
        ),
        shard_size=shard_size,
        workers=workers,
        executor=executor_name.value,
        max_retries=retries,
        package_base_url=package_base_url,
    )
    try:
        tasks = plan_run(source, out, config, overwrite=overwrite)
    except (FileNotFoundError, ValueError, RunConfigMismatchError, MissingExtraError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    n_packages = sum(len(task.packages) for task in tasks)
    where = f"Ray cluster at {address}" if address else f"{workers} worker(s), {executor_name.value}"
    console.print(f"found {n_packages} package(s) in {source} -> {len(tasks)} shard(s), {where}")
    with RunProgress(len(tasks), console, enabled=progress) as bar:
        summary = execute_run(tasks, out, config, executor, on_outcome=bar.update)
    print_totals(summary.totals, console)
    if summary.pubmed is not None:
        failed = summary.pubmed["failed"]
        console.print(
            f"PubMed: {summary.pubmed['found']} of {summary.pubmed['pmids']} PMIDs found"
            + (f", {len(failed)} not fetched (asked again next run): {next(iter(failed.values()))}" if failed else "")
        )
    console.print(
        f"shards: {summary.shards} ({summary.shards_skipped} already done, {len(summary.failed_shards)} failed)"
    )
    for shard, error in summary.failed_shards.items():
        console.print(f"[red]shard {shard} failed:[/red] {escape(error)}")
    typer.echo(f"output: {summary.out_dir}  (report: {summary.out_dir}/report.md)")
    if summary.failed_shards:
        raise typer.Exit(1)
