"""The capture page carries the API's contract (engage/concerns/schemas.py page_contract()):
its boxes take as many characters as the API stores, and its scripts read the limits and
the editable fields from the JSON block it renders, never from a copy of their own."""

import json
import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

from engage.concerns.schemas import page_contract

ROOT = Path(__file__).resolve().parents[2]
# The node tests (tests/js/browser.js) give the phone's scripts this file as the page's block.
JS_FIXTURE = ROOT / "tests" / "cases" / "page_contract.json"
# Which part of the contract each box of the page belongs to.
ENTRY_OF_FORM = {"meeting-form": "meeting", "concern-form": "concern", "correction-form": "correction"}


class CapturePage(HTMLParser):
    """The boxes with a maxlength (as {entry: {field: maxlength}}) and the contract block."""

    def __init__(self, html):
        super().__init__()
        self.form, self.maxlength, self.block, self._in_block = None, {}, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = ENTRY_OF_FORM.get(attrs.get("id"))  # None: the log-out form
        if "maxlength" in attrs:
            self.maxlength.setdefault(self.form, {})[attrs["name"]] = attrs["maxlength"]
        if tag == "script" and attrs.get("id") == "engage-contract":
            assert attrs["type"] == "application/json", "a data block, never run (the CSP forbids inline scripts)"
            self._in_block = True

    def handle_endtag(self, tag):
        self._in_block = False if tag == "script" else self._in_block

    def handle_data(self, data):
        if self._in_block:
            self.block = (self.block or "") + data


def capture_page(client):
    response = client.get("/capture")
    assert response.status_code == 200
    return CapturePage(response.get_data(as_text=True))


def test_the_page_carries_the_contract_its_scripts_read(officer_client):
    page = capture_page(officer_client)
    assert json.loads(page.block) == page_contract()


def test_every_box_takes_as_many_characters_as_the_api_stores(officer_client):
    page = capture_page(officer_client)
    limits = page_contract()
    assert page.maxlength == {
        "meeting": {name: str(limits["meeting"]["maxLength"][name]) for name in ("venue", "police_partners")},
        "concern": {
            name: str(limits["concern"]["maxLength"][name])
            for name in ("description", "contact_name", "contact_details")
        },
        "correction": {"text": str(limits["correction"]["maxLength"]["text"])},
    }


def test_the_template_holds_no_limit_of_its_own():
    template = (ROOT / "templates" / "capture" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"maxlength=\"[^\"{]", template) == [], "render maxlength from `contract`"


def test_the_phone_scripts_keep_no_copy_of_the_editable_fields():
    editable = page_contract()["concernEditable"]
    listed = re.compile(r"\[\s*" + r"\s*,\s*".join(f'"{name}"' for name in editable) + r"\s*\]")
    for script in (ROOT / "static" / "js" / "capture").glob("*.js"):
        assert not listed.search(script.read_text(encoding="utf-8")), f"{script.name}: read contract.js instead"


def test_the_node_tests_are_given_the_contract_the_page_carries():
    assert json.loads(JS_FIXTURE.read_text(encoding="utf-8")) == page_contract(), (
        "the contract changed: write it to tests/cases/page_contract.json, e.g. python -c "
        "'import json; from engage.concerns.schemas import page_contract; print(json.dumps(page_contract(), indent=2))'"
    )


def test_what_the_description_box_lets_through_the_server_stores_and_one_more_it_refuses(officer_client):
    """The box stops the officer at its maxlength; the server takes exactly that much, so
    a concern typed to the limit is never refused after the meeting, when the officer
    can no longer ask the resident."""
    limit = int(capture_page(officer_client).maxlength["concern"]["description"])

    def send(description):
        return officer_client.post(
            "/api/v1/concerns",
            json={
                "id": str(uuid.uuid4()),
                "category": "off_road_bikes",
                "description": description,
                "ward_code": "E05009857",
                "raised_at": "2026-11-20T19:02:00Z",
            },
        )

    assert send("x" * limit).status_code == 201
    refused = send("x" * (limit + 1))
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["description"] == f"at most {limit} characters (got {limit + 1})"


def test_the_meeting_form_offers_the_real_teams_and_the_page_knows_the_undo_window(app, officer_client, team, db):
    from tests.conftest import make_team

    demo = make_team(code="DEMO-INT")
    demo.is_demo = True
    db.session.commit()
    html = officer_client.get("/capture").get_data(as_text=True)
    assert 'name="team_codes" value="INT-TEST"' in html and "DEMO-INT" not in html
    assert f'data-undo-minutes="{app.config["ENGAGE_UNDO_MINUTES"]}"' in html
    assert "Who attended for police and partners" in html and "The Commissioner attended" in html
