"""The server killed (SIGKILL, master and workers) in the middle of a phone's sync of
200 concerns, then started again: the phone sends again everything not acknowledged,
and the database holds each concern exactly once, routed once, e-mailed once."""

import datetime
import threading
import time

import pytest
import sqlalchemy as sa

from engage.concerns.models import Concern, ConcernRouting, Meeting
from engage.notify.models import OutboxMessage
from engage.platform.audit import AuditEvent
from tests.test_faults.phone import Phone
from tests.test_faults.servers import Gunicorn

pytestmark = pytest.mark.faults

CONCERNS = 200
KILL_AFTER = 70  # acknowledged entries before the kill
# Label points of Middlesbrough wards, so the server locates each concern itself.
PLACES = [(-1.2345, 54.5742), (-1.2205, 54.5655), (-1.2530, 54.5602), (-1.1966, 54.5481)]


def test_server_killed_mid_sync_then_restarted(fault_database, tmp_path):
    server = Gunicorn(fault_database.url, tmp_path)
    server.start()
    killed = threading.Event()
    restarted = threading.Event()
    acknowledged_at_kill = []

    def kill_then_restart():
        killed.wait(timeout=60)
        server.kill()
        acknowledged_at_kill.append(len(phone.acknowledged))
        time.sleep(0.5)  # down for a moment: the phone's retries meet a closed port
        server.start()
        restarted.set()

    def on_ack(p):
        if len(p.acknowledged) == KILL_AFTER:
            killed.set()  # the phone goes straight on with its next entry

    phone = Phone(server.url, fault_database.token, on_ack=on_ack)
    meeting = phone.add_meeting(ward_codes=["E05009857"], date=datetime.date.today().isoformat(), venue="Hall")
    concern_ids = [
        phone.add_concern(
            meeting_id=meeting,
            category="youth_asb",
            description=f"Concern {i} raised at the meeting",
            lon=PLACES[i % 4][0],
            lat=PLACES[i % 4][1],
        )
        for i in range(CONCERNS)
    ]
    killer = threading.Thread(target=kill_then_restart, daemon=True)
    killer.start()
    try:
        phone.sync(within=90)
        assert restarted.wait(timeout=60), "the server was not restarted"
    finally:
        killer.join(timeout=60)
        server.stop()

    # The kill really landed mid-sync: the phone saw connections fail, then resent.
    statuses = phone.statuses()
    assert KILL_AFTER <= acknowledged_at_kill[0] < CONCERNS + 1
    assert None in statuses, "no request failed: the kill did not interrupt the sync"
    assert 500 not in statuses
    assert set(phone.acknowledged) == {meeting, *concern_ids} and not phone.waiting
    # 200 means "already stored": an entry stored just before the kill, its answer lost.
    print(
        f"\nkilled after {acknowledged_at_kill[0]} acknowledged; {statuses.count(None)} requests failed; "
        f"{statuses.count(200)} resends answered 'already stored'; {server.starts} starts"
    )

    count = fault_database.count
    assert count(Meeting) == 1
    assert count(Concern) == CONCERNS
    assert (
        fault_database.scalar(sa.select(sa.func.count(sa.distinct(Concern.id))).where(Concern.id.in_(concern_ids)))
        == CONCERNS
    )
    assert count(Concern, Concern.meeting_id != meeting) == 0
    # Each stored once means each routed once, e-mailed once and audited once.
    assert count(ConcernRouting) == CONCERNS
    assert count(OutboxMessage) == CONCERNS
    assert fault_database.scalar(sa.select(sa.func.count(sa.distinct(OutboxMessage.concern_id)))) == CONCERNS
    assert count(AuditEvent, AuditEvent.entity == "concern", AuditEvent.action == "create") == CONCERNS
    assert "Traceback" not in server.log_text()
