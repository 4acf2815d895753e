"""Notifications through the outbox.

Messages are written in the same transaction as the routing that causes them, so a
routing can never be stored without its e-mail, nor an e-mail queued for a routing
that rolled back. The worker (`flask outbox send`) delivers them; see
docs/notifications.md for the delivery guarantee.
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_mail import Connection, Message

from engage.concerns.models import Category, Concern
from engage.extensions import db, mail
from engage.geography.models import Ward
from engage.notify.models import OUTBOX_STATES, OutboxMessage
from engage.platform.db import utcnow
from engage.platform.paging import bounded_counts
from engage.teams.models import Team


def render_email(template: str, **context) -> str:
    """A plain-text body from templates/email/, with links made from ENGAGE_BASE_URL
    (the worker sends outside any request, and a request's own host may be internal)."""
    with current_app.test_request_context(base_url=current_app.config["ENGAGE_BASE_URL"]):
        return render_template(f"email/{template}", **context)


def _category_and_ward(concern: Concern) -> tuple[Category, Ward | None]:
    """A concern not yet flushed may name its category and ward by id only."""
    category = concern.category or db.session.get(Category, concern.category_id)
    ward = concern.ward
    if ward is None and concern.ward_id is not None:
        ward = db.session.get(Ward, concern.ward_id)
    return category, ward


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def queue_routing_notifications(concern: Concern) -> list[OutboxMessage]:
    if concern.is_demo:
        return []  # demo data never e-mails anyone
    teams = ([concern.lead_team] if concern.lead_team_id else []) + list(concern.copied_teams)
    if concern.lead_team_id and concern.lead_team is None:
        teams[0] = db.session.get(Team, concern.lead_team_id)
    queued = []
    for team in teams:
        if not team.contact_email:
            continue
        role = "Lead" if team.id == concern.lead_team_id else "Copy"
        category, ward = _category_and_ward(concern)
        message = OutboxMessage(
            team=team,
            concern=concern,
            recipient=team.contact_email,
            subject=f"[engage] {role}: {category.label} in {ward.name if ward else 'no ward'}",
            # What a team needs to act, and never the resident's contact details.
            body=render_email(
                "routed.txt",
                role=role,
                team=team,
                concern=concern,
                category=category,
                ward=ward,
                meeting=concern.meeting,
            ),
            message_id=make_message_id(),
            state="digest" if team.notify_mode == "digest" else "pending",
        )
        db.session.add(message)
        queued.append(message)
    return queued


def _queue_for_lead_team(concern: Concern, subject: str, template: str, **context) -> OutboxMessage | None:
    """A message to a concern's lead team, as it is told of a new concern (digest teams in
    their digest); none for demo concerns or a team with no address."""
    if concern.is_demo or not concern.lead_team_id:
        return None
    team = concern.lead_team or db.session.get(Team, concern.lead_team_id)
    if not team.contact_email:
        return None
    category, ward = _category_and_ward(concern)
    message = OutboxMessage(
        team=team,
        concern=concern,
        recipient=team.contact_email,
        subject=f"[engage] {subject}: {category.label} in {ward.name if ward else 'no ward'}",
        body=render_email(template, team=team, concern=concern, category=category, ward=ward, **context),
        message_id=make_message_id(),
        state="digest" if team.notify_mode == "digest" else "pending",
    )
    db.session.add(message)
    return message


def queue_report_back_notification(concern: Concern, text: str) -> OutboxMessage | None:
    """Residents were not satisfied when the concern was read back at a meeting: its
    lead team is told, with the residents' words and never their contact details."""
    return _queue_for_lead_team(concern, "Residents not satisfied", "reported_back.txt", text=text)


def queue_resident_comment_notification(concern: Concern, text: str, photos: int) -> OutboxMessage | None:
    """A resident commented on the concern through FixMyStreet (Open311): its lead team
    is told, with the comment; photos are named, not attached (they stay in engage)."""
    return _queue_for_lead_team(concern, "A resident commented", "resident_comment.txt", text=text, photos=photos)


# What a worker has not yet taken: withdrawn when the concern is undone. A message
# already 'sending' is in a worker's hands and may go; 'sent' and 'folded' have gone.
WITHDRAWABLE = ("pending", "digest", "failed")


def withdraw_notifications(concern: Concern) -> int:
    """The e-mails about a concern the officer undid, not yet sent, are withdrawn: kept
    (for the record of what was queued) in the state 'withdrawn', which no worker sends,
    folds into a digest or retries. Called before the concern is deleted."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.concern_id == concern.id, OutboxMessage.state.in_(WITHDRAWABLE))
        .values(state="withdrawn", last_error="withdrawn: the officer undid the concern before it was sent"),
        execution_options={"synchronize_session": "fetch"},
    )
    return result.rowcount


def make_message_id(key: str | None = None) -> str:
    """A new Message-ID; with `key`, always the same one for that key, so that queuing a
    message twice (a reminder for the same action and due date) is refused by the
    outbox's unique message_id."""
    domain = current_app.config.get("ENGAGE_MAIL_DOMAIN") or "engage.local"
    return f"<{key or uuid.uuid4()}@{domain}>"


# --- the worker ------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self):
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed"


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 600))


def release_stale_claims(now: datetime) -> int:
    """A worker that died mid-send leaves rows 'sending'. They go back to the queue:
    at-least-once, with the same Message-ID so a rare duplicate is recognisable."""
    timeout = timedelta(seconds=current_app.config["ENGAGE_OUTBOX_CLAIM_SECONDS"])
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.state == "sending", OutboxMessage.claimed_at < now - timeout)
        .values(state="pending", next_attempt_at=now)
    )
    db.session.commit()
    return result.rowcount


def _claim(message_id: int, now: datetime) -> bool:
    # Conditional update: of two workers, only one gets the row.
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == "pending")
        .values(state="sending", claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def send_due(now: datetime | None = None, limit: int = 100) -> SendReport:
    now = now or utcnow()
    release_stale_claims(now)
    build_digests(now)
    report = SendReport()
    due = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    if not due:
        return report
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.warning("MAIL_SERVER is not set: %d e-mails wait in the outbox", len(due))
        report.retried = len(due)
        return report
    max_attempts = current_app.config["ENGAGE_OUTBOX_MAX_ATTEMPTS"]
    try:
        # Settings read now, not at start-up, so a changed MAIL_* takes effect.
        # (Mail.connect() would use the settings captured at start-up.)
        state = mail.init_mail(current_app.config, current_app.debug, current_app.testing)
        connection = Connection(state).__enter__()
    except (OSError, smtplib.SMTPException) as exc:
        # The server is down: nothing was tried, so no attempt is counted.
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(due))
            .values(next_attempt_at=now + timedelta(seconds=30), last_error=f"SMTP unavailable: {exc}"[:500])
        )
        db.session.commit()
        report.retried = len(due)
        return report
    try:
        for message_id in due:
            if not _claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                email = Message(subject=message.subject, recipients=[message.recipient], body=message.body)
                email.msgId = message.message_id  # the same on every retry
                connection.send(email)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, smtplib.SMTPDataError) as exc:
                message.attempts += 1
                message.last_error = str(exc)[:500]
                if message.attempts >= max_attempts:
                    message.state = "failed"
                    report.failed += 1
                else:
                    message.state = "pending"
                    message.next_attempt_at = now + backoff(message.attempts)
                    report.retried += 1
            except (OSError, smtplib.SMTPException) as exc:
                # Connection lost mid-batch: back to the queue, not the message's fault.
                message.state, message.next_attempt_at = "pending", now + timedelta(seconds=30)
                message.last_error = f"SMTP unavailable: {exc}"[:500]
                db.session.commit()
                report.retried += 1
                break
            else:
                message.state, message.sent_at, message.attempts = "sent", utcnow(), message.attempts + 1
                report.sent += 1
            db.session.commit()
    finally:
        try:
            connection.__exit__(None, None, None)
        except (OSError, smtplib.SMTPException):
            pass
    return report


def build_digests(now: datetime) -> int:
    """Once a day (after ENGAGE_DIGEST_HOUR, UTC), fold each digest team's waiting
    notifications into one message per recipient: the team's address for concerns, a
    member's own for the action reminders addressed to them (engage/actions/reminders.py)."""
    if now.hour < current_app.config["ENGAGE_DIGEST_HOUR"]:
        return 0
    cutoff = now.replace(hour=current_app.config["ENGAGE_DIGEST_HOUR"], minute=0, second=0, microsecond=0)
    waiting = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.state == "digest", OutboxMessage.created_at <= cutoff)
        .order_by(OutboxMessage.team_id, OutboxMessage.created_at)
    ).all()
    by_team: dict[tuple[int, str], list[OutboxMessage]] = {}
    for item in waiting:
        by_team.setdefault((item.team_id, item.recipient), []).append(item)
    for (team_id, recipient), items in by_team.items():
        team = db.session.get(Team, team_id)
        # "3 concerns" when it is all routings (reminders name no concern); "3 items" once one is in it.
        what = plural(len(items), "concern" if all(i.concern_id for i in items) else "item")
        digest = OutboxMessage(
            team_id=team_id,
            recipient=recipient,
            subject=f"[engage] Daily digest for {team.name if team else 'your team'}: {what}",
            body="\n\n----------\n\n".join(i.body for i in items),
            message_id=make_message_id(),
            state="pending",
        )
        db.session.add(digest)
        for item in items:
            item.state, item.sent_at, item.last_error = "folded", now, f"in digest {digest.message_id}"
    db.session.commit()
    return len(by_team)


# --- by hand ------------------------------------------------------------------------


def retry_failed(message_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Put failed messages (these, or all) back in the queue with their attempts reset,
    e.g. once a refused address is corrected. Only rows still 'failed' change, so a
    message the worker has meanwhile picked up is never touched. The caller commits."""
    now = now or utcnow()
    stmt = sa.update(OutboxMessage).where(OutboxMessage.state == "failed")
    if message_ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(message_ids))
    result = db.session.execute(
        stmt.values(state="pending", attempts=0, next_attempt_at=now, claimed_at=None),
        execution_options={"synchronize_session": "fetch"},
    )
    return result.rowcount


def count_by_state() -> dict:
    """{state: Count} for the states any message is in, each counted up to
    paging.COUNT_LIMIT along ix_outbox_due: grouping every message ever sent would
    read them all."""

    counts = bounded_counts(
        {state: sa.select(OutboxMessage.id).where(OutboxMessage.state == state) for state in OUTBOX_STATES}
    )
    return {state: n for state, n in counts.items() if n}


def failed_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "failed")
    )
