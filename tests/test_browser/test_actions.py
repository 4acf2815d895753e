"""Actions in Chromium, on a desk (1280 px) and a phone (360 px): the lead team's
inspector agrees one on a concern's page (first without an owner: told so, with what was
typed kept), marks it done with a note, and finds it in the inbox's list; axe-core finds
no serious or critical violation on either page."""

from datetime import timedelta

from playwright.sync_api import expect

from engage.platform.dates import office_day
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_inbox import log_in, screen, team_with_concerns  # noqa: F401  (screen: a fixture)


def test_agree_an_action_update_it_and_find_it_in_the_inbox(screen, live_server):  # noqa: F811
    page = screen
    world = team_with_concerns(live_server, "Quads on the beck path")
    log_in(page, live_server, world["email"])
    page.goto(f"{live_server.url}/inbox/concerns/{world['ids'][0]}")
    actions = page.locator("#actions")
    expect(actions).to_contain_text("No actions agreed yet.")
    title = f"Patrol the beck path on Tuesdays {world['tag']}"
    page.get_by_label("What will be done").fill(title)
    due = office_day() + timedelta(days=7)
    page.get_by_label("Due by").fill(due.isoformat())
    page.get_by_role("button", name="Agree the action").click()
    page.wait_for_load_state()
    # No owner chosen: said beside the box, and the words typed are still there.
    expect(page.locator("#propose-owner-error")).to_contain_text("Choose who owns the action")
    expect(page.get_by_label("What will be done")).to_have_value(title)
    page.get_by_label("Who will do it").select_option(label=f"{world['colleague']} (Browser team {world['tag']})")
    page.get_by_role("button", name="Agree the action").click()
    page.wait_for_load_state()
    item = page.locator(".action-item", has_text=title)
    expect(item).to_contain_text(f"owner {world['colleague']}")
    expect(item).to_contain_text(f"due {due.day} {due:%b %Y}")
    assert serious_violations(page) == []

    item.locator("summary", has_text="Update this action").click()
    item.get_by_label("Update").fill("First patrol done on Tuesday")
    item.get_by_label("Done").check()
    item.get_by_role("button", name="Save the update").click()
    page.wait_for_load_state()
    item = page.locator(".action-item", has_text=title)
    expect(item.locator(".status")).to_have_text("Done")
    item.locator("summary", has_text="History").click()
    expect(item.locator(".history")).to_contain_text("First patrol done on Tuesday")

    page.goto(f"{live_server.url}/inbox/actions?status=all")
    expect(page.locator(".action-list")).to_contain_text(title)
    assert serious_violations(page) == []
    assert page.errors == []
