"""A partnership or scrutiny meeting's agenda (numbered items, each with a presenter and
its minutes) and who attended or sent apologies. The meeting itself is a `Meeting` of
kind 'partnership' or 'scrutiny'; its `series` ("Working Together", "Eston Hills group")
links it to the previous one, whose open actions it carries."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import one_of

# 'previous_notes' and 'previous_actions' open a meeting of a series, filled in from the
# last one; the rest are the meeting's own items.
AGENDA_ITEM_KINDS = ("item", "previous_notes", "previous_actions")
# The meetings the office runs itself (Meeting.kind): staff and admin only
# (engage/accounts/policy.py `runs_office_meetings`), never a ward's planned meeting.
OFFICE_MEETING_KINDS = ("partnership", "scrutiny")
ATTENDANCE = ("present", "apologies")


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "number", name="uq_agenda_item_meeting_number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint(one_of("kind", AGENDA_ITEM_KINDS), name="kind_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="item", server_default="item")
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    presenter: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    # The minutes of this item: what was discussed (its actions are rows of `action`).
    discussion: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    meeting = so.relationship("Meeting", back_populates="agenda")
    actions = so.relationship("Action", back_populates="agenda_item", order_by="Action.id")


class MeetingAttendee(db.Model):
    """A person at (or sending apologies to) a meeting, with their organisation, as
    minuted: "J Feaks, Redcar and Cleveland Borough Council"."""

    __tablename__ = "meeting_attendee"
    __table_args__ = (sa.CheckConstraint(one_of("attendance", ATTENDANCE), name="attendance_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    organisation: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    attendance: so.Mapped[str] = so.mapped_column(sa.String(16), default="present", server_default="present")
    position: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    meeting = so.relationship("Meeting", back_populates="attendees")
