"""A concern's page in a real browser, on a desk (1280 px) and a phone (360 px): its map
with the point and the ward outline, its grid reference; the resident's contact details
for the lead team's inspector (and that viewing in the audit trail), not for a copied
team's; staff correcting the ward in triage, which routes it to the team covering the
new ward. axe-core finds no serious or critical violation on it at either width."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.accounts.services import create_user
from engage.concerns.capture import raise_concern
from engage.concerns.models import Concern
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set, find_ward
from engage.platform.audit import AuditEvent
from engage.teams.models import Team
from engage.teams.routing import reroute_concern
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in

PASSWORD = "concern page password"
POINT_IN_CENTRAL = (-1.2345, 54.5742)  # grid reference NZ 4958 2015
# The ward each width corrects a concern to: one each, so that the team made for it is
# the only one covering it, whatever order the widths run in.
NEW_WARD = {1280: ("E05008945", "foggy furze", "Foggy Furze"), 360: ("E05008948", "JESMOND", "Jesmond")}
WIDTHS = {1280: {"width": 1280, "height": 900}, 360: {"width": 360, "height": 740}}


def _team(code, kind="partner", wards=()):
    team = Team(code=code, name=f"Team {code}", kind=kind, coverage="wards", contact_email="", wards=list(wards))
    db.session.add(team)
    return team


def _user(role, *team_codes):
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    create_user(email, [role], password=PASSWORD, team_codes=list(team_codes))
    return email


@pytest.fixture
def world(live_server, request):
    """A concern in Central with a resident's consented contact details, led by one
    team and copied to another (neither covers Central: other tests' teams may); their
    inspectors and a staff member."""
    width = request.param
    tag = uuid.uuid4().hex[:6].upper()
    code, typed, name = NEW_WARD[width]
    with live_server.app.app_context():
        lead, copied = _team(f"LEAD-{tag}"), _team(f"COPY-{tag}")
        db.session.flush()
        world = {
            "width": width,
            "typed": typed,
            "new_ward": name,
            "new_ward_code": code,
            "lead": _user("inspector", lead.code),
            "copied": _user("inspector", copied.code),
            "staff": _user("staff"),
            "details": f"07700 9{tag[:5]}",
        }
        concern, _ = raise_concern(
            {
                "id": str(uuid.uuid4()),
                "category": "speeding",
                "description": f"Cars racing past the school {tag}",
                "lon": POINT_IN_CENTRAL[0],
                "lat": POINT_IN_CENTRAL[1],
                "location_source": "gps",
                "contact_consent": True,
                "contact_name": "Mrs Example",
                "contact_details": world["details"],
            }
        )
        reroute_concern(concern, lead, [copied], "browser test", actor="test")
        db.session.commit()
        world["concern"] = concern.id
    return world


@pytest.fixture
def covering(live_server, world):
    """The name of an INT covering the ward this width's correction moves the concern to:
    the only one ("A0-": of INTs listing a ward, routing prefers the lowest code)."""
    with live_server.app.app_context():
        team = _team(f"A0-{uuid.uuid4().hex[:6].upper()}", kind="int")
        team.wards = [find_ward(current_boundary_set(), world["new_ward_code"])]
        db.session.commit()
        return team.name


def contact_views(live_server, concern_id, email):
    with live_server.app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity == "contact_view", AuditEvent.entity_id == concern_id, AuditEvent.actor == email)
        )


def open_as(page, live_server, world, who):
    page.context.clear_cookies()
    log_in(page, live_server, world[who], PASSWORD)
    page.set_viewport_size(WIDTHS[world["width"]])
    page.goto(f"{live_server.url}/inbox/concerns/{world['concern']}")
    page.locator("#concern-map[data-drawn]").wait_for(state="attached")


@pytest.mark.parametrize("world", [1280, 360], indirect=True, ids=["desk", "phone"])
def test_the_lead_team_sees_where_it_is_and_who_to_call_back_a_copied_team_does_not(page, live_server, world):
    open_as(page, live_server, world, "lead")
    assert page.locator("#concern-map").get_attribute("data-drawn") == "ward point"
    expect(page.locator("#concern-map path.concern-point")).to_be_visible()
    expect(page.locator("#concern-map path.concern-ward")).to_have_count(1)
    expect(page.locator("#grid-ref")).to_have_text("NZ 4958 2015")
    expect(page.get_by_text("By the phone's GPS")).to_be_visible()
    expect(page.locator("#contact")).to_contain_text(world["details"])
    assert contact_views(live_server, world["concern"], world["lead"]) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= world["width"]
    assert serious_violations(page) == []

    open_as(page, live_server, world, "copied")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Speeding")
    expect(page.locator("#contact")).to_contain_text("the lead team and OPCC staff can see them")
    expect(page.locator("#contact")).not_to_contain_text(world["details"])
    assert contact_views(live_server, world["concern"], world["copied"]) == 0
    assert page.blocked_requests == []


@pytest.mark.parametrize("world", [1280, 360], indirect=True, ids=["desk", "phone"])
def test_staff_correct_the_ward_and_the_team_covering_it_leads(page, live_server, world, covering):
    open_as(page, live_server, world, "staff")
    assert serious_violations(page) == []  # with the correction and re-route forms open
    box = page.get_by_label("Ward it is in")
    box.fill("no such place")
    page.get_by_role("button", name="Correct the ward and re-route").click()
    expect(page.locator("#ward-ward-error")).to_contain_text("No ward called 'no such place'")
    expect(box).to_have_value("no such place")
    assert serious_violations(page) == []

    box.fill(world["typed"])
    page.get_by_role("button", name="Correct the ward and re-route").click()
    expect(page.get_by_text(f"Now in {world['new_ward']}: re-routed to {covering}.")).to_be_visible()
    page.locator("#concern-map[data-drawn]").wait_for(state="attached")
    expect(page.locator("#concern-map path.concern-ward")).to_have_count(1)
    expect(page.locator(".history")).to_contain_text(f"ward corrected from Central to {world['new_ward']}")
    with live_server.app.app_context():
        concern = db.session.get(Concern, world["concern"])
        assert (concern.ward.name, concern.lead_team.name) == (world["new_ward"], covering)
    assert page.blocked_requests == []
