"""The officer's Undo, as a service: refused once a team has acted; before that, the
concern's e-mails not yet sent are withdrawn, whether waiting alone or for a digest."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.concerns.capture import (
    TeamHasActed,
    amend_concern,
    team_has_acted,
    undo_concern,
)
from engage.concerns.models import Concern, StatusChange
from engage.concerns.workflow import change_status
from engage.notify.models import OutboxMessage
from engage.notify.services import send_due
from engage.platform.db import utcnow
from tests.test_notify.test_notify import concerns, smtp, states  # noqa: F401  (smtp is a fixture)


def test_undone_before_sending_the_email_is_withdrawn_and_never_sent(smtp, db, team):  # noqa: F811
    kept, undone = concerns(db, 2)
    undo_concern(undone)
    db.session.commit()
    smtp.start()
    assert send_due().sent == 1
    assert len(smtp.messages) == 1 and "report 0" in smtp.messages[0].get_payload()
    assert states(db) == ["sent", "withdrawn"]
    # Withdrawn rows are never retried either.
    assert send_due(utcnow() + timedelta(days=1)).sent == 0


def test_a_withdrawn_email_is_left_out_of_the_daily_digest(smtp, db, team):  # noqa: F811
    team.notify_mode = "digest"
    db.session.commit()
    kept, undone, also_kept = concerns(db, 3)
    undo_concern(undone)
    db.session.commit()
    smtp.start()
    assert send_due(utcnow().replace(hour=8) + timedelta(days=1)).sent == 1
    digest = smtp.messages[0]
    assert "2 concerns" in digest["Subject"] and "report 1" not in digest.get_payload()
    assert states(db) == ["folded", "folded", "sent", "withdrawn"]


def test_an_email_already_sent_stays_sent(smtp, db, team):  # noqa: F811
    (concern,) = concerns(db, 1)
    smtp.start()
    assert send_due().sent == 1
    undo_concern(concern)
    db.session.commit()
    assert states(db) == ["sent"]


@pytest.mark.parametrize(
    "to, note",
    [("acknowledged", ""), ("in_progress", ""), ("no_action", "Not ours"), ("action_taken", "Patrols added")],
)
def test_once_a_team_has_acted_undo_and_edit_are_refused(db, team, app_ctx, to, note):
    (concern,) = concerns(db, 1)
    assert not team_has_acted(concern)
    change_status(concern, to, note, None, "inspector@example.org")
    db.session.commit()
    assert team_has_acted(concern)
    with pytest.raises(TeamHasActed):
        undo_concern(concern)
    with pytest.raises(TeamHasActed):
        amend_concern(concern, {"description": "rewritten"})
    db.session.rollback()
    assert db.session.get(Concern, concern.id).description.startswith("Bikes on the field")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusChange)) == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "withdrawn")
        )
        == 0
    )


def test_a_category_corrected_in_the_undo_window_moves_the_default_due_date(db, team, app_ctx):
    from engage.concerns.models import Category

    bikes = db.session.scalar(sa.select(Category).where(Category.code == "off_road_bikes"))
    speeding = db.session.scalar(sa.select(Category).where(Category.code == "speeding"))
    bikes.target_days, speeding.target_days = 28, 14
    db.session.commit()
    first, second = concerns(db, 2)
    raised = first.raised_at
    assert (first.due_date - raised.date()).days in (27, 28, 29)  # 28 days after the office's day it was raised
    amend_concern(first, {"category": "speeding"})
    assert first.due_date == second.due_date - timedelta(days=14)

    # A due date set by hand is the team's decision: a correction leaves it.
    by_hand = second.due_date + timedelta(days=3)
    second.due_date = by_hand
    amend_concern(second, {"category": "speeding"})
    assert second.due_date == by_hand
