"""The public consultation page as a resident uses it, with no account and no
JavaScript: finding their ward by a place typed or their phone's position, choosing up
to the number allowed, being thanked; and what keeps it honest: once per browser
session, a limit per address, a honeypot, CSRF, closed consultations taking nothing,
comments never shown publicly, the privacy notice from settings."""

from __future__ import annotations

import html
import random
import re
import string
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from engage.consultations.models import ConsultationResponse
from engage.consultations.services import create_consultation
from engage.extensions import db
from engage.geography.models import Ward
from tests.conftest import TODAY


def _tag() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=8))


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _make(opens=-2, closes=20, **extra):
    consultation = create_consultation(
        title=f"Priorities {_tag()}",
        opens_on=TODAY + timedelta(days=opens),
        closes_on=TODAY + timedelta(days=closes),
        options=["Speeding", "Drugs", "Fly-tipping", "Visible policing"],
        today=TODAY + timedelta(days=min(opens, 0) - 1),
        actor="staff@example.org",
        **extra,
    )
    db.session.commit()
    return SimpleNamespace(
        id=consultation.id,
        url=f"/consult/{consultation.slug}",
        options={o.label: str(o.id) for o in consultation.options},
        opens_on=consultation.opens_on,
        closes_on=consultation.closes_on,
    )


@pytest.fixture
def consultation(app):
    return _make(questions=[{"key": "age", "prompt": "Your age", "choices": ["Under 25", "25 or over"]}])


def _responses(consultation):
    return db.session.scalars(
        sa.select(ConsultationResponse).where(ConsultationResponse.consultation_id == consultation.id)
    ).all()


def _ward_code(name):
    return db.session.scalar(sa.select(Ward.code).where(Ward.name == name))


def test_a_resident_finds_their_ward_by_a_place_and_answers(client, consultation):
    first = client.get(consultation.url)
    assert first.status_code == 200
    page = _text(first)
    assert "Step 1 of 2: find your ward" in page and "Your privacy" in page
    found = client.get(f"{consultation.url}?place=marton")
    links = re.findall(r'href="([^"]*ward=(E\d+))"', found.get_data(as_text=True))
    assert "2 wards match “marton”" in _text(found) and len(links) == 2
    step_two = client.get(f"{consultation.url}?ward={_ward_code('Marton East')}")
    page = _text(step_two)
    assert "Your ward: Marton East (Middlesbrough)" in page
    assert "Choose up to 3" in page and "Prefer not to say" in page
    answer = client.post(
        consultation.url,
        data={
            "ward": _ward_code("Marton East"),
            "choices": [consultation.options["Speeding"], consultation.options["Drugs"]],
            "comment": "Cars race down Ladgate Lane at night",
            "q_age": "25 or over",
            "website": "",
        },
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"{consultation.url}/thanks")
    assert "Thank you: your answers are sent" in _text(client.get(answer.headers["Location"]))
    (response,) = _responses(consultation)
    assert response.channel == "online" and response.ward.name == "Marton East"
    assert [c.option.label for c in response.choices] == ["Speeding", "Drugs"]
    assert response.answers == {"age": "25 or over"} and response.session_key and response.keyed_by == ""
    # The comment is the staff's: never on a public page.
    for url in (consultation.url, f"{consultation.url}/thanks", f"/public/wards/{_ward_code('Marton East')}"):
        assert "Ladgate Lane at night" not in client.get(url).get_data(as_text=True)


def test_the_same_browser_is_thanked_again_and_nothing_more_is_kept(client, consultation, app):
    data = {"ward": "none", "choices": [consultation.options["Drugs"]]}
    assert client.post(consultation.url, data=data).status_code == 302
    again = client.post(consultation.url, data={**data, "choices": [consultation.options["Speeding"]]})
    assert again.status_code == 409
    assert "You have already answered: thank you" in _text(again)
    assert "You have already answered" in _text(client.get(consultation.url))  # no form offered again
    other_browser = app.test_client()
    assert other_browser.post(consultation.url, data=data).status_code == 302
    responses = _responses(consultation)
    assert len(responses) == 2 and all(r.ward_id is None for r in responses)


def test_too_many_priorities_are_refused_beside_them_with_the_choices_kept(client):
    consultation = _make(max_choices=2)
    chosen = [consultation.options[label] for label in ("Speeding", "Drugs", "Fly-tipping")]
    answer = client.post(
        consultation.url, data={"ward": _ward_code("Grangetown"), "choices": chosen, "comment": "Kept"}
    )
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert 'id="choices-error"' in body and "3 priorities chosen: choose up to 2." in body
    assert body.count('" checked>') == 3 and "Kept</textarea>" in body
    assert "Your ward: Grangetown" in _text(answer)
    nothing = client.post(consultation.url, data={"ward": _ward_code("Grangetown")})
    assert nothing.status_code == 422 and "Choose at least one priority." in _text(nothing)
    assert _responses(consultation) == []


def test_a_phones_position_finds_the_ward_and_one_outside_is_said(client, consultation):
    located = client.get(f"{consultation.url}?lon=-1.2345&lat=54.5742")
    assert located.status_code == 200 and "Step 2 of 2" in _text(located)
    assert re.search(r'name="ward" value="E\d{8}"', located.get_data(as_text=True))
    outside = client.get(f"{consultation.url}?lon=-0.1276&lat=51.5072")
    assert outside.status_code == 200 and "outside Cleveland's wards" in _text(outside)
    garbled = client.get(f"{consultation.url}?lon=1e999&lat=x")
    assert garbled.status_code == 200 and "did not give a position we could read" in _text(garbled)
    unknown = client.get(f"{consultation.url}?ward=E05999999")
    assert unknown.status_code == 200 and "We could not find that ward" in _text(unknown)
    nothing_found = client.get(f"{consultation.url}?place=Zzyzx")
    assert "No ward matches “Zzyzx”" in _text(nothing_found)
    assert 'value="Zzyzx"' in nothing_found.get_data(as_text=True)


def test_the_honeypot_is_thanked_and_nothing_is_kept(client, consultation):
    answer = client.post(
        consultation.url, data={"ward": "none", "choices": [consultation.options["Drugs"]], "website": "http://spam"}
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/thanks")
    assert _responses(consultation) == []
    body = client.get(f"{consultation.url}?ward=none").get_data(as_text=True)
    assert '<div class="hp" aria-hidden="true">' in body and 'tabindex="-1"' in body


def _make_closed():
    """Made while it was open, as staff would have; it closed yesterday."""
    consultation = create_consultation(
        title=f"Last year {_tag()}",
        opens_on=TODAY - timedelta(days=30),
        closes_on=TODAY - timedelta(days=1),
        options=["Speeding", "Drugs"],
        today=TODAY - timedelta(days=31),
        actor="staff@example.org",
    )
    db.session.commit()
    return SimpleNamespace(
        id=consultation.id,
        url=f"/consult/{consultation.slug}",
        options={o.label: str(o.id) for o in consultation.options},
        closes_on=consultation.closes_on,
    )


@pytest.mark.parametrize("when, said", [("upcoming", "It opens on"), ("closed", "It ran from")])
def test_a_closed_or_unopened_consultation_says_so_and_takes_nothing(client, app, when, said):
    consultation = _make(opens=3) if when == "upcoming" else _make_closed()
    page = client.get(consultation.url)
    assert page.status_code == 200 and said in _text(page)
    assert f"{consultation.closes_on.day} {consultation.closes_on:%B %Y}" in _text(page)
    assert 'name="choices"' not in page.get_data(as_text=True)
    refused = client.post(consultation.url, data={"ward": "none", "choices": [consultation.options["Drugs"]]})
    assert refused.status_code == 409 and _responses(consultation) == []


def test_answers_from_one_address_are_limited(client, consultation, app):
    app.config["ENGAGE_CONSULT_LIMIT"] = "2 per hour"
    try:
        for _ in range(2):
            assert app.test_client().post(consultation.url, data={"ward": "none"}).status_code == 422
        busy = client.post(consultation.url, data={"ward": "none", "choices": [consultation.options["Drugs"]]})
        assert busy.status_code == 429
        assert "Too many answers from your connection" in _text(busy)
        assert _responses(consultation) == []
        assert client.get(consultation.url).status_code == 200  # reading the page is not limited
    finally:
        app.config["ENGAGE_CONSULT_LIMIT"] = "30 per hour"


def test_an_answer_without_the_pages_csrf_token_is_refused(client, consultation, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(consultation.url, data={"ward": "none", "choices": [consultation.options["Drugs"]]})
        assert refused.status_code == 400
        page = client.get(f"{consultation.url}?ward=none").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        answer = client.post(
            consultation.url, data={"csrf_token": token, "ward": "none", "choices": [consultation.options["Drugs"]]}
        )
        assert answer.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(_responses(consultation)) == 1


def test_the_privacy_notice_is_the_admins(admin_client, client, consultation):
    assert "never published" in _text(client.get(consultation.url))
    form = admin_client.get("/admin/consultation-privacy")
    assert form.status_code == 200 and "never published" in form.get_data(as_text=True)
    refused = admin_client.post("/admin/consultation-privacy", data={"notice": "   "})
    assert refused.status_code == 422 and "Give the notice residents read" in _text(refused)
    saved = admin_client.post(
        "/admin/consultation-privacy", data={"notice": "Run by the OPCC for Cleveland.\n\nWrite to the DPO."}
    )
    assert saved.status_code == 302
    page = client.get(consultation.url).get_data(as_text=True)
    assert "<p>Run by the OPCC for Cleveland.</p><p>Write to the DPO.</p>" in page


def test_an_address_that_names_no_consultation_is_a_plain_404(client):
    missing = client.get("/consult/no-such-thing")
    assert missing.status_code == 404 and "There is no consultation at this address" in _text(missing)
