"""The ward brief on the officer's phone, offline (issue #21), as the issue's "done when"
tries it: staff plan a meeting in Grangetown; the officer opens it on a 360 px phone, the
signal goes, the page is reloaded and the brief still reads; two items are marked
(satisfied, and not satisfied with the residents' note); back online both marks reach
the server once each, and the not-satisfied concern is open again for its lead team with
the note in its history. axe finds no serious fault on the brief.

With ENGAGE_SCREENSHOT_DIR set, the two screenshots in docs/ward-brief.md are written
there (brief-phone-offline.png, brief-phone-marked.png)."""

from __future__ import annotations

import os
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from engage.concerns.capture import raise_concern, record_meeting
from engage.concerns.models import Concern, ReportBack, StatusChange
from engage.concerns.workflow import OPEN_STATUSES, change_status
from engage.extensions import db
from engage.notify.models import OutboxMessage
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_capture_app import open_capture, status, wait_for_worker, wait_ready
from tests.test_browser.test_capture_phone import phone, wait_until  # noqa: F401  (the 360 px fixture)
from tests.test_browser.test_ward_brief_page import GRANGETOWN

ITEMS = (
    ("speeding", "Cars race down Bolckow Road after school", "Speed checks on Tuesdays and Thursdays"),
    ("youth_asb", "Teenagers gathering at the shops on Birchington Avenue", "Patrols on Friday evenings"),
    ("drugs", "Dealing behind the community centre", "Two arrests and a closure order"),
)


def letters() -> str:
    return "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])


def plan_and_raise(live_server):
    """A planned meeting (staff: no officer made it) and three concerns acted on."""
    from engage.teams.models import Team
    from tests.conftest import make_team

    tag = letters()
    with live_server.app.app_context():
        team_code = f"INT-GT{tag[:4].upper()}"
        make_team(team_code, ward_codes=(GRANGETOWN,), lad_code="E06000003")
        meeting, _ = record_meeting(
            {
                "id": str(uuid.uuid4()),
                "ward_codes": [GRANGETOWN],
                "date": (date.today() + timedelta(days=2)).isoformat(),
                "venue": "Grangetown Community Centre",
                "status": "planned",
            }
        )
        ids = []
        for category, text, did in ITEMS:
            c, _ = raise_concern(
                {"id": str(uuid.uuid4()), "ward_code": GRANGETOWN, "category": category, "description": text},
                notify=False,
            )
            change_status(c, "action_taken", did, None, "inspector@example.org")
            ids.append(c.id)
        db.session.commit()
        team_id = db.session.scalar(sa.select(Team.id).where(Team.code == team_code))
        return meeting.id, ids, team_id


def shot(page, name):
    folder = os.environ.get("ENGAGE_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=Path(folder) / name)


def test_the_brief_reads_offline_and_two_marks_reach_the_server(phone, live_server):  # noqa: F811
    meeting_id, (first, second, third), team_id = plan_and_raise(live_server)
    page = open_capture(phone, live_server)
    wait_for_worker(page)
    open_button = page.locator(f'button[data-brief="{meeting_id}"]')
    expect(open_button).to_be_visible()
    expect(open_button).to_have_accessible_name(re.compile(r"^Open the brief for Grangetown, "))
    open_button.click()
    expect(page.locator("#brief-status")).to_contain_text("Brief downloaded")

    # The signal goes; the page is loaded again from the phone, and so is the brief.
    phone.set_offline(True)
    page.reload()
    wait_ready(page)
    page.locator(f'button[data-brief="{meeting_id}"]').click()
    expect(page.locator("#brief-status")).to_contain_text("No signal: this is the brief downloaded")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grangetown")
    item = page.locator(f'li[data-concern="{second}"]')
    expect(item).to_contain_text("Patrols on Friday evenings")
    expect(item).to_contain_text("Action taken")
    # Other tests may raise concerns in Grangetown too (one live server): the shape, not the figures.
    expect(page.locator(".cap-brief-themes")).to_contain_text(
        re.compile(r"Youth antisocial behaviour: \d+ \(\d+%; authority \d+%, Cleveland \d+%\)")
    )
    expect(page.get_by_role("heading", name="You said, we did (last published)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "brief-phone-offline.png")

    # Two items marked, one tap each; the second with the residents' note.
    page.locator(f'button[data-concern="{first}"][data-view="satisfied"]').click()
    item.get_by_label("Residents' note (optional, before the tap)").fill("Still there every night")
    item.get_by_role("button", name="Not satisfied").click()
    expect(status(page)).to_have_text("2 waiting to send")
    expect(item.locator(".cap-mark")).to_contain_text("Not satisfied")
    expect(item.locator(".cap-mark")).to_contain_text("waiting to send")
    expect(item.get_by_role("button", name="Not satisfied")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".cap-brief-count").first).to_contain_text("reported back: 1 satisfied, 1 not satisfied")
    item.scroll_into_view_if_needed()
    shot(page, "brief-phone-marked.png")

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status(page)).to_have_text("All saved", timeout=20000)
    expect(item.locator(".cap-mark")).to_contain_text("sent")
    assert serious_violations(page) == []  # axe is fetched from the server: online only
    with live_server.app.app_context():
        marks = db.session.scalars(
            sa.select(ReportBack)
            .where(ReportBack.concern_id.in_([first, second, third]))
            .order_by(ReportBack.marked_at)
        ).all()
        assert [(m.concern_id, m.view, m.note, m.meeting_id) for m in marks] == [
            (first, "satisfied", "", meeting_id),
            (second, "not_satisfied", "Still there every night", meeting_id),
        ]
        reopened, kept = db.session.get(Concern, second), db.session.get(Concern, first)
        assert reopened.status in OPEN_STATUSES and reopened.lead_team_id == team_id
        assert kept.status == "action_taken"
        note = db.session.scalars(
            sa.select(StatusChange.note).where(StatusChange.concern_id == second).order_by(StatusChange.id.desc())
        ).first()
        assert note.startswith("Residents not satisfied when reported back at Your Force Your Voice, Grangetown")
        assert note.endswith(": Still there every night")
        told = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.concern_id == second)).all()
        assert [m.team_id for m in told] == [team_id]
    assert page.errors == []


def test_starting_a_meeting_in_a_ward_brings_its_planned_brief(phone, live_server):  # noqa: F811
    from tests.test_browser.test_capture_app import NEWPORT, start_meeting

    with live_server.app.app_context():
        planned, _ = record_meeting(
            {
                "id": str(uuid.uuid4()),
                "ward_codes": [NEWPORT],
                "date": date.today().isoformat(),
                "venue": "Newport Hub",
                "status": "planned",
            }
        )
        c, _ = raise_concern(
            {"id": str(uuid.uuid4()), "ward_code": NEWPORT, "category": "drugs", "description": f"Dealing {letters()}"},
            notify=False,
        )
        db.session.commit()
        planned_id, text = planned.id, c.description
    page = open_capture(phone, live_server)
    expect(page.locator(f'button[data-brief="{planned_id}"]')).to_be_visible()
    start_meeting(page, ward=NEWPORT)
    page.get_by_role("button", name="Read the ward brief").click()
    expect(page.locator("#brief-screen")).to_be_visible()
    expect(page.locator("#brief-summary")).to_contain_text("Newport Hub")
    expect(page.get_by_text(text)).to_be_visible()
    page.get_by_role("button", name="Back").click()
    expect(page.locator("#concern-screen")).to_be_visible()
    assert page.errors == []


def test_starting_the_planned_meeting_holds_it_under_its_id(phone, live_server):  # noqa: F811
    """Start, beside today's planned meeting: the form is filled from the plan, and the
    server holds that meeting, so the night's concerns and the brief's marks share it."""
    from engage.concerns.models import Meeting
    from tests.test_browser.test_capture_app import NEWPORT, save_concern

    venue = f"Newport Hub {letters()}"
    with live_server.app.app_context():
        planned, _ = record_meeting(
            {"id": str(uuid.uuid4()), "ward_codes": [NEWPORT], "date": date.today().isoformat()}
            | {"venue": venue, "status": "planned", "kind": "pact"}
        )
        db.session.commit()
        planned_id = planned.id
    page = open_capture(phone, live_server)
    start = page.locator(f'button[data-start="{planned_id}"]')
    expect(start).to_have_accessible_name(re.compile(r"^Start the meeting in Newport, "))
    start.click()
    expect(page.get_by_label("Venue")).to_have_value(venue)
    expect(page.get_by_label("Ward", exact=True)).to_have_value(NEWPORT)
    page.get_by_label("Attendance").fill("17")
    page.get_by_role("button", name="Start meeting").click()
    expect(page.locator("#concern-screen")).to_be_visible()
    save_concern(page, "Speeding and road safety", f"Vans speeding on Newport Road {letters()}")
    expect(status(page)).to_have_text("All saved", timeout=20000)
    with live_server.app.app_context():
        meeting = db.session.get(Meeting, planned_id)
        assert (meeting.status, meeting.attendance, meeting.kind) == ("held", 17, "pact")
        assert [c.meeting_id for c in meeting.concerns] == [planned_id]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(Meeting.venue == venue)) == 1
    assert page.errors == []


def test_a_meeting_started_where_none_was_planned_brings_the_wards_brief(phone, live_server):  # noqa: F811
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.models import Ward
    from tests.test_browser.test_capture_app import start_meeting

    with live_server.app.app_context():  # a Hartlepool ward no other test plans a meeting in
        ward = db.session.scalars(
            sa.select(Ward)
            .where(Ward.boundary_set_id == current_boundary_set().id, Ward.local_authority.has(code="E06000001"))
            .order_by(Ward.code.desc())
        ).first()
        code, name = ward.code, ward.name
        c, _ = raise_concern(
            {"id": str(uuid.uuid4()), "ward_code": code, "category": "drugs", "description": f"Dealing {letters()}"},
            notify=False,
        )
        db.session.commit()
        text = c.description
    page = open_capture(phone, live_server)
    start_meeting(page, ward=code)
    page.get_by_role("button", name="Read the ward brief").click(timeout=20000)
    expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()
    expect(page.get_by_text(text)).to_be_visible()
    assert page.errors == []
