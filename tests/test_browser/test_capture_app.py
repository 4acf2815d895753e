"""The phone capture app in headless Chromium at 360x740, against the live server.

The live server's database is shared by all browser tests and really committed, so each
test makes its own officer, venue and texts and counts only its own rows."""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.concerns.models import Category, Concern, Meeting
from engage.concerns.schemas import page_contract
from engage.extensions import db
from engage.geography.models import Ward
from tests.live import live_count, live_user_with_token

PASSWORD = "capture test password"
CENTRAL, NEWPORT = "E05009857", "E05009866"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    """A fresh browser profile the size of a phone (so a fresh service worker and
    IndexedDB), which may reach only the live server."""
    context = browser.new_context(
        viewport=PHONE,
        locale="en-GB",
        timezone_id="Europe/London",
        permissions=["geolocation"],
        geolocation={"longitude": -1.2345, "latitude": 54.5742},
    )

    def guard(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        return route.abort()

    context.route("**/*", guard)
    yield context
    context.close()


def open_capture(context, live_server):
    """Log in through the real form as a new officer; returns the page at /capture."""
    email, _ = live_user_with_token(live_server, "officer", password=PASSWORD)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    # A Content-Security-Policy refusal (an inline style, say) is only a console message.
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.errors.append(msg.text))
    page.goto(f"{live_server.url}/login?next=/capture")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/capture")
    wait_ready(page)
    page.email = email
    return page


def wait_ready(page):
    page.locator("#capture[data-ready=true]").wait_for(state="attached")


def wait_for_worker(page):
    """The worker has cached the shell and controls the page: safe to go offline."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def status(page):
    return page.locator("#sync-status")


def start_meeting(page, ward=CENTRAL, venue=None):
    venue = venue or f"Hall {uuid.uuid4().hex[:6]}"
    page.get_by_label("Ward", exact=True).select_option(ward)
    page.get_by_label("Venue").fill(venue)
    page.get_by_label("Attendance").fill("23")
    page.get_by_role("button", name="Start meeting").click()
    expect(page.locator("#concern-screen")).to_be_visible()
    return venue


def save_concern(page, category, text):
    """The practised officer's three taps: a category, the text box (focused for them
    by the category tap) and Save."""
    page.get_by_role("radio", name=category, exact=True).click()
    expect(page.get_by_label("What was raised")).to_be_focused()
    page.keyboard.type(text)
    page.get_by_role("button", name="Save concern").click()
    # Ready for the next one at once: category cleared, focus back on Category.
    expect(page.locator("#concern-description")).to_have_value("")
    expect(page.locator("input[name=category]:checked")).to_have_count(0)
    expect(page.locator("input[name=category]").first).to_be_focused()


def save_concern_where_i_stand(page, category, text):
    """A concern placed by the phone's position, located on the phone before saving;
    returns the ward name it showed."""
    page.get_by_role("radio", name=category).click()
    page.keyboard.type(text)
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#place-summary")).to_contain_text("(from your location")
    located = page.locator("#place-summary").inner_text().split(",")[0]
    page.get_by_role("button", name="Save concern").click()
    return located


def expect_sent(page, text, count=1):
    """The list shows the concern as accepted by the server (not merely "All saved",
    which is also true for a moment before a new entry is counted)."""
    item = page.locator("#saved-list li", has_text=text)
    expect(item.locator(".cap-badge", has_text=re.compile("^Sent"))).to_have_count(count, timeout=10000)
    expect(status(page)).to_have_text("All saved")


def meeting_id(page):
    return page.evaluate("idb.openDB('engage-capture').then(db => db.get('meta', 'current-meeting'))")


def stored_concerns(live_server, texts):
    with live_server.app.app_context():
        rows = db.session.scalars(sa.select(Concern).where(Concern.description.in_(texts))).all()
        return {
            c.description: (c.ward.code if c.ward else None, c.meeting_id, c.needs_review, c.category.code)
            for c in rows
        }


@contextlib.contextmanager
def requests_seen(live_server):
    """Every path the live server is asked for meanwhile (to prove the phone was offline)."""
    seen = []
    original = live_server.app.wsgi_app

    def spy(environ, start_response):
        seen.append(environ.get("PATH_INFO"))
        return original(environ, start_response)

    live_server.app.wsgi_app = spy
    try:
        yield seen
    finally:
        live_server.app.wsgi_app = original


def test_online_a_meeting_and_three_concerns_reach_the_database_once_each(phone, live_server):
    page = open_capture(phone, live_server)
    expect(status(page)).to_have_text("All saved")
    venue = start_meeting(page)
    mid = meeting_id(page)
    tag = uuid.uuid4().hex[:8]
    texts = [f"Quad bikes on the field {tag}", f"Cars racing at night {tag}", f"Fly-tipping by the garages {tag}"]

    save_concern(page, "Off-road motorbikes and quads", texts[0])
    expect(page.locator("#undo-text")).to_have_text("Saved: Off-road motorbikes and quads.")

    # Another ward, picked from the list.
    page.get_by_role("radio", name="Speeding and road safety").click()
    page.keyboard.type(texts[1])
    page.get_by_text("Grid reference, another ward or the map").click()
    page.get_by_label("Pick another ward").select_option(NEWPORT)
    expect(page.locator("#place-summary")).to_contain_text("Newport, Middlesbrough (chosen ward)")
    page.get_by_role("button", name="Save concern").click()

    # Where the officer stands, located on the phone before saving.
    located = save_concern_where_i_stand(page, "Fly-tipping and litter", texts[2])

    for text in texts:
        expect_sent(page, text)
    stored = stored_concerns(live_server, texts)
    assert live_count(live_server, Meeting, id=mid) == 1
    assert all(live_count(live_server, Concern, description=t) == 1 for t in texts)
    assert stored[texts[0]][:3] == (CENTRAL, mid, False)
    assert stored[texts[1]][0] == NEWPORT
    with live_server.app.app_context():
        gps_ward = db.session.scalar(
            sa.select(Ward.name).join(Concern, Concern.ward_id == Ward.id).where(Concern.description == texts[2])
        )
    assert gps_ward == located  # the phone showed the ward the server then found

    # Ending the meeting: the next one starts in the same ward, today, and this one can be reopened.
    page.get_by_role("button", name="End meeting").click()
    expect(page.get_by_label("Ward", exact=True)).to_have_value(CENTRAL)
    expect(page.get_by_label("Date")).to_have_value(date.today().isoformat())
    page.locator("#recent-list li", has_text=venue).get_by_role("button", name=re.compile("^Continue")).click()
    expect(page.locator("#saved-list li")).to_have_count(3)
    assert page.errors == []


def test_offline_entries_survive_a_reload_and_are_sent_once_when_back_online(phone, live_server):
    page = open_capture(phone, live_server)
    wait_for_worker(page)
    tag = uuid.uuid4().hex[:8]
    texts = [f"Drug dealing from a car {tag}", f"No police seen for weeks {tag}", f"Youths on the roofs {tag}"]
    with requests_seen(live_server) as seen:
        phone.set_offline(True)
        expect(page.locator("#net-state")).to_be_visible()
        start_meeting(page)
        mid = meeting_id(page)
        save_concern(page, "Drugs and drug dealing", texts[0])
        save_concern(page, "Lack of visible policing", texts[1])
        save_concern(page, "Youth antisocial behaviour", texts[2])
        expect(status(page)).to_have_text("4 waiting to send")
        expect(page.locator("#sync-detail")).to_contain_text("1 meeting and 3 concerns kept safe on this phone")

        page.reload()  # still offline: the service worker serves the page
        wait_ready(page)
        expect(status(page)).to_have_text("4 waiting to send")
        expect(page.locator("#saved-list .cap-badge", has_text="Waiting to send")).to_have_count(3)
        expect(page.locator("#meeting-ward-name")).to_have_text("Central")
        assert seen == [], f"the phone reached the server while offline: {seen}"
        assert live_count(live_server, Meeting, id=mid) == 0

    phone.set_offline(False)
    expect(status(page)).to_have_text("All saved", timeout=15000)
    for text in texts:
        expect_sent(page, text)
    assert live_count(live_server, Meeting, id=mid) == 1
    stored = stored_concerns(live_server, texts)
    assert all(live_count(live_server, Concern, description=t) == 1 for t in texts)
    assert {ward for ward, *_ in stored.values()} == {CENTRAL}
    assert {m for _, m, *_ in stored.values()} == {mid}
    assert page.errors == []


def test_done_when_a_meeting_and_five_concerns_survive_a_cut_midway(phone, live_server):
    """The issue's test of done, as an officer would do it: a meeting and five concerns
    in under two minutes, the network cut in the middle, the page reloaded, the network
    back, and every concern on the server once, in the right ward."""
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.locating import locate_grid_reference

    page = open_capture(phone, live_server)
    wait_for_worker(page)
    began = time.monotonic()
    start_meeting(page)
    mid = meeting_id(page)
    tag = uuid.uuid4().hex[:8]
    texts = [
        f"Quads on the playing field {tag}",
        f"Rubbish dumped behind the shops {tag}",
        f"Cars speeding past the school {tag}",
        f"Dealing from the bus shelter {tag}",
        f"Youths throwing stones at buses {tag}",
    ]

    save_concern(page, "Off-road motorbikes and quads", texts[0])  # the meeting's ward
    located = save_concern_where_i_stand(page, "Fly-tipping and litter", texts[1])
    expect_sent(page, texts[1])

    phone.set_offline(True)  # the signal goes
    expect(page.locator("#net-state")).to_be_visible()
    page.get_by_role("radio", name="Speeding and road safety").click()
    page.keyboard.type(texts[2])
    page.get_by_text("Grid reference, another ward or the map").click()
    page.get_by_label("Pick another ward").select_option(NEWPORT)
    page.get_by_role("button", name="Save concern").click()
    page.get_by_role("radio", name="Drugs and drug dealing").click()
    page.keyboard.type(texts[3])
    page.get_by_text("Grid reference, another ward or the map").click()
    page.get_by_label("Grid reference").fill("NZ 4966 1942")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#place-summary")).to_contain_text("(from the grid reference)")
    page.get_by_role("button", name="Save concern").click()
    save_concern(page, "Youth antisocial behaviour", texts[4])
    expect(status(page)).to_have_text("3 waiting to send")

    page.reload()  # still offline
    wait_ready(page)
    expect(status(page)).to_have_text("3 waiting to send")
    phone.set_offline(False)
    expect(status(page)).to_have_text("All saved", timeout=15000)
    for text in texts:
        expect_sent(page, text)
    took = time.monotonic() - began
    assert took < 120, f"{took:.0f} s"

    with live_server.app.app_context():
        grid_ward = locate_grid_reference(current_boundary_set(), "NZ 4966 1942").ward_code
        located_code = db.session.scalar(sa.select(Ward.code).where(Ward.name == located))
    stored = stored_concerns(live_server, texts)
    assert all(live_count(live_server, Concern, description=t) == 1 for t in texts)
    assert {m for _, m, *_ in stored.values()} == {mid}
    assert [stored[t][0] for t in texts] == [CENTRAL, located_code, NEWPORT, grid_ward, CENTRAL]
    assert page.errors == []


def test_a_long_queue_is_sent_a_few_entries_at_a_time(phone, live_server):
    """Over a hall's mobile signal every answer takes a round trip: a queue sent one by
    one waits for each in turn. The phone keeps up to 3 on their way at once (no more,
    leaving the browser's other connections to the page), each stored once."""
    import threading

    page = open_capture(phone, live_server)
    wait_for_worker(page)
    tag = uuid.uuid4().hex[:8]
    texts = [f"Speeding on Acklam Road {i} {tag}" for i in range(7)]
    phone.set_offline(True)
    expect(page.locator("#net-state")).to_be_visible()
    start_meeting(page)
    for text in texts:
        save_concern(page, "Speeding and road safety", text)
    expect(status(page)).to_have_text("8 waiting to send")

    lock, in_flight, most = threading.Lock(), [0], [0]
    original = live_server.app.wsgi_app

    def slow_link(environ, start_response):
        # Each concern's answer takes 0.4 s, as over a poor mobile signal.
        if environ.get("PATH_INFO") != "/api/v1/concerns" or environ.get("REQUEST_METHOD") != "POST":
            return original(environ, start_response)
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            time.sleep(0.4)
            return list(original(environ, start_response))
        finally:
            with lock:
                in_flight[0] -= 1

    live_server.app.wsgi_app = slow_link
    try:
        began = time.monotonic()
        phone.set_offline(False)
        expect(status(page)).to_have_text("All saved", timeout=20000)
        took = time.monotonic() - began
    finally:
        live_server.app.wsgi_app = original
    assert most[0] == 3, f"at most {most[0]} concerns were on their way at once"
    assert took < 7 * 0.4, f"7 concerns took {took:.1f} s: sent one by one"
    assert all(live_count(live_server, Concern, description=t) == 1 for t in texts)
    assert page.errors == []


def test_a_refused_entry_is_kept_shown_and_can_be_fixed(phone, live_server):
    code = f"t_{uuid.uuid4().hex[:8]}"
    with live_server.app.app_context():
        db.session.add(Category(code=code, label=f"Test topic {code}", is_active=True, sort_order=5))
        db.session.commit()
    page = open_capture(phone, live_server)
    start_meeting(page)
    expect(status(page)).to_have_text("All saved")
    text = f"Something the office stopped recording {code}"
    phone.set_offline(True)
    save_concern(page, f"Test topic {code}", text)
    with live_server.app.app_context():  # an admin retires the category meanwhile
        db.session.execute(sa.update(Category).where(Category.code == code).values(is_active=False))
        db.session.commit()
    phone.set_offline(False)

    item = page.locator("#saved-list li", has_text=text)
    expect(item.locator(".cap-badge")).to_have_text("Needs fixing")
    expect(item).to_contain_text(f"unknown category '{code}'")
    expect(status(page)).to_have_text("1 waiting to send")
    expect(page.locator("#sync-detail")).to_contain_text("1 needs fixing")
    assert live_count(live_server, Concern, description=text) == 0

    item.get_by_role("button", name=re.compile("^Fix")).click()
    expect(page.locator("#category-error")).to_contain_text("unknown category")
    expect(page.get_by_role("radio", name=f"Test topic {code}")).to_have_count(0)  # gone from the list now
    page.get_by_role("radio", name="Other", exact=True).click()
    page.get_by_role("button", name="Save changes").click()
    expect_sent(page, text)
    assert stored_concerns(live_server, [text])[text][3] == "other"
    assert page.errors == []


def test_an_expired_session_keeps_the_queue_and_asks_to_log_in_again(phone, live_server):
    page = open_capture(phone, live_server)
    start_meeting(page)
    expect(status(page)).to_have_text("All saved")
    wait_for_worker(page)  # its install fetches would bring the cookie back
    session_ends(phone)
    text = f"Parking on the zigzags {uuid.uuid4().hex[:8]}"
    save_concern(page, "Parking", text)
    prompt = page.get_by_role("link", name="Log in again to send 1 waiting")
    expect(prompt).to_be_visible()
    expect(status(page)).to_have_text("1 waiting to send")
    assert prompt.get_attribute("href") == "/login?next=/capture"

    prompt.click()
    page.get_by_label("Email").fill(page.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/capture")
    expect_sent(page, text)
    assert live_count(live_server, Concern, description=text) == 1


def test_the_last_concern_can_be_undone_or_edited(phone, live_server):
    page = open_capture(phone, live_server)
    start_meeting(page)
    tag = uuid.uuid4().hex[:8]

    # Sent, then undone: deleted on the server.
    save_concern(page, "Burglary and theft", f"Sheds broken into {tag}")
    expect_sent(page, f"Sheds broken into {tag}")
    assert live_count(live_server, Concern, description=f"Sheds broken into {tag}") == 1
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#undo-text")).to_contain_text("Undone")
    expect(page.locator("#saved-empty")).to_be_visible()
    page.wait_for_function(f"""fetch('/api/v1/concerns?meeting=' + {meeting_id(page)!r}).then(r => r.json())
                              .then(b => b.concerns.length === 0)""")
    # The page's fetch may be answered before the phone's DELETE has reached the server
    # (it goes through the phone's queue): wait for the server's copy to go.
    deadline = time.monotonic() + 10
    while live_count(live_server, Concern, description=f"Sheds broken into {tag}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_count(live_server, Concern, description=f"Sheds broken into {tag}") == 0

    # Saved offline, then undone: never sent at all.
    phone.set_offline(True)
    save_concern(page, "Vehicle crime", f"Catalytic converters {tag}")
    expect(status(page)).to_have_text("1 waiting to send")
    page.get_by_role("button", name="Undo").click()
    expect(status(page)).to_have_text("All saved")
    phone.set_offline(False)

    # Sent, then edited: the server's copy changes.
    save_concern(page, "Speeding and road safety", f"Speeding on Marton Road {tag}")
    expect_sent(page, f"Speeding on Marton Road {tag}")
    page.locator("#undo-bar").get_by_role("button", name="Edit").click()
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    page.get_by_label("What was raised").fill(f"Speeding on Marton Road, mostly at school time {tag}")
    page.get_by_role("radio", name="High").check()
    page.get_by_role("button", name="Save changes").click()
    expect_sent(page, "mostly at school time")
    with live_server.app.app_context():
        stored = db.session.scalar(sa.select(Concern).where(Concern.description.like(f"%{tag}")))
        assert stored.description.startswith("Speeding on Marton Road, mostly") and stored.priority == "high"
    assert live_count(live_server, Concern, description=f"Catalytic converters {tag}") == 0
    assert page.errors == []


def test_the_description_box_stops_at_what_the_server_stores(phone, live_server):
    """A long note pasted in is cut at the API's limit on the phone, so it is stored
    rather than refused after the meeting, when the resident has gone home."""
    limit = page_contract()["concern"]["maxLength"]["description"]
    page = open_capture(phone, live_server)
    start_meeting(page)
    tag = uuid.uuid4().hex[:8]
    kept = f"Long note {tag} " + "n" * (limit - len(f"Long note {tag} "))

    page.get_by_role("radio", name="Drugs and drug dealing").click()
    page.get_by_label("What was raised").fill(kept + "cut off by the box")
    expect(page.get_by_label("What was raised")).to_have_value(kept)
    page.get_by_role("button", name="Save concern").click()

    expect_sent(page, f"Long note {tag}")
    assert live_count(live_server, Concern, description=kept) == 1
    assert page.errors == []


def test_where_a_concern_is_shown_before_saving_and_outside_points_are_kept(phone, live_server):
    page = open_capture(phone, live_server)
    start_meeting(page)
    # The phone's grid reference arithmetic and ward outlines agree with the server.
    lonlat = page.evaluate("import('/static/js/capture/geo.js').then(g => g.gridRefToLonLat('NZ 4966 1942'))")
    from geodata import bng_to_wgs84, parse_grid_reference

    expected = bng_to_wgs84(*parse_grid_reference("NZ 4966 1942"))
    assert abs(lonlat[0] - expected[0]) < 1e-6 and abs(lonlat[1] - expected[1]) < 1e-6

    page.get_by_text("Grid reference, another ward or the map").click()
    page.get_by_label("Grid reference").fill("NZ 4966 1942")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#place-summary")).to_contain_text("(from the grid reference)")
    page.get_by_label("Grid reference").fill("XX 12")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#grid-ref-error")).to_be_visible()
    page.get_by_label("Grid reference").fill("")
    page.get_by_role("button", name="Use the meeting ward").click()

    # The map of the meeting ward and its neighbours: a tap sets the place.
    expect(page.locator("#place-map path.leaflet-interactive").first).to_be_visible()
    page.locator("#place-map").click()
    expect(page.locator("#place-summary")).to_contain_text("Central, Middlesbrough (from the map)")

    # Out at sea: warned, but saved and flagged for review.
    phone.set_geolocation({"longitude": -0.9, "latitude": 54.75})
    page.get_by_role("radio", name="Other", exact=True).click()
    text = f"Seen from the cliff path {uuid.uuid4().hex[:8]}"
    page.keyboard.type(text)
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#place-warning")).to_contain_text("It will still be saved")
    page.get_by_role("button", name="Save concern").click()
    expect(page.locator("#saved-list li", has_text=text).locator(".cap-badge")).to_have_text("Sent · to be checked")
    ward, _, needs_review, _ = stored_concerns(live_server, [text])[text]
    assert ward is None and needs_review is True
    assert page.errors == []


def test_the_manifest_and_worker_make_it_installable(live_server):
    import json
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/capture/manifest.webmanifest") as response:
        manifest = json.loads(response.read())
        assert response.headers["Content-Type"].startswith("application/manifest+json")
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        "engage capture",
        "/capture",
        "standalone",
    )
    for icon in manifest["icons"]:
        with urllib.request.urlopen(live_server.url + icon["src"]) as response:
            assert response.status == 200
    with urllib.request.urlopen(f"{live_server.url}/sw.js") as response:
        source = response.read().decode()
        assert response.headers["Service-Worker-Allowed"] == "/"
        assert "no-cache" in response.headers["Cache-Control"]
    config = json.loads(re.search(r"const CAPTURE = (\{.*\});", source).group(1))
    # Every file the worker precaches exists (one missing file would fail the install).
    # The page itself needs a log-in, so it is checked by the browser tests instead.
    for url in config["shell"]:
        if url != "/capture":
            with urllib.request.urlopen(live_server.url + url) as response:
                assert response.status == 200, url
    assert set(config["data"]) == {"/api/v1/categories", "/api/wards", "/api/v1/wards"}


@contextlib.contextmanager
def answers_lost(live_server, path, times=1):
    """The server stores what is posted to `path`, but the phone gets a 503 instead of
    the answer (a proxy timing out, a dropped connection): the worst case for duplicates."""
    left = {"n": times}
    original = live_server.app.wsgi_app

    def wrapper(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == path and left["n"] > 0:
            left["n"] -= 1
            body = original(environ, lambda status, headers, exc_info=None: None)
            b"".join(body)
            getattr(body, "close", lambda: None)()
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": "the answer was lost"}']
        return original(environ, start_response)

    live_server.app.wsgi_app = wrapper
    try:
        yield left
    finally:
        live_server.app.wsgi_app = original


def test_a_lost_answer_is_retried_with_backoff_and_stored_once(phone, live_server):
    page = open_capture(phone, live_server)
    start_meeting(page)
    expect(status(page)).to_have_text("All saved")
    text = f"Bins set alight on Friday nights {uuid.uuid4().hex[:8]}"
    with answers_lost(live_server, "/api/v1/concerns") as left:
        save_concern(page, "Fire setting and arson", text)
        expect(page.locator("#sync-detail")).to_contain_text("Trying again at")
        expect(status(page)).to_have_text("1 waiting to send")
        assert left["n"] == 0 and live_count(live_server, Concern, description=text) == 1
        expect_sent(page, text)  # the retry, about 2 s later, is answered 200: already stored
    assert live_count(live_server, Concern, description=text) == 1
    assert page.errors == []


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/login?next=/capture")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/capture")
    wait_ready(page)


def session_ends(phone):
    """Drop the session cookie while offline, so no answer still on its way can set it again."""
    phone.set_offline(True)
    phone.clear_cookies()
    phone.set_offline(False)


def test_on_a_shared_phone_entries_are_sent_only_as_the_officer_who_saved_them(phone, live_server):
    page = open_capture(phone, live_server)
    first = page.email
    wait_for_worker(page)
    phone.set_offline(True)
    start_meeting(page)
    text = f"Motorbikes on the beck path {uuid.uuid4().hex[:8]}"
    save_concern(page, "Off-road motorbikes and quads", text)
    expect(status(page)).to_have_text("2 waiting to send")

    phone.clear_cookies()  # the first officer's session has gone; a colleague logs in
    phone.set_offline(False)
    second, _ = live_user_with_token(live_server, "officer", password=PASSWORD)
    log_in(page, live_server, second)
    expect(page.locator("#sync-detail")).to_contain_text(f"Some were saved by {first}")
    expect(status(page)).to_have_text("2 waiting to send")
    assert live_count(live_server, Concern, description=text) == 0

    session_ends(phone)
    log_in(page, live_server, first)
    expect_sent(page, text)
    with live_server.app.app_context():
        from engage.accounts.models import User

        stored = db.session.scalar(sa.select(Concern).where(Concern.description == text))
        assert db.session.get(User, stored.created_by_id).email == first
    assert page.errors == []


def phone_id_of(page, text):
    return page.evaluate(
        """(text) => idb.openDB('engage-capture').then((db) => db.getAll('concerns'))
        .then((all) => all.filter((c) => c.data.description === text).map((c) => c.id))""",
        text,
    )


def store_under(live_server, concern_id, email, text):
    """Another entry stored on the server under `concern_id`, by the user `email`."""
    from engage.accounts.models import User
    from engage.concerns.capture import raise_concern

    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        raise_concern({"id": concern_id, "category": "speeding", "description": text, "ward_code": CENTRAL}, user=user)
        db.session.commit()


def test_an_id_taken_on_the_server_is_kept_and_can_be_sent_as_a_new_concern(phone, live_server):
    page = open_capture(phone, live_server)
    start_meeting(page)
    expect(status(page)).to_have_text("All saved")
    tag = uuid.uuid4().hex[:8]
    mine, theirs = f"Dealing behind the chip shop {tag}", f"Drugs left in the bus shelter {tag}"
    phone.set_offline(True)
    save_concern(page, "Drugs and drug dealing", mine)
    save_concern(page, "Drugs and drug dealing", theirs)
    [taken] = phone_id_of(page, mine)
    [hidden] = phone_id_of(page, theirs)
    # Meanwhile the server stores other entries under those ids: one by this officer
    # (so the server says 409), one by a colleague this officer may not see (404).
    other, colleague = f"Cars racing {tag}", f"Someone else's concern {tag}"
    store_under(live_server, taken, page.email, other)
    store_under(live_server, hidden, live_user_with_token(live_server, "officer")[0], colleague)
    phone.set_offline(False)

    item = page.locator("#saved-list li", has_text=mine)
    expect(item.locator(".cap-badge")).to_have_text("Not sent")
    expect(item).to_contain_text("Not sent: a different entry with this id is already stored.")
    hidden_item = page.locator("#saved-list li", has_text=theirs)
    expect(hidden_item.locator(".cap-badge")).to_have_text("Not sent")
    expect(hidden_item).to_contain_text("needs attention")
    expect(status(page)).to_have_text("2 waiting to send")
    expect(page.locator("#sync-detail")).to_contain_text("2 need fixing")
    assert live_count(live_server, Concern, description=mine) == 0
    assert live_count(live_server, Concern, description=theirs) == 0

    item.get_by_role("button", name=re.compile("^Send as a new concern")).click()
    expect(item.locator(".cap-badge", has_text=re.compile("^Sent"))).to_have_count(1, timeout=10000)
    [renewed] = phone_id_of(page, mine)
    assert renewed != taken
    with live_server.app.app_context():
        stored = db.session.scalars(sa.select(Concern).where(Concern.description == mine)).all()
        assert [c.id for c in stored] == [renewed]  # stored once, under the new id
        assert db.session.get(Concern, taken).description == other  # the other entry untouched
        assert db.session.get(Concern, hidden).description == colleague
    # The colleague's id is still held back: kept on the phone, never sent again as it is.
    expect(hidden_item.locator(".cap-badge")).to_have_text("Not sent")
    expect(status(page)).to_have_text("1 waiting to send")
    assert page.errors == []
