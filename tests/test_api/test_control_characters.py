"""Control characters pasted from Word (a vertical tab for a line break, a form feed for
a page break, and the rest below U+0020 but tab, newline and carriage return) are
refused wherever text comes in, with a message at the field, and what was typed is
kept. Tab, newline and CR (a textarea's line break is CR LF) are ordinary text.

Text stored before they were refused (put there with SQL here) still exports: every
spreadsheet, Word document and PDF the app writes.
"""

from __future__ import annotations

import csv
import html
import io
import json
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from engage.accounts.models import User
from engage.concerns.models import Category, Concern, Meeting
from engage.reports.models import WardUpdate
from engage.teams.models import RoutingRule, Team
from tests.conftest import PASSWORD, logged_in_client

# (character, what the message calls it): the first two are what Word pastes.
REFUSED = [
    ("\x0b", "U+000B (vertical tab"),
    ("\x0c", "U+000C (form feed"),
    ("\x01", "U+0001"),
    ("\x08", "U+0008 (backspace)"),
    ("\x1b", "U+001B (escape)"),
    ("\x1f", "U+001F"),
    ("\x7f", "U+007F (delete)"),
]
PASTED = "Cars race\x0bpast the school"  # as Word pastes a line typed with Shift+Enter


def new_id():
    return str(uuid.uuid4())


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- the capture API ---------------------------------------------------------------


@pytest.mark.parametrize("char, named", REFUSED, ids=[f"U+{ord(c):04X}" for c, _ in REFUSED])
def test_a_control_character_in_a_json_entry_is_422_naming_the_field(officer_client, db, char, named):
    body = {"id": new_id(), "category": "speeding", "description": f"Cars{char}too fast"}
    response = officer_client.post("/api/v1/concerns", json=body)
    assert response.status_code == 422
    message = response.get_json()["fields"]["description"]
    assert named in message and "at character 5" in message and "paste as plain text" in message
    assert count(db, Concern) == 0


def test_half_a_character_in_a_json_entry_is_422(officer_client, db):
    # JSON can spell a lone UTF-16 surrogate, which is no character at all.
    body = json.dumps({"id": new_id(), "category": "speeding", "description": "Cars \ud83d fast"})  # sent as \ud83d
    response = officer_client.post("/api/v1/concerns", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "U+D83D (at character 6), half of a character" in response.get_json()["fields"]["description"]
    assert count(db, Concern) == 0


def test_every_text_field_of_meetings_and_concerns_refuses_them(officer_client, db):
    meeting = {
        "id": new_id(),
        "ward_codes": ["E05009857"],
        "date": date.today().isoformat(),
        "venue": "Town\x0cHall",
        "notes": PASTED,
        "police_partners": "PCSO\x0bSmith",
    }
    fields = officer_client.post("/api/v1/meetings", json=meeting).get_json()["fields"]
    assert set(fields) == {"venue", "notes", "police_partners"}
    assert count(db, Meeting) == 0

    stored = officer_client.post(
        "/api/v1/meetings", json={**meeting, "venue": "Town Hall", "notes": "", "police_partners": ""}
    ).get_json()
    edit = officer_client.patch(
        f"/api/v1/meetings/{meeting['id']}", json={"version": stored["version"], "notes": PASTED}
    )
    assert edit.status_code == 422 and "U+000B" in edit.get_json()["fields"]["notes"]

    concern = {
        "id": new_id(),
        "category": "speeding",
        "description": "Cars too fast",
        "contact_consent": True,
        "contact_name": "Mrs\x1bSmith",
        "contact_details": "07700\x0b900123",
        "grid_ref": "NZ\x0b49",
    }
    fields = officer_client.post("/api/v1/concerns", json=concern).get_json()["fields"]
    assert {"contact_name", "contact_details", "grid_ref"} <= set(fields)
    saved = officer_client.post(
        "/api/v1/concerns", json={"id": new_id(), "category": "speeding", "description": "Cars too fast"}
    ).get_json()
    edit = officer_client.patch(f"/api/v1/concerns/{saved['id']}", json={"description": PASTED})
    assert edit.status_code == 422 and "U+000B" in edit.get_json()["fields"]["description"]
    assert db.session.get(Concern, saved["id"]).description == "Cars too fast"
    assert db.session.get(Meeting, meeting["id"]).notes == ""


def test_tab_newline_and_carriage_return_are_ordinary_text(officer_client, db):
    text = "First line\r\nSecond line\twith a tab\nThird"
    response = officer_client.post(
        "/api/v1/concerns", json={"id": new_id(), "category": "speeding", "description": text}
    )
    assert response.status_code == 201
    assert db.session.get(Concern, response.get_json()["id"]).description == text


# --- forms -------------------------------------------------------------------------

# (who, address, form, the field that holds the pasted text, what must not exist afterwards)
FORMS = [
    (
        "admin",
        "/admin/teams/new",
        {
            "code": "INT-NEW",
            "name": "North\x0bTeam",
            "kind": "int",
            "coverage": "all",
            "notify_mode": "immediate",
            "local_authority": "",
        },
        "name",
        lambda: sa.select(Team).where(Team.code == "INT-NEW"),
    ),
    (
        "admin",
        "/admin/categories/new",
        {"code": "litter", "label": "Litter\x0cdumped"},
        "label",
        lambda: sa.select(Category).where(Category.code == "litter"),
    ),
    (
        "admin",
        "/admin/users/new",
        {"email": "new@example.org", "name": "Ann\x1bSmith", "roles": ["officer"]},
        "name",
        lambda: sa.select(User).where(User.email == "new@example.org"),
    ),
    (
        "admin",
        "/admin/users/new",
        {"email": "new\x0b@example.org", "name": "Ann", "roles": ["officer"]},
        "email",
        lambda: sa.select(User).where(User.name == "Ann"),
    ),
    (
        "admin",
        "/admin/routing/new",
        {
            "ward": "E05009857",
            "local_authority": "",
            "category": "drugs",
            "lead_team": "INT-TEST",
            "priority": "0",
            "note": PASTED,
        },
        "note",
        lambda: sa.select(RoutingRule),
    ),
]


@pytest.mark.parametrize("who, url, data, field, stored", FORMS, ids=[f"{u} {f}" for _, u, _, f, _ in FORMS])
def test_a_form_refuses_them_beside_the_field_and_keeps_what_was_typed(
    app, users, team, db, who, url, data, field, stored
):
    response = logged_in_client(app, users[who]).post(url, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error">Must not contain the invisible control character U+' in page
    assert f'aria-describedby="{field}-error"' in page
    assert html.escape(data[field]) in page  # typed text is shown again, to be corrected
    assert db.session.scalar(stored()) is None


def test_logging_in_with_one_says_so_at_the_field(client, users):
    response = client.post("/login", data={"email": "officer@example.org\x0b", "password": PASSWORD})
    assert response.status_code == 200 and "/login" not in response.headers.get("Location", "")
    assert 'id="email-error">Must not contain the invisible control character U+000B' in response.get_data(as_text=True)


def test_a_new_password_with_one_is_refused(officer_client, db, users):
    before = db.session.scalar(sa.select(User.password_hash).where(User.email == "officer@example.org"))
    response = officer_client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "new password\x07long", "confirm": "new password\x07long"},
    )
    assert 'id="password-error">Must not contain the invisible control character U+0007' in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(User.password_hash).where(User.email == "officer@example.org")) == before


def test_an_inspector_status_note_with_one_is_refused_beside_it(officer_client, inspector_client, db):
    concern = officer_client.post(
        "/api/v1/concerns",
        json={"id": new_id(), "category": "speeding", "description": "Cars", "ward_code": "E05009857"},
    )
    url = f"/inbox/concerns/{concern.get_json()['id']}"
    response = inspector_client.post(
        url, data={"action": "status", "status-to": "action_taken", "status-note": "Patrols\x0bsent"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="status-note-error">Must not contain the invisible control character U+000B' in page
    assert ">Patrols\x0bsent</textarea>" in page
    assert db.session.get(Concern, concern.get_json()["id"]).status == "new"


def test_a_reroute_reason_with_one_is_refused_beside_it(officer_client, staff_client, db, team):
    team_id = sa.inspect(team).identity[0]
    concern = officer_client.post(
        "/api/v1/concerns",
        json={"id": new_id(), "category": "speeding", "description": "Cars", "ward_code": "E05009857"},
    )
    url = f"/inbox/concerns/{concern.get_json()['id']}"
    response = staff_client.post(url, data={"action": "reroute", "reroute-lead": "", "reroute-reason": PASTED})
    assert response.status_code == 422
    assert "Must not contain the invisible control character U+000B" in response.get_data(as_text=True)
    assert db.session.get(Concern, concern.get_json()["id"]).lead_team_id == team_id


def test_every_form_of_the_app_is_one_that_checks_its_text(app):
    """A form made straight from FlaskForm would let them through: every form must derive
    from engage.platform.forms.Form (the app's blueprints are imported by now)."""
    from flask_wtf import FlaskForm

    from engage.platform.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("engage.")]
    assert len(ours) >= 10
    assert [c.__qualname__ for c in ours if not issubclass(c, Form)] == []


def test_you_said_we_did_text_with_one_is_shown_back_not_stored(officer_client, inspector_client, staff_client, db):
    done = officer_client.post(
        "/api/v1/concerns",
        json={"id": new_id(), "category": "speeding", "description": "Cars", "ward_code": "E05009857"},
    )
    inspector_client.post(
        f"/inbox/concerns/{done.get_json()['id']}",
        data={"action": "status", "status-to": "action_taken", "status-note": "Speed checks"},
    )
    today = date.today()
    staff_client.post(
        "/updates/draft",
        data={"ward": "E05009857", "from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()},
    )
    update = db.session.scalar(sa.select(WardUpdate))
    item = update.items[0]
    response = staff_client.post(
        f"/updates/{update.id}",
        data={
            "count": "1",
            "intro": "What residents\x0csaid",
            "category-0": item["category"],
            "label-0": item["label"],
            "you_said-0": item["you_said"],
            "we_did-0": PASTED,
            "action": "publish",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="intro-error">Must not contain the invisible control character U+000C' in page
    assert 'id="we_did-0-error">Must not contain the invisible control character U+000B' in page
    assert f">{PASTED}</textarea>" in page
    db.session.expire_all()
    stored = db.session.get(WardUpdate, update.id)
    assert stored.state == "draft" and stored.items[0]["we_did"] == item["we_did"]


def test_panel_report_wording_with_one_is_shown_back_not_exported(staff_client):
    today = date.today()
    response = staff_client.post(
        "/reports/panel",
        data={
            "from": (today - timedelta(days=30)).isoformat(),
            "to": today.isoformat(),
            "format": "docx",
            "p:purpose": "The purpose\x0bof this report",
        },
    )
    assert response.status_code == 422 and "attachment" not in response.headers.get("Content-Disposition", "")
    page = response.get_data(as_text=True)
    assert 'id="p-1.1-error">Must not contain the invisible control character U+000B' in page
    assert ">The purpose\x0bof this report</textarea>" in page


# --- imports and Open311 -----------------------------------------------------------


def test_csv_imports_report_the_row_and_column(app_ctx, db, tmp_path, team):
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.designations import (
        DesignationImportError,
        import_designations,
    )
    from engage.teams.rules import RuleImportError, import_rules
    from engage.teams.services import TeamImportError, import_teams

    teams = tmp_path / "teams.csv"
    teams.write_text(
        "code,name,kind,lad_code,contact_email,coverage,wards\n"
        "INT-A,Team A,int,,a@example.org,all,\n"
        "INT-B,Team\x0bB,int,,b@example.org,all,\n"
    )
    with pytest.raises(TeamImportError) as refused:
        import_teams(str(teams))
    assert refused.value.problems == [
        "row 3: name: must not contain the invisible control character U+000B "
        "(vertical tab, which Word pastes for a line break) at character 5, as text "
        "pasted from Word or a PDF can; delete it or paste as plain text"
    ]

    rules = tmp_path / "rules.csv"
    rules.write_text(
        "ward_code,lad_code,category,lead_team,copy_teams,priority,note\nE05009857,,drugs,INT-TEST,,0,Agreed\x0c2024\n"
    )
    with pytest.raises(RuleImportError) as refused:
        import_rules(str(rules), edited_by="test")
    assert refused.value.problems[0].startswith("row 2: note: must not contain the invisible control character U+000C")

    designations = tmp_path / "designations.csv"
    designations.write_text("ward_code,designation,effective_from\nE05009857,support\x01,2024-04-01\n")
    with pytest.raises(DesignationImportError) as refused:
        import_designations(str(designations), current_boundary_set())
    assert refused.value.problems[0].startswith(
        "row 2: designation: must not contain the invisible control character U+0001"
    )
    assert count(db, Team, Team.code.in_(["INT-A", "INT-B"])) == 0 and count(db, RoutingRule) == 0


def test_a_meetings_file_reports_the_row_and_column(app_ctx, db, tmp_path):
    # (An .xlsx cannot deliver one: Excel writes it as the text _x000B_, as openpyxl reads it.)
    from engage.concerns.import_meetings import plan_import, read_rows

    path = tmp_path / "meetings.csv"
    path.write_text(
        "Date,Ward,Venue,Attendance,Notes\n2019-03-04,Brotton,Library,12,fine\n"
        "2019-03-05,Brotton,Town\x1bHall,9,Asked about\x0bparking\n"
    )
    plan = plan_import(read_rows(path), today=date(2026, 6, 1))
    assert [(p.row, p.reason) for p in plan.problems] == [
        (
            3,
            (
                "Venue: must not contain the invisible control character U+001B (escape) at character 5, as text pasted "
                "from Word or a PDF can; delete it or paste as plain text; Notes: must not contain the invisible control "
                "character U+000B (vertical tab, which Word pastes for a line break) at character 12, as text pasted from "
                "Word or a PDF can; delete it or paste as plain text"
            ),
        )
    ]


def test_open311_submissions_name_the_field(app, users, db):
    from engage.accounts.services import issue_token

    token = issue_token(users["officer"]).token
    db.session.commit()
    client = app.test_client()
    base = {"api_key": token, "service_code": "speeding", "lat": "54.5742", "long": "-1.2345"}
    response = client.post("/open311/v2/requests.json", data={**base, "description": PASTED})
    assert response.status_code == 400
    assert response.get_json()[0]["description"].startswith(
        "description: must not contain the invisible control character U+000B"
    )
    response = client.post(
        "/open311/v2/requests.json",
        data={"api_key": token, "service_code": "speeding", "address_string": "12 High\x0cStreet"},
    )
    assert response.status_code == 400
    assert response.get_json()[0]["description"].startswith("address_string: must not contain")
    assert count(db, Concern) == 0


# --- exports of what was stored before ----------------------------------------------


@pytest.fixture
def stored_with_control_characters(app, officer_client, inspector_client, db):
    """Entries as they could be stored before control characters were refused: written
    with SQL (the app now refuses them), in every text an export or report shows."""
    today = date.today()
    yfyv, other = new_id(), new_id()
    for meeting_id, kind in ((yfyv, "your_force_your_voice"), (other, "partner_event")):
        assert (
            officer_client.post(
                "/api/v1/meetings",
                json={
                    "id": meeting_id,
                    "kind": kind,
                    "ward_codes": ["E05009857"],
                    "attendance": 12,
                    "date": (today - timedelta(days=2)).isoformat(),
                    "venue": f"Hall {kind}",  # two meetings at one venue on one day would be one
                    "notes": "Notes",
                },
            ).status_code
            == 201
        )
    concern = officer_client.post(
        "/api/v1/concerns",
        json={
            "id": new_id(),
            "meeting_id": yfyv,
            "category": "speeding",
            "description": "Cars",
            "contact_consent": True,
            "contact_name": "Mrs Smith",
            "contact_details": "07700 900123",
        },
    ).get_json()["id"]
    inspector_client.post(
        f"/inbox/concerns/{concern}", data={"action": "status", "status-to": "action_taken", "status-note": "Checks"}
    )
    db.session.execute(
        sa.update(Meeting).values(
            venue="Town\x0bHall", notes="Asked\x0cabout\x01parking", police_partners="PCSO\x1bSmith"
        )
    )
    db.session.execute(
        sa.update(Concern)
        .where(Concern.id == concern)
        .values(
            description="=Cars race\x0bpast the school\x7f", we_did="Speed\x0bchecks\x08", contact_name="Mrs\x1fSmith"
        )
    )
    db.session.execute(sa.update(Category).where(Category.code == "speeding").values(label="Speeding\x0c"))
    db.session.commit()
    return concern


EXPORTS = [
    "/exports/concerns.csv?contact=1",
    "/exports/concerns.xlsx?contact=1",
    "/exports/concerns.geojson",
    "/exports/meetings.csv",
    "/exports/meetings.xlsx",
    "/exports/meetings.geojson",
    "/reports/coverage?format=csv",
]


@pytest.mark.parametrize("url", EXPORTS)
def test_every_export_still_writes_them(staff_client, stored_with_control_characters, url):
    response = staff_client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    if ".xlsx" in url:
        rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
        cells = {cell for row in rows for cell in row}
        if "concerns" in url:  # Word's line break kept as one; the rest dropped; still no formula
            # (DEL is a character XML holds: it stays.)
            assert "'=Cars race\npast the school\x7f" in cells and "MrsSmith" in cells
        else:
            assert "Town\nHall" in cells and "Asked\naboutparking" in cells and "PCSOSmith" in cells
    elif ".csv" in url and "concerns" in url:  # CSV holds any text: what was stored
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
        assert rows[0]["description"] == "'=Cars race\x0bpast the school\x7f"


def test_the_panel_report_still_exports_as_word_pdf_and_html(staff_client, stored_with_control_characters):
    today = date.today()
    period = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}
    docx = staff_client.post("/reports/panel", data={**period, "format": "docx"})
    assert docx.status_code == 200, docx.get_data(as_text=True)[:500]
    document = Document(io.BytesIO(docx.data))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Speeding\n" in text and "Speed\nchecks" in text and "Town\nHall" in text
    assert "Asked\naboutparking" in text

    pdf = staff_client.post("/reports/panel", data={**period, "format": "pdf"})
    assert pdf.status_code == 200
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Speed" in pdf_text and "checks" in pdf_text and "\x0b" not in pdf_text

    page = staff_client.post("/reports/panel", data={**period, "format": "html"})
    assert page.status_code == 200 and "Speed\nchecks" in page.get_data(as_text=True)
    assert "\x0b" not in page.get_data(as_text=True)
