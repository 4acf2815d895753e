"""Notifications through the outbox, against a real SMTP server on localhost."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.notify.models import OutboxMessage
from engage.notify.services import send_due
from engage.platform.db import utcnow
from tests.conftest import make_team
from tests.smtp import SmtpServer


@pytest.fixture
def smtp(app_ctx):
    server = SmtpServer(refuse={"refused@example.org"})
    app_ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    server.stop()
    app_ctx.config.update(MAIL_SERVER="", MAIL_PORT=25)


def concerns(db, n, ward_code="E05009857"):
    made = []
    for i in range(n):
        concern, _ = raise_concern(
            {
                "id": str(uuid.uuid4()),
                "category": "off_road_bikes",
                "description": f"Bikes on the field, report {i}",
                "ward_code": ward_code,
            }
        )
        made.append(concern)
    db.session.commit()
    return made


def states(db):
    return sorted(db.session.scalars(sa.select(OutboxMessage.state)).all())


def test_delivered_once(smtp, db, team):
    smtp.start()
    made = concerns(db, 2)
    assert str(send_due()) == "2 sent, 0 to retry, 0 failed"
    assert send_due().sent == 0  # nothing twice
    assert len(smtp.messages) == 2
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert all("Off-road motorbikes" in s and "Central" in s for s in subjects)
    assert {m["To"] for m in smtp.messages} == {team.contact_email}
    assert made[0].id in "".join(m.get_payload() for m in smtp.messages)


def test_smtp_down_for_a_while_then_back(smtp, db, team):
    concerns(db, 3)
    now = utcnow()
    down = send_due(now)
    assert down.sent == 0 and down.retried == 3
    assert states(db) == ["pending"] * 3
    assert "SMTP unavailable" in db.session.scalar(sa.select(OutboxMessage.last_error).limit(1))
    smtp.start()
    assert send_due(now).sent == 0  # not due yet: backing off
    later = now + timedelta(minutes=1)
    assert send_due(later).sent == 3
    assert send_due(later + timedelta(minutes=5)).sent == 0
    assert len(smtp.messages) == 3 and states(db) == ["sent"] * 3


def test_refused_address_fails_after_the_configured_attempts(smtp, db, app_ctx):
    make_team("INT-REFUSED", ward_codes=("E05001552",), lad_code="E06000004")
    db.session.execute(sa.text("UPDATE team SET contact_email = 'refused@example.org' WHERE code = 'INT-REFUSED'"))
    db.session.commit()
    concerns(db, 1, ward_code="E05001552")
    smtp.start()
    app_ctx.config["ENGAGE_OUTBOX_MAX_ATTEMPTS"] = 3
    try:
        moment = utcnow()
        for _ in range(5):
            send_due(moment)
            moment += timedelta(hours=1)
        message = db.session.scalar(sa.select(OutboxMessage))
        assert message.state == "failed" and message.attempts == 3
        assert "550" in message.last_error
        assert smtp.messages == []
    finally:
        app_ctx.config["ENGAGE_OUTBOX_MAX_ATTEMPTS"] = 5


def test_a_worker_that_died_mid_send_is_picked_up_again(smtp, db, team):
    concerns(db, 1)
    message = db.session.scalar(sa.select(OutboxMessage))
    message.state, message.claimed_at = "sending", utcnow()  # claimed, then the worker died
    db.session.commit()
    smtp.start()
    assert send_due().sent == 0  # still within the claim timeout: maybe being sent
    assert send_due(utcnow() + timedelta(minutes=10)).sent == 1
    assert smtp.messages[0]["Message-ID"] == message.message_id


def test_the_e_mail_says_what_was_raised_and_links_to_the_concern_at_the_public_address(db, team, app_ctx):
    app_ctx.config["ENGAGE_BASE_URL"] = "https://engage.example.org/cleveland"
    try:
        concern = concerns(db, 1)[0]
    finally:
        app_ctx.config["ENGAGE_BASE_URL"] = "http://127.0.0.1:5000"
    body = db.session.scalar(sa.select(OutboxMessage.body))
    assert body.startswith(f"Lead for {team.name}.")
    assert "What was raised:\nBikes on the field, report 0\n" in body
    assert f"Open it: https://engage.example.org/cleveland/inbox/concerns/{concern.id}" in body


def test_a_digest_of_one_says_one_concern(smtp, db, team):
    team.notify_mode = "digest"
    db.session.commit()
    concerns(db, 1)
    smtp.start()
    assert send_due((utcnow() + timedelta(days=1)).replace(hour=8)).sent == 1
    assert smtp.messages[0]["Subject"].endswith(": 1 concern")


def test_daily_digest(smtp, db, team):
    team.notify_mode = "digest"
    db.session.commit()
    concerns(db, 3)
    assert states(db) == ["digest"] * 3
    smtp.start()
    morning = utcnow().replace(hour=6) + timedelta(days=1)
    assert send_due(morning).sent == 0
    assert send_due(morning.replace(hour=8)).sent == 1
    assert len(smtp.messages) == 1 and "3 concerns" in smtp.messages[0]["Subject"]
    assert states(db) == ["folded"] * 3 + ["sent"]


def test_without_a_mail_server_messages_wait(db, team, app_ctx):
    concerns(db, 1)
    assert send_due().sent == 0 and states(db) == ["pending"]


def test_outbox_worker_command(smtp, db, team, runner):
    concerns(db, 1)
    smtp.start()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert len(smtp.messages) == 1
    assert "sent" in runner.invoke(args=["outbox", "list"]).output
