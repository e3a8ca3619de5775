"""Process one article package: parse, resolve and decode figures, build samples.

A plain function with no global state, so it runs the same in-process, in a pool
worker or on a cluster. Per-item problems become rows with a status; only bugs escape.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from panel2patch.config import ExtractConfig
from panel2patch.enrich import apply_pubmed
from panel2patch.errors import ItemError, Status
from panel2patch.images.decode import encode_jpeg, prepare_image, read_image_size
from panel2patch.images.resolve import image_stem, is_image_name, original_rank, resolve_graphic
from panel2patch.jats import parse_article
from panel2patch.naming import article_id as make_article_id
from panel2patch.naming import figure_key
from panel2patch.pipeline.enrichment import PubMedLookup
from panel2patch.pipeline.results import ArticleResult, FigureSample, IndexRow
from panel2patch.pipeline.sample_json import figure_sample_json
from panel2patch.pipeline.figure_stages import analyze_figure
from panel2patch.pipeline.timing import stage_timer
from panel2patch.records import DecodedImage, FigureRecord, License, ParsedArticle
from panel2patch.sources.discover import PackageRef
from panel2patch.sources.members import MemberReader
from panel2patch.sources.packages import OpenedPackage, open_package


def process_package(ref: PackageRef, config: ExtractConfig, pubmed: PubMedLookup | None = None) -> ArticleResult:
    """All rows and samples of one package. ``pubmed``: PubMed records by PMID, when enrichment is on."""
    result = ArticleResult()
    base = IndexRow(item="article", package=ref.path, package_format=ref.kind, status=Status.OK)
    if ref.duplicate_of:
        result.rows.append(_with(base, status=Status.DUPLICATE_PACKAGE, error=f"same package as {ref.duplicate_of}"))
        return result
    try:
        package, article = _open_and_parse(ref, config)
    except _FilteredBySource as exc:
        result.rows.append(_with(base, status=exc.status, error=str(exc), license_code=exc.license.code, license_group=exc.license.group))
        return result
    except ItemError as exc:
        result.rows.append(_with(base, status=exc.status, error=str(exc)))
        return result
    base = _with(base, package_format=package.format)
    record = pubmed(article.meta.pmid) if pubmed is not None and article.meta.pmid else None
    if record is not None:
        article.meta = apply_pubmed(article.meta, record)
    meta = article.meta
    base = _with(
        base,
        article_id=make_article_id(meta, ref.name),
        pmcid=meta.pmcid,
        doi=meta.doi,
        license_code=meta.license.code,
        license_group=meta.license.group,
        n_figures=sum(f.kind == "figure" for f in article.figures),
        pubmed=None if pubmed is None else ("enriched" if record is not None else "not_found"),
    )
    skip = config.selection.reason_to_skip(meta.pmcid, meta.license.group)
    if skip:
        result.rows.append(_with(base, status=Status.FILTERED, error=skip))
        return result
    if not any(f.kind == "figure" for f in article.figures):
        base = _with(base, status=Status.NO_FIGURES, error="the article has no <fig>")
    result.rows.append(base)
    figure_base = _with(base, n_figures=None, status=Status.OK, error=None)
    for figure in article.figures:
        if figure.kind == "table" and not config.include_tables:
            continue
        _process_figure(package, article, figure, _with(figure_base, item=figure.kind), config, result)
    if package.format != "xml":  # a folder of many XML files shares its images: no orphan check
        xml = package.read_xml()
        _record_unreferenced_images(package.members, xml, _with(figure_base, item="image_file"), result)
    return result


def _record_unreferenced_images(members: MemberReader, xml: bytes, base: IndexRow, result: ArticleResult) -> None:
    """List image files that nothing in the XML names, so every input file is accounted for.

    Only their header is read: a file that cannot even be identified is an image error.
    """
    text = xml.decode("utf-8", "replace").lower()
    groups: dict[str, list[str]] = {}
    for name in members.names():
        if is_image_name(name):
            groups.setdefault(image_stem(name), []).append(name)
    for stem, names in sorted(groups.items()):
        if stem in text:
            continue
        row = _with(base, member=names[0], graphic_href=None)
        # a remote source is not asked for files the article does not use
        readable = members.remote or any(_image_size(members, n) is not None for n in names)
        if readable:
            row = _with(row, status=Status.UNREFERENCED_IMAGE, error=f"{len(names)} file(s) named {stem!r}; no graphic in the XML points to them")
        else:
            row = _with(row, status=Status.IMAGE_ERROR, error=f"none of {', '.join(names)} is a readable image")
        result.rows.append(row)


class _FilteredBySource(ItemError):
    status = Status.FILTERED

    def __init__(self, message: str, license: License) -> None:
        super().__init__(message)
        self.license = license


def _open_and_parse(ref: PackageRef, config: ExtractConfig) -> tuple[OpenedPackage, ParsedArticle]:
    """Open the package and parse its article; the source's own license metadata fills a
    license the XML lacks, and decides ``--license`` before the XML is even fetched."""
    download_dir = Path(config.download_dir) if config.download_dir else None
    with stage_timer("read"):
        package = open_package(ref, config.limits, download_dir)
    hint = package.license_hint
    if hint is not None and hint.code and config.selection.license_groups is not None:
        skip = config.selection.reason_to_skip(None, hint.group, check_pmcid=False)
        if skip:
            raise _FilteredBySource(f"{skip} (license {hint.code} from the source's metadata)", hint)
    with stage_timer("read"):
        xml = package.read_xml()
    with stage_timer("parse"):
        article = parse_article(xml)
    if article.meta.license.code is None and hint is not None:
        article.meta.license = hint
    return package, article


def _process_figure(
    package: OpenedPackage,
    article: ParsedArticle,
    figure: FigureRecord,
    base: IndexRow,
    config: ExtractConfig,
    result: ArticleResult,
) -> None:
    row = _with(base, fig_id=figure.fig_id, fig_label=figure.label, caption_chars=len(figure.caption))
    if not figure.graphics:
        result.rows.append(_with(row, status=Status.NO_GRAPHIC, error="<fig> has no <graphic>"))
        return
    for index, href in enumerate(figure.graphics):
        key = figure_key(base.article_id or "", figure.fig_id, index, len(figure.graphics))
        graphic_row = _with(row, graphic_href=href, key=key)
        result.rows.append(graphic_row)
        with stage_timer("read"):
            member, data = _best_member(package.members, href)
        if member is None:
            _set(graphic_row, Status.IMAGE_MISSING, f"no file in the package matches href {href!r}", key=None)
            continue
        graphic_row.member = member
        if not figure.caption.strip():
            _set(graphic_row, Status.NO_CAPTION, "figure has no caption text", key=None)
            continue
        try:
            with stage_timer("decode"):
                image, source_format, source_mode = prepare_image(data, config.image)
        except ItemError as exc:
            _set(graphic_row, exc.status, str(exc), key=None)
            continue
        with stage_timer("decode"):
            jpeg = encode_jpeg(image, config.image)
        decoded = DecodedImage(jpeg, image.width, image.height, source_format, source_mode)
        graphic_row.width, graphic_row.height = image.width, image.height
        analysis = analyze_figure(image, figure, key, config)
        meta = figure_sample_json(
            key=key,
            article=article,
            figure=figure,
            href=href,
            member=member,
            image=decoded,
            image_sha256=hashlib.sha256(jpeg).hexdigest(),
            package=package,
            include_full_text=config.include_full_text,
            analysis=analysis,
        )
        result.samples.append(FigureSample(key=key, jpeg=jpeg, caption=figure.caption, meta=meta))


def _best_member(members: MemberReader, href: str) -> tuple[str | None, bytes]:
    """Among the files matching ``href``, the one with the most pixels (full size, not a thumbnail);
    on a tie, the original format over derivatives; on a remaining tie, the first (deterministic).
    Sizes come from file heads, so a remote source fetches only the winner in full."""
    candidates = resolve_graphic(href, members.names())
    if len(candidates) <= 1:
        return (candidates[0], members.read(candidates[0])) if candidates else (None, b"")
    best, best_rank = candidates[0], (-2, -1)
    for name in candidates:
        size = _image_size(members, name)
        rank = (size[0] * size[1] if size else -1, original_rank(name))
        if rank > best_rank:
            best, best_rank = name, rank
    return best, members.read(best)


def _image_size(members: MemberReader, name: str) -> tuple[int, int] | None:
    """From the file's head; the whole file only when the head is not enough (TIFF IFD at the end)."""
    return read_image_size(members.read_head(name)) or read_image_size(members.read(name))


def _with(row: IndexRow, **changes: object) -> IndexRow:
    return replace(row, **changes)


def _set(row: IndexRow, status: Status, error: str, key: str | None) -> None:
    row.status, row.error, row.key = status, error, key
