"""Tiny base map archives made by the tests themselves (never committed): vector tiles
drawn from the ward outlines in the Protomaps basemap's layers (earth, roads, water),
image tiles of one colour, written as PMTiles or MBTiles."""

from __future__ import annotations

import gzip
import io
import math
import sqlite3

import mapbox_vector_tile
import numpy as np
import shapely
from PIL import Image, ImageDraw
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

# Around Cleveland's wards (lon/lat: west, south, east, north).
AREA = (-1.50, 54.45, -0.75, 54.75)
ATTRIBUTION = '<a href="https://www.openstreetmap.org/copyright">&copy; OpenStreetMap contributors</a>'
R = 6378137.0


def tile_of(lon, lat, z):
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tiles_over(area, zooms):
    for z in zooms:
        (x0, y0), (x1, y1) = tile_of(area[0], area[3], z), tile_of(area[2], area[1], z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                yield z, x, y


def _mercator_box(z, x, y):
    size = 2 * math.pi * R / (1 << z)
    west = -math.pi * R + x * size
    north = math.pi * R - y * size
    return west, north - size, west + size, north


def _to_mercator(geometry):
    def project(coords):
        lon, lat = coords[:, 0], coords[:, 1]
        return np.column_stack([R * np.radians(lon), R * np.log(np.tan(np.radians(90 + lat) / 2))])

    return shapely.transform(geometry, project)


def vector_tile(z, x, y, wards) -> bytes:
    """earth over the whole tile, each ward's edge as a major road, the first ward as water."""
    box = _mercator_box(z, x, y)
    clip = shapely.box(*box).buffer((box[2] - box[0]) / 16)
    roads, water = [], []
    for i, ward in enumerate(wards):
        edge = shapely.intersection(ward.boundary, clip)
        if not edge.is_empty:
            roads.append({"geometry": edge, "properties": {"kind": "major_road", "name": f"Road {i}"}})
        if i == 0:
            area = shapely.intersection(ward, clip)
            if not area.is_empty:
                water.append({"geometry": area, "properties": {"kind": "water"}})
    layers = [{"name": "earth", "features": [{"geometry": shapely.box(*box), "properties": {}}]}]
    layers += [{"name": "water", "features": water}] if water else []
    layers += [{"name": "roads", "features": roads}] if roads else []
    return mapbox_vector_tile.encode(layers, default_options={"quantize_bounds": box, "extents": 4096})


def raster_tile(z, x, y) -> bytes:
    image = Image.new("RGB", (256, 256), (238, 232, 213))
    ImageDraw.Draw(image).line([(0, 128), (256, 128)], fill=(200, 120, 60), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _header(tile_type, compression, area):
    return {
        "tile_type": tile_type,
        "tile_compression": compression,
        "min_lon_e7": round(area[0] * 1e7),
        "min_lat_e7": round(area[1] * 1e7),
        "max_lon_e7": round(area[2] * 1e7),
        "max_lat_e7": round(area[3] * 1e7),
        "center_zoom": 10,
        "center_lon_e7": round((area[0] + area[2]) / 2 * 1e7),
        "center_lat_e7": round((area[1] + area[3]) / 2 * 1e7),
    }


def ward_shapes(geometries) -> list:
    """Ward outlines (shapely, lon/lat) in Web Mercator metres, as tiles are drawn."""
    return [_to_mercator(g) for g in geometries]


def cleveland_wards(app) -> list:
    """The current boundary set's ward outlines, ready for write_vector_pmtiles."""
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.locating import locator_for

    with app.app_context():
        return ward_shapes(locator_for(current_boundary_set()).geometries.values())


def write_vector_pmtiles(path, wards, zooms=range(6, 13), area=AREA, attribution=ATTRIBUTION):
    tiles = sorted((zxy_to_tileid(z, x, y), z, x, y) for z, x, y in tiles_over(area, zooms))
    with write(str(path)) as writer:
        for tile_id, z, x, y in tiles:
            writer.write_tile(tile_id, gzip.compress(vector_tile(z, x, y, wards), mtime=0))
        metadata = {
            "attribution": attribution,
            "vector_layers": [{"id": name, "fields": {}} for name in ("earth", "water", "roads")],
        }
        writer.finalize(_header(TileType.MVT, Compression.GZIP, area), metadata)
    return [t[1:] for t in tiles]


def write_raster_pmtiles(path, zooms=range(8, 11), area=AREA, metadata=None):
    tiles = sorted((zxy_to_tileid(z, x, y), z, x, y) for z, x, y in tiles_over(area, zooms))
    with write(str(path)) as writer:
        for tile_id, z, x, y in tiles:
            writer.write_tile(tile_id, raster_tile(z, x, y))
        writer.finalize(_header(TileType.PNG, Compression.NONE, area), metadata or {})
    return [t[1:] for t in tiles]


def write_raster_mbtiles(path, zooms=range(8, 11), area=AREA, metadata=None):
    """MBTiles numbers rows from the south (TMS)."""
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE metadata (name text, value text)")
    conn.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
    meta = {"name": "test", "format": "png", "bounds": ",".join(str(v) for v in area), **(metadata or {})}
    conn.executemany("INSERT INTO metadata VALUES (?, ?)", list(meta.items()))
    tiles = list(tiles_over(area, zooms))
    conn.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, (1 << z) - 1 - y, raster_tile(z, x, y)) for z, x, y in tiles],
    )
    conn.commit()
    conn.close()
    return tiles
