"""The installed base map (engage/maps/basemap.py) inlined in a downloaded map file, for
the area it shows: whole zoom levels from the archive's first, as long as the tiles fit
in a stated budget, so the file stays an e-mail attachment. Image tiles become data:
URLs; vector tiles are drawn by protomaps-leaflet (inlined too) from the file itself."""

from __future__ import annotations

import base64
import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from engage.maps import basemap

# Tiles in all, before base64: a ward at street level fits; the whole area stops sooner.
TILE_BUDGET = 4 * 1024 * 1024
# The smallest zoom worth drawing: below it Cleveland is a few pixels.
FIRST_ZOOM = 8
MIMES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


@dataclass
class InlineBase:
    element: MacroElement
    scripts: list[tuple[str, str]]
    attribution: str
    note: str


class Code(MacroElement):
    """A script run after its map is made (a child of the map renders after it)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str):
        super().__init__()
        self._name = "InlineBase"
        self.code = code


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def _level(instance_path: str, bounds, z: int) -> dict[str, bytes]:
    west, south, east, north = bounds
    (x0, y0), (x1, y1) = _tile_of(west, north, z), _tile_of(east, south, z)
    tiles = {}
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            data = basemap.read_tile(instance_path, z, x, y)
            if data:
                tiles[f"{z}/{x}/{y}"] = bytes(data)
    return tiles


def inline_layer(
    instance_path: str, bounds, map_name: str, node_modules: str, budget: int = TILE_BUDGET
) -> InlineBase | None:
    """The base layer for the map named `map_name` showing `bounds` (west, south, east,
    north), or None when no archive is installed or not even its first zoom fits the budget."""
    described = basemap.describe(instance_path)
    if described is None:
        return None
    pad = 0.02  # a little around the area, so the edges are not blank
    area = (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    tiles: dict[str, bytes] = {}
    used, zooms = 0, []
    for z in range(max(described.min_zoom, FIRST_ZOOM), described.max_zoom + 1):
        level = _level(instance_path, area, z)
        if described.kind == "vector":
            level = {k: gzip.decompress(v) if v[:2] == b"\x1f\x8b" else v for k, v in level.items()}
        size = sum(len(v) for v in level.values())
        if used + size > budget:
            break
        tiles.update(level)
        used += size
        zooms.append(z)
    if not zooms:
        return None
    encoded = {k: base64.b64encode(v).decode() for k, v in tiles.items()}
    attribution = basemap.as_text(described.attribution)
    options = {
        "attribution": attribution,
        "minZoom": 0,
        "maxZoom": 19,
        "bounds": [[area[1], area[0]], [area[3], area[2]]],
    }
    scripts = []
    if described.kind == "vector":
        scripts.append(
            ("protomaps", (Path(node_modules) / "protomaps-leaflet" / "dist" / "protomaps-leaflet.js").read_text())
        )
        code = (
            "(function(){var T=" + json.dumps(encoded) + ";"
            "function bytes(s){var b=atob(s),a=new Uint8Array(b.length);"
            "for(var i=0;i<b.length;i++){a[i]=b.charCodeAt(i);}return a.buffer;}"
            "var source={getZxy:function(z,x,y){var s=T[z+'/'+x+'/'+y];"
            "return Promise.resolve(s?{data:bytes(s)}:undefined);}};"
            "if(window.protomapsL){window.protomapsL.leafletLayer(Object.assign(" + json.dumps(options) + ","
            "{url:source,flavor:'light',lang:'en',maxDataZoom:" + str(zooms[-1]) + "})).addTo(" + map_name + ");}})();"
        )
    else:
        mime = MIMES.get(described.format, "image/png")
        layer_options = {**options, "minNativeZoom": zooms[0], "maxNativeZoom": zooms[-1]}
        code = (
            "(function(){var T=" + json.dumps(encoded) + ";"
            "var Inline=L.TileLayer.extend({getTileUrl:function(c){var s=T[c.z+'/'+c.x+'/'+c.y];"
            "return s?'data:" + mime + ";base64,'+s:"
            "'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==';}});"
            "new Inline('', " + json.dumps(layer_options) + ").addTo(" + map_name + ");})();"
        )
    note = (
        f"Base map: {described.kind} tiles for the area shown at zoom {zooms[0]}–{zooms[-1]} "
        f"({used / 1048576:.1f} MB of a {budget / 1048576:.0f} MB limit); closer in, the deepest tiles are enlarged."
    )
    return InlineBase(Code(code), scripts, attribution, note)
