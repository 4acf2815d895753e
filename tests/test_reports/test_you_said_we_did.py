import uuid
from datetime import timedelta

import sqlalchemy as sa

from engage.reports.models import WardUpdate
from tests.conftest import TODAY


def save(client, category, text, contact=None):
    body = {"id": str(uuid.uuid4()), "category": category, "description": text, "ward_code": "E05009857"}
    if contact:
        body.update(contact_name=contact, contact_details="07700 900123", contact_consent=True)
    response = client.post("/api/v1/concerns", json=body)
    assert response.status_code == 201
    return response.get_json()["id"]


def test_from_concern_to_published_public_page(officer_client, inspector_client, staff_client, client, db):
    bikes = save(
        officer_client, "off_road_bikes", "Mr Jones at 4 Acacia Avenue says quads race past nightly", contact="Mr Jones"
    )
    save(officer_client, "off_road_bikes", "Bikes on the riverside path")
    save(officer_client, "drugs", "Dealing by the shops")
    inspector_client.post(
        f"/inbox/concerns/{bikes}",
        data={
            "action": "status",
            "status-to": "action_taken",
            "status-note": "Operation Endurance patrols on the riverside; two bikes seized.",
        },
    )

    # Nothing public before staff publish.
    assert "Nothing has been published" in client.get("/public/wards/E05009857").get_data(as_text=True)

    today = TODAY
    drafted = staff_client.post(
        "/updates/draft",
        data={"ward": "E05009857", "from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()},
    )
    assert drafted.status_code == 302
    update = db.session.scalar(sa.select(WardUpdate))
    assert update.state == "draft"
    assert [i["category"] for i in update.items] == ["off_road_bikes", "drugs"]
    assert "Operation Endurance patrols" in update.items[0]["we_did"]
    assert "1 still being worked on" in update.items[0]["we_did"]
    # Drafts carry no free text that residents wrote, and no personal data.
    flat = str(update.items)
    assert "Mr Jones" not in flat and "Acacia" not in flat and "07700" not in flat

    edit_page = staff_client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert "Operation Endurance" in edit_page
    form = {"count": "2", "intro": "What you told us in Central this autumn.", "action": "publish"}
    for i, item in enumerate(update.items):
        form.update(
            {
                f"category-{i}": item["category"],
                f"label-{i}": item["label"],
                f"you_said-{i}": item["you_said"],
                f"we_did-{i}": item["we_did"],
            }
        )
    form["we_did-1"] = "Intelligence passed to the drugs team; warrants executed."
    assert staff_client.post(f"/updates/{update.id}", data=form).status_code == 302

    public = client.get("/public/wards/E05009857").get_data(as_text=True)
    assert "What you told us in Central this autumn." in public
    assert "Operation Endurance patrols" in public and "warrants executed" in public
    assert "Mr Jones" not in public and "Bikes on the riverside path" not in public


def test_public_page_shows_the_next_planned_meeting(officer_client, client):
    soon = (TODAY + timedelta(days=14)).isoformat()
    officer_client.post(
        "/api/v1/meetings",
        json={
            "id": str(uuid.uuid4()),
            "ward_codes": ["E05009857"],
            "date": soon,
            "start_time": "18:30",
            "venue": "Middlesbrough Town Hall",
            "status": "planned",
        },
    )
    page = client.get("/public/wards/E05009857").get_data(as_text=True)
    assert "Next community meeting" in page and "Middlesbrough Town Hall" in page and "18:30" in page


def test_updates_are_for_staff(inspector_client, officer_client, client):
    assert inspector_client.get("/updates").status_code == 403
    assert officer_client.get("/updates").status_code == 403
    assert client.get("/updates").status_code == 302
    assert client.get("/public/wards/E05000000").status_code == 404


def test_publishing_an_empty_update_is_refused(staff_client, db):
    today = TODAY.isoformat()
    staff_client.post("/updates/draft", data={"ward": "E05001552", "from": today, "to": today})
    update = db.session.scalar(sa.select(WardUpdate))
    response = staff_client.post(f"/updates/{update.id}", data={"count": "0", "intro": "x", "action": "publish"})
    assert response.status_code == 422 and "nothing to publish" in response.get_data(as_text=True)


def test_a_teams_note_reaches_the_public_only_as_staff_rewrote_it(
    officer_client, inspector_client, staff_client, client, db
):
    drugs = save(officer_client, "drugs", "Dealing from the flats on Acklam Road")
    bikes = save(officer_client, "off_road_bikes", "Quads on the beck path")
    note = "Visited Mr Alan Crake at 7 Laburnum Street, TS5 6PQ; he named the dealer."
    for concern_id in (drugs, bikes):
        inspector_client.post(
            f"/inbox/concerns/{concern_id}", data={"action": "status", "status-to": "action_taken", "status-note": note}
        )
    start, end = (TODAY - timedelta(days=30)).isoformat(), TODAY.isoformat()
    staff_client.post("/updates/draft", data={"ward": "E05009857", "from": start, "to": end})
    update = db.session.scalar(sa.select(WardUpdate))
    assert note in update.items[0]["we_did"]  # the draft shows staff the team's note, to rewrite

    published = "A drugs warrant was executed; the team keeps watch on the flats."
    index = [item["category"] for item in update.items].index("drugs")
    form = {"count": "3", "intro": "Central, this spring.", "action": "publish"}
    for i, item in enumerate(update.items):
        keep = item["category"] == "drugs"
        form.update(
            {
                f"category-{i}": item["category"],
                f"label-{i}": item["label"],
                f"you_said-{i}": item["you_said"] if keep else "",
                f"we_did-{i}": published if keep else "",
            }
        )
    # A theme the draft did not have, added to the form by hand: it covers no concern.
    form.update({"category-2": "speeding", "label-2": "Speeding", "you_said-2": "Cars.", "we_did-2": "Speed checks."})
    assert staff_client.post(f"/updates/{update.id}", data=form).status_code == 302

    def public_bodies():
        responses = [
            client.get("/public/wards/E05009857"),
            client.get("/open311/v2/requests.json"),
            client.get("/open311/v2/requests.xml"),
            client.get(f"/open311/v2/requests/{drugs}.xml"),
        ]
        assert all(r.status_code == 200 for r in responses)
        return [r.get_data(as_text=True) for r in responses]

    def notes():
        return {r["service_request_id"]: r["status_notes"] for r in client.get("/open311/v2/requests.json").get_json()}

    for body in public_bodies():
        for private in ("Alan", "Crake", "Laburnum", "TS5 6PQ"):
            assert private not in body
    assert published in public_bodies()[0] and published in public_bodies()[3]
    assert notes() == {drugs: published, bikes: None}

    # Saving the published update again (a correction) keeps what it covers.
    corrected = "A drugs warrant was executed; patrols continue by the flats."
    form.update({"action": "save", f"we_did-{index}": corrected})
    assert staff_client.post(f"/updates/{update.id}", data=form).status_code == 302
    assert notes() == {drugs: corrected, bikes: None}
