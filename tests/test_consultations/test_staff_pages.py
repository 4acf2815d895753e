"""The staff's consultation screens as staff use them: creating one from the seeded
priorities, mistakes said beside their fields with what was typed kept, editing before
it opens (and why not after), keying paper forms one after another, and voiding a
response (kept, struck through with its reason, audited, left out of the counts)."""

from __future__ import annotations

import html
import random
import re
import string
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from engage.consultations.models import Consultation, ConsultationResponse
from engage.consultations.services import create_consultation, record_response
from engage.extensions import db
from engage.platform.audit import AuditEvent
from tests.conftest import TODAY


def _tag() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=8))


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


@pytest.fixture
def open_consultation(app, users):
    consultation = create_consultation(
        title=f"Priorities {_tag()}",
        opens_on=TODAY - timedelta(days=2),
        closes_on=TODAY + timedelta(days=20),
        options=["Speeding", "Drugs", "Fly-tipping", "Visible policing"],
        max_choices=2,
        questions=[{"key": "age", "prompt": "Your age", "choices": ["Under 25", "25 or over"]}],
        today=TODAY - timedelta(days=3),
        actor="staff@example.org",
    )
    db.session.commit()
    # Plain values: each request ends its session, and the objects loaded here with it.
    return SimpleNamespace(
        id=consultation.id,
        slug=consultation.slug,
        title=consultation.title,
        opens_on=consultation.opens_on,
        options={o.label: str(o.id) for o in consultation.options},
    )


def _option(consultation, label) -> str:
    return consultation.options[label]


def _get(consultation):
    return db.session.get(Consultation, consultation.id)


def test_staff_create_a_consultation_from_the_seeded_priorities(staff_client):
    page = staff_client.get("/consultations/new")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Off-road bikes and quads = off_road_bikes" in body  # the seeded priorities, in the users' words
    assert "What should the police focus on in your area?" in body
    title = f"Community priorities {_tag()}"
    answer = staff_client.post(
        "/consultations/new",
        data={
            "title": title,
            "question": "What should the police focus on in your area?",
            "opens_on": (TODAY + timedelta(days=7)).isoformat(),
            "closes_on": (TODAY + timedelta(days=60)).strftime("%d/%m/%Y"),
            "options": "Off-road bikes and quads = off_road_bikes\nSpeeding = speeding\nSomething else",
            "max_choices": "3",
            "free_text": "y",
            "free_text_prompt": "Anything else?",
            "questions": "age | Your age | Under 25, 25 to 64, 65 or over",
            "threshold": "10",
        },
    )
    assert answer.status_code == 302
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.title == title))
    assert [o.label for o in consultation.options] == ["Off-road bikes and quads", "Speeding", "Something else"]
    assert consultation.options[0].category.code == "off_road_bikes" and consultation.options[2].category is None
    assert consultation.questions[0]["choices"] == ["Under 25", "25 to 64", "65 or over"]
    page = _text(staff_client.get(answer.headers["Location"]))
    assert f"Created “{title}”" in page
    assert f"/consult/{consultation.slug}" in page  # the public link to share
    assert "Not open yet" in page
    listing = _text(staff_client.get("/consultations"))
    assert title in listing and "Not open yet" in listing


def test_mistakes_are_said_beside_their_fields_and_what_was_typed_stays(staff_client):
    title = f"Priorities {_tag()}"
    answer = staff_client.post(
        "/consultations/new",
        data={
            "title": title,
            "opens_on": (TODAY + timedelta(days=7)).isoformat(),
            "closes_on": "soon",
            "options": "Speeding\nBikes = motorbikes",
            "max_choices": "3",
            "threshold": "10",
        },
    )
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert 'id="closes_on-error"' in body and "“soon” is not a date" in body
    assert f'value="{title}"' in body
    assert db.session.scalar(sa.select(Consultation).where(Consultation.title == title)) is None
    answer = staff_client.post(
        "/consultations/new",
        data={
            "title": title,
            "opens_on": (TODAY + timedelta(days=7)).isoformat(),
            "closes_on": (TODAY + timedelta(days=9)).isoformat(),
            "options": "Speeding\nBikes = motorbikes",
            "max_choices": "3",
            "threshold": "10",
        },
    )
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="options-error"' in body and "Line 2: there is no concern category with the code “motorbikes”" in body
    assert "Bikes = motorbikes</textarea>" in body
    answer = staff_client.post(
        "/consultations/new",
        data={
            "title": title,
            "opens_on": (TODAY + timedelta(days=7)).isoformat(),
            "closes_on": (TODAY + timedelta(days=5)).isoformat(),
            "options": "Speeding\nDrugs",
            "max_choices": "7",
            "threshold": "10",
        },
    )
    assert answer.status_code == 422 and "before it opens" in _text(answer)


def test_a_consultation_is_edited_until_it_opens_and_then_says_why_not(staff_client, open_consultation):
    upcoming = create_consultation(
        title=f"Next year {_tag()}",
        opens_on=TODAY + timedelta(days=10),
        closes_on=TODAY + timedelta(days=40),
        options=["Speeding", "Drugs"],
        today=TODAY,
        actor="staff@example.org",
    )
    db.session.commit()
    upcoming_id = upcoming.id
    form = staff_client.get(f"/consultations/{upcoming.slug}/edit").get_data(as_text=True)
    assert "Speeding\nDrugs</textarea>" in form and "disabled" not in form.split("<form")[1]
    answer = staff_client.post(
        f"/consultations/{upcoming.slug}/edit",
        data={
            "title": upcoming.title,
            "question": "What matters most where you live?",
            "opens_on": (TODAY + timedelta(days=10)).isoformat(),
            "closes_on": (TODAY + timedelta(days=40)).isoformat(),
            "options": "Speeding = speeding\nDrugs\nBurglary",
            "max_choices": "2",
            "free_text_prompt": "",
            "threshold": "5",
        },
    )
    assert answer.status_code == 302
    upcoming = db.session.get(Consultation, upcoming_id)
    assert [o.label for o in upcoming.options] == ["Speeding", "Drugs", "Burglary"]
    assert upcoming.question == "What matters most where you live?" and not upcoming.free_text

    page = staff_client.get(f"/consultations/{open_consultation.slug}/edit")
    assert page.status_code == 200
    assert f"it opened on {open_consultation.opens_on.day} {open_consultation.opens_on:%B %Y}" in _text(page)
    assert "<fieldset disabled>" in page.get_data(as_text=True)
    refused = staff_client.post(
        f"/consultations/{open_consultation.slug}/edit",
        data={"title": "Changed", "options": "A\nB", "max_choices": "2", "threshold": "10"},
    )
    assert refused.status_code == 422 and "its questions can no longer change" in _text(refused)
    assert _get(open_consultation).title != "Changed"


def test_staff_key_paper_forms_one_after_another(staff_client, open_consultation):
    url = f"/consultations/{open_consultation.slug}"
    form = staff_client.get(url).get_data(as_text=True)
    assert "Key a response" in form and "Paper form" in form and "Form number (optional)" in form
    for n, ref in enumerate(("P-001", "P-002"), start=1):
        answer = staff_client.post(
            f"{url}/responses",
            data={
                "channel": "paper",
                "source_ref": ref,
                "ward": "Grangetown",
                "choices": [_option(open_consultation, "Drugs"), _option(open_consultation, "Speeding")],
                "comment": f"Dealing behind the shops {ref}",
                "q_age": "Under 25",
            },
            follow_redirects=True,
        )
        assert answer.status_code == 200
        page = _text(answer)
        assert f"Saved: response {n} of this session" in page
        assert f"Dealing behind the shops {ref}" in page  # staff read the comment
    body = answer.get_data(as_text=True)
    key_form = body.split('id="key"')[1].split("</form>")[0]
    assert '" checked>' not in key_form.split('class="priorities')[1]  # empty for the next one
    assert "P-002" not in key_form
    keyed = db.session.scalars(
        sa.select(ConsultationResponse).where(ConsultationResponse.consultation_id == open_consultation.id)
    ).all()
    assert {r.source_ref for r in keyed} == {"P-001", "P-002"}
    assert all(
        r.channel == "paper" and r.ward.name == "Grangetown" and r.keyed_by == "staff@example.org" for r in keyed
    )
    assert keyed[0].answers == {"age": "Under 25"}
    assert [c.option.label for c in keyed[0].choices] == ["Drugs", "Speeding"]  # ranked as the form sent them


def test_a_keyed_form_with_mistakes_comes_back_with_each_said(staff_client, open_consultation):
    url = f"/consultations/{open_consultation.slug}/responses"
    options = [_option(open_consultation, label) for label in ("Speeding", "Drugs", "Fly-tipping")]
    answer = staff_client.post(
        url, data={"channel": "event", "ward": "Grangetwon", "choices": options[:1], "comment": "Kept text"}
    )
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert 'id="ward-error"' in body and "No ward called &#39;Grangetwon&#39;. Did you mean: Grangetown?" in body
    assert "Kept text</textarea>" in body and 'checked id="channel-1"' in body
    answer = staff_client.post(url, data={"channel": "event", "ward": "Grangetown", "choices": options})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="choices-error"' in body and "3 priorities chosen: choose up to 2" in body
    assert 'value="Grangetown"' in body
    record_response(
        _get(open_consultation),
        ward_id=None,
        option_ids=options[:1],
        today=TODAY,
        channel="paper",
        source_ref="P-9",
    )
    db.session.commit()
    answer = staff_client.post(url, data={"channel": "paper", "source_ref": "P-9", "choices": options[:1]})
    assert answer.status_code == 422
    assert 'id="source_ref-error"' in answer.get_data(as_text=True)
    assert "A response with reference “P-9” is already recorded" in _text(answer)
    answer = staff_client.post(url, data={"channel": "paper", "choices": options[:1], "q_age": "Ancient"})
    assert answer.status_code == 422 and "Choose one of the answers listed" in _text(answer)


def test_voiding_a_response_keeps_it_struck_through_with_its_reason(staff_client, open_consultation):
    response = record_response(
        _get(open_consultation),
        ward_id=None,
        option_ids=[_option(open_consultation, "Drugs")],
        today=TODAY,
        channel="paper",
        comment="Same form keyed twice",
    )
    db.session.commit()
    response_id = response.id
    url = f"/consultations/{open_consultation.slug}/responses/{response_id}/void"
    refused = staff_client.post(url, data={"reason": "  "})
    assert refused.status_code == 422
    assert f'id="reason-{response_id}-error"' in refused.get_data(as_text=True)
    assert "Say why the response is void" in _text(refused)
    answer = staff_client.post(url, data={"reason": "Keyed twice from form P-4"}, follow_redirects=True)
    page = _text(answer)
    assert "Voided the response" in page
    assert "Voided" in page and "by staff@example.org: Keyed twice from form P-4" in page
    assert f'<tr id="r-{response_id}" class="voided">' in answer.get_data(as_text=True)
    assert "0 counted, 1 voided" in page
    assert db.session.get(ConsultationResponse, response_id).void_reason == "Keyed twice from form P-4"
    audited = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == "consultation_response", AuditEvent.entity_id == response_id)
    ).all()
    assert any(e.action == "update" and e.actor == "staff@example.org" for e in audited)
    again = staff_client.post(url, data={"reason": "Again"})
    assert again.status_code == 422 and "this response was voided on" in _text(again).lower()
    listing = _text(staff_client.get("/consultations"))
    assert open_consultation.title in listing


def test_responses_are_listed_newest_first_a_page_at_a_time(staff_client, open_consultation):
    drugs = _option(open_consultation, "Drugs")
    consultation = _get(open_consultation)
    for n in range(27):
        record_response(
            consultation, ward_id=None, option_ids=[drugs], today=TODAY, channel="paper", source_ref=f"F{n:02d}"
        )
        db.session.flush()
    responses = db.session.scalars(
        sa.select(ConsultationResponse).where(ConsultationResponse.consultation_id == open_consultation.id)
    ).all()
    for n, r in enumerate(sorted(responses, key=lambda r: r.source_ref)):
        r.recorded_at = r.recorded_at + timedelta(minutes=n)
    db.session.commit()
    first = _text(staff_client.get(f"/consultations/{open_consultation.slug}"))
    assert "No. F26" in first and "No. F02" in first and "No. F01" not in first
    assert first.index("No. F26") < first.index("No. F25")
    second = _text(staff_client.get(f"/consultations/{open_consultation.slug}?page=2"))
    assert "No. F01" in second and "No. F00" in second and "No. F02" not in second
    assert staff_client.get(f"/consultations/{open_consultation.slug}?page=lots").status_code == 400


def test_a_consultation_called_new_still_has_its_own_page(staff_client):
    answer = staff_client.post(
        "/consultations/new",
        data={
            "title": "New",
            "opens_on": (TODAY + timedelta(days=7)).isoformat(),
            "closes_on": (TODAY + timedelta(days=9)).isoformat(),
            "options": "Speeding\nDrugs",
            "max_choices": "1",
            "threshold": "10",
        },
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/consultations/new-consultation")
    page = staff_client.get("/consultations/new-consultation")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    # The results and the survey import are this consultation's other pages.
    assert 'href="/consultations/new-consultation/results"' in body
    assert 'href="/consultations/new-consultation/import"' in body
