"""The officer's phone, as an officer would try it (issue #18): the save toast on screen
with Edit and Undo, who attended for the police and partners, a meeting started twice
continued rather than doubled, Undo refused once the team acted (and a correction sent
instead), Log out guarded while entries wait, and the map clear of the Save bar."""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.concerns.capture import record_meeting
from engage.concerns.models import Concern, ConcernCorrection, Meeting
from engage.extensions import db
from engage.teams.models import Team
from tests.live import live_count
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_capture_app import (
    CENTRAL,
    expect_sent,
    meeting_id,
    open_capture,
    save_concern,
    start_meeting,
    status,
)

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}


def context_of(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Europe/London")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_server.url) else r.abort())
    return context


@pytest.fixture(params=[PHONE, DESK], ids=["360px", "1280px"])
def screen(request, browser, live_server):
    context = context_of(browser, live_server, request.param)
    yield context
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context = context_of(browser, live_server, PHONE)
    yield context
    context.close()


def box(page, selector):
    return page.locator(selector).bounding_box()


def inside_viewport(page, selector):
    b, view = box(page, selector), page.viewport_size
    return (
        b is not None
        and b["x"] >= 0
        and b["y"] >= 0
        and b["x"] + b["width"] <= view["width"]
        and (b["y"] + b["height"] <= view["height"])
    )


def wait_until(page, check, seconds=10):
    """Polls `check` while Playwright runs: the context's route handler lets the
    phone's requests through only while the test is inside a Playwright call."""
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return check()


def test_the_save_toast_is_on_screen_above_the_save_bar_wherever_the_officer_scrolls(screen, live_server):
    page = open_capture(screen, live_server)
    start_meeting(page)
    save_concern(page, "Parking", f"Vans across the dropped kerbs {uuid.uuid4().hex[:6]}")
    toast = page.locator("#undo-bar")
    expect(page.get_by_role("status").filter(has_text="Saved: Parking.")).to_have_count(1)
    expect(page.locator("#undo-text")).to_have_attribute("aria-live", "polite")
    for where in ("0", "document.documentElement.scrollHeight"):
        page.evaluate(f"window.scrollTo(0, {where})")
        for name in ("Edit", "Undo"):
            expect(toast.get_by_role("button", name=name, exact=True)).to_be_visible()
        assert inside_viewport(page, "#undo-bar")
        assert inside_viewport(page, "#undo-undo") and inside_viewport(page, "#undo-edit")
    # Above the Save bar, never over it.
    page.evaluate("window.scrollTo(0, 0)")
    assert box(page, "#undo-bar")["y"] + box(page, "#undo-bar")["height"] <= box(page, ".cap-save")["y"] + 1
    # It lasts the whole undo window: closing it is the officer's choice.
    assert page.evaluate("Number(document.getElementById('capture').dataset.undoMinutes)") == 15
    toast.get_by_role("button", name="Close this message").click()
    expect(page.locator("#undo-actions")).to_be_hidden()
    assert serious_violations(page) == []
    assert page.errors == []


def test_the_map_is_not_covered_by_the_save_bar_or_the_toast(phone, live_server):
    page = open_capture(phone, live_server)
    start_meeting(page)
    page.get_by_text("Grid reference, another ward or the map").click()
    expect(page.locator("#place-map path.leaflet-interactive").first).to_be_visible()
    page.wait_for_timeout(300)
    assert box(page, "#place-map")["y"] + box(page, "#place-map")["height"] <= box(page, ".cap-save")["y"] + 1

    page.locator("#place-more summary").click()  # closed again
    save_concern(page, "Parking", f"Parked on the verge {uuid.uuid4().hex[:6]}")
    page.get_by_text("Grid reference, another ward or the map").click()
    expect(page.locator("#place-map path.leaflet-interactive").first).to_be_visible()
    page.wait_for_timeout(300)
    assert box(page, "#place-map")["y"] + box(page, "#place-map")["height"] <= box(page, "#undo-bar")["y"] + 1


def test_who_attended_for_police_and_partners_is_recorded(phone, live_server):
    code = f"P-{uuid.uuid4().hex[:6].upper()}"
    with live_server.app.app_context():
        db.session.add(Team(code=code, name=f"Thirteen Housing {code}", kind="partner"))
        db.session.commit()
    page = open_capture(phone, live_server)
    page.get_by_text("Who attended for police and partners").click()
    page.get_by_label(f"Thirteen Housing {code}").check()
    expect(page.locator("#meeting-who-count")).to_have_text("(1 team)")
    page.get_by_label("Anyone else for the police or partners").fill("PCSO Ahmed, Fire service")
    expect(page.get_by_label("The Commissioner attended")).to_be_attached()
    assert serious_violations(page) == []
    start_meeting(page)
    mid = meeting_id(page)
    assert wait_until(page, lambda: live_count(live_server, Meeting, id=mid) == 1)
    with live_server.app.app_context():
        stored = db.session.get(Meeting, mid)
        assert [t.code for t in stored.teams] == [code] and stored.police_partners == "PCSO Ahmed, Fire service"


def server_meeting(live_server, day, venue) -> str:
    """A meeting a colleague's phone already recorded."""
    with live_server.app.app_context():
        made, _ = record_meeting({"id": str(uuid.uuid4()), "ward_codes": [CENTRAL], "date": day, "venue": venue})
        db.session.commit()
        return made.id


def test_a_meeting_on_the_server_is_continued_not_doubled(phone, live_server):
    page = open_capture(phone, live_server)
    venue = f"St Hilda's Hall {uuid.uuid4().hex[:6]}"
    day = page.get_by_label("Date").input_value()
    existing = server_meeting(live_server, day, venue)

    start = page.get_by_role("button", name="Start meeting")
    page.get_by_label("Ward", exact=True).select_option(CENTRAL)
    page.get_by_label("Venue").fill(f"  {venue.upper()} ")
    start.click()
    expect(page.get_by_role("heading", name="Continue that meeting?")).to_be_visible()
    expect(page.locator("#meeting-same-text")).to_contain_text("already recorded")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Continue that meeting").click()
    expect(page.locator("#concern-screen")).to_be_visible()
    assert meeting_id(page) == existing

    text = f"Drug dealing by the shops {uuid.uuid4().hex[:6]}"
    save_concern(page, "Drugs and drug dealing", text)
    expect_sent(page, text)
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(Concern.meeting_id).where(Concern.description == text)) == existing
    assert live_count(live_server, Meeting, venue=venue) == 1

    # Ended and started again on this phone: the phone's own copy is offered.
    page.get_by_role("button", name="End meeting").click()
    page.get_by_label("Venue").fill(venue)
    start.click()
    expect(page.locator("#meeting-same-text")).to_contain_text("already on this phone")
    page.get_by_role("button", name="Continue that meeting").click()
    expect(page.locator("#saved-list li")).to_have_count(1)
    assert page.errors == []


def test_a_meeting_started_offline_that_the_server_has_is_continued_when_sent(phone, live_server):
    page = open_capture(phone, live_server)
    venue = f"Acklam Library {uuid.uuid4().hex[:6]}"
    day = page.get_by_label("Date").input_value()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    start_meeting(page, venue=venue)  # the phone cannot ask
    local = meeting_id(page)
    existing = server_meeting(live_server, day, venue)  # a colleague's phone got there first
    text = f"Speeding on Green Lane {uuid.uuid4().hex[:6]}"
    save_concern(page, "Speeding and road safety", text)
    expect(status(page)).to_have_text("2 waiting to send")
    phone.set_offline(False)

    expect_sent(page, text)
    expect(page.locator("#meeting-notice")).to_contain_text("already recorded")
    assert meeting_id(page) == existing != local
    assert live_count(live_server, Meeting, venue=venue) == 1
    assert live_count(live_server, Meeting, id=local) == 0
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(Concern.meeting_id).where(Concern.description == text)) == existing
    assert page.errors == []


def test_undo_refused_after_the_team_acted_says_so_and_offers_a_correction(phone, live_server):
    page = open_capture(phone, live_server)
    start_meeting(page)
    text = f"Graffiti on the underpass {uuid.uuid4().hex[:6]}"
    save_concern(page, "Youth antisocial behaviour", text)
    expect_sent(page, text)
    with live_server.app.app_context():  # the inspector acknowledges it meanwhile
        db.session.execute(sa.update(Concern).where(Concern.description == text).values(status="acknowledged"))
        db.session.commit()

    held = []
    page.route(
        "**/api/v1/concerns/*",
        lambda route: held.append(route) if route.request.method == "DELETE" else route.continue_(),
    )
    page.locator("#undo-bar").get_by_role("button", name="Undo", exact=True).click()
    expect(page.locator("#undo-text")).to_have_text("Undoing…")  # not "Undone" before the server answers
    assert wait_until(page, lambda: held)
    held[0].continue_()

    expect(page.locator("#undo-text")).to_contain_text("Not undone: the team has already acted")
    assert inside_viewport(page, "#undo-bar")
    page.locator("#undo-bar").get_by_role("button", name="Add a correction").click()
    dialog = page.get_by_role("dialog", name="Add a correction")
    expect(dialog).to_be_visible()
    assert serious_violations(page) == []
    dialog.get_by_label("What should the team know?").fill("It is the underpass by the station, not the park")
    dialog.get_by_role("button", name="Send correction").click()
    expect(page.locator("#saved-list li", has_text=text)).to_contain_text("Your correction was sent", timeout=10000)
    with live_server.app.app_context():
        concern = db.session.scalar(sa.select(Concern).where(Concern.description == text))
        assert concern.status == "acknowledged"  # the team's work stands
        notes = db.session.scalars(sa.select(ConcernCorrection.text).where(ConcernCorrection.concern_id == concern.id))
        assert list(notes) == ["It is the underpass by the station, not the park"]
    assert page.errors == []


def test_log_out_with_entries_waiting_asks_and_offline_it_is_off(phone, live_server):
    page = open_capture(phone, live_server)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    logout = page.locator("header").get_by_role("button", name="Log out")
    assert serious_violations(page) == []  # axe loaded while there is signal

    phone.set_offline(True)
    expect(logout).to_be_disabled()
    expect(page.locator("#logout-offline")).to_be_visible()
    expect(page.locator("#logout-offline")).to_contain_text("You're offline: log out when you have signal")
    start_meeting(page)
    text = f"Dog fouling on the green {uuid.uuid4().hex[:6]}"
    save_concern(page, "Other", text)
    assert serious_violations(page) == []

    # Back online, but the server does not take them (yet): they wait.
    page.route("**/api/v1/meetings", lambda route: route.abort())
    phone.set_offline(False)
    expect(logout).to_be_enabled()
    expect(page.locator("#logout-offline")).to_be_hidden()
    expect(status(page)).to_have_text("2 waiting to send")
    logout.click()
    dialog = page.get_by_role("dialog", name="Log out with entries waiting?")
    expect(dialog).to_contain_text("2 entries are waiting to send. They stay on this phone")
    assert serious_violations(page) == []
    dialog.get_by_role("button", name="Stay logged in").click()
    expect(dialog).to_be_hidden()
    assert page.url.endswith("/capture")

    logout.click()
    dialog.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login**")
    kept = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('engage-capture');
        open.onsuccess = () => { const r = open.result.transaction('concerns').objectStore('concerns').count();
                                 r.onsuccess = () => resolve(r.result); };
    })""")
    assert kept == 1
