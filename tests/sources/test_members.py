from pathlib import Path

import pytest

from panel2patch.errors import ArchiveError, ArchiveTooLargeError, UnsafeArchiveError
from panel2patch.sources.limits import ArchiveLimits
from panel2patch.sources.members import DirectoryMembers, TarMembers, ZipMembers, check_member_name


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\..\\x", ""])
def test_unsafe_names_are_rejected(name: str) -> None:
    with pytest.raises(UnsafeArchiveError):
        check_member_name(name)


@pytest.mark.parametrize(
    "fixture,reader",
    [
        ("zip_slip.zip", ZipMembers),
        ("zip_symlink.zip", ZipMembers),
        ("zip_absolute.zip", ZipMembers),
        ("tar_slip.tar.gz", TarMembers),
        ("tar_symlink.tar.gz", TarMembers),
        ("tar_hardlink.tar.gz", TarMembers),
    ],
)
def test_hostile_archives_are_refused_whole(hostile: Path, fixture: str, reader: type) -> None:
    with pytest.raises(UnsafeArchiveError):
        reader(hostile / "archives" / fixture)


@pytest.mark.parametrize("fixture", ["zero_bytes.tar.gz", "not_a_zip.zip"])
def test_corrupt_archives_raise_archive_error(hostile: Path, fixture: str) -> None:
    reader = ZipMembers if fixture.endswith(".zip") else TarMembers
    with pytest.raises(ArchiveError):
        reader(hostile / "archives" / fixture)


def test_empty_archives_have_no_members(hostile: Path) -> None:
    assert ZipMembers(hostile / "archives" / "empty_archive.zip").names() == []
    assert TarMembers(hostile / "archives" / "empty.tar.gz").names() == []


def test_size_caps(tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(b"x" * 2000)
    members = DirectoryMembers(tmp_path, ArchiveLimits(max_member_bytes=1000))
    with pytest.raises(ArchiveTooLargeError):
        members.read("big.bin")
    with pytest.raises(ArchiveTooLargeError):
        DirectoryMembers(tmp_path, ArchiveLimits(max_members=0))


def test_directory_ignores_symlinks_out_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "pkg" / "a.jpg").write_bytes(b"x")
    (tmp_path / "pkg" / "link.jpg").symlink_to(tmp_path / "secret.txt")
    assert DirectoryMembers(tmp_path / "pkg").names() == ["a.jpg"]
