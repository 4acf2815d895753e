""" "You said, we did" as staff and residents use it: drafted from the concerns, the
concerns staff tick quoted, previewed and confirmed before it is published, withdrawn
with a confirm step, audited; the public ward page with the office's details, the next
meeting, earlier updates and when it last changed."""

import uuid
from datetime import timedelta

import sqlalchemy as sa

from engage.platform.audit import AuditEvent
from engage.reports.models import WardUpdate
from tests.conftest import TODAY

CENTRAL = "E05009857"
PERIOD = {"ward": CENTRAL, "from": (TODAY - timedelta(days=30)).isoformat(), "to": TODAY.isoformat()}


def save(client, category, text, contact=None, meeting=None, residents=1):
    body = {"id": str(uuid.uuid4()), "category": category, "description": text, "residents": residents}
    body |= {"meeting_id": meeting} if meeting else {"ward_code": CENTRAL}
    if contact:
        body.update(contact_name=contact, contact_details="07700 900123", contact_consent=True)
    response = client.post("/api/v1/concerns", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def meeting(client, day, venue, status="held", start_time=None, kind=None, ward=CENTRAL):
    body = {"id": str(uuid.uuid4()), "ward_codes": [ward], "date": day.isoformat(), "venue": venue, "status": status}
    body |= {"start_time": start_time} if start_time else {}
    body |= {"kind": kind} if kind else {}
    response = client.post("/api/v1/meetings", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def act(inspector_client, concern_id, note):
    response = inspector_client.post(
        f"/inbox/concerns/{concern_id}", data={"action": "status", "status-to": "action_taken", "status-note": note}
    )
    assert response.status_code in (200, 302)


def drafted(staff_client, db, period=PERIOD):
    assert staff_client.post("/updates/draft", data=period).status_code == 302
    return db.session.scalar(sa.select(WardUpdate).join(WardUpdate.ward).order_by(WardUpdate.id.desc()))


def form(update, **changes):
    """The editor's form for the update as stored, with `changes` by field name."""
    data = {"count": str(len(update.items)), "intro": update.intro}
    for i, item in enumerate(update.items):
        data |= {f"{key}-{i}": item[key] for key in ("category", "label", "you_said", "we_did")}
        data[f"chosen-{i}"] = list(item.get("chosen") or ())
    return data | changes


def publish(staff_client, update, **changes):
    """Previews, then confirms, as the preview's "Publish now" does."""
    typed = form(update, **changes)  # once: the preview saves a draft as typed
    preview = staff_client.post(f"/updates/{update.id}/publish", data=typed)
    assert preview.status_code == 200 and "Publish now" in preview.get_data(as_text=True)
    confirmed = staff_client.post(f"/updates/{update.id}/publish", data=typed | {"confirm": "yes"})
    assert confirmed.status_code == 302
    return confirmed


def public(client, code=CENTRAL):
    response = client.get(f"/public/wards/{code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def open311_notes(client):
    return {r["service_request_id"]: r["status_notes"] for r in client.get("/open311/v2/requests.json").get_json()}


def test_from_concern_to_published_public_page(officer_client, inspector_client, staff_client, client, db):
    hall = meeting(officer_client, TODAY - timedelta(days=10), "St Mary's Hall")
    bikes = save(
        officer_client,
        "off_road_bikes",
        "Mr Jones at 4 Acacia Avenue says quads race past nightly",
        contact="Mr Jones",
        meeting=hall,
    )
    save(officer_client, "off_road_bikes", "Bikes on the riverside path", meeting=hall)
    save(officer_client, "drugs", "Dealing by the shops")
    act(inspector_client, bikes, "Operation Endurance patrols on the riverside; two bikes seized")

    # Nothing public before staff publish.
    assert "Nothing has been published" in public(client)

    update = drafted(staff_client, db)
    assert update.state == "draft"
    assert [i["category"] for i in update.items] == ["off_road_bikes", "drugs"]
    day = (TODAY - timedelta(days=10)).strftime("%B")
    assert update.items[0]["you_said"].startswith("Two residents at the meeting at St Mary's Hall on ")
    assert day in update.items[0]["you_said"]
    assert update.items[0]["you_said"].endswith("raised concerns about off-road motorbikes and quads.")
    assert update.items[0]["we_did"] == (
        "Operation Endurance patrols on the riverside; two bikes seized. "
        "One concern is still being worked on by the neighbourhood team."
    )
    assert update.items[1]["you_said"] == "One resident raised concerns about drugs and drug dealing by phone."
    assert update.items[1]["we_did"] == "The neighbourhood team is working on it."
    assert update.intro.startswith("Residents of Central raised three concerns with us in this period.")
    # Until staff tick a concern, drafts quote no resident's words, and never personal data.
    flat = str(update.items)
    assert "Mr Jones" not in flat and "Acacia" not in flat and "07700" not in flat and "riverside path" not in flat

    # The editor shows each theme's concerns beside it, with what the team recorded.
    edit_page = staff_client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert "“Bikes on the riverside path”" in edit_page and "Team's note: Operation Endurance" in edit_page

    publish(
        staff_client, update, **{"intro": "What you told us in Central this spring.", "we_did-1": "Warrants executed."}
    )
    page = public(client)
    assert "What you told us in Central this spring." in page
    assert "Operation Endurance patrols" in page and "Warrants executed." in page
    assert "Mr Jones" not in page and "Bikes on the riverside path" not in page and "07700" not in page


def test_the_concerns_staff_tick_are_quoted_and_their_edits_kept(officer_client, staff_client, db):
    hall = meeting(officer_client, TODAY - timedelta(days=5), "St Mary's Hall")
    fields = save(officer_client, "off_road_bikes", "Off-road bikes on the playing fields every evening.", meeting=hall)
    save(officer_client, "off_road_bikes", "Scramblers by the beck", meeting=hall)
    update = drafted(staff_client, db)
    [item] = update.items
    assert "playing fields" not in item["you_said"] and "beck" not in item["you_said"]

    # Staff tick one concern and ask for the sentence again; their "we did" stays as typed.
    response = staff_client.post(
        f"/updates/{update.id}",
        data=form(update, **{"chosen-0": [fields], "we_did-0": "Patrols on the fields.", "action": "compose-0"}),
    )
    assert response.status_code == 302 and response.location.endswith("#theme-0")
    db.session.expire_all()
    [item] = db.session.get(WardUpdate, update.id).items
    assert item["chosen"] == [fields]
    assert item["you_said"].startswith("Two residents at the meeting at St Mary's Hall on ")
    assert item["you_said"].endswith("They told us about “Off-road bikes on the playing fields every evening”.")
    assert "beck" not in item["you_said"]
    assert item["we_did"] == "Patrols on the fields."
    # The tick is shown again.
    assert f'value="{fields}" checked' in staff_client.get(f"/updates/{update.id}").get_data(as_text=True)

    # Staff reword it; drafting the period again (a concern raised since) keeps their words.
    staff_client.post(
        f"/updates/{update.id}", data=form(db.session.get(WardUpdate, update.id), **{"you_said-0": "Bikes."})
    )
    later = save(officer_client, "off_road_bikes", "More bikes")
    save(officer_client, "parking", "Cars on the verge")
    update = drafted(staff_client, db)
    assert [i["category"] for i in update.items] == ["off_road_bikes", "parking"]
    assert update.items[0]["you_said"] == "Bikes." and update.items[0]["we_did"] == "Patrols on the fields."
    assert later in update.items[0]["concerns"] and update.items[0]["chosen"] == [fields]

    # A tick on a concern of another theme (or none at all) is not taken.
    staff_client.post(f"/updates/{update.id}", data=form(update, **{"chosen-1": [fields, "nonsense"]}))
    db.session.expire_all()
    assert db.session.get(WardUpdate, update.id).items[1]["chosen"] == []


def test_publishing_needs_the_confirm_step(officer_client, staff_client, client, db):
    save(officer_client, "speeding", "Cars too fast on Acklam Road")
    update = drafted(staff_client, db)
    typed = form(update, **{"we_did-0": "Speed checks twice a week."})
    for url in (f"/updates/{update.id}/publish", f"/updates/{update.id}"):
        preview = staff_client.post(url, data=typed | {"action": "publish"})
        page = preview.get_data(as_text=True)
        # The public page as residents will see it, and the question; nothing published.
        assert preview.status_code == 200
        assert "Preview:" in page and "Publish this update?" in page and "Speed checks twice a week." in page
        assert "Contact us" in page and "Last updated" in page
        db.session.expire_all()
        stored = db.session.get(WardUpdate, update.id)
        assert stored.state == "draft" and stored.published_at is None
        assert stored.items[0]["we_did"] == "Speed checks twice a week."  # the draft kept as typed
        assert "Speed checks" not in public(client)

    staff_client.post(f"/updates/{update.id}/publish", data=typed | {"confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(WardUpdate, update.id).state == "published"
    assert "Speed checks twice a week." in public(client)


def test_publish_then_withdraw_then_publish_again(
    officer_client, inspector_client, staff_client, admin_client, client, db
):
    concern_id = save(officer_client, "drugs", "Dealing from the flats")
    act(inspector_client, concern_id, "Visited the flats")
    update = drafted(staff_client, db)
    publish(staff_client, update, **{"we_did-0": "A drugs warrant was executed."})
    assert "A drugs warrant was executed." in public(client)
    assert open311_notes(client)[concern_id] == "A drugs warrant was executed."

    # Withdrawing asks first; a POST without the confirm changes nothing.
    asked = staff_client.get(f"/updates/{update.id}/withdraw")
    assert asked.status_code == 200 and "Withdraw this update?" in asked.get_data(as_text=True)
    assert staff_client.post(f"/updates/{update.id}/withdraw", data={}).status_code == 200
    assert "A drugs warrant was executed." in public(client)

    assert staff_client.post(f"/updates/{update.id}/withdraw", data={"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    stored = db.session.get(WardUpdate, update.id)
    assert stored.state == "withdrawn" and stored.withdrawn_by == "staff@example.org" and stored.withdrawn_at
    page = public(client)
    assert "A drugs warrant was executed." not in page and "Nothing has been published" in page
    assert open311_notes(client)[concern_id] is None
    assert "A drugs warrant was executed." not in client.get(f"/public/wards/{CENTRAL}/updates").get_data(as_text=True)

    # The audit trail has both, with who.
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == "ward_update", AuditEvent.entity_id == str(update.id))
    ).all()
    states = [(e.changes["state"], e.actor) for e in events if "state" in e.changes]
    assert (["draft", "published"], "staff@example.org") in states
    assert (["published", "withdrawn"], "staff@example.org") in states
    trail = admin_client.get("/admin/audit?entity=ward_update").get_data(as_text=True)
    assert trail.count("withdrawn") >= 1 and "staff@example.org" in trail

    # A withdrawn update can be edited and published again.
    edit = staff_client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert "Withdrawn" in edit and "Preview and publish" in edit
    publish(staff_client, stored, **{"we_did-0": "A warrant was executed; patrols continue."})
    db.session.expire_all()
    again = db.session.get(WardUpdate, update.id)
    assert again.state == "published" and again.withdrawn_at is None
    assert "A warrant was executed; patrols continue." in public(client)
    assert open311_notes(client)[concern_id] == "A warrant was executed; patrols continue."


def test_a_published_update_changes_only_through_the_preview(officer_client, staff_client, client, db):
    save(officer_client, "speeding", "Cars too fast")
    update = drafted(staff_client, db)
    publish(staff_client, update, **{"we_did-0": "Speed checks."})
    # Saving straight onto the public page is refused: nothing changes.
    refused = staff_client.post(
        f"/updates/{update.id}", data=form(update, **{"we_did-0": "Changed.", "action": "save"})
    )
    assert refused.status_code == 422 and "preview your changes" in refused.get_data(as_text=True)
    assert "Speed checks." in public(client) and "Changed." not in public(client)
    # The preview of a change leaves the public page as it was until confirmed.
    staff_client.post(f"/updates/{update.id}/publish", data=form(update, **{"we_did-0": "Changed."}))
    assert "Changed." not in public(client)
    # Drafting the published period again changes nothing either.
    assert staff_client.post("/updates/draft", data=PERIOD).status_code == 302
    assert "Speed checks." in public(client)


def test_personal_details_never_reach_the_public(officer_client, staff_client, client, db):
    save(officer_client, "drugs", "Alan Crake at the flats says dealing goes on", contact="Alan Crake")
    update = drafted(staff_client, db)
    refused = staff_client.post(
        f"/updates/{update.id}/publish",
        data=form(update, **{"you_said-0": "Alan Crake told us of dealing.", "we_did-0": "Visited TS5 6PQ."}),
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Not published" in page
    assert 'id="you_said-0-error">Names a resident who gave their contact details (Alan Crake)' in page
    assert 'id="we_did-0-error">Seems to hold a postcode (TS5 6PQ)' in page
    assert ">Visited TS5 6PQ.</textarea>" in page  # kept as typed
    db.session.expire_all()
    assert db.session.get(WardUpdate, update.id).state == "draft"
    assert "Crake" not in public(client)


def test_an_emptied_theme_stays_in_the_editor_but_is_not_published(officer_client, staff_client, client, db):
    save(officer_client, "speeding", "Cars too fast")
    save(officer_client, "parking", "Vans on the verge")
    update = drafted(staff_client, db)
    emptied = {"you_said-0": "", "we_did-0": ""}
    staff_client.post(f"/updates/{update.id}", data=form(update, **emptied))
    editor = staff_client.get(f"/updates/{update.id}").get_data(as_text=True)
    assert "“Cars too fast”" in editor and "“Vans on the verge”" in editor
    # The sentence can be written again from its concerns.
    staff_client.post(f"/updates/{update.id}", data=form(update, action="compose-0"))
    db.session.expire_all()
    assert db.session.get(WardUpdate, update.id).items[0]["you_said"].startswith("One resident")
    publish(staff_client, update, **emptied)
    page = public(client)
    assert "Parking" in page and "Speeding and road safety" not in page


def test_publishing_an_empty_update_is_refused(staff_client, db):
    today = TODAY.isoformat()
    staff_client.post("/updates/draft", data={"ward": "E05001552", "from": today, "to": today})
    update = db.session.scalar(sa.select(WardUpdate))
    response = staff_client.post(f"/updates/{update.id}", data={"count": "0", "intro": "x", "action": "publish"})
    assert response.status_code == 422 and "nothing to publish" in response.get_data(as_text=True)


def test_the_public_page_carries_the_office_the_next_meeting_and_earlier_updates(
    officer_client, staff_client, client, db
):
    from engage.reports.office import Office, write_office

    write_office(
        Office(
            name="Office of the Test Commissioner",
            address=["1 Test Lane", "Middlesbrough", "TS1 1AA"],
            email="office@example.org",
            website="www.example.org",
            telephone="01642 000111",
        ),
        "admin@example.org",
    )
    db.session.commit()
    # Planned meetings: a partner event sooner (not for the public), a community one after.
    meeting(officer_client, TODAY + timedelta(days=7), "Fire station", status="planned", kind="partner_event")
    soon = TODAY + timedelta(days=14)
    meeting(officer_client, soon, "St Mary's Hall", status="planned", start_time="18:30")

    save(officer_client, "speeding", "Cars too fast")
    first = drafted(staff_client, db, {"ward": CENTRAL, "from": "2026-01-01", "to": TODAY.isoformat()})
    publish(staff_client, first, **{"we_did-0": "Speed checks in the spring."})
    second = drafted(staff_client, db, PERIOD)
    publish(staff_client, second, **{"we_did-0": "Speed checks this month."})
    draft = drafted(staff_client, db, {"ward": CENTRAL, "from": "2026-06-01", "to": "2026-06-10"})
    draft.intro = "A draft nobody published."
    db.session.commit()

    page = public(client)
    assert "Office of the Test Commissioner" in page and "1 Test Lane" in page and "TS1 1AA" in page
    assert 'href="mailto:office@example.org"' in page and 'href="tel:01642000111"' in page
    assert 'href="https://www.example.org"' in page
    assert f"{soon:%A} {soon.day}" in page and "at 6:30pm, St Mary&#39;s Hall" in page
    assert "Fire station" not in page
    assert "Last updated 17th June 2026" in page
    assert "Speed checks this month." in page and "Speed checks in the spring." not in page
    assert "A draft nobody published." not in page
    assert f'href="/public/wards/{CENTRAL}/updates"' in page

    past = client.get(f"/public/wards/{CENTRAL}/updates")
    text = past.get_data(as_text=True)
    assert past.status_code == 200
    assert "Between 1 January and 17 June 2026" in text and "Speed checks in the spring." in text
    assert "Speed checks this month." not in text and "A draft nobody published." not in text


def test_demo_meetings_and_updates_are_never_public(officer_client, client, db):
    from engage.concerns.models import Meeting
    from engage.geography.boundaries import current_boundary_set, find_ward

    meeting(officer_client, TODAY + timedelta(days=3), "Demo Hall", status="planned")
    db.session.execute(sa.update(Meeting).values(is_demo=True))
    ward = find_ward(current_boundary_set(), CENTRAL)
    db.session.add(
        WardUpdate(
            ward=ward,
            period_start=TODAY,
            period_end=TODAY,
            state="published",
            is_demo=True,
            intro="Demo intro",
            items=[{"category": "drugs", "label": "Drugs", "you_said": "Demo said", "we_did": "Demo did"}],
        )
    )
    db.session.commit()
    page = public(client)
    assert "Demo" not in page and "No meeting is planned in Central yet." in page


def test_an_unknown_ward_is_a_404_in_words(client):
    for url in ("/public/wards/E05000000", "/public/wards/E05000000/updates"):
        response = client.get(url)
        assert response.status_code == 404
        assert "There is no ward with the code E05000000" in response.get_data(as_text=True)


def test_updates_are_for_staff(inspector_client, officer_client, client):
    assert inspector_client.get("/updates").status_code == 403
    assert officer_client.get("/updates").status_code == 403
    assert client.get("/updates").status_code == 302


def test_a_teams_note_reaches_the_public_only_as_staff_rewrote_it(
    officer_client, inspector_client, staff_client, client, db
):
    drugs = save(officer_client, "drugs", "Dealing from the flats on Acklam Road")
    bikes = save(officer_client, "off_road_bikes", "Quads on the beck path")
    note = "Visited Mr Alan Crake at 7 Laburnum Street, TS5 6PQ; he named the dealer."
    for concern_id in (drugs, bikes):
        act(inspector_client, concern_id, note)
    update = drafted(staff_client, db)
    assert note in update.items[0]["we_did"]  # the draft shows staff the team's note, to rewrite

    published = "A drugs warrant was executed; the team keeps watch on the flats."
    changes = {"count": "3"}
    for i, item in enumerate(update.items):
        keep = item["category"] == "drugs"
        changes |= {f"you_said-{i}": item["you_said"] if keep else "", f"we_did-{i}": published if keep else ""}
    # A theme the draft did not have, added to the form by hand: it covers no concern.
    changes |= {"category-2": "speeding", "label-2": "Speeding", "you_said-2": "Cars.", "we_did-2": "Speed checks."}
    publish(staff_client, update, **changes)

    def public_bodies():
        responses = [
            client.get(f"/public/wards/{CENTRAL}"),
            client.get("/open311/v2/requests.json"),
            client.get("/open311/v2/requests.xml"),
            client.get(f"/open311/v2/requests/{drugs}.xml"),
        ]
        assert all(r.status_code == 200 for r in responses)
        return [r.get_data(as_text=True) for r in responses]

    for body in public_bodies():
        for private in ("Alan", "Crake", "Laburnum", "TS5 6PQ"):
            assert private not in body
    assert published in public_bodies()[0] and published in public_bodies()[3]
    assert open311_notes(client) == {drugs: published, bikes: None}

    # Publishing the update again (a correction) keeps what it covers.
    db.session.expire_all()
    update = db.session.get(WardUpdate, update.id)
    corrected = "A drugs warrant was executed; patrols continue by the flats."
    publish(staff_client, update, **{f"we_did-{[i['category'] for i in update.items].index('drugs')}": corrected})
    assert open311_notes(client) == {drugs: corrected, bikes: None}
