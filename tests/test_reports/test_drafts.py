"""A Panel report's wording is kept as staff type and survives leaving the page; it can be
taken back to the computed text; a report sent to the Panel is frozen with its files as
sent; and a meeting can be added from the report page."""

import io
import uuid
from datetime import date

import sqlalchemy as sa
from docx import Document

from engage.concerns.models import Meeting
from engage.reports.models import PanelReportDraft
from tests.conftest import TODAY

FROM, TO = date(TODAY.year, 2, 1), TODAY
REPORT = {"from": FROM.isoformat(), "to": TO.isoformat(), "report_date": "2026-07-03", "source": "real"}
PAGE = f"/reports/panel?from={FROM}&to={TO}&report_date=2026-07-03"


def autosave(client, **paragraphs):
    return client.post("/reports/panel/draft", data={**REPORT, **{f"p:{k}": v for k, v in paragraphs.items()}})


def test_wording_saved_as_staff_type_is_there_on_the_next_visit(staff_client, admin_client):
    saved = autosave(staff_client, background="Our own background, typed on the page.")
    assert saved.status_code == 200
    assert saved.get_json()["saved_by"] == "staff@example.org" and saved.get_json()["edited"] == ["background"]
    page = staff_client.get(PAGE).get_data(as_text=True)
    assert ">Our own background, typed on the page.</textarea>" in page
    assert "Wording saved" in page and "by staff@example.org" in page
    # Another member of staff opening the same report sees it, and who changed it last.
    assert "Our own background, typed on the page." in admin_client.get(PAGE).get_data(as_text=True)
    # Another report date is another report.
    other = staff_client.get(f"/reports/panel?from={FROM}&to={TO}&report_date=2026-07-04").get_data(as_text=True)
    assert "Our own background, typed on the page." not in other


def test_emptied_or_reverted_paragraphs_read_as_computed(staff_client, db):
    autosave(staff_client, background="Mine.", purpose="Also mine.")
    assert autosave(staff_client, purpose="").get_json()["edited"] == ["background"]
    page = staff_client.get(PAGE).get_data(as_text=True)
    assert ">The purpose of this report" in page and ">Mine.</textarea>" in page
    reverted = staff_client.post("/reports/panel/revert", data=REPORT)
    assert reverted.status_code == 302
    page = staff_client.get(PAGE).get_data(as_text=True)
    assert "Mine." not in page and "Every paragraph is back to the computed wording." in page
    # One paragraph, without JavaScript: the button in the form.
    autosave(staff_client, background="Mine again.")
    one = staff_client.post("/reports/panel", data={**REPORT, "p:background": "Mine again.", "revert": "background"})
    assert "Mine again." not in one.get_data(as_text=True)
    assert db.session.scalar(sa.select(PanelReportDraft)).wording == {}


def test_text_a_report_cannot_hold_is_refused_by_paragraph(staff_client):
    refused = autosave(staff_client, background="Bad\x0btext")
    assert refused.status_code == 422
    assert "background" in refused.get_json()["paragraphs"]
    assert autosave(staff_client, background="x").status_code == 200
    assert staff_client.post("/reports/panel/draft", data={**REPORT, "report_date": "soon"}).status_code == 400


def test_the_no_javascript_form_keeps_only_what_differs_from_the_computed_text(staff_client, db):
    page = staff_client.get(PAGE).get_data(as_text=True)
    assert "Nothing changed yet" in page
    staff_client.post("/reports/panel", data={**REPORT, "p:background": "Reworded.", "p:purpose_future": ""})
    draft = db.session.scalar(sa.select(PanelReportDraft))
    assert draft.wording == {"background": "Reworded."} and draft.updated_by == "staff@example.org"


def test_a_sent_report_is_frozen_with_its_files_as_sent(officer_client, staff_client, db):
    autosave(staff_client, background="As sent.")
    confirm = staff_client.post("/reports/panel/send", data=REPORT)
    assert confirm.status_code == 200 and "Mark this report as sent to the Panel?" in confirm.get_data(as_text=True)
    assert db.session.scalar(sa.select(PanelReportDraft)).sent_at is None  # asking changed nothing
    sent = staff_client.post("/reports/panel/send", data={**REPORT, "confirm": "yes"})
    assert sent.status_code == 302
    draft = db.session.scalar(sa.select(PanelReportDraft))
    assert draft.sent_by == "staff@example.org"
    docx = staff_client.get(f"/reports/panel/sent/{draft.id}.docx")
    pdf = staff_client.get(f"/reports/panel/sent/{draft.id}.pdf")
    assert "2.1\tAs sent." in "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)

    # New records after sending change nothing that was sent.
    meeting = {"id": str(uuid.uuid4()), "ward_codes": ["E05009857"], "venue": "After Hall", "date": TO.isoformat()}
    assert officer_client.post("/api/v1/meetings", json=meeting).status_code == 201
    assert staff_client.get(f"/reports/panel/sent/{draft.id}.docx").data == docx.data
    assert staff_client.get(f"/reports/panel/sent/{draft.id}.pdf").data == pdf.data
    page = staff_client.get(PAGE).get_data(as_text=True)
    assert "Sent to the Panel on" in page and "After Hall" not in page and "<textarea" not in page

    assert autosave(staff_client, background="Changed after.").status_code == 409
    again = staff_client.post("/reports/panel/send", data={**REPORT, "confirm": "yes"}, follow_redirects=True)
    assert "cannot change" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PanelReportDraft)) == 1
    recent = staff_client.get("/reports").get_data(as_text=True)
    assert "sent to the Panel" in recent and "dated 3rd July 2026" in recent


def test_a_demo_report_cannot_be_sent(app_ctx, db, staff_client):
    from engage.demo.services import load_demo

    load_demo()
    db.session.commit()
    answer = staff_client.post("/reports/panel/send", data={**REPORT, "source": "demo", "confirm": "yes"})
    assert answer.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PanelReportDraft)) == 0
    assert staff_client.get("/reports/panel/sent/1.docx").status_code == 404


def test_a_meeting_added_from_the_report_page_appears_under_other_meetings(staff_client, db):
    autosave(staff_client, background="Kept while adding a meeting.")
    added = staff_client.post(
        "/reports/panel/meeting",
        data={
            **REPORT,
            "m-kind": "partnership",
            "m-date": date(TODAY.year, 3, 29).isoformat(),
            "m-venue": "Community Safety Hub",
            "m-ward": "central",
            "m-pcc": "yes",
            "m-notes": "The first meeting of the Anti Trafficking Network.",
        },
    )
    assert added.status_code == 302 and added.headers["Location"].endswith("#sec-4")
    page = staff_client.get(added.headers["Location"]).get_data(as_text=True)
    assert "On 29th March the PCC attended a partnership meeting at Community Safety Hub, Central." in page
    assert "Kept while adding a meeting." in page
    assert db.session.scalar(sa.select(Meeting).where(Meeting.venue == "Community Safety Hub")).kind == "partnership"


def test_a_bad_meeting_is_named_at_its_fields_and_kept(staff_client, db):
    answer = staff_client.post(
        "/reports/panel/meeting",
        data={**REPORT, "m-kind": "partnership", "m-date": "someday", "m-venue": "Hub", "m-ward": "Atlantis"},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "No ward called" in html and 'value="Hub"' in html and 'value="Atlantis"' in html
    good_ward = staff_client.post(
        "/reports/panel/meeting",
        data={**REPORT, "m-kind": "partnership", "m-date": "someday", "m-venue": "Hub", "m-ward": "Central"},
    )
    assert good_ward.status_code == 422 and 'id="m-date-error"' in good_ward.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0
