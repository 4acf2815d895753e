"""/admin/audit: newest first, 50 a page, filtered from the query string, changes readable."""

import re
from datetime import timedelta

import sqlalchemy as sa

from engage.accounts.models import User
from engage.admin.audit_trail import describe_changes
from engage.platform.audit import AuditEvent, acting_as
from engage.platform.dates import OFFICE_ZONE
from engage.platform.db import utcnow


def _rows(page: str) -> int:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>") - body.count('class="muted">No changes match')


def test_newest_first_and_paginated(db, admin_client, users):
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@example.org"))
    with acting_as(None, "renamer"):
        for n in range(55):
            db.session.refresh(staff)  # the hook's "old" is what was loaded
            staff.name = f"Name {n}"
            db.session.commit()
    first = admin_client.get("/admin/audit?actor=renamer").get_data(as_text=True)
    assert _rows(first) == 50 and "Page 1 of 2" in first
    newest_first = [int(n) for n in re.findall(r'class="new">Name (\d+)<', first)]
    assert newest_first == list(range(54, 4, -1))
    assert re.search(r'<span class="old">Name 53</span> → <span class="new">Name 54</span>', first)
    assert 'href="/admin/audit?page=2&amp;actor=renamer"' in first  # the filter kept across pages
    second = admin_client.get("/admin/audit?actor=renamer&page=2").get_data(as_text=True)
    assert _rows(second) == 5 and "Name 0" in second


def test_filters(db, admin_client, users, runner):
    runner.invoke(args=["users", "disable", "officer@example.org"])
    by_cli = admin_client.get("/admin/audit?actor=cli:").get_data(as_text=True)
    assert _rows(by_cli) == 1 and "officer@example.org" in by_cli
    assert re.search(r'is disabled</span>:\s*<span class="old">no</span> → <span class="new">yes</span>', by_cli)

    teams = admin_client.get("/admin/audit?entity=team").get_data(as_text=True)
    assert _rows(teams) == 1 and "INT-TEST" in teams and "E05009857" in teams
    assert re.search(r"local authority</span>:\s*Middlesbrough", teams)  # named, not an id
    updates = admin_client.get("/admin/audit?action=update").get_data(as_text=True)
    assert "officer@example.org" in updates and "INT-TEST" not in updates

    today = utcnow().astimezone(OFFICE_ZONE).date()
    everything = _rows(admin_client.get("/admin/audit").get_data(as_text=True))
    assert _rows(admin_client.get(f"/admin/audit?from={today}&to={today}").get_data(as_text=True)) == everything
    assert _rows(admin_client.get(f"/admin/audit?to={today - timedelta(days=1)}").get_data(as_text=True)) == 0
    assert _rows(admin_client.get(f"/admin/audit?from={today + timedelta(days=1)}").get_data(as_text=True)) == 0
    bad = admin_client.get("/admin/audit?from=31/12/2024").get_data(as_text=True)
    assert "is not a date like" in bad and _rows(bad) == everything


def test_membership_changes_show_as_added_and_removed(db, admin_client, users, team):
    inspector = db.session.scalar(sa.select(User).where(User.email == "inspector@example.org"))
    inspector.teams = []
    db.session.commit()
    page = admin_client.get("/admin/audit?action=update&entity=user_account").get_data(as_text=True)
    assert re.search(r'teams</span>:\s*<span class="removed">removed INT-TEST</span>', page)


def test_describe_changes():
    create = AuditEvent(
        action="create",
        changes={
            "id": [None, 4],
            "email": [None, "a@example.org"],
            "name": [None, ""],
            "roles": [None, ["admin", "staff"]],
        },
    )
    assert [(c.field, c.new) for c in describe_changes(create)] == [
        ("email", "a@example.org"),
        ("roles", "admin, staff"),
    ]
    update = AuditEvent(
        action="update", changes={"contact_email": ["", "x@example.org"], "wards": {"added": ["E1"], "removed": []}}
    )
    email, wards = describe_changes(update)
    assert (email.field, email.old, email.new) == ("contact email", "–", "x@example.org")
    assert wards.is_collection and wards.added == ("E1",) and wards.removed == ()
    delete = AuditEvent(action="delete", changes={"code": ["T", None]})
    assert [(c.field, c.old) for c in describe_changes(delete)] == [("code", "T")]


def test_sample_teams_carry_the_badge_in_the_trail(db, admin_client, users):
    from engage.demo.services import load_demo_teams

    load_demo_teams()
    db.session.commit()
    page = admin_client.get("/admin/audit?entity=team").get_data(as_text=True)
    assert page.count('<span class="sample"') == 10  # the ten sample teams, not INT-TEST
