"""The team form in a real browser: its script (no inline JS under the CSP) ticks an
authority's wards at once and hides the ward list unless the team covers wards."""

import uuid

from engage.teams.models import Team
from tests.live import live_count, live_user_with_token

PASSWORD = "live server password"


def test_tick_an_authoritys_wards_and_save(page, live_server):
    email, _ = live_user_with_token(live_server, "admin", password=PASSWORD)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/teams/new")

    wards = page.locator("fieldset.wards")
    page.get_by_role("button", name="All of Hartlepool").click()
    assert page.locator("fieldset.wards input:checked").count() == 11
    page.get_by_label("All of Cleveland").check()
    assert wards.is_hidden()
    page.get_by_label("The wards ticked below").check()
    assert wards.is_visible()

    code = f"INT-{uuid.uuid4().hex[:6].upper()}"
    page.fill("#code", code)
    page.fill("#name", "Hartlepool browser test team")
    page.click("#submit")
    page.wait_for_url("**/admin/teams/*")
    assert "Saved team" in page.locator(".flash").inner_text()
    assert live_count(live_server, Team, code=code) == 1
    assert problems == [] and page.blocked_requests == []
