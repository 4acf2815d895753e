"""The e-mail outbox: what was sent, what waits and what failed, with a way to send a
failed message again (once, say, a team's address is corrected)."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.admin.views import bp
from engage.extensions import db
from engage.notify.models import OUTBOX_STATES, OutboxMessage
from engage.notify.services import count_by_state, failed_count, retry_failed
from engage.platform.paging import Count, page_of
from engage.platform.parameters import whole_number

PER_PAGE = 50

STATE_HINTS = {
    "pending": "waiting for the worker (flask outbox send)",
    "sending": "being sent now",
    "sent": "accepted by the mail server",
    "failed": "refused after every attempt: needs someone to look",
    "digest": "waiting for the team's daily digest",
    "folded": "sent as part of a daily digest",
    "withdrawn": "never sent: the officer undid the concern first",
}


@bp.context_processor
def _admin_outbox_alert():
    """Failed e-mails, for the admin sub-navigation (admin pages only)."""
    return {"outbox_failed": failed_count()}


@bp.route("/outbox")
def outbox():
    state = request.args.get("state", "")
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if state in OUTBOX_STATES:
        stmt = stmt.where(OutboxMessage.state == state)
    else:
        state = ""
    counts = count_by_state()
    # The total is the state's count, or that of every state (each counted up to a limit).
    total = counts.get(state, Count(0)) if state else sum(counts.values(), Count(0))
    page = page_of(stmt, page=whole_number(request.args, "page", 1, minimum=1), per_page=PER_PAGE, count=total)
    return render_template(
        "admin/outbox.html",
        page=page,
        state=state,
        states=OUTBOX_STATES,
        state_hints=STATE_HINTS,
        counts=counts,
        mail_server=current_app.config.get("MAIL_SERVER"),
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
def retry_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id, description="No such message.")
    if retry_failed([message.id]):
        db.session.commit()
        current_app.logger.info("outbox: %s put message %s back in the queue", current_user.email, message.id)
        flash(f"Message to {message.recipient} is back in the queue: the worker sends it next round.", "info")
    else:
        flash(f"That message is {message.state}, not failed: nothing to retry.", "info")
    return redirect(url_for("admin.outbox", state=request.form.get("return_state") or None))


@bp.route("/outbox/retry-failed", methods=["POST"])
def retry_all_failed():
    count = retry_failed()
    db.session.commit()
    current_app.logger.info("outbox: %s put %d failed messages back in the queue", current_user.email, count)
    flash(
        f"{count} failed message{'' if count == 1 else 's'} back in the queue."
        if count
        else "No failed messages to retry.",
        "info",
    )
    return redirect(url_for("admin.outbox"))
