import json
import re

from engage.geography.boundaries import current_boundary_set
from engage.geography.designations import import_designations


def test_register_lists_79_wards_grouped_by_authority(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "The 79 wards of Cleveland" in html
    for name, n in [("Hartlepool", 11), ("Middlesbrough", 20), ("Redcar and Cleveland", 22), ("Stockton-on-Tees", 26)]:
        assert f"{name} ({n})" in html
    assert len(set(re.findall(r'href="/wards/(E05\d{6})"', html))) == 79
    assert "Open Government Licence" in html


def test_register_shows_designations_and_marks_samples(client, db, tmp_path):
    path = tmp_path / "sample.csv"
    path.write_text("ward_code,designation,effective_from\nE05009857,strengthen,2018-04-01\n")
    import_designations(str(path), current_boundary_set(), sample=True)
    html = client.get("/").get_data(as_text=True)
    row = re.search(r"E05009857</td>\s*<td>(.*?)</td>", html, re.S).group(1)
    assert "Strengthen" in row and "sample" in row and "1 Apr 2018" in row
    assert "not the force's real designations" in html


def test_ward_page_has_its_outline_and_neighbours(client):
    page = client.get("/wards/E05009857")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Central" in html and "Middlesbrough" in html
    data = json.loads(re.search(r'<script type="application/json" id="ward-data">(.*?)</script>', html, re.S).group(1))
    assert data["ward"]["properties"]["ward_code"] == "E05009857"
    neighbour_codes = {f["properties"]["ward_code"] for f in data["neighbours"]}
    assert "E05009866" in neighbour_codes  # Newport borders Central
    assert "E05009857" not in neighbour_codes
    assert (
        re.search(r"/vendor/leaflet/[0-9a-f]{12}/leaflet\.js", html)
        and "unpkg" not in html
        and "cdn" not in html.lower()
    )


def test_ward_codes_are_case_insensitive_and_unknown_ones_are_404(client):
    assert client.get("/wards/e05009857").status_code == 200
    missing = client.get("/wards/E05000000")
    assert missing.status_code == 404
    assert "no ward E05000000" in missing.get_data(as_text=True)


def test_unknown_vintage_is_404(client):
    assert client.get("/?vintage=1999-01").status_code == 404


def test_leaflet_is_served_by_the_app(client):
    response = client.get("/vendor/leaflet/leaflet.js")
    assert response.status_code == 200 and b"Leaflet" in response.data[:2000]
    assert client.get("/vendor/nothing/x.js").status_code == 404
    assert client.get("/vendor/leaflet/../../package.json").status_code == 404


def test_neighbour_links_keep_the_data_source_chosen(client):
    html = client.get("/wards/E05009857?source=demo").get_data(as_text=True)
    assert 'href="/wards/E05009866?source=demo"' in html
    plain = client.get("/wards/E05009857").get_data(as_text=True)
    assert 'href="/wards/E05009866"' in plain
