"""The offline base map: `flask maps basemap FILE` checks and installs an archive, the app
serves its tiles to people signed in, and every map page is told what to draw."""

import gzip
import json
import os
import re
import sqlite3

import mapbox_vector_tile
import pytest

from engage.maps import basemap
from tests.conftest import logged_in_client
from tests.test_maps.basemap_archives import (
    cleveland_wards,
    tile_of,
    write_raster_mbtiles,
    write_raster_pmtiles,
    write_vector_pmtiles,
)

# Middlesbrough's centre.
LON, LAT = -1.2345, 54.5742


@pytest.fixture
def instance(app):
    """The app's instance folder with no base map, and none left behind."""
    basemap.remove(app.instance_path)
    yield app.instance_path
    basemap.remove(app.instance_path)


@pytest.fixture(scope="module")
def archives(_session_app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("archives")
    vector = folder / "cleveland.pmtiles"
    write_vector_pmtiles(vector, cleveland_wards(_session_app), zooms=range(8, 13))
    raster = folder / "raster.pmtiles"
    write_raster_pmtiles(raster)
    mbtiles = folder / "raster.mbtiles"
    write_raster_mbtiles(mbtiles, metadata={"attribution": "Tiles © Example Council"})
    return {"vector": vector, "raster": raster, "mbtiles": mbtiles, "folder": folder}


def install(runner, *args):
    return runner.invoke(args=["maps", "basemap", *map(str, args)])


# --- the command ---------------------------------------------------------------


def test_a_pmtiles_archive_is_checked_installed_and_described(runner, instance, archives):
    result = install(runner, archives["vector"])
    assert result.exit_code == 0, result.output
    assert "Installed the base map" in result.output
    assert "vector tiles (mvt), zoom 8–12" in result.output
    assert "attribution: © OpenStreetMap contributors" in result.output  # from the archive, as text
    # The test archive covers all the wards but stops at zoom 12: the operator is told what that means.
    assert "covers only part" not in result.output and "stop at zoom 12" in result.output
    shown = install(runner)
    assert "Base map: vector tiles (mvt)" in shown.output and "Installed from cleveland.pmtiles" in shown.output


def test_an_mbtiles_archive_is_converted_and_its_rows_read_from_the_south(runner, instance, archives, app):
    result = install(runner, archives["mbtiles"])
    assert result.exit_code == 0, result.output
    assert "raster tiles (png), zoom 8–10" in result.output and "Tiles © Example Council" in result.output
    # MBTiles counts rows from the south: the tile over Middlesbrough is where it belongs.
    x, y = tile_of(LON, LAT, 10)
    with sqlite3.connect(archives["mbtiles"]) as conn:
        stored = conn.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = 10 AND tile_column = ? AND tile_row = ?",
            (x, (1 << 10) - 1 - y),
        ).fetchone()[0]
    assert basemap.read_tile(instance, 10, x, y) == stored
    assert basemap.read_tile(instance, 10, x, (1 << 10) - 1 - y) is None


def test_a_file_that_is_no_archive_is_refused_and_the_installed_one_kept(runner, instance, archives):
    assert install(runner, archives["raster"]).exit_code == 0
    for name, content, says in [
        ("notes.txt", b"just some text\n", "is not a PMTiles or MBTiles archive."),
        ("cleveland.osm.pbf", b"\x00\x00\x00\x0d\x0a\x09OSMHeader\x18", "OpenStreetMap data, .osm.pbf, not map tiles"),
        ("empty.pmtiles", b"", "is not a PMTiles or MBTiles archive"),
    ]:
        path = archives["folder"] / name
        path.write_bytes(content)
        result = install(runner, path)
        assert result.exit_code == 2, result.output
        assert says in result.output and "Nothing was changed." in result.output
    # An SQLite database that is not MBTiles, and an archive cut short by a failed download.
    other = archives["folder"] / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE people (name text)").connection.commit()
    assert "not an MBTiles archive" in install(runner, other).output
    cut = archives["folder"] / "cut.pmtiles"
    cut.write_bytes(archives["vector"].read_bytes()[:-500])
    result = install(runner, cut)
    assert result.exit_code == 2 and "is cut short" in result.output
    assert "Installed from raster.pmtiles" in install(runner).output
    assert not [name for name in os.listdir(instance) if name.endswith(".partial")]


def test_an_archive_of_somewhere_else_is_installed_with_a_warning(runner, instance, archives):
    elsewhere = archives["folder"] / "edinburgh.pmtiles"
    write_raster_pmtiles(elsewhere, area=(-3.3, 55.9, -3.1, 56.0))
    result = install(runner, elsewhere)
    assert result.exit_code == 0
    assert "does not cover the wards at all" in result.output and "Is it the right file?" in result.output
    part = archives["folder"] / "middlesbrough.pmtiles"
    write_raster_pmtiles(part, area=(-1.30, 54.50, -1.15, 54.60))
    assert "covers only part of the wards" in install(runner, part).output


def test_remove_goes_back_to_outlines(runner, instance, archives):
    install(runner, archives["raster"])
    assert install(runner, "--remove").output.strip() == "Removed the base map."
    assert "No base map is installed" in install(runner).output
    assert basemap.describe(instance) is None


# --- the tiles -----------------------------------------------------------------


def test_tiles_are_served_to_people_signed_in_with_long_cache_headers(app, users, runner, instance, archives):
    install(runner, archives["vector"])
    described = basemap.describe(instance)
    x, y = tile_of(LON, LAT, 12)
    url = f"/maps/tiles/12/{x}/{y}.mvt?v={described.version}"
    for role in ("officer", "inspector", "staff", "admin"):
        response = logged_in_client(app, users[role]).get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, role
        assert response.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age=31536000" in response.headers["Cache-Control"]
    layers = mapbox_vector_tile.decode(gzip.decompress(response.data))
    assert {"earth", "roads"} <= set(layers), "the streets (here: the ward edges) are in the tile"
    # A client that cannot take gzip gets the tile unpacked.
    plain = logged_in_client(app, users["staff"]).get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and mapbox_vector_tile.decode(plain.data)
    # An old address (another archive's version) must be asked again next time.
    stale = logged_in_client(app, users["staff"]).get(f"/maps/tiles/12/{x}/{y}.mvt?v=old")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    assert app.test_client().get(url).status_code == 302  # nobody signed in: to the log-in page


def test_missing_tiles_and_wrong_addresses(app, users, runner, instance, archives):
    client = logged_in_client(app, users["officer"])
    x, y = tile_of(LON, LAT, 12)
    assert client.get(f"/maps/tiles/12/{x}/{y}.mvt").status_code == 404  # no archive installed
    install(runner, archives["vector"])
    assert client.get("/maps/tiles/12/0/0.mvt").status_code == 204  # open sea: an empty tile
    assert client.get(f"/maps/tiles/14/{x * 4}/{y * 4}.mvt").status_code == 204  # beyond its zooms
    assert client.get(f"/maps/tiles/12/{x}/{y}.png").status_code == 404  # not what it holds
    assert client.get("/maps/tiles/2/4/0.mvt").status_code == 404  # no such tile anywhere
    assert client.get(f"/maps/tiles/12/{x}/{y}.mvt").status_code == 200
    install(runner, archives["raster"])
    x, y = tile_of(LON, LAT, 9)
    image = client.get(f"/maps/tiles/9/{x}/{y}.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get("/maps/tiles/9/0/0.png").status_code == 404  # images: missing is 404


# --- what the pages are told ---------------------------------------------------


def page_config(html: str) -> dict:
    start = html.index('id="basemap-config">') + len('id="basemap-config">')
    return json.loads(html[start : html.index("</script>", start)])


def test_map_pages_are_told_to_draw_the_installed_archive(app, users, runner, instance, archives):
    client = logged_in_client(app, users["staff"])
    assert page_config(client.get("/maps").get_data(as_text=True)) == {"kind": None}
    install(runner, archives["vector"])
    version = basemap.describe(instance).version
    for url in ("/maps", "/wards/E05009857", "/capture"):
        html = client.get(url).get_data(as_text=True)
        config = page_config(html)
        assert config["kind"] == "vector" and config["local"] is True, url
        assert config["url"] == f"/maps/tiles/{{z}}/{{x}}/{{y}}.mvt?v={version}"
        assert config["attribution"] == "© OpenStreetMap contributors"
        assert re.search(r"/vendor/protomaps-leaflet/[0-9a-f]{12}/protomaps-leaflet\.js", html)
        assert re.search(r"/static/[0-9a-f]{12}/js/basemap\.js", html)
    # The public ward page, to someone not signed in: no tiles they could not fetch.
    anonymous = app.test_client().get("/wards/E05009857").get_data(as_text=True)
    assert page_config(anonymous) == {"kind": None} and "protomaps-leaflet" not in anonymous


def test_without_an_archive_the_tile_url_setting_is_used(app, users, instance, monkeypatch):
    monkeypatch.setitem(app.config, "ENGAGE_TILE_URL", "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setitem(app.config, "ENGAGE_TILE_ATTRIBUTION", '&copy; <a href="https://example.org">Example</a>')
    config = page_config(logged_in_client(app, users["staff"]).get("/maps").get_data(as_text=True))
    assert config == {
        "kind": "raster",
        "url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "local": False,
        "attribution": "© Example",
    }


@pytest.mark.parametrize(
    "stored, shown",
    [
        (
            '<a href="https://github.com/protomaps/basemaps">Protomaps</a> © <a href="https://openstreetmap.org">OpenStreetMap</a>',
            "Protomaps © OpenStreetMap contributors",
        ),
        ("&copy; OpenStreetMap contributors", "© OpenStreetMap contributors"),
        ("<script>alert(1)</script>Ordnance Survey", "alert(1) Ordnance Survey"),
        ("", "© OpenStreetMap contributors"),
    ],
)
def test_the_credit_is_plain_text_and_says_what_the_odbl_asks(tmp_path, stored, shown):
    archive = tmp_path / "a.pmtiles"
    write_raster_pmtiles(archive, zooms=range(8, 9), metadata={"attribution": stored} if stored else {})
    assert basemap._read(str(archive)).attribution == shown
