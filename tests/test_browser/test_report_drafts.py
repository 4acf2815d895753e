"""The Panel report page in a real browser at desk and phone widths: a paragraph reworded
is saved as it is typed and is there after a reload; it goes back to the computed text at
a click; a meeting added from the page shows under "Other Meetings" without losing the
wording; and axe finds no serious fault."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.live import live_user_with_token
from tests.test_browser.test_capture_accessibility import serious_violations
from tests.test_browser.test_maps_page import log_in


@pytest.mark.parametrize("width, day", [(1280, 1), (360, 2)])
def test_wording_is_saved_as_typed_and_survives_a_reload(page, live_server, width, day):
    page.set_viewport_size({"width": width, "height": 740 if width < 600 else 900})
    email, _ = live_user_with_token(live_server, "staff", password="staff password long")
    log_in(page, live_server, email, "staff password long")
    today = date.today()
    url = f"{live_server.url}/reports/panel?from={today.year - 1}-02-01&to={today}&report_date=2031-01-{day:02d}"
    page.goto(url)
    assert serious_violations(page) == []

    box = page.get_by_label("2.1", exact=True)
    box.fill("The PCC's engagement, in our own words.")
    expect(page.locator("#draft-status")).to_contain_text("Wording saved")
    expect(page.locator("#draft-status")).to_contain_text(email)
    page.reload()
    expect(page.get_by_label("2.1", exact=True)).to_have_value("The PCC's engagement, in our own words.")

    page.get_by_role("button", name="Back to the computed text for 2.1").click()
    expect(page.get_by_label("2.1", exact=True)).to_have_value(
        "The PCC's consultation and engagement activities focus on increasing understanding of the communities "
        "of Cleveland, ensuring clear and consistent communication with the public and ensuring effective "
        "consultation and community engagement."
    )
    expect(page.locator("#draft-status")).to_contain_text("Wording saved")
    page.reload()
    expect(page.get_by_label("2.1", exact=True)).to_have_value(__import__("re").compile("^The PCC's consultation"))

    # Adding a meeting from the page keeps what was just typed, even before it was saved.
    page.get_by_label("1.2", exact=True).fill("Future meetings are summarised at the end.")
    page.get_by_label("Kind of meeting").select_option("partnership")
    page.get_by_label("Date", exact=True).fill(f"{today.year}-01-15" if today.month > 1 else f"{today.year - 1}-03-15")
    page.get_by_label("Venue").fill(f"Hub {width}")
    page.get_by_label("Ward", exact=False).last.fill("Central")
    page.get_by_label("What it was about").fill("The Anti Trafficking Network met.")
    page.get_by_role("button", name="Add the meeting").click()
    added = page.locator("#report-editor textarea[data-paragraph^='other:']", has_text=f"Hub {width}")
    expect(added).to_have_value(re.compile(f"the PCC attended a partnership meeting at Hub {width}, Central"))
    expect(page.get_by_label("1.2", exact=True)).to_have_value("Future meetings are summarised at the end.")
    page.wait_for_load_state("load")  # the stylesheet too: a busy server can still be sending it
    wide = page.evaluate(
        "() => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > "
        + str(width + 10)
        + ").slice(0, 6).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
    assert serious_violations(page) == []
