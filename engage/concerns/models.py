"""Meetings and the concerns residents raise at them: each concern's routing history
(lead and copied teams), its status changes and corrections."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, one_of, utcnow
from engage.teams.models import ROUTED_BY

MEETING_KINDS = {
    "your_force_your_voice": "Your Force Your Voice",
    "residents_association": "Residents' association",
    "pact": "PACT / ward panel",
    "partner_event": "Partner event",
    "school_youth": "School or youth event",
    "scrutiny": "Scrutiny meeting",
    "partnership": "Partnership meeting",
}

MEETING_STATUSES = ("planned", "held", "cancelled")

CONCERN_CHANNELS = ("meeting", "phone", "letter", "street_surgery", "open311", "import")

LOCATION_SOURCES = ("meeting", "gps", "map", "ward", "grid")

PRIORITIES = ("normal", "high")

CONCERN_STATUSES = ("new", "acknowledged", "in_progress", "action_taken", "closed", "no_action")

# How residents judged what was done, when the officer read it back at the next meeting.
REPORT_BACK_VIEWS = {"satisfied": "Satisfied", "partly": "Partly satisfied", "not_satisfied": "Not satisfied"}


meeting_ward = sa.Table(
    "meeting_ward",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("ward_id", sa.ForeignKey("ward.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

meeting_team = sa.Table(
    "meeting_team",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="RESTRICT"), primary_key=True),
)


class Category(db.Model):
    """The themes residents raise. Retired categories stay for old concerns."""

    __tablename__ = "category"
    __audited__ = True

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(120))
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    sort_order: so.Mapped[int] = so.mapped_column(default=0)
    # Days from the day a concern is raised to its default due date; none: no target.
    target_days: so.Mapped[int | None] = so.mapped_column(
        sa.CheckConstraint("target_days > 0", name="target_days_positive")
    )

    def __repr__(self):
        return f"<Category {self.code}>"


class Meeting(db.Model):
    __tablename__ = "meeting"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", MEETING_KINDS), name="kind_known"),
        sa.CheckConstraint(one_of("status", MEETING_STATUSES), name="status_known"),
        sa.CheckConstraint("attendance IS NULL OR attendance >= 0", name="attendance_not_negative"),
        # Planned meetings from a day and held ones up to a day, in date order (0008).
        sa.Index("ix_meeting_status_date", "status", "date"),
    )

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(32), default="your_force_your_voice")
    date: so.Mapped[date] = so.mapped_column(sa.Date, index=True)
    start_time: so.Mapped[time | None] = so.mapped_column(sa.Time)
    venue: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    venue_lon: so.Mapped[float | None]
    venue_lat: so.Mapped[float | None]
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="held", index=True)
    attendance: so.Mapped[int | None]
    police_partners: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    pcc_attended: so.Mapped[bool] = so.mapped_column(default=False)
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: a save based on an old version is refused, never silently overwrites.
    version: so.Mapped[int] = so.mapped_column(default=1)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    # Partnership and scrutiny meetings: the series ("Working Together") whose previous
    # meeting's open actions a new one carries, and when its minutes were approved.
    series: so.Mapped[str | None] = so.mapped_column(sa.String(120), index=True)
    minutes_approved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    minutes_approved_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")

    wards = so.relationship("Ward", secondary=meeting_ward, lazy="selectin", order_by="Ward.code")
    teams = so.relationship("Team", secondary=meeting_team, lazy="selectin", order_by="Team.code")
    concerns: so.Mapped[list[Concern]] = so.relationship(back_populates="meeting", foreign_keys="Concern.meeting_id")
    created_by = so.relationship("User")
    agenda = so.relationship(
        "AgendaItem", back_populates="meeting", order_by="AgendaItem.number", cascade="all, delete-orphan"
    )
    attendees = so.relationship(
        "MeetingAttendee", back_populates="meeting", order_by="MeetingAttendee.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return MEETING_KINDS.get(self.kind, self.kind)


class Concern(db.Model):
    __tablename__ = "concern"
    __audited__ = True
    # Residents' contact details never enter the append-only audit trail: it could not
    # be purged when the retention period ends (see docs/privacy.md).
    __audit_exclude__ = {"contact_name", "contact_details"}
    __table_args__ = (
        sa.CheckConstraint(one_of("channel", CONCERN_CHANNELS), name="channel_known"),
        sa.CheckConstraint(one_of("location_source", LOCATION_SOURCES), name="location_source_known"),
        sa.CheckConstraint(one_of("priority", PRIORITIES), name="priority_known"),
        sa.CheckConstraint(one_of("status", CONCERN_STATUSES), name="status_known"),
        sa.CheckConstraint("residents >= 1", name="residents_positive"),
        # Contact details only with the resident's recorded consent.
        sa.CheckConstraint(
            "(contact_name IS NULL AND contact_details IS NULL) OR (contact_consent AND contact_consent_at IS NOT NULL)",
            name="contact_needs_consent",
        ),
        sa.Index("ix_concern_ward_raised", "ward_id", "raised_at"),
        # The inbox (migrations 0008 and 0009; docs/benchmarks.md, "Scale"): per status,
        # and per ward, category or lead team, newest first and counted per status. Each
        # also serves lookups by its first column, so category_id, lead_team_id and
        # status have no index of their own (0009 dropped them; created_by_id's is
        # ix_concern_created_by_raised, declared in engage/maps/rollup.py with 0007's).
        sa.Index("ix_concern_status_raised", "status", "raised_at"),
        sa.Index("ix_concern_ward_status_raised", "ward_id", "status", "raised_at"),
        sa.Index("ix_concern_category_status_raised", "category_id", "status", "raised_at"),
        sa.Index("ix_concern_lead_team_status_raised", "lead_team_id", "status", "raised_at"),
        sa.Index("ix_concern_lead_team_ward_status_raised", "lead_team_id", "ward_id", "status", "raised_at"),
        sa.Index("ix_concern_lead_team_category_status_raised", "lead_team_id", "category_id", "status", "raised_at"),
        sa.Index(
            "ix_concern_lead_team_ward_category_status_raised",
            "lead_team_id",
            "ward_id",
            "category_id",
            "status",
            "raised_at",
        ),
        # "Mine" and "unassigned" (owner_id IS NULL) per status, newest first; it also
        # serves the foreign key when a user is deleted (0013).
        sa.Index("ix_concern_owner_status_raised", "owner_id", "status", "raised_at"),
        # "Overdue" (open, due before today) and the due-date order: for everyone, and per
        # lead team (an inspector's inbox).
        sa.Index("ix_concern_status_due", "status", "due_date"),
        sa.Index("ix_concern_lead_team_status_due", "lead_team_id", "status", "due_date"),
    )

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    meeting_ref: so.Mapped[str | None] = so.mapped_column(sa.String(36), index=True)
    meeting_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(16), default="meeting")
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("category.id", ondelete="RESTRICT"))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    lon: so.Mapped[float | None]
    lat: so.Mapped[float | None]
    grid_ref: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    location_source: so.Mapped[str] = so.mapped_column(sa.String(16), default="meeting")
    ward_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ward.id", ondelete="RESTRICT"))
    # The vintage the ward was located in, kept even when a newer set becomes current.
    boundary_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("boundary_set.id", ondelete="RESTRICT"))
    # Outside every ward (or unplaced): stored all the same, flagged for someone to look at.
    needs_review: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    raised_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    residents: so.Mapped[int] = so.mapped_column(default=1)
    priority: so.Mapped[str] = so.mapped_column(sa.String(8), default="normal")
    contact_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    contact_details: so.Mapped[str | None] = so.mapped_column(sa.String(400))
    contact_consent: so.Mapped[bool] = so.mapped_column(default=False)
    contact_consent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="new")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    # Current routing (history in concern_routing). No lead team = the OPCC triage queue.
    lead_team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("team.id", ondelete="RESTRICT"))
    routed_by: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    routing_rule_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("routing_rule.id", ondelete="SET NULL"))
    # Latest "we did" text, and when someone first acted (for "median days to first action").
    we_did: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    first_action_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    status_changed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Who in the lead team owns it, and when it is due (history in concern_assignment).
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    due_date: so.Mapped[date | None] = so.mapped_column(sa.Date)

    category: so.Mapped[Category] = so.relationship(lazy="joined")
    lead_team = so.relationship("Team", foreign_keys=[lead_team_id])
    copied_teams = so.relationship("Team", secondary="concern_copy", lazy="selectin", order_by="Team.code")
    routing_rule = so.relationship("RoutingRule", foreign_keys=[routing_rule_id])
    routings = so.relationship(
        "ConcernRouting",
        back_populates="concern",
        order_by="ConcernRouting.routed_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    ward = so.relationship("Ward", lazy="joined")
    boundary_set = so.relationship("BoundarySet")
    meeting: so.Mapped[Meeting | None] = so.relationship(back_populates="concerns", foreign_keys=[meeting_id])
    created_by = so.relationship("User", foreign_keys=[created_by_id])
    owner = so.relationship("User", foreign_keys=[owner_id])

    __mapper_args__ = {"version_id_col": version}


class ConcernCorrection(db.Model):
    """The officer's correction of a concern a team has already acted on. Once the lead
    team has acted, the concern is neither undone nor edited (the team's status history
    and "we did" text stay as they were written); the officer adds a correction beside
    it instead, which the teams see on the concern's page."""

    __tablename__ = "concern_correction"
    __audited__ = True

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # Who wrote it as they were then: kept if the account is later removed.
    author: so.Mapped[str] = so.mapped_column(sa.String(254))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    concern = so.relationship("Concern")


# The teams a concern is currently copied to (the lead is concern.lead_team_id).
concern_copy = sa.Table(
    "concern_copy",
    db.metadata,
    sa.Column("concern_id", sa.ForeignKey("concern.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class ConcernRouting(db.Model):
    """One routing of a concern (the first, automatic one and any re-routing by staff)."""

    __tablename__ = "concern_routing"
    __table_args__ = (sa.CheckConstraint(one_of("routed_by", ROUTED_BY), name="routed_by_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    routed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    routed_by: so.Mapped[str] = so.mapped_column(sa.String(16))
    rule_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("routing_rule.id", ondelete="SET NULL"))
    lead_team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("team.id", ondelete="RESTRICT"))
    copied_team_codes: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    actor: so.Mapped[str] = so.mapped_column(sa.String(254), default="system")

    concern = so.relationship("Concern", back_populates="routings")
    lead_team = so.relationship("Team")
    rule = so.relationship("RoutingRule")


class ConcernAssignment(db.Model):
    """One setting of a concern's owner and due date by its lead team or staff, as they
    then were (the owner's name kept if the account is later removed)."""

    __tablename__ = "concern_assignment"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    owner: so.Mapped[str] = so.mapped_column(sa.String(254), default="")  # "" when nobody owns it
    due_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    actor_id: so.Mapped[int | None]
    actor: so.Mapped[str] = so.mapped_column(sa.String(254))

    concern = so.relationship("Concern")


class StatusChange(db.Model):
    __tablename__ = "status_change"
    __table_args__ = (sa.CheckConstraint(one_of("to_status", CONCERN_STATUSES), name="to_status_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    from_status: so.Mapped[str] = so.mapped_column(sa.String(16))
    to_status: so.Mapped[str] = so.mapped_column(sa.String(16))
    # "We did" text for action_taken, the reason for no_action or a reopen.
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    actor_id: so.Mapped[int | None] = so.mapped_column(index=True)
    actor: so.Mapped[str] = so.mapped_column(sa.String(254))

    concern = so.relationship("Concern")


class ReportBack(db.Model):
    """A concern read back to residents at a later meeting, and how they judged what was
    done. The phone gives each mark its id, so a resend is recognised; marks from two
    phones are both kept, in the order they were made (`marked_at`, the phone's clock)."""

    __tablename__ = "report_back"
    __table_args__ = (
        sa.CheckConstraint(one_of("view", REPORT_BACK_VIEWS), name="view_known"),
        sa.Index("ix_report_back_concern_marked", "concern_id", "marked_at"),
    )

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"))
    # The meeting it was read back at (none: read back elsewhere).
    meeting_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    view: so.Mapped[str] = so.mapped_column(sa.String(16))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    marked_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    actor: so.Mapped[str] = so.mapped_column(sa.String(254))
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, index=True)

    concern = so.relationship("Concern")
    meeting = so.relationship("Meeting")
