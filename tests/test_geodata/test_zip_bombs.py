"""Zipped Shapefiles are checked before GDAL opens them: a zip bomb (a small file that
unpacks to gigabytes), a zip of thousands of files, or one whose directory lies about
its sizes is refused with a BoundaryFileError that says why. Bomb-like zips are made
here: a few megabytes of zeros pack a thousand times smaller than they unpack."""

from __future__ import annotations

import struct
import zipfile

import pytest

import geodata.io
from geodata import BoundaryFileError, read_boundaries

from .helpers import ward_frame, write

ZEROS = b"\0" * (8 * 1024 * 1024)


def bomb(path, members=1, size=len(ZEROS), name="wards.shp"):  # noqa: B008  (ZEROS is a constant)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for i in range(members):
            archive.writestr(f"{i}-{name}" if members > 1 else name, ZEROS[:size])
    return path


def test_a_real_zipped_shapefile_still_reads(tmp_path):
    boundaries = read_boundaries(write(ward_frame(), tmp_path / "wards.zip"))
    assert [w.code for w in boundaries.wards] == ["E05000003", "E05000001", "E05000002"]


def test_a_member_packed_too_tightly_is_refused_unopened(tmp_path):
    path = bomb(tmp_path / "wards.zip")
    assert path.stat().st_size < 100_000
    with pytest.raises(BoundaryFileError, match=r"wards\.shp unpacks [\d,]+ times larger .* refused unopened"):
        read_boundaries(path)


def test_a_zip_that_unpacks_to_more_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(geodata.io, "MAX_UNZIPPED_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(geodata.io, "MAX_ZIP_RATIO", 10**6)  # so the size check is the one that answers
    with pytest.raises(BoundaryFileError, match=r"unpacks to 8,388,608 bytes, more than the 5,242,880 allowed"):
        read_boundaries(bomb(tmp_path / "wards.zip"))


def test_a_zip_of_thousands_of_files_is_refused(tmp_path):
    with pytest.raises(BoundaryFileError, match=r"holds 1001 files"):
        read_boundaries(bomb(tmp_path / "wards.zip", members=1001, size=10))


def test_a_zip_whose_directory_understates_its_sizes_is_refused(tmp_path):
    """A member that says it unpacks to 10 bytes but holds 8 MB: the directory passes
    the size checks, unpacking it does not."""
    path = bomb(tmp_path / "wards.zip")
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local and central headers
        at = data.index(signature) + offset
        data[at : at + 4] = struct.pack("<I", 10)
    path.write_bytes(bytes(data))
    with pytest.raises(BoundaryFileError, match="not a readable zip file"):
        read_boundaries(path)


def test_not_a_zip_at_all(tmp_path):
    path = tmp_path / "wards.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(BoundaryFileError, match="wards.zip"):
        read_boundaries(path)
