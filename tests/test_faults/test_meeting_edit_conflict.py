"""Two people editing the same meeting at once: the second save is told the meeting
changed (409 with the meeting as stored), and nothing is overwritten unseen.

Who may edit a meeting is who may see it (engage/accounts/policy.py): the officer who
logged it, on any of their devices, and staff or admins. Other officers do not see it.

PATCH /api/v1/meetings/<id> takes the `version` the edit started from. An older
version is refused before anything changes; two edits of the same version that race
each other are told apart when the UPDATE runs (`WHERE version = ...`, the mapper's
version_id_col), so the loser is refused too."""

import json
import threading
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from engage.concerns.models import Meeting
from engage.extensions import db
from engage.platform.audit import AuditEvent
from tests.conftest import logged_in_client, make_test_app, make_user
from tests.live import live_user_with_token
from tests.test_faults.servers import served

pytestmark = pytest.mark.faults


def meeting_body(**extra):
    return {
        "id": str(uuid.uuid4()),
        "ward_codes": ["E05009857"],
        "date": "2026-11-20",
        "start_time": "18:30",
        "venue": "St Hilda's Community Centre",
        "attendance": 23,
        "notes": "",
        **extra,
    }


def updates(meeting_id):
    return db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity == "meeting", AuditEvent.entity_id == meeting_id, AuditEvent.action == "update"
        )
    ).all()


def test_the_second_save_is_told_the_meeting_changed(db, officer_client, staff_client):
    other = staff_client
    meeting = meeting_body()
    officer_client.post("/api/v1/meetings", json=meeting)
    url = f"/api/v1/meetings/{meeting['id']}"
    seen_by_first, seen_by_second = officer_client.get(url).get_json(), other.get(url).get_json()
    assert seen_by_first["version"] == seen_by_second["version"] == 1

    first = officer_client.patch(url, json={"version": 1, "attendance": 31, "notes": "Speeding on Parliament Road"})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    second = other.patch(url, json={"version": 1, "venue": "Central Library", "attendance": 25})
    assert second.status_code == 409
    body = second.get_json()
    assert "changed" in body["error"] and body["current"] == first.get_json()

    stored = officer_client.get(url).get_json()
    assert (stored["venue"], stored["attendance"], stored["version"]) == ("St Hilda's Community Centre", 31, 2)
    assert [e.changes.get("attendance") for e in updates(meeting["id"])] == [[23, 31]]  # the refusal left no trace

    # Made again from what is stored now, the second edit goes through and keeps the first.
    again = other.patch(url, json={"version": 2, "venue": "Central Library"})
    assert again.status_code == 200
    assert (again.get_json()["venue"], again.get_json()["attendance"], again.get_json()["version"]) == (
        "Central Library",
        31,
        3,
    )
    assert len(updates(meeting["id"])) == 2


def test_edits_are_checked_and_limited_to_who_may_see_the_meeting(app, db, officer_client, inspector_client):
    meeting = meeting_body()
    officer_client.post("/api/v1/meetings", json=meeting)
    url = f"/api/v1/meetings/{meeting['id']}"
    missing = officer_client.patch(url, json={"venue": "Library"})
    assert missing.status_code == 422 and "version" in missing.get_json()["fields"]
    bad = officer_client.patch(url, json={"version": 1, "attendance": -4, "date": "soon", "status": "maybe"})
    assert bad.status_code == 422 and set(bad.get_json()["fields"]) == {"attendance", "date", "status"}
    assert inspector_client.patch(url, json={"version": 1, "venue": "Library"}).status_code == 403
    another_officer = logged_in_client(app, make_user("officer2@example.org", "officer"))
    assert another_officer.patch(url, json={"version": 1, "venue": "Library"}).status_code == 404
    assert officer_client.patch(f"/api/v1/meetings/{uuid.uuid4()}", json={"version": 1}).status_code == 404
    done = officer_client.patch(
        url,
        json={"version": 1, "status": "cancelled", "pcc_attended": False, "start_time": "19:00", "date": "2026-11-21"},
    )
    assert done.status_code == 200
    assert {k: done.get_json()[k] for k in ("status", "pcc_attended", "start_time", "date", "version")} == {
        "status": "cancelled",
        "pcc_attended": False,
        "start_time": "19:00",
        "date": "2026-11-21",
        "version": 2,
    }


def _call(method, url, token, body):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_simultaneous_saves_of_the_same_version_one_wins(live_server):
    """Over HTTP, saves sent at the same instant (the officer on two devices, two staff):
    one is stored, every other is told what it lost to."""
    officer = live_user_with_token(live_server, "officer")[1]
    tokens = [officer, officer] + [live_user_with_token(live_server, "staff")[1] for _ in range(2)]
    for n in range(5):
        meeting = meeting_body(venue=f"Hall {n}")  # one held meeting per ward, day and venue
        assert _call("POST", f"{live_server.url}/api/v1/meetings", tokens[0], meeting)[0] == 201
        url = f"{live_server.url}/api/v1/meetings/{meeting['id']}"
        start = threading.Barrier(len(tokens))
        results = [None] * len(tokens)

        def save(i, start=start, results=results, url=url):
            start.wait(timeout=30)
            results[i] = _call("PATCH", url, tokens[i], {"version": 1, "notes": f"Edit number {i}"})

        threads = [threading.Thread(target=save, args=(i,)) for i in range(len(tokens))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 409, 409, 409], results
        winner = next(body for status, body in results if status == 200)
        assert all(body["current"] == winner for status, body in results if status == 409)
        with live_server.app.app_context():
            stored = db.session.get(Meeting, meeting["id"])
            assert (stored.notes, stored.version) == (winner["notes"], 2)
            assert len(updates(meeting["id"])) == 1


def test_a_save_landing_between_read_and_write_is_caught(request, monkeypatch):
    """Deterministically, the race the previous test can only provoke: another save
    commits after this request read the meeting (same version) and before it writes.
    On SQLite too: a request takes the write lock at its first write, not its first read."""
    fault_database = request.getfixturevalue("fault_database")
    tmp_path = request.getfixturevalue("tmp_path")
    from engage.api import capture as capture_api
    from tests.test_faults.phone import Phone

    app = make_test_app(fault_database.url, tmp_path / "served-instance")
    real_amend = capture_api.amend_meeting

    def amend_after_someone_else(meeting, data):
        with fault_database.app.app_context(), db.engine.begin() as other:
            other.execute(
                sa.update(Meeting)
                .where(Meeting.id == meeting.id)
                .values(venue="Town Hall", version=Meeting.version + 1)
            )
        real_amend(meeting, data)

    with served(app) as url:
        phone = Phone(url, fault_database.token)
        meeting = phone.add_meeting(**{k: v for k, v in meeting_body().items() if k != "id"})
        phone.sync(within=30)
        monkeypatch.setattr(capture_api, "amend_meeting", amend_after_someone_else)
        status, body = _call(
            "PATCH",
            f"{url}/api/v1/meetings/{meeting}",
            fault_database.token,
            {"version": 1, "venue": "Central Library"},
        )
    assert status == 409 and (body["current"]["venue"], body["current"]["version"]) == ("Town Hall", 2)
    assert fault_database.scalar(sa.select(Meeting.venue)) == "Town Hall"
    with app.app_context():
        db.engine.dispose()
