"""A map to take away (engage/maps/export.py): one HTML file with the page's figures, the
user's scope, no residents' words unless asked for, nothing fetched from the internet;
`flask maps export` makes the same figures; every download is in the audit trail."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import sqlalchemy as sa

from engage.maps import basemap
from engage.platform.audit import AuditEvent
from tests.conftest import TODAY
from tests.test_maps.basemap_archives import cleveland_wards, write_raster_pmtiles, write_vector_pmtiles

PERIOD = f"from={TODAY.replace(month=1, day=1).isoformat()}&to={TODAY.isoformat()}"
# An inspector's ward (INT-TEST) and a Stockton ward outside their area.
OWN, OTHER = "E05009857", "E05001552"
# Middlesbrough's centre, inside OWN's neighbourhood.
LON, LAT = -1.23456, 54.57421


def post(client, ward_code, description="x", **extra):
    body = {"id": str(uuid.uuid4()), "category": "youth_asb", "description": description, "ward_code": ward_code}
    body.update(extra)
    answer = client.post("/api/v1/concerns", json=body)
    assert answer.status_code == 201, answer.get_json()


def figures(text: str) -> dict:
    found = re.search(r'<script type="application/json" id="map-figures">(.*?)</script>', text, re.S)
    return json.loads(found.group(1).replace("<\\/", "</"))


def download(client, query: str):
    answer = client.get(f"/maps/download?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    return answer.get_data(as_text=True)


def test_the_file_has_the_pages_figures_and_fetches_nothing(staff_client, officer_client):
    post(officer_client, OWN)
    post(officer_client, OWN)
    post(officer_client, OTHER, category="speeding")
    text = download(staff_client, f"{PERIOD}&category=youth_asb&breaks=jenks")
    page = staff_client.get(f"/api/v1/maps/wards?{PERIOD}&category=youth_asb&breaks=jenks").get_json()
    data = figures(text)
    assert data["wards"] == page["wards"] and data["total"] == page["total"] == 2
    # Leaflet, its heat plugin and their CSS are inside; no script or stylesheet from anywhere.
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=[\"']?(https?:)?//", text)
    assert "L.map(" in text and "leaflet-container" in text and "L.heatLayer" in text
    assert "cdn." not in text and "jquery" not in text.lower()
    assert "Concerns raised: Youth antisocial behaviour" in text or "Concerns raised: " in text
    assert "Natural breaks (Fisher-Jenks)" in text and "Open Government Licence" in text
    assert "DEMO DATA" not in text
    assert len(text.encode()) < 5 * 1024 * 1024


def test_a_wards_file_draws_it_and_its_neighbours_under_a_megabyte(staff_client, officer_client):
    post(officer_client, OWN)
    text = download(staff_client, f"{PERIOD}&ward={OWN}")
    data = figures(text)
    assert OWN in data["wards"] and data["wards"][OWN]["count"] == 1
    assert OTHER not in data["wards"] and 2 < len(data["wards"]) < 15
    assert len(text.encode()) < 1024 * 1024


def test_residents_words_only_when_asked_for_and_only_the_users_own_scope(
    staff_client, officer_client, inspector_client
):
    post(officer_client, OWN, "Quads racing on the beck path", lon=LON, lat=LAT)
    post(officer_client, OTHER, "Cars racing on Thornaby Road")
    plain = download(inspector_client, PERIOD)
    assert "Quads racing" not in plain and "figures per ward only" in plain
    mine = download(inspector_client, f"{PERIOD}&texts=1")
    assert "Quads racing on the beck path" in mine and "Thornaby Road" not in mine
    assert "no contact details" in mine
    # Rounded to about 100 m unless exact positions are chosen.
    assert "[-1.235, 54.574]" in mine and "-1.23456" not in mine
    exact = download(inspector_client, f"{PERIOD}&texts=1&exact=1")
    assert "[-1.23456, 54.57421]" in exact
    everything = download(staff_client, f"{PERIOD}&texts=1")
    assert "Thornaby Road" in everything
    # Another team's ward is not the inspector's to ask for.
    assert inspector_client.get(f"/maps/download?ward={OTHER}").status_code == 404


def test_words_are_text_in_the_file_never_markup_or_script(staff_client, officer_client):
    post(officer_client, OWN, "<img src=x onerror=alert(1)> `${document.cookie}` </script>", lon=LON, lat=LAT)
    text = download(staff_client, f"{PERIOD}&texts=1")
    assert "<img src=x" not in text and "${document.cookie}" not in text
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in text


def test_demo_data_is_labelled(staff_client, officer_client, app):
    from engage.demo.services import load_demo

    with app.app_context():
        load_demo()
    text = download(staff_client, "source=demo")
    assert "DEMO DATA" in text and figures(text)["demo"] is True


def test_a_bad_filter_says_what_is_wrong_and_downloads_nothing(staff_client):
    answer = staff_client.get("/maps/download?from=someday&measure=everything")
    assert answer.status_code == 400
    assert "from: &#39;someday&#39; is not a date like 2026-01-31" in answer.get_data(as_text=True)
    assert "Content-Disposition" not in answer.headers


def test_each_download_is_in_the_audit_trail(staff_client, db):
    download(staff_client, f"{PERIOD}&ward={OWN}&texts=1")
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "map")).one()
    assert event.actor == "staff@example.org" and event.entity_id.startswith(f"engage-map-{OWN}-")
    assert event.changes["ward"] == [None, OWN] and event.changes["concern_texts"] == [None, 0]


def test_the_command_writes_the_same_figures_as_the_page(staff_client, officer_client, runner, tmp_path):
    post(officer_client, OWN)
    post(officer_client, OTHER)
    out = tmp_path / "map.html"
    result = runner.invoke(
        args=[
            "maps",
            "export",
            "--authority",
            "E06000002",
            "--from",
            TODAY.replace(month=1, day=1).isoformat(),
            "--to",
            TODAY.isoformat(),
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Middlesbrough" in result.output
    from_page = figures(download(staff_client, f"{PERIOD}&lad=E06000002"))
    assert figures(out.read_text()) == from_page
    wrong = runner.invoke(args=["maps", "export", "--ward", "Atlantis", "--out", str(out)])
    assert wrong.exit_code != 0 and "Atlantis" in wrong.output


@pytest.fixture
def installed(app):
    basemap.remove(app.instance_path)
    yield app.instance_path
    basemap.remove(app.instance_path)


def test_an_installed_image_base_map_is_inlined_for_the_area_within_its_limit(staff_client, installed, tmp_path):
    archive = tmp_path / "raster.pmtiles"
    write_raster_pmtiles(archive, zooms=range(8, 16))
    basemap.install(str(archive), installed)
    text = download(staff_client, f"{PERIOD}&ward={OWN}")
    assert "data:image/png;base64," in text and "Base map: raster tiles for the area shown at zoom 8–" in text
    assert len(text.encode()) < 5 * 1024 * 1024


def test_an_installed_vector_base_map_is_drawn_from_the_file(_session_app, staff_client, installed, tmp_path):
    archive = tmp_path / "vector.pmtiles"
    write_vector_pmtiles(archive, cleveland_wards(_session_app), zooms=range(8, 13))
    basemap.install(str(archive), installed)
    text = download(staff_client, f"{PERIOD}&ward={OWN}")
    assert "protomapsL" in text and "getZxy" in text and "Base map: vector tiles" in text
