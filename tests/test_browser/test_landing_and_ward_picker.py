"""Each role's landing page after logging in, and the inbox filtered by a ward's name
typed in lower case, in Chromium on a desk (1280 px) and a phone (360 px), with axe-core
finding no serious or critical problem on those pages."""

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.accounts.services import create_user
from engage.concerns.capture import raise_concern
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.teams.models import Team
from tests.test_browser.test_capture_accessibility import serious_violations

PASSWORD = "live server password"
WIDTHS = [1280, 360]
CENTRAL, LINTHORPE = "E05009857", "E05009862"


def live_user(live_server, *roles, team_codes=()):
    email = f"{roles[0]}-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        create_user(email, list(roles), password=PASSWORD, team_codes=list(team_codes))
        db.session.commit()
    return email


def live_concern(live_server, text, lead_team_code=None, **where):
    """A concern stored on the live server; led by the given team whatever the other
    tests' teams and rules would decide, so what this test's inspector sees is known."""
    with live_server.app.app_context():
        concern, _ = raise_concern(
            {"id": str(uuid.uuid4()), "category": "drugs", "description": text, **where}, notify=False
        )
        if lead_team_code:
            concern.lead_team = db.session.scalar(sa.select(Team).where(Team.code == lead_team_code))
        db.session.commit()


def live_team(live_server, *ward_codes):
    code = f"INT-{uuid.uuid4().hex[:6].upper()}"
    with live_server.app.app_context():
        wards = db.session.scalars(
            sa.select(Ward).where(Ward.boundary_set_id == current_boundary_set().id, Ward.code.in_(ward_codes))
        ).all()
        db.session.add(
            Team(
                code=code, name=f"Team {code}", kind="int", coverage="wards", contact_email="t@example.org", wards=wards
            )
        )
        db.session.commit()
    return code


def log_in(page, live_server, email, width):
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 740})
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def fresh_page(browser, live_server):
    """A page in a browser profile of its own (no cookie, no service worker from another
    role's log-in), which may reach only the live server."""
    context = browser.new_context()
    blocked = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.blocked_requests = blocked
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_each_role_lands_on_its_work(browser, live_server, width):
    # Something real and open waits in the OPCC triage queue (a concern outside every ward).
    live_concern(live_server, "Mattresses dumped on the beach", lon=-1.05, lat=54.62)
    team = live_team(live_server, CENTRAL)
    landings = [
        ("officer", [], "/capture", None),
        ("inspector", [team], "/inbox", "Inbox"),
        ("staff", [], "/inbox?queue=triage", "OPCC triage queue"),
        ("admin", [], "/admin/users", "Users"),
    ]
    for role, teams, path, heading in landings:
        page = fresh_page(browser, live_server)
        try:
            log_in(page, live_server, live_user(live_server, role, team_codes=teams), width)
            assert page.url == f"{live_server.url}{path}", role
            if heading:
                expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
            if role == "officer":
                expect(page.get_by_role("heading", name="Start a meeting")).to_be_visible()
            assert serious_violations(page) == [], role
            if role != "admin":  # the admin's tables are a desk's work, wider than a phone
                assert fits(page, width), role
            assert page.blocked_requests == [], role
        finally:
            page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_inspector_filters_the_inbox_by_typing_a_wards_name(page, live_server, width):
    tag = uuid.uuid4().hex[:6]
    team = live_team(live_server, CENTRAL, LINTHORPE)
    live_concern(live_server, f"Dealing behind the shops on Linthorpe Road {tag}", team, ward_code=LINTHORPE)
    live_concern(live_server, f"Cars racing round the Central roundabout {tag}", team, ward_code=CENTRAL)
    log_in(page, live_server, live_user(live_server, "inspector", team_codes=[team]), width)
    assert page.url == f"{live_server.url}/inbox"
    expect(page.get_by_text(f"Central roundabout {tag}")).to_be_visible()

    ward = page.get_by_label("Ward", exact=True)
    if not ward.is_visible():  # on a phone the filters fold behind "Filter"
        page.locator("#filter-panel > summary").click()
    assert ward.get_attribute("list") == "f-ward-wards"  # the register's names are offered as one types
    ward.fill("linthorpe")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"Linthorpe Road {tag}")).to_be_visible()
    expect(page.get_by_text(f"Central roundabout {tag}")).to_have_count(0)
    expect(ward).to_have_value("Linthorpe")
    assert "ward=linthorpe" in page.url
    assert serious_violations(page) == [] and fits(page, width)

    # A name matching no ward is said beside the box, with the closest names; the box keeps it.
    if not ward.is_visible():
        page.locator("#filter-panel > summary").click()
    ward.fill("linthorp")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    error = page.locator("#f-ward-error")
    expect(error).to_have_text("No ward called 'linthorp'. Did you mean: Linthorpe, Nunthorpe?")
    expect(ward).to_have_attribute("aria-invalid", "true")
    expect(ward).to_have_value("linthorp")
    assert "f-ward-error" in ward.get_attribute("aria-describedby")
    assert serious_violations(page) == [] and fits(page, width)
    assert page.blocked_requests == []


def test_an_admin_ticks_a_teams_ward_by_typing_its_name(page, live_server):
    log_in(page, live_server, live_user(live_server, "admin"), 1280)
    page.goto(f"{live_server.url}/admin/teams/new")
    adder = page.get_by_label("Add wards by name")
    adder.fill("linthorpe")
    adder.press("Tab")
    expect(page.locator(f"#wards-{LINTHORPE}")).to_be_checked()
    expect(adder).to_have_value("")
    expect(page.locator("#add-wards-status")).to_have_text("Ticked Linthorpe (Middlesbrough).")
    # A name the list lacks stays for the server, which says so beside the box on saving.
    adder.fill("nowhere at all")
    page.fill("#code", f"INT-{uuid.uuid4().hex[:6].upper()}")
    page.fill("#name", "Picker test team")
    page.click("#submit")
    expect(page.locator("#add_wards-error")).to_contain_text("No ward called 'nowhere at all'.")
    expect(page.locator(f"#wards-{LINTHORPE}")).to_be_checked()
    assert serious_violations(page) == [] and page.blocked_requests == []
