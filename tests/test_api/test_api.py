def test_wards_geojson(client):
    response = client.get("/api/wards")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    data = response.get_json(force=True)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 79
    props = data["features"][0]["properties"]
    assert {"ward_code", "ward_name", "lad_code", "lad_name", "designation"} <= props.keys()
    assert data["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_locate_by_lon_lat_and_grid(client):
    body = client.get("/api/locate?lon=-1.2345&lat=54.5742").get_json()
    assert body["lad_name"] == "Middlesbrough" and body["vintage"] == "2018-12"
    assert set(body) == {"ward_code", "ward_name", "lad_code", "lad_name", "vintage"}
    grid = client.get("/api/locate", query_string={"grid": "nz49661942"}).get_json()
    assert grid["lad_code"] == "E06000002"


def test_locate_outside_is_404_with_the_message(client):
    response = client.get("/api/locate?lon=-0.1276&lat=51.5072")
    assert response.status_code == 404
    assert response.get_json()["error"] == "outside the Cleveland wards"


def test_locate_bad_input_is_400_and_says_why(client):
    cases = {
        "/api/locate?lon=abc&lat=54": "lon",
        "/api/locate?lon=-1.2&lat=123": "lat",
        "/api/locate?grid=NZ123": "digits",
        "/api/locate?grid=ZZ1234": "ZZ",
        "/api/locate": "give lon and lat",
    }
    for url, expected in cases.items():
        response = client.get(url)
        assert response.status_code == 400, url
        assert expected in response.get_json()["error"], url


def test_api_errors_are_json(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and "error" in response.get_json()
