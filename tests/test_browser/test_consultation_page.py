"""The public consultation page in Chromium at a phone's 360 px: three browser sessions
answer it (one finds its ward by typing a place, one with "Use my location"), and the
first, answering again from another tab, is refused as a repeat. Each step has no
sideways scrolling, loads nothing from the internet, and axe finds no serious fault."""

from __future__ import annotations

import random
import string
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.consultations.models import ConsultationResponse
from engage.consultations.services import create_consultation
from engage.extensions import db
from engage.platform.dates import office_day
from tests.test_browser.test_capture_accessibility import serious_violations

WIDTH = 360
CENTRAL_MIDDLESBROUGH = {"longitude": -1.2345, "latitude": 54.5742}


@pytest.fixture
def consultation(live_server):
    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    with live_server.app.app_context():
        today = office_day()
        made = create_consultation(
            title=f"Community priorities {tag}",
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=20),
            options=["Off-road bikes and quads", "Youth antisocial behaviour", "Speeding", "Drugs"],
            max_choices=2,
            questions=[{"key": "age", "prompt": "Your age", "choices": ["Under 25", "25 to 64", "65 or over"]}],
            today=today - timedelta(days=2),
            actor="staff@example.org",
        )
        db.session.commit()
        return made.id, f"{live_server.url}/consult/{made.slug}"


def _phone(browser, live_server, **options):
    """A new browser session on a 360 px phone that may reach only the live server."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="en-GB", **options)
    blocked = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    context.blocked = blocked
    return context


def _fits(page):
    # The text a step waits for is there before the page's style sheets have all loaded.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert serious_violations(page) == []


def _responses(live_server, consultation_id):
    with live_server.app.app_context():
        return db.session.scalars(
            sa.select(ConsultationResponse).where(ConsultationResponse.consultation_id == consultation_id)
        ).all()


def test_three_browsers_answer_on_a_phone_and_a_repeat_is_refused(browser, live_server, consultation):
    consultation_id, url = consultation

    # The first resident types their town, picks their ward and chooses two priorities.
    first = _phone(browser, live_server)
    page = first.new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name="Step 1 of 2: find your ward")).to_be_visible()
    _fits(page)
    page.get_by_label("Your town, area or ward").fill("Grangetown")
    page.get_by_role("button", name="Find my ward").click()
    expect(page.get_by_role("heading", name="1 ward matches “Grangetown”")).to_be_visible()
    _fits(page)
    page.get_by_role("link", name="Grangetown Redcar and Cleveland").click()
    expect(page.get_by_text("Your ward: Grangetown")).to_be_visible()
    expect(page.get_by_label("Leave this box empty")).to_be_hidden()  # the honeypot
    _fits(page)
    # A second tab of the same session, opened on the same form before the first answer is sent.
    again = first.new_page()
    again.goto(page.url)

    for label in ("Off-road bikes and quads", "Youth antisocial behaviour", "Drugs"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#choices-error")).to_have_text("3 priorities chosen: choose up to 2.")
    expect(page.get_by_label("Drugs")).to_be_checked()
    _fits(page)
    page.get_by_label("Drugs").uncheck()
    page.get_by_label("Anything else you want to tell us?").fill("Bikes on the field behind the school every night")
    page.get_by_label("Under 25").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you: your answers are sent")).to_be_visible()
    _fits(page)

    # The second resident lets the phone say where they are.
    second = _phone(browser, live_server, geolocation=CENTRAL_MIDDLESBROUGH, permissions=["geolocation"])
    page = second.new_page()
    page.goto(url)
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_text("Your ward:")).to_contain_text("(Middlesbrough)")
    _fits(page)
    page.get_by_label("Speeding").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you: your answers are sent")).to_be_visible()

    # The third: the first session again, sending the form from its other tab.
    again.get_by_label("Speeding").check()
    again.get_by_role("button", name="Send my answers").click()
    expect(again.get_by_role("heading", name="You have already answered: thank you")).to_be_visible()
    _fits(again)
    again.goto(url)
    expect(again.get_by_role("heading", name="You have already answered: thank you")).to_be_visible()

    responses = sorted(_responses(live_server, consultation_id), key=lambda r: r.submitted_at)
    assert len(responses) == 2
    with live_server.app.app_context():
        kept = [db.session.merge(r) for r in responses]
        assert [c.option.label for c in kept[0].choices] == ["Off-road bikes and quads", "Youth antisocial behaviour"]
        assert kept[0].ward.name == "Grangetown" and kept[0].answers == {"age": "Under 25"}
        assert kept[1].ward.local_authority.name == "Middlesbrough"
        assert [c.option.label for c in kept[1].choices] == ["Speeding"]
    assert first.blocked == [] and second.blocked == []
    first.close()
    second.close()
