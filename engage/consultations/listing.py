"""What the staff's screens list: the consultations with their state and how many
responses count and how many were voided, and one consultation's responses, newest
first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.consultations.models import Consultation, ConsultationChoice, ConsultationResponse
from engage.consultations.services import counted
from engage.extensions import db
from engage.platform.paging import Page, page_of

STATES = {"upcoming": "Not open yet", "open": "Open", "closed": "Closed"}
PER_PAGE = 25


def state_of(consultation: Consultation, today: date) -> str:
    if today < consultation.opens_on:
        return "upcoming"
    return "open" if today <= consultation.closes_on else "closed"


@dataclass(frozen=True)
class Tally:
    counted: int = 0
    voided: int = 0


@dataclass(frozen=True)
class ConsultationRow:
    consultation: Consultation
    state: str
    tally: Tally


def tallies(consultation_ids=None) -> dict[int, Tally]:
    stmt = sa.select(
        ConsultationResponse.consultation_id,
        sa.func.count(sa.case((counted(), 1))),
        sa.func.count(sa.case((ConsultationResponse.voided_at.is_not(None), 1))),
    ).group_by(ConsultationResponse.consultation_id)
    if consultation_ids is not None:
        stmt = stmt.where(ConsultationResponse.consultation_id.in_(consultation_ids))
    return {cid: Tally(n, v) for cid, n, v in db.session.execute(stmt)}


def consultation_rows(today: date, is_demo: bool | None = False) -> list[ConsultationRow]:
    """Newest first (by opening day); `is_demo` None: demo and real alike."""
    stmt = sa.select(Consultation).order_by(Consultation.opens_on.desc(), Consultation.id.desc())
    if is_demo is not None:
        stmt = stmt.where(Consultation.is_demo.is_(is_demo))
    consultations = db.session.scalars(stmt).all()
    counts = tallies([c.id for c in consultations])
    return [ConsultationRow(c, state_of(c, today), counts.get(c.id, Tally())) for c in consultations]


def tally(consultation: Consultation) -> Tally:
    return tallies([consultation.id]).get(consultation.id, Tally())


def responses_page(consultation: Consultation, page: int = 1) -> Page:
    stmt = (
        sa.select(ConsultationResponse)
        .where(ConsultationResponse.consultation_id == consultation.id)
        .options(
            so.selectinload(ConsultationResponse.choices).joinedload(ConsultationChoice.option),
            so.joinedload(ConsultationResponse.ward),
        )
        .order_by(ConsultationResponse.recorded_at.desc(), ConsultationResponse.id.desc())
    )
    return page_of(stmt, page=page, per_page=PER_PAGE)


def response_of(consultation: Consultation, response_id: str) -> ConsultationResponse | None:
    return db.session.scalar(
        sa.select(ConsultationResponse).where(
            ConsultationResponse.consultation_id == consultation.id, ConsultationResponse.id == response_id[:36]
        )
    )
