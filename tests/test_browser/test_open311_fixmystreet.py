"""FixMyStreet's round trip against the live server (issue #23), over real HTTP: a long
report with a photo sent as FixMyStreet sends it, its updates read back as FixMyStreet
reads them (XML, with xmltodict as georeport does) after the team took no action, a
resident's comment posted back; then the concern's page in a real browser for staff,
with the comment, the photo and the photo address, and axe finding no serious fault.
What the public reads, through georeport, holds none of it."""

from __future__ import annotations

import io
import random
import string
from datetime import UTC, datetime, timedelta

import pytest
import requests
import xmltodict
from georeport import GeoReport
from PIL import Image
from playwright.sync_api import expect

from engage.concerns.models import Concern
from engage.concerns.workflow import change_status
from engage.extensions import db
from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in


def letters(k=8) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=k))


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def report(live_server, monkeypatch):
    """A report sent as FixMyStreet sends one, moved to "no action" by its team, and a
    resident's comment posted back on it."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    _, token = live_user_with_token(live_server, "officer")
    marker = letters()
    detail = f"Bikes racing round the {marker} estate every evening. " * 120
    description = f"title: Off-road bikes\n\ndetail: {detail}\n\nurl: https://fms.example.org/report/1\n"
    response = requests.post(
        f"{live_server.url}/open311/v2/requests.xml",
        timeout=30,
        data={
            "api_key": token,
            "service_code": "off_road_bikes",
            "address_string": "Grangetown ward",
            "description": description,
            "media_url": "https://fms.example.org/photo/1.full.jpeg",
            "first_name": "Jo",
            "last_name": "Bloggs",
            "email": "jo@example.org",
        },
        files={"photo1": ("1.full.jpeg", photo(), "image/jpeg")},
    )
    assert response.status_code == 201, response.text
    request_id = xmltodict.parse(response.content)["service_requests"]["request"]["service_request_id"]
    with live_server.app.app_context():
        concern = db.session.get(Concern, request_id)
        assert concern.description == description.strip() and len(concern.description) > 6000
        change_status(concern, "no_action", "Spoke to the family at number 9", None, "inspector@example.org")
        db.session.commit()
    comment = f"Still racing most nights ({marker})"
    response = requests.post(
        f"{live_server.url}/open311/v2/servicerequestupdates.xml",
        timeout=30,
        data={
            "api_key": token,
            "service_request_id": request_id,
            "update_id": "4242",
            "description": comment,
            "status": "OPEN",
            "updated_datetime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "first_name": "Jo",
            "last_name": "Bloggs",
        },
    )
    assert response.status_code == 201, response.text
    assert xmltodict.parse(response.content)["service_request_updates"]["request_update"]["update_id"]
    return {"id": request_id, "marker": marker, "comment": comment}


def test_fixmystreet_reads_no_further_action_and_nothing_private(live_server, report):
    now = datetime.now(UTC)
    window = {
        "start_date": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "api_key": "",  # FixMyStreet always sends one; it is not needed to read
    }
    response = requests.get(f"{live_server.url}/open311/v2/servicerequestupdates.xml", params=window, timeout=30)
    assert response.status_code == 200
    listed = xmltodict.parse(response.content)["service_requests_updates"]["request_update"]
    listed = listed if isinstance(listed, list) else [listed]
    [update] = [u for u in listed if u["service_request_id"] == report["id"]]
    assert update["status"] == "no_further_action" and update["external_status_code"] == "no_action"
    assert update["description"] is None and update["update_id"].startswith("status-")
    for text in (
        response.text,
        requests.get(f"{live_server.url}/open311/v2/servicerequestupdates.json", timeout=30).text,
    ):
        assert "number 9" not in text and report["marker"] not in text

    for fmt in ("json", "xml"):
        public = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt).get_service_request(report["id"])
        assert public["description"] == "Off-road motorbikes and quads" and public["status"] == "closed"
        assert public["media_url"] is None
        assert report["marker"] not in str(public) and "Bloggs" not in str(public)


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_see_the_comment_photo_and_unfetched_address(page, live_server, report, width):
    page.set_viewport_size({"width": width, "height": 900})
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    page.goto(f"{live_server.url}/inbox/concerns/{report['id']}")
    section = page.locator("#from-residents")
    expect(section.get_by_role("heading", level=2)).to_have_text("From the resident, through FixMyStreet")
    expect(section).to_contain_text(report["comment"])
    expect(section).to_contain_text("the report was open on FixMyStreet")
    expect(section).not_to_contain_text("Bloggs")
    image = section.get_by_role("img", name="Photo 1 sent by the resident")
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()  # loaded lazily
    page.wait_for_function(
        "() => [...document.querySelectorAll('.resident-photos img')].every(i => i.naturalWidth > 0)"
    )
    link = section.get_by_role("link", name="https://fms.example.org/photo/1.full.jpeg")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(section).to_contain_text("Not fetched by engage: opening it contacts an outside site.")
    expect(page.locator("blockquote.raised")).to_contain_text("url: https://fms.example.org/report/1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
