"""The mail server down for a whole run of the worker, then up: every notification is
delivered exactly once. The worker is `send_due`, as `flask outbox send --loop` runs
it, against a real SMTP server (aiosmtpd) that starts only after the outage; messages
are counted by Message-ID."""

import uuid
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.notify.models import OutboxMessage
from engage.notify.services import send_due
from engage.platform.db import utcnow
from tests.conftest import make_team
from tests.smtp import SmtpServer

pytestmark = pytest.mark.faults

WARDS = ("E05009857", "E05009866", "E05001552")  # two in `team`'s wards, one in Hartlepool


@pytest.fixture
def smtp_down(app_ctx):
    """Configured, but nothing listens on the port until the test calls start()."""
    server = SmtpServer()
    app_ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    server.stop()
    app_ctx.config.update(MAIL_SERVER="", MAIL_PORT=25)


def test_smtp_down_for_a_whole_run_then_up(smtp_down, db, team):
    make_team("INT-ALL", ward_codes=(), coverage="all")  # leads where `team` does not
    for i in range(30):
        raise_concern(
            {
                "id": str(uuid.uuid4()),
                "category": "off_road_bikes",
                "description": f"Bikes on the field, report {i}",
                "ward_code": WARDS[i % 3],
            }
        )
    db.session.commit()
    queued = db.session.scalars(sa.select(OutboxMessage.message_id)).all()
    assert len(queued) == 30 and len(set(queued)) == 30  # one to the lead team of each

    # A day of the worker running every half hour with the mail server down.
    moment = utcnow()
    for _ in range(2 * 24):
        report = send_due(moment)
        assert report.sent == 0 and report.failed == 0
        moment += timedelta(minutes=30)
    # Nothing was given up on: an unreachable server is not the messages' fault.
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert {m.state for m in rows} == {"pending"} and {m.attempts for m in rows} == {0}
    assert all("SMTP unavailable" in m.last_error for m in rows)

    smtp_down.start()
    sent = 0
    for _ in range(10):  # the worker's next rounds, until the queue is empty
        sent += send_due(moment).sent
        moment += timedelta(minutes=1)
    received = Counter(m["Message-ID"] for m in smtp_down.messages)
    assert sent == len(queued)
    assert received == Counter(queued), "a notification was lost or delivered twice"
    assert {m.state for m in db.session.scalars(sa.select(OutboxMessage))} == {"sent"}
    assert send_due(moment + timedelta(days=1)).sent == 0
    assert len(smtp_down.messages) == len(queued)
    assert Counter(m["To"] for m in smtp_down.messages) == {team.contact_email: 20, "int-all@example.org": 10}
