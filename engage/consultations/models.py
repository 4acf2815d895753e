"""A consultation (its question, the priorities it offers, its dates), the responses to it
and the priorities each response chose.

A response holds no personal data unless the consultation asks for it (its demographic
questions); free text is kept for staff and never published. A voided response is kept,
marked, and left out of every figure."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, one_of, utcnow

DEFAULT_QUESTION = "What should the police focus on in your area?"

# How a response reached the office: the public page, a paper form or an event card keyed
# by staff, or a row of an online survey tool's export.
RESPONSE_CHANNELS = {"online": "Online", "paper": "Paper form", "event": "Event", "import": "Survey import"}

# Below this many responses a ward's shares are not shown ("too few responses").
DEFAULT_THRESHOLD = 10


class Consultation(db.Model):
    __tablename__ = "consultation"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
        sa.CheckConstraint("max_choices BETWEEN 1 AND 5", name="max_choices_range"),
        sa.CheckConstraint("threshold >= 1", name="threshold_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The public page's address: /consult/<slug>.
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    question: so.Mapped[str] = so.mapped_column(sa.String(300), default=DEFAULT_QUESTION)
    opens_on: so.Mapped[date] = so.mapped_column(sa.Date)
    # The last day answers are taken (inclusive, in the office's time zone).
    closes_on: so.Mapped[date] = so.mapped_column(sa.Date)
    max_choices: so.Mapped[int] = so.mapped_column(default=3, server_default="3")
    # An optional free-text box, and what it asks.
    free_text: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    free_text_prompt: so.Mapped[str] = so.mapped_column(
        sa.String(300), default="Anything else you want to tell us?", server_default=""
    )
    # Optional demographic questions: [{"key": "age", "prompt": "Your age", "choices": [...]}].
    # None by default: no personal data is asked for unless staff add them.
    questions: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    threshold: so.Mapped[int] = so.mapped_column(default=DEFAULT_THRESHOLD, server_default=str(DEFAULT_THRESHOLD))
    # A survey tool's columns, mapped once for this consultation's imports:
    # {"ward": "Which ward do you live in?", "choices": [...], "comment": ..., "ref": ...}.
    import_mapping: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false(), index=True)

    options: so.Mapped[list[ConsultationOption]] = so.relationship(
        back_populates="consultation",
        order_by="ConsultationOption.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def __repr__(self):
        return f"<Consultation {self.slug}>"


class ConsultationOption(db.Model):
    """A priority offered ("Off-road bikes and quads"), optionally the concern category it
    matches, so a ward's priorities can be read beside the concerns raised there."""

    __tablename__ = "consultation_option"
    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "label", name="uq_consultation_option_label"),
        sa.UniqueConstraint("consultation_id", "position", name="uq_consultation_option_position"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id", ondelete="CASCADE"))
    label: so.Mapped[str] = so.mapped_column(sa.String(120))
    position: so.Mapped[int]
    category_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("category.id", ondelete="SET NULL"))

    consultation: so.Mapped[Consultation] = so.relationship(back_populates="options")
    category = so.relationship("Category")


class ConsultationResponse(db.Model):
    __tablename__ = "consultation_response"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("channel", RESPONSE_CHANNELS), name="channel_known"),
        sa.CheckConstraint("voided_at IS NULL OR void_reason <> ''", name="void_has_reason"),
        # One response per browser session (NULL for keyed and imported ones: never equal).
        sa.UniqueConstraint("consultation_id", "session_key", name="uq_consultation_response_session"),
        # A paper form's number or a survey export's response id: a re-import adds nothing.
        sa.UniqueConstraint("consultation_id", "source_ref", name="uq_consultation_response_source_ref"),
        sa.Index("ix_consultation_response_consultation_ward", "consultation_id", "ward_id"),
    )

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id", ondelete="CASCADE"))
    # None: the respondent gave no ward we could find (counted in the totals only).
    ward_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ward.id", ondelete="RESTRICT"))
    channel: so.Mapped[str] = so.mapped_column(sa.String(8), default="online")
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # Answers to the demographic questions, by their key.
    answers: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # A hash of the browser session's key (never the address): one response per session.
    session_key: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    source_ref: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    submitted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Who keyed or imported it (none for the public page).
    keyed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    keyed_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    voided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    voided_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    void_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    is_demo: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false(), index=True)

    consultation: so.Mapped[Consultation] = so.relationship()
    ward = so.relationship("Ward")
    choices: so.Mapped[list[ConsultationChoice]] = so.relationship(
        back_populates="response",
        order_by="ConsultationChoice.rank",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ConsultationChoice(db.Model):
    """One priority a response chose; `rank` is the order it was chosen in (1 to 5)."""

    __tablename__ = "consultation_choice"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "rank", name="uq_consultation_choice_rank"),
        sa.CheckConstraint("rank BETWEEN 1 AND 5", name="rank_range"),
        sa.Index("ix_consultation_choice_option", "option_id"),
    )

    response_id: so.Mapped[str] = so.mapped_column(
        sa.ForeignKey("consultation_response.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("consultation_option.id", ondelete="RESTRICT"), primary_key=True
    )
    rank: so.Mapped[int]

    response: so.Mapped[ConsultationResponse] = so.relationship(back_populates="choices")
    option: so.Mapped[ConsultationOption] = so.relationship()
