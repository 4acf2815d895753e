"""What a user sees of a list longer than the counts go (engage.platform.paging): counts
past COUNT_LIMIT say "N+", the pager then gives no last page but still goes on; the
inspector's ward page lists open concerns a page at a time; the audit trail's "who"
filter matches as before (ignoring case, % and _ taken literally)."""

import uuid
from datetime import timedelta

import sqlalchemy as sa

from engage.concerns.models import Concern
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.notify.models import OutboxMessage
from engage.platform import paging
from engage.platform.audit import AuditEvent, acting_as
from engage.platform.db import utcnow

CENTRAL = "E05009857"


def add_concerns(db, team, n, status="new", ward_code=CENTRAL):
    team_id = sa.inspect(team).identity[0]  # readable once detached by a request
    ward = db.session.scalar(
        sa.select(Ward).where(Ward.code == ward_code, Ward.boundary_set_id == current_boundary_set().id)
    )
    now = utcnow()
    ids = [str(uuid.uuid4()) for _ in range(n)]
    db.session.execute(
        sa.insert(Concern),
        [
            {
                "id": concern_id,
                "category_id": 1,
                "description": f"Concern number {k}",
                "ward_id": ward.id,
                "boundary_set_id": ward.boundary_set_id,
                "raised_at": now - timedelta(hours=k),
                "status": status,
                "lead_team_id": team_id,
            }
            for k, concern_id in enumerate(ids)
        ],
    )
    db.session.commit()
    return ids


def test_inbox_counts_past_the_limit_say_so(db, monkeypatch, team, inspector_client, staff_client):
    add_concerns(db, team, 4)
    add_concerns(db, team, 1, status="closed")
    page = inspector_client.get("/inbox").get_data(as_text=True)
    assert 'Open <span class="count">4</span>' in page and 'Closed <span class="count">1</span>' in page
    monkeypatch.setattr(paging, "COUNT_LIMIT", 2)
    page = inspector_client.get("/inbox").get_data(as_text=True)
    assert 'Open <span class="count">2+</span>' in page and 'Closed <span class="count">1</span>' in page
    assert 'All <span class="count">3+</span>' in page
    assert page.count("Concern number") == 4  # the list itself is whole


def test_inbox_pager_without_a_last_page(db, monkeypatch, team, staff_client):
    add_concerns(db, team, 120)
    page = staff_client.get("/inbox").get_data(as_text=True)
    assert "Page 1 of 3" in page
    monkeypatch.setattr(paging, "COUNT_LIMIT", 60)
    first = staff_client.get("/inbox").get_data(as_text=True)
    assert "Page 1</span>" in first and "Page 1 of" not in first and 'Open <span class="count">60+</span>' in first
    last = staff_client.get("/inbox?page=3").get_data(as_text=True)
    assert last.count("Concern number") == 20 and "Older</a>" not in last and "Newer</a>" in last


def test_inspectors_ward_page_lists_open_concerns_a_page_at_a_time(db, team, inspector_client):
    ids = add_concerns(db, team, 53)
    add_concerns(db, team, 2, status="closed")
    first = inspector_client.get(f"/inbox/wards/{CENTRAL}").get_data(as_text=True)
    assert 'Open concerns <span class="count">53</span>' in first and "page 1 of 2" in first
    assert first.count("/inbox/concerns/") == 50 and f"/inbox/concerns/{ids[-1]}" in first  # oldest first
    second = inspector_client.get(f"/inbox/wards/{CENTRAL}?page=2").get_data(as_text=True)
    assert second.count("/inbox/concerns/") == 3 and f"/inbox/concerns/{ids[0]}" in second
    assert "page 2 of 2" in second and "← Previous" in second


def test_audit_and_outbox_counts_past_the_limit(db, monkeypatch, users, team, admin_client):
    for n in range(3):
        db.session.add(
            OutboxMessage(
                team_id=sa.inspect(team).identity[0],
                recipient="x@example.org",
                subject=f"Message {n}",
                body="",
                message_id=f"<{uuid.uuid4()}@test>",
                state="sent",
            )
        )
    db.session.commit()
    assert "3 messages" in admin_client.get("/admin/outbox").get_data(as_text=True)
    monkeypatch.setattr(paging, "COUNT_LIMIT", 2)
    outbox = admin_client.get("/admin/outbox").get_data(as_text=True)
    assert "2+ messages" in outbox and 'sent <span class="count">2+</span>' in outbox
    audit = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "2+ changes" in audit


def test_audit_who_filter_ignores_case_and_takes_wildcards_literally(db, users, admin_client):
    for actor in ("Ann_Lee@example.org", "annxlee@example.org", "100%@example.org"):
        with acting_as(None, actor):
            db.session.add(AuditEvent(actor=actor, action="create", entity="export", entity_id="x", changes={}))
            db.session.commit()

    def actors(text):
        page = admin_client.get("/admin/audit", query_string={"actor": text}).get_data(as_text=True)
        return sorted(a for a in ("Ann_Lee@", "annxlee@", "100%@") if a in page)

    assert actors("ann_lee") == ["Ann_Lee@"]
    assert actors("ANN") == ["Ann_Lee@", "annxlee@"]
    assert actors("%") == ["100%@"] and actors("NX") == ["annxlee@"] and actors("nobody") == []
