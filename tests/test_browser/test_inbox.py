"""The inspector's inbox in Chromium, on a desk (1280 px) and a phone (360 px): owner,
due date and "overdue"; bulk acknowledge; the list before the folded filters and their
chips on a phone; axe-core on the inbox and a concern's page."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.extensions import db
from engage.platform.dates import office_day
from tests.test_browser.test_capture_accessibility import serious_violations

PASSWORD = "live server password"
CENTRAL = "E05009857"
WIDTHS = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(params=list(WIDTHS))
def screen(request, browser, live_server):
    """A browser page at one width, reaching only the live server."""
    context = browser.new_context(viewport=WIDTHS[request.param], locale="en-GB", timezone_id="Europe/London")
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.phone = request.param == "phone"
    yield page
    context.close()


def team_with_concerns(live_server, *texts, days_old=10):
    """A new team leading concerns in Central raised `days_old` days ago, its inspector
    (who logs in) and a colleague: {'email', 'colleague', 'ids'}."""
    from engage.accounts.services import create_user
    from engage.concerns.capture import raise_concern
    from engage.teams.models import Team

    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        team = Team(code=f"INT-B{tag}".upper(), name=f"Browser team {tag}", kind="int", coverage="wards")
        db.session.add(team)
        db.session.flush()
        inspector = create_user(f"insp-{tag}@example.org", ["inspector"], password=PASSWORD, team_codes=[team.code])
        create_user(f"coll-{tag}@example.org", ["inspector"], name=f"Colleague {tag}", team_codes=[team.code])
        officer = create_user(f"off-{tag}@example.org", ["officer"], password=PASSWORD)
        raised = datetime.now(UTC) - timedelta(days=days_old)
        ids = []
        for text in texts:
            concern, _ = raise_concern(
                {
                    "id": str(uuid.uuid4()),
                    "category": "speeding",
                    "description": f"{text} [{tag}]",
                    "ward_code": CENTRAL,
                    "raised_at": raised.isoformat(),
                },
                officer,
            )
            # Led by this test's team, whatever other tests' teams cover Central.
            concern.lead_team = team
            concern.due_date = None
            ids.append(concern.id)
        db.session.commit()
        return {"email": inspector.email, "colleague": f"Colleague {tag}", "tag": tag, "ids": ids}


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def starting(text):
    return re.compile(rf"^\s*{re.escape(text)}")


def open_filters(page):
    if not page.locator("#f-due").is_visible():
        page.locator("#filter-panel > summary").click()
    expect(page.locator("#f-due")).to_be_visible()


def test_assign_a_due_date_and_find_it_overdue(screen, live_server):
    page = screen
    world = team_with_concerns(live_server, "Cars racing on Linthorpe Road", "Vans on the pavement")
    log_in(page, live_server, world["email"])
    page.goto(f"{live_server.url}/inbox/concerns/{world['ids'][0]}")
    yesterday = office_day() - timedelta(days=1)
    page.get_by_label("Owner", exact=True).select_option(label=world["colleague"])
    page.get_by_label("Due date", exact=True).fill(yesterday.isoformat())
    page.get_by_role("button", name="Save owner and due date").click()
    expect(page.locator(".flash")).to_have_text(f"Owner: {world['colleague']}; due {yesterday:%-d %b %Y}.")
    expect(page.locator("#assignment")).to_contain_text(f"Overdue: it was due {yesterday:%-d %b %Y}.")

    page.goto(f"{live_server.url}/inbox")
    open_filters(page)
    page.get_by_label("Due", exact=True).select_option("overdue")
    page.get_by_role("button", name="Show").click()
    items = page.locator(".concern-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(f"Cars racing on Linthorpe Road [{world['tag']}]")
    expect(items.first).to_contain_text(f"owner {world['colleague']}")
    expect(items.first.locator(".overdue")).to_be_visible()
    # The chip takes the filter off again.
    page.locator(".chips a", has_text="Overdue").click()
    expect(page.locator(".concern-item")).to_have_count(2)
    expect(page.locator(".chips")).to_have_count(0)
    assert page.errors == []
    if page.phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]["width"]


def test_bulk_acknowledge_two_concerns(screen, live_server):
    from engage.concerns.models import Concern, StatusChange

    page = screen
    world = team_with_concerns(live_server, "Dealing outside the Co-op", "Youths on the bus shelter", "Fly-tipping")
    log_in(page, live_server, world["email"])
    page.goto(f"{live_server.url}/inbox")
    for text in ("Dealing outside the Co-op", "Youths on the bus shelter"):
        page.get_by_role("checkbox", name=f"Tick Speeding and road safety Central {text}").check()
    if page.phone:
        page.get_by_text("Act on the ticked concerns").click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".flash")).to_have_text("Acknowledged 2 concerns.")
    with live_server.app.app_context():
        statuses = dict(
            db.session.execute(sa.select(Concern.description, Concern.status).where(Concern.id.in_(world["ids"]))).all()
        )
        changes = db.session.scalar(sa.select(sa.func.count()).where(StatusChange.concern_id.in_(world["ids"])))
    tag = world["tag"]
    assert statuses == {
        f"Dealing outside the Co-op [{tag}]": "acknowledged",
        f"Youths on the bus shelter [{tag}]": "acknowledged",
        f"Fly-tipping [{tag}]": "new",
    }
    assert changes == 2  # one in each concern's history
    assert page.errors == []


def test_on_a_phone_the_list_comes_before_the_folded_filters(browser, live_server):
    context = browser.new_context(viewport=WIDTHS["phone"])
    page = context.new_page()
    try:
        world = team_with_concerns(live_server, "Speeding on Marton Road", "Racing on Acklam Road")
        log_in(page, live_server, world["email"])
        page.goto(f"{live_server.url}/inbox?sort=oldest&owner=unassigned")
        first = page.locator(".concern-item").first
        expect(first).to_be_in_viewport()
        expect(page.locator("#f-ward")).to_be_hidden()
        chips = page.locator(".chips a")
        expect(chips).to_have_text([starting("Unassigned"), starting("Sorted: oldest first")])
        assert chips.first.bounding_box()["y"] < first.bounding_box()["y"]
        # Every status tab is on the screen and big enough for a thumb.
        for tab in page.locator(".status-tabs a").all():
            box = tab.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("#filter-panel > summary").click()
        expect(page.locator("#f-ward")).to_be_visible()
        expect(page.locator("#f-owner")).to_have_value("unassigned")
        chips.first.click()
        expect(page).to_have_url(f"{live_server.url}/inbox?sort=oldest")
    finally:
        context.close()


def test_the_inbox_and_a_concerns_page_pass_axe(screen, live_server):
    page = screen
    # Ten: axe judges the contrast of a tab's count only from two digits up.
    world = team_with_concerns(live_server, *(f"Cars racing on Linthorpe Road, {n}" for n in range(10)))
    log_in(page, live_server, world["email"])
    page.goto(f"{live_server.url}/inbox?due=overdue&owner=mine")  # chips, an empty list
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/inbox")
    if page.phone:
        page.locator("#filter-panel > summary").click()
        page.get_by_text("Act on the ticked concerns").click()
    assert serious_violations(page) == []
    # A refused bulk form: its messages by their fields.
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#bulk-ids-error")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/inbox/concerns/{world['ids'][0]}")
    assert serious_violations(page) == []
    assert page.errors == []
