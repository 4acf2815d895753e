"""The Panel report as the Panel knows it: the seed's five numbered sections, the office's
letterhead and signature from settings, "Other Meetings" one dated paragraph each, English
as the office writes it, sample designations labelled, staff's wording kept."""

import io
import re
import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from docx import Document

from engage.geography.models import Ward, WardDesignation
from engage.reports.office import Office, OfficeHolder, write_office
from tests.conftest import TODAY

FROM, TO = date(TODAY.year, 2, 1), TODAY  # concerns are raised "now", on the pinned day
PERIOD = f"from={FROM}&to={TO}"
CENTRAL = "E05009857"
SECTIONS = [
    "1. Purpose of Report",
    "2. Background",
    "3. Your Force Your Voice",
    "4. Other Meetings",
    "5. Future Engagement / Meetings",
]


def meeting(client, day, kind="your_force_your_voice", venue="Town Hall", notes="", pcc=True, attendance=20):
    body = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "ward_codes": [CENTRAL],
        "venue": venue,
        "date": day.isoformat(),
        "notes": notes,
        "pcc_attended": pcc,
        "attendance": attendance,
    }
    answer = client.post("/api/v1/meetings", json=body)
    assert answer.status_code == 201, answer.get_json()
    return body["id"]


def concern(client, meeting_id, category="speeding"):
    answer = client.post(
        "/api/v1/concerns",
        json={"id": str(uuid.uuid4()), "meeting_id": meeting_id, "category": category, "description": "Racing"},
    )
    assert answer.status_code == 201
    return answer.get_json()["id"]


def actioned(inspector_client, concern_id, note="Speed checks on Marton Road"):
    answer = inspector_client.post(
        f"/inbox/concerns/{concern_id}",
        data={"action": "status", "status-to": "action_taken", "status-note": note},
    )
    assert answer.status_code in (200, 302)


def docx_text(staff_client, **extra):
    answer = staff_client.post("/reports/panel", data={"from": FROM, "to": TO, "format": "docx", **extra})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return "\n".join(p.text for p in Document(io.BytesIO(answer.data)).paragraphs)


def test_five_sections_numbered_as_the_seed_in_the_page_and_the_word_file(officer_client, staff_client):
    meeting(officer_client, date(TODAY.year, 3, 2))
    page = staff_client.get(f"/reports/panel?{PERIOD}").get_data(as_text=True)
    document = page[page.index('class="panel-document') :]
    headings = re.findall(r"<h3>(\d\. [^<]+)</h3>", document)
    assert headings[:5] == SECTIONS
    numbers = re.findall(r'<span class="num">(\d\.\d+)</span>', document)
    assert numbers[:5] == ["1.1", "1.2", "2.1", "2.2", "2.3"] and "3.1" in numbers and "5.1" in numbers
    assert numbers == sorted(numbers, key=lambda n: tuple(map(int, n.split("."))))
    text = docx_text(staff_client)
    assert [line for line in text.splitlines() if line in SECTIONS] == SECTIONS
    assert "1.1\tThe purpose of this report" in text and f"between 1 February and {TODAY.day} June" in text
    assert text.index("3.1\t") < text.index("4.1\t") < text.index("5.1\t")


def test_letterhead_and_signature_come_from_the_office_settings(db, app_ctx, staff_client):
    write_office(
        Office(
            name="Office of the Police and Crime Commissioner",
            address=["2 Exchange Place", "Middlesbrough", "TS1 1DE"],
            email="pcc@example.org",
            website="www.example.org",
            holders=[OfficeHolder("Police and Crime Commissioner", "Jo Bloggs", "01642 000001")],
            signature_name="Jo Bloggs",
            signature_title="Police and Crime Commissioner for Cleveland",
        ),
        "admin@example.org",
    )
    db.session.commit()
    page = staff_client.get(f"/reports/panel?{PERIOD}&report_date=2026-07-03&panel_date=2026-07-10")
    html = page.get_data(as_text=True)
    assert "2 Exchange Place" in html and "Tel: 01642 000001" in html and "Jo Bloggs" in html
    assert "3rd July 2026" in html and "For the Panel meeting of 10th July 2026" in html
    assert "has no name yet" not in html
    text = docx_text(staff_client, report_date="2026-07-03")
    assert "Office of the Police and Crime Commissioner" in text and "Email: pcc@example.org" in text
    assert text.rstrip().split("\n").count("3rd July 2026") == 1
    assert "Jo Bloggs\nPolice and Crime Commissioner for Cleveland" in text  # the signature block


def test_an_unset_signature_is_flagged_and_a_bad_date_is_named(staff_client):
    html = staff_client.get(f"/reports/panel?{PERIOD}").get_data(as_text=True)
    assert "The signature block has no name yet" in html
    bad = staff_client.get(f"/reports/panel?{PERIOD}&report_date=3rd+July")
    assert bad.status_code == 422 and "The report date &#39;3rd July&#39; is not a date" in bad.get_data(as_text=True)


def test_other_meetings_are_dated_paragraphs_with_ordinals(officer_client, staff_client):
    meeting(officer_client, date(TODAY.year, 2, 8), kind="school_youth", venue="Frederick Nattrass Primary School",
            notes="The closing ceremony of the Mini Police initiative.")  # fmt: skip
    meeting(officer_client, date(TODAY.year, 3, 22), kind="scrutiny", venue="Police HQ", pcc=False)
    text = docx_text(staff_client)
    assert (
        "4.2\tOn 8th February the PCC attended a school or youth event at Frederick Nattrass Primary School, "
        "Central. The closing ceremony of the Mini Police initiative." in text
    )
    assert "4.3\tOn 22nd March OPCC staff attended a scrutiny meeting at Police HQ, Central." in text


def test_counts_read_as_english_for_none_one_and_two(officer_client, inspector_client, staff_client):
    text = docx_text(staff_client)
    assert "no Your Force Your Voice community meetings were held" in text
    assert "No concerns were raised in the period" in text
    held = meeting(officer_client, date(TODAY.year, 3, 2))
    first = concern(officer_client, held)
    actioned(inspector_client, first)
    text = docx_text(staff_client)
    assert "the PCC attended one community meeting: one in Middlesbrough, attended by 20 residents." in text
    assert "Of the 1 concern raised in the period, 1 has been actioned, none closed without action" in text
    assert "none remain open" in text
    assert "Residents in Central raised concerns about speeding and road safety. Speed checks on Marton Road." in text
    second = concern(officer_client, held)
    actioned(inspector_client, second, "Speed checks on Marton Road")
    meeting(officer_client, date(TODAY.year, 4, 2), venue="Library")
    text = docx_text(staff_client)
    assert "Of the 2 concerns raised in the period, 2 have been actioned" in text
    assert "attended two community meetings: two in Middlesbrough, attended by 40 residents" in text
    assert "0.0" not in text and re.search(r"\b\d+\.\d+ days", text) is None


def test_sample_designations_are_labelled_in_the_report(db, officer_client, staff_client):
    ward = db.session.scalar(sa.select(Ward).where(Ward.code == CENTRAL))
    db.session.add(WardDesignation(ward=ward, designation="strengthen", effective_from=FROM, is_sample=True))
    db.session.commit()
    concern(officer_client, meeting(officer_client, date(TODAY.year, 3, 2)))
    text = docx_text(staff_client)
    assert "1 came from Strengthen (sample) wards" in text
    html = staff_client.get(f"/reports/panel?{PERIOD}").get_data(as_text=True)
    assert "<td>Strengthen (sample)</td>" in html


def test_staff_wording_replaces_the_computed_text_and_empty_reverts_it(staff_client):
    text = docx_text(staff_client, **{"p:background": "Our own background.", "p:purpose": "  "})
    assert "2.1\tOur own background." in text
    assert "1.1\tThe purpose of this report" in text
    bad = staff_client.post("/reports/panel", data={"from": FROM, "to": TO, "p:background": "Bad\x0btext"})
    assert bad.status_code == 422 and "Bad" in bad.get_data(as_text=True)


def test_admins_set_the_office_details_once(admin_client, staff_client):
    form = admin_client.get("/admin/office").get_data(as_text=True)
    assert "Ladgate Lane" in form
    bad = admin_client.post(
        "/admin/office",
        data={"name": "", "address": "1 Road", "email": "not an address", "holder_0": "Jo Bloggs"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Give the office&#39;s name." in html
    assert "Give an e-mail address like pcc@example.org." in html
    nameless_role = admin_client.post(
        "/admin/office", data={"name": "OPCC", "address": "1 Road", "role_0": "", "holder_0": "Jo Bloggs"}
    )
    assert nameless_role.status_code == 422 and "Give the role this person holds" in nameless_role.get_data(
        as_text=True
    )
    good = admin_client.post(
        "/admin/office",
        data={
            "name": "OPCC Cleveland",
            "address": "Ladgate Lane\nMiddlesbrough\nTS8 9EH",
            "email": "pcc@example.org",
            "role_0": "Police and Crime Commissioner",
            "holder_0": "Jo Bloggs",
            "tel_0": "01642 301653",
            "signature_name": "Jo Bloggs",
            "signature_title": "Police and Crime Commissioner for Cleveland",
        },
    )
    assert good.status_code == 302
    html = staff_client.get(f"/reports/panel?{PERIOD}").get_data(as_text=True)
    assert "OPCC Cleveland" in html and "has no name yet" not in html
    assert staff_client.get("/admin/office").status_code == 403


def test_future_meetings_are_listed_with_their_dates(officer_client, staff_client):
    planned = TO + timedelta(days=10)
    body = {
        "id": str(uuid.uuid4()),
        "ward_codes": [CENTRAL],
        "venue": "Central Library",
        "date": planned.isoformat(),
        "status": "planned",
    }
    assert officer_client.post("/api/v1/meetings", json=body).status_code == 201
    text = docx_text(staff_client)
    assert "5.1\tMeetings of note over the next few weeks include:" in text
    assert f"Your Force Your Voice, Central Library, Central – {planned.day}" in text
