""" "You said, we did" in Chromium, on a desk (1280 px) and a phone (360 px): staff draft
a ward's update, tick a concern to quote, preview the public page and confirm; a
resident reads it on a phone; staff withdraw it. axe-core on every screen."""

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from engage.extensions import db
from engage.platform.dates import office_day
from engage.platform.english import day_month, long_date
from tests.test_browser.test_capture_accessibility import serious_violations

PASSWORD = "live server password"
WIDTHS = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
# A ward each, that no other browser test puts concerns in.
WARDS = {"desk": ("E05009860", "Kader"), "phone": ("E05009861", "Ladgate")}
NOTE = "Operation Endurance patrols on the playing fields; two bikes seized."


def new_page(browser, live_server, width):
    context = browser.new_context(viewport=WIDTHS[width], locale="en-GB", timezone_id="Europe/London")
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.fixture(params=list(WIDTHS))
def screen(request, browser, live_server):
    page = new_page(browser, live_server, request.param)
    page.width = request.param
    yield page
    page.context.close()


def world(live_server, code):
    """Staff, and in the ward: a meeting held five days ago where two residents raised
    off-road bikes (one acted on), and a community meeting planned in ten days."""
    from engage.accounts.services import create_user
    from engage.concerns.capture import raise_concern, record_meeting
    from engage.concerns.workflow import change_status

    # Letters only: a random "d219bd" reads as a postcode, and publishing is then (rightly) refused.
    tag = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:8])
    today = office_day()
    with live_server.app.app_context():
        staff = create_user(f"staff-{tag}@example.org", ["staff"], password=PASSWORD)
        officer = create_user(f"off-{tag}@example.org", ["officer"], password=PASSWORD)
        held, _ = record_meeting(
            {
                "id": str(uuid.uuid4()),
                "ward_codes": [code],
                "date": (today - timedelta(days=5)).isoformat(),
                "venue": f"St Mary's Hall {tag}",
            },
            officer,
        )
        record_meeting(
            {
                "id": str(uuid.uuid4()),
                "ward_codes": [code],
                "date": (today + timedelta(days=10)).isoformat(),
                "start_time": "18:30",
                "venue": "The Community Centre",
                "status": "planned",
            },
            officer,
        )
        texts = (f"Bikes on the playing fields every evening [{tag}]", f"Scramblers by the beck [{tag}]")
        concerns = [
            raise_concern(
                {"id": str(uuid.uuid4()), "meeting_id": held.id, "category": "off_road_bikes", "description": text},
                officer,
            )[0]
            for text in texts
        ]
        change_status(concerns[1], "action_taken", NOTE, None, "inspector@example.org")
        db.session.commit()
        return {"email": staff.email, "quote": texts[0], "tag": tag}


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def fits(page):
    if page.width == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]["width"]


def test_draft_pick_preview_publish_read_on_a_phone_and_withdraw(screen, browser, live_server):
    page = screen
    code, name = WARDS[page.width]
    found = world(live_server, code)
    today = office_day()
    log_in(page, live_server, found["email"])

    # Draft the ward's update for the last three weeks.
    page.goto(f"{live_server.url}/updates")
    page.fill("#ward", code)
    page.fill("#from", (today - timedelta(days=21)).isoformat())
    page.fill("#to", today.isoformat())
    page.get_by_role("button", name="Draft update").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    theme = page.locator("fieldset.theme-editor", has_text="Off-road motorbikes and quads")
    you_said = theme.get_by_label("You said: Off-road motorbikes and quads")
    assert you_said.input_value().startswith(f"Two residents at the meeting at St Mary's Hall {found['tag']} on ")
    expect(theme.get_by_label("We did: Off-road motorbikes and quads")).to_have_value(
        f"{NOTE} One concern is still being worked on by the neighbourhood team."
    )
    # The concerns are beside the wording on a desk, below it on a phone: measured once the
    # page's style sheets have loaded (on a busy machine the first layout can be without them).
    page.wait_for_load_state("load")
    text_box, picks_box = theme.locator(".theme-text").bounding_box(), theme.locator(".concern-picks").bounding_box()
    if page.width == "phone":
        assert picks_box["y"] >= text_box["y"] + text_box["height"] - 1
    else:
        assert picks_box["x"] >= text_box["x"] + text_box["width"] - 1
    assert serious_violations(page) == []
    fits(page)

    # Tick the concern to quote and have the sentence written again from it.
    theme.get_by_role("checkbox", name=f"“{found['quote']}”").check()
    theme.get_by_role("button", name="Write “You said” from the ticked concerns").click()
    expect(page.locator(".flash")).to_contain_text("rewritten from the ticked concerns")
    theme = page.locator("fieldset.theme-editor", has_text="Off-road motorbikes and quads")
    expect(theme.get_by_label("You said: Off-road motorbikes and quads")).to_have_value(
        f"Two residents at the meeting at St Mary's Hall {found['tag']} on {day_month(today - timedelta(days=5))} "
        f"raised concerns about off-road motorbikes and quads. They told us about “{found['quote']}”."
    )
    expect(theme.get_by_role("checkbox", name=f"“{found['quote']}”")).to_be_checked()
    theme.get_by_label("We did: Off-road motorbikes and quads").fill(NOTE)

    # Preview: the public page as residents will see it, and the question.
    page.get_by_role("button", name="Preview and publish").click()
    expect(page.locator(".preview-banner")).to_contain_text("exactly as residents will see it")
    expect(page.get_by_role("heading", name="Publish this update?")).to_be_visible()
    expect(page.locator(".said-did").first).to_contain_text(found["quote"])
    assert serious_violations(page) == []
    fits(page)
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".flash")).to_contain_text("Published")

    # A resident on a phone reads it, with the next meeting and the office's details.
    resident = new_page(browser, live_server, "phone")
    resident.width = "phone"
    resident.goto(f"{live_server.url}/public/wards/{code}")
    expect(resident.get_by_role("heading", level=1)).to_have_text(name)
    expect(resident.locator(".said-did").first).to_contain_text(NOTE)
    expect(resident.locator(".meeting-when")).to_contain_text("at 6:30pm, The Community Centre")
    expect(resident.get_by_role("heading", name="Contact us")).to_be_visible()
    expect(resident.locator(".last-updated")).to_have_text(f"Last updated {long_date(today)}")
    expect(resident.get_by_role("link", name=f"Earlier updates for {name}")).to_be_visible()
    assert serious_violations(resident) == []
    fits(resident)

    # Staff withdraw it, after a confirm step; the resident's page no longer shows it.
    page.get_by_role("link", name="Withdraw from the public page").click()
    expect(page.get_by_role("heading", name="Withdraw this update?")).to_be_visible()
    assert serious_violations(page) == []
    fits(page)
    page.get_by_role("button", name="Withdraw it now").click()
    expect(page.locator(".flash")).to_contain_text("Withdrawn")
    resident.reload()
    expect(resident.get_by_text("Nothing has been published for this ward yet.")).to_be_visible()
    expect(resident.locator("body")).not_to_contain_text(NOTE)
    assert page.errors == [] and resident.errors == []
    resident.context.close()
