"""One place for every error and every per-item status the pipeline records.

Per-item problems (a broken image, a figure without caption, hostile XML) are not
exceptions that escape a stage: a stage raises one of the ``ItemError`` subclasses,
the caller catches it and records ``error.status`` plus ``str(error)`` on the item.
Anything else that escapes is a whole-task failure and the executor retries the shard.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Status of one row of the per-shard index (an article or a figure item)."""

    OK = "ok"
    # article level
    NO_FIGURES = "no_figures"  # parsed fine, the article has no <fig>
    NO_ARTICLE_XML = "no_article_xml"  # package holds no JATS article
    XML_ERROR = "xml_error"  # not well-formed / not JATS
    XML_FORBIDDEN = "xml_forbidden"  # DTD entities, external references (XXE, billion laughs)
    UNSAFE_ARCHIVE = "unsafe_archive"  # ../ or absolute members, links, devices
    ARCHIVE_ERROR = "archive_error"  # corrupt or unreadable archive
    ARCHIVE_TOO_LARGE = "archive_too_large"  # member / total / count caps exceeded
    DUPLICATE_PACKAGE = "duplicate_package"  # same package stem seen earlier in the run
    FILTERED = "filtered"  # excluded by --pmcids / --license selection (reason in error)
    # figure level
    NO_GRAPHIC = "no_graphic"  # <fig> without <graphic>
    IMAGE_MISSING = "image_missing"  # graphic href resolves to no file in the package
    IMAGE_ERROR = "image_error"  # undecodable: truncated, not an image, corrupt
    IMAGE_TOO_LARGE = "image_too_large"  # over the pixel cap (decompression bomb)
    IMAGE_TOO_SMALL = "image_too_small"  # below the minimum side
    NO_CAPTION = "no_caption"  # figure without caption text
    # image files of a package that no graphic of the XML points to
    UNREFERENCED_IMAGE = "unreferenced_image"
    # remote fetching (panel2patch.net)
    DOWNLOAD_NOT_FOUND = "download_not_found"  # 404/410/403/400 or FTP 550: not retried
    DOWNLOAD_FAILED = "download_failed"  # retries exhausted, or a permanent error other than not-found


class Panel2PatchError(Exception):
    """Base class of the package's own errors."""


class ItemError(Panel2PatchError):
    """A per-item failure that becomes a recorded status, never a crash."""

    status: Status = Status.IMAGE_ERROR


class XMLError(ItemError):
    status = Status.XML_ERROR


class ForbiddenXMLError(ItemError):
    status = Status.XML_FORBIDDEN


class UnsafeArchiveError(ItemError):
    status = Status.UNSAFE_ARCHIVE


class ArchiveError(ItemError):
    status = Status.ARCHIVE_ERROR


class ArchiveTooLargeError(ItemError):
    status = Status.ARCHIVE_TOO_LARGE


class NoArticleXMLError(ItemError):
    status = Status.NO_ARTICLE_XML


class ImageDecodeError(ItemError):
    status = Status.IMAGE_ERROR


class ImageTooLargeError(ItemError):
    status = Status.IMAGE_TOO_LARGE


class ImageTooSmallError(ItemError):
    status = Status.IMAGE_TOO_SMALL


class MissingExtraError(Panel2PatchError, ImportError):
    """An optional dependency is not installed; the message carries the install hint."""


class RunConfigMismatchError(Panel2PatchError):
    """A run directory holds output made with a different configuration or input list."""


class DownloadError(ItemError):
    """A remote file could not be fetched; the message names the URL, the attempts and the cause."""

    status = Status.DOWNLOAD_FAILED

    def __init__(self, message: str, url: str = "", attempts: int = 0, http_status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.attempts = attempts
        self.http_status = http_status

    def __reduce__(self) -> tuple[type, tuple[str, str, int, int | None]]:
        # keep the attributes when a process-pool executor pickles the error
        return type(self), (str(self), self.url, self.attempts, self.http_status)


class DownloadNotFoundError(DownloadError):
    """The server says the file is not there (or not for us): permanent, never retried."""

    status = Status.DOWNLOAD_NOT_FOUND
