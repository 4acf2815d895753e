"""Fixtures for the geodata tests: tiny boundary files written to tmp_path, and the
shared ONS ward files. Plain pytest, no Flask app."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# So that plain `pytest tests/test_geodata` finds the package without an install.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from geodata import BoundaryFile, Locator, read_boundaries  # noqa: E402

from .helpers import ward_frame, write  # noqa: E402


@pytest.fixture
def write_wards(tmp_path: Path) -> Callable[..., Path]:
    def _write(name: str, frame: object = None) -> Path:
        return write(ward_frame() if frame is None else frame, tmp_path / name)

    return _write


@pytest.fixture(scope="session")
def geodata_dir() -> Path:
    path = Path(os.environ.get("ENGAGE_GEODATA_DIR", REPO.parent / "shared" / "geodata"))
    if not (path / "wards-2018-12.geojson").is_file():
        message = f"shared ward data not found in {path} (set ENGAGE_GEODATA_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI always has ../shared: a skip there would hide a broken set-up
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def wards_2018(geodata_dir: Path) -> BoundaryFile:
    return read_boundaries(geodata_dir / "wards-2018-12.geojson")


@pytest.fixture(scope="session")
def locator_2018(wards_2018: BoundaryFile) -> Locator:
    return Locator([(w.code, w.geometry) for w in wards_2018.wards])
