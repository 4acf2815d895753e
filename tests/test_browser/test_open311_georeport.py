"""Open311 read by an independent client, the PyPI package `georeport`, over real HTTP
against the live server, in both formats.

georeport 0.3.1 has no method for POST Service Request, so the request is submitted
with `requests` (its own dependency) as a form post, as the specification says. Its
XML reading is xmltodict's: one element comes back as a dict, several as a list, and
every value as text.
"""

import uuid

import pytest
import requests
from georeport import GeoReport

from tests.live import live_user_with_token


@pytest.fixture
def submitted(live_server, monkeypatch):
    """Two concerns submitted through Open311 into the live database (which other
    tests share: everything below is looked up by its own id)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    _, token = live_user_with_token(live_server, "officer")
    ids = []
    for code, place in (("fly_tipping", "Brotton ward"), ("speeding", "NZ 4966 1942")):
        response = requests.post(
            f"{live_server.url}/open311/v2/requests.json",
            timeout=30,
            data={
                "api_key": token,
                "service_code": code,
                "address_string": place,
                "description": f"Live test {uuid.uuid4()}",
            },
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()[0]["service_request_id"])
    return ids


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(live_server, submitted, fmt):
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)

    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert "fly_tipping" in codes and "speeding" in codes
    fly = next(s for s in services if s["service_code"] == "fly_tipping")
    assert fly["service_name"] == "Fly-tipping and litter" and fly["type"] == "realtime"
    assert fly["metadata"] in (False, "false")

    definition = client.get_service_definition("fly_tipping")
    assert definition["service_code"] == "fly_tipping"
    assert definition["attributes"] in ([], None)  # xmltodict reads an empty element as None

    listed = client.get_service_requests(service_request_id=",".join(submitted))
    listed = listed if isinstance(listed, list) else [listed]
    by_id = {r["service_request_id"]: r for r in listed}
    assert set(by_id) == set(submitted)
    brotton = by_id[submitted[0]]
    assert brotton["service_code"] == "fly_tipping" and brotton["status"] == "open"
    assert brotton["address"] == "Brotton" and brotton["description"] == "Fly-tipping and litter"
    assert brotton["agency_responsible"]  # the lead team's name, or "OPCC triage"

    recent = client.get_service_requests(service_code="speeding", status="open")
    recent = recent if isinstance(recent, list) else [recent]
    assert submitted[1] in {r["service_request_id"] for r in recent}

    one = client.get_service_request(submitted[1])
    assert one["service_request_id"] == submitted[1] and one["service_name"] == "Speeding and road safety"
    assert float(one["lat"]) == round(float(one["lat"]), 3)  # rounded to about 100 m


def test_georeport_sees_http_errors(live_server, submitted):
    client = GeoReport(f"{live_server.url}/open311/v2", output_format="json")
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_definition("no_such_service")
    assert caught.value.response.status_code == 404
    assert caught.value.response.json()[0]["code"] == 404
