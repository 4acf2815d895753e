"""The offline base map: one PMTiles archive of the area (streets, water, places), which an
operator installs once with `flask maps basemap FILE` and the app then serves tile by tile,
so the maps show streets with no internet and the phone can keep a meeting's tiles.

An MBTiles file is converted to PMTiles on the way in, so only one format is ever read.
Archives are read with the `pmtiles` package's directory functions; the directories are
cached per archive, since every tile request would otherwise unpack the root directory."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import logging
import mmap
import os
import re
import sqlite3
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pmtiles.tile import (
    Compression,
    MagicNumberNotFound,
    SpecVersionUnsupported,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)
from pmtiles.writer import write as write_pmtiles

from engage.geography.boundaries import current_boundary_set
from engage.geography.locating import locator_for

ARCHIVE = "basemap.pmtiles"
SIDECAR = "basemap.json"  # where it came from, when, and an attribution given on the command line
DEFAULT_ATTRIBUTION = "© OpenStreetMap contributors"
# The four authorities' extent, for when no wards are imported yet (lon/lat, west south east north).
CLEVELAND = (-1.47, 54.46, -0.78, 54.74)

FORMATS = {TileType.MVT: "mvt", TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}
MIMETYPES = {"mvt": "application/vnd.mapbox-vector-tile", "png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
MBTILES_FORMATS = {"pbf": "mvt", "mvt": "mvt", "png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
# The layers protomaps-leaflet draws (the Protomaps basemap schema); an archive with none
# of them would show as an empty background.
PROTOMAPS_LAYERS = {"earth", "water", "roads", "landuse", "places", "buildings"}


class BasemapError(ValueError):
    """A file that cannot be used as the base map; the message says why and what to do."""


@dataclass(frozen=True)
class Basemap:
    format: str  # mvt, png, jpg or webp
    bounds: tuple[float, float, float, float] | None  # west, south, east, north; None if the archive does not say
    min_zoom: int
    max_zoom: int
    attribution: str
    version: str  # changes with the file, so browsers and phones fetch a new archive's tiles afresh
    layers: tuple[str, ...] = ()
    tiles: int = 0

    @property
    def kind(self) -> str:
        return "vector" if self.format == "mvt" else "raster"

    def describe(self) -> str:
        area = "an unstated area" if self.bounds is None else _extent(self.bounds)
        return (
            f"{self.kind} tiles ({self.format}), zoom {self.min_zoom}–{self.max_zoom}, {self.tiles:,} tiles, "
            f"covering {area}; attribution: {self.attribution}"
        )


@dataclass
class _Open:
    key: tuple
    handle: object
    data: mmap.mmap
    header: dict
    basemap: Basemap
    directories: dict = field(default_factory=dict)


log = logging.getLogger(__name__)
_lock = threading.Lock()
_open: dict[str, _Open] = {}


def archive_path(instance_path: str) -> str:
    return os.path.join(instance_path, ARCHIVE)


# --- Installing ---------------------------------------------------------------


def install(source: str, instance_path: str, attribution: str | None = None) -> tuple[Basemap, list[str]]:
    """Checks `source` (PMTiles, or MBTiles converted here), copies it into the instance
    folder in place of any earlier base map, and returns it with warnings for the operator.
    Raises BasemapError, leaving the installed base map as it was."""
    if not os.path.isfile(source):
        raise BasemapError(f"{source}: no such file.")
    with open(source, "rb") as fh:
        start = fh.read(16)
    os.makedirs(instance_path, exist_ok=True)
    fd, staged = tempfile.mkstemp(prefix="basemap-", suffix=".partial", dir=instance_path)
    os.close(fd)
    try:
        if start.startswith(b"PMTiles"):
            _copy(source, staged)
        elif start.startswith(b"SQLite format 3\0"):
            _mbtiles_to_pmtiles(source, staged)
        else:
            raise BasemapError(f"{source} is not a PMTiles or MBTiles archive{_guess(start)}.")
        basemap = _read(staged, attribution, name=source)
        os.replace(staged, archive_path(instance_path))
    except BaseException:
        if os.path.exists(staged):
            os.remove(staged)
        raise
    sidecar = {
        "source": os.path.basename(source),
        "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "attribution": attribution,
    }
    with open(os.path.join(instance_path, SIDECAR), "w", encoding="utf-8") as fh:
        json.dump(sidecar, fh, indent=1)
    return describe(instance_path), warnings(basemap, area())


def remove(instance_path: str) -> bool:
    found = False
    for name in (ARCHIVE, SIDECAR):
        path = os.path.join(instance_path, name)
        if os.path.exists(path):
            os.remove(path)
            found = True
    return found


def _copy(source, target):
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def _guess(start: bytes) -> str:
    if b"OSMHeader" in start:
        return (
            " (it is OpenStreetMap data, .osm.pbf, not map tiles: make tiles from it first, "
            "e.g. with planetiler; docs/deployment.md)"
        )
    if start[:2] == b"\x1f\x8b":
        return " (it is gzip-compressed: unpack it first)"
    if start.startswith(b"PK"):
        return " (it is a zip file: unpack it first)"
    return ""


def _mbtiles_to_pmtiles(source: str, target: str):
    """MBTiles (SQLite; rows numbered from the south, TMS) into PMTiles, with the metadata
    carried over and anything missing from it worked out from the tiles themselves."""
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        conn.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1").fetchall()
        meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
    except sqlite3.DatabaseError as exc:
        raise BasemapError(
            f"{source} is an SQLite database but not an MBTiles archive ({exc}): "
            "it needs a `tiles` and a `metadata` table."
        ) from exc
    try:
        rows = conn.execute("SELECT zoom_level, tile_column, tile_row FROM tiles").fetchall()
        if not rows:
            raise BasemapError(f"{source} is an MBTiles archive with no tiles in it.")
        ids = sorted((zxy_to_tileid(z, x, (1 << z) - 1 - row), z, x, row) for z, x, row in rows if 0 <= z <= 30)
        fmt = MBTILES_FORMATS.get(str(meta.get("format", "")).lower())
        first = conn.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()[0]
        fmt = fmt or _sniff_format(bytes(first))
        if fmt is None:
            raise BasemapError(
                f"{source}: its tiles are in format {meta.get('format')!r}; the base map takes "
                "vector tiles (pbf) or png, jpg or webp images."
            )
        with write_pmtiles(target) as writer:
            for tile_id, z, x, row in ids:
                data = bytes(
                    conn.execute(
                        "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                        (z, x, row),
                    ).fetchone()[0]
                )
                if fmt == "mvt" and data[:2] != b"\x1f\x8b":
                    data = gzip.compress(data, mtime=0)  # one encoding for every vector tile
                writer.write_tile(tile_id, data)
            bounds = _parse_bounds(meta.get("bounds")) or (-180.0, -85.0511, 180.0, 85.0511)
            header = {
                "tile_type": {v: k for k, v in FORMATS.items()}[fmt],
                "tile_compression": Compression.GZIP if fmt == "mvt" else Compression.NONE,
                "min_lon_e7": round(bounds[0] * 1e7),
                "min_lat_e7": round(bounds[1] * 1e7),
                "max_lon_e7": round(bounds[2] * 1e7),
                "max_lat_e7": round(bounds[3] * 1e7),
                "center_zoom": ids[0][1],
                "center_lon_e7": round((bounds[0] + bounds[2]) / 2 * 1e7),
                "center_lat_e7": round((bounds[1] + bounds[3]) / 2 * 1e7),
            }
            metadata = {k: v for k, v in meta.items() if k != "json"}
            try:
                metadata.update(json.loads(meta.get("json") or "{}"))  # vector_layers, as tippecanoe writes them
            except ValueError:
                pass
            writer.finalize(header, metadata)
    finally:
        conn.close()


def _sniff_format(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:2] == b"\x1f\x8b":
        return "mvt"
    return None


def _parse_bounds(value) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in str(value).split(","))
    except (TypeError, ValueError):
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


def _read(path: str, attribution: str | None = None, name: str | None = None) -> Basemap:
    """Reads and checks an archive's header, metadata and root directory."""
    name = name or path
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        raw = fh.read(127)
        try:
            header = deserialize_header(raw)
        except MagicNumberNotFound as exc:
            raise BasemapError(f"{name} is not a PMTiles archive.") from exc
        except SpecVersionUnsupported as exc:
            raise BasemapError(
                f"{name} is PMTiles version {raw[7]}; version 3 is needed: convert it with `pmtiles convert`."
            ) from exc
        except (ValueError, IndexError) as exc:
            raise BasemapError(f"{name}: its PMTiles header is damaged or cut short.") from exc
        if header["tile_data_offset"] + header["tile_data_length"] > size:
            raise BasemapError(
                f"{name} is cut short: {size:,} bytes of the {header['tile_data_offset'] + header['tile_data_length']:,} "
                "its header announces (an unfinished download?)."
            )
        fmt = FORMATS.get(header["tile_type"])
        if fmt is None:
            raise BasemapError(
                f"{name} holds {header['tile_type'].name} tiles; the base map takes vector tiles (MVT) "
                "or png, jpg or webp images."
            )
        if header["internal_compression"] != Compression.GZIP:
            raise BasemapError(
                f"{name}: its directories are compressed with {header['internal_compression'].name}, "
                "which this app cannot read; convert it with `pmtiles convert` (gzip)."
            )
        if header["tile_compression"] not in (Compression.NONE, Compression.GZIP, Compression.UNKNOWN):
            raise BasemapError(
                f"{name}: its tiles are compressed with {header['tile_compression'].name}; browsers are sent "
                "gzip or nothing, so re-make the archive with gzip tiles."
            )
        try:
            fh.seek(header["metadata_offset"])
            metadata = json.loads(gzip.decompress(fh.read(header["metadata_length"])) or b"{}")
            fh.seek(header["root_offset"])
            root = deserialize_directory(fh.read(header["root_length"]))
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            raise BasemapError(f"{name}: its PMTiles directory or metadata cannot be read ({exc}).") from exc
    if not root:
        raise BasemapError(f"{name} has no tiles in it.")
    bounds = (
        header["min_lon_e7"] / 1e7,
        header["min_lat_e7"] / 1e7,
        header["max_lon_e7"] / 1e7,
        header["max_lat_e7"] / 1e7,
    )
    if not isinstance(metadata, dict):
        metadata = {}
    layers = tuple(
        str(layer.get("id"))
        for layer in metadata.get("vector_layers") or ()
        if isinstance(layer, dict) and layer.get("id")
    )
    stat = os.stat(path)
    return Basemap(
        format=fmt,
        bounds=bounds if bounds[0] < bounds[2] and bounds[1] < bounds[3] else _parse_bounds(metadata.get("bounds")),
        min_zoom=header["min_zoom"],
        max_zoom=header["max_zoom"],
        attribution=as_text(attribution) or osm_credit(as_text(metadata.get("attribution"))) or DEFAULT_ATTRIBUTION,
        version=hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}".encode()).hexdigest()[:10],
        layers=layers,
        tiles=header["addressed_tiles_count"],
    )


def as_text(value) -> str:
    """Attribution as plain text: archives often carry it as HTML links, and Leaflet would
    insert HTML as it is, so tags go and entities become characters."""
    if not value or not isinstance(value, str):
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", value)).split())[:300]


def osm_credit(text: str) -> str:
    """The ODbL asks for "© OpenStreetMap contributors"; archives often say less
    (Protomaps builds: "Protomaps © OpenStreetMap")."""
    if "openstreetmap" in text.lower() and "contributors" not in text.lower():
        return re.sub(r"(?i)openstreetmap", "OpenStreetMap contributors", text, count=1)
    return text


def area() -> tuple[float, float, float, float]:
    """The extent of the wards the app knows, or of the four authorities before any import."""
    boundary_set = current_boundary_set()
    if boundary_set is None:
        return CLEVELAND
    located = locator_for(boundary_set)
    return located.locator.bounds if len(located.locator) else CLEVELAND


def _extent(box) -> str:
    return f"lon {box[0]:.2f} to {box[2]:.2f}, lat {box[1]:.2f} to {box[3]:.2f}"


def warnings(basemap: Basemap, wards: tuple[float, float, float, float]) -> list[str]:
    found = []
    b = basemap.bounds
    if b is None:
        found.append("The archive does not say what area it covers: check that the maps show streets.")
    elif b[2] < wards[0] or b[0] > wards[2] or b[3] < wards[1] or b[1] > wards[3]:
        found.append(
            f"The archive does not cover the wards at all (it covers {_extent(b)}; the wards lie in "
            f"{_extent(wards)}): the maps will show no streets. Is it the right file?"
        )
    elif b[0] > wards[0] or b[1] > wards[1] or b[2] < wards[2] or b[3] < wards[3]:
        found.append(
            f"The archive covers only part of the wards (it covers {_extent(b)}; the wards reach "
            f"{_extent(wards)}): some wards will show no streets."
        )
    if basemap.max_zoom < 14:
        found.append(
            f"Its tiles stop at zoom {basemap.max_zoom}: streets are readable from about zoom 14, so a tap "
            "on the phone's map will be rough."
        )
    if basemap.kind == "vector" and basemap.layers and not PROTOMAPS_LAYERS & set(basemap.layers):
        found.append(
            f"Its layers ({', '.join(basemap.layers[:6])}) are not the Protomaps basemap's (earth, water, roads, "
            "places...), which is what the app draws: the maps would show a blank background. Use a Protomaps "
            "basemap extract (docs/deployment.md)."
        )
    return found


# --- Reading ------------------------------------------------------------------


def _opened(instance_path: str) -> _Open | None:
    path = archive_path(instance_path)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _lock:
        current = _open.get(path)
        if current is not None and current.key == key:
            return current
        try:
            basemap = _read(path, _sidecar(instance_path).get("attribution"))
        except BasemapError as exc:
            log.error("the installed base map cannot be used: %s; install it again (flask maps basemap FILE)", exc)
            return None
        handle = open(path, "rb")  # kept open with its map while the archive is in place
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        with open(path, "rb") as fh:
            header = deserialize_header(fh.read(127))
        _open[path] = opened = _Open(key, handle, data, header, basemap)
        # The one replaced is not closed: a request may still be reading it, and the map
        # goes when the last reference does.
        return opened


def _sidecar(instance_path: str) -> dict:
    try:
        with open(os.path.join(instance_path, SIDECAR), encoding="utf-8") as fh:
            found = json.load(fh)
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def describe(instance_path: str) -> Basemap | None:
    """The installed base map, or None."""
    opened = _opened(instance_path)
    return opened.basemap if opened else None


def installed_from(instance_path: str) -> dict:
    return _sidecar(instance_path)


def read_tile(instance_path: str, z: int, x: int, y: int) -> bytes | None:
    """The tile's bytes as stored (vector tiles gzip-compressed), or None where the archive
    has none (open sea, outside its area, beyond its zooms)."""
    opened = _opened(instance_path)
    if opened is None or not (0 <= z <= 30 and 0 <= x < (1 << z) and 0 <= y < (1 << z)):
        return None
    header = opened.header
    tile_id = zxy_to_tileid(z, x, y)
    offset, length = header["root_offset"], header["root_length"]
    for _depth in range(4):  # the format allows no deeper directories
        entry = find_tile(_directory(opened, offset, length), tile_id)
        if entry is None:
            return None
        if entry.run_length > 0:
            start = header["tile_data_offset"] + entry.offset
            return opened.data[start : start + entry.length]
        offset, length = header["leaf_directory_offset"] + entry.offset, entry.length
    return None


def _directory(opened: _Open, offset: int, length: int):
    key = (offset, length)
    found = opened.directories.get(key)
    if found is None:
        found = deserialize_directory(opened.data[offset : offset + length])
        if len(opened.directories) > 256:
            opened.directories.clear()
        opened.directories[key] = found
    return found


# --- What the pages are told ----------------------------------------------------


def page_config(config, instance_path: str, signed_in: bool, tile_url: str | None = None) -> dict:
    """What static/js/basemap.js needs to add the base layer to a map: the installed archive
    (for people signed in: the tiles are not a public service), else ENGAGE_TILE_URL, else none.
    `tile_url` is the archive's tile address with {z}/{x}/{y} left in."""
    basemap = describe(instance_path) if signed_in else None
    if basemap is not None and tile_url:
        return {
            "kind": basemap.kind,
            "url": f"{tile_url}?v={basemap.version}",
            "local": True,
            "attribution": basemap.attribution,
            "minZoom": basemap.min_zoom,
            "maxZoom": basemap.max_zoom,
            "bounds": list(basemap.bounds) if basemap.bounds else None,
        }
    if config.get("ENGAGE_TILE_URL"):
        return {
            "kind": "raster",
            "url": config["ENGAGE_TILE_URL"],
            "local": False,
            "attribution": as_text(config.get("ENGAGE_TILE_ATTRIBUTION")),
        }
    return {"kind": None}
