"""Residents' personal data: retention (purge) and subject access.

Contact details are stored only with consent (a database check), shown only to staff
and the officer who recorded them, never put in e-mails, exports without the right,
logs or the audit trail, and emptied after the retention period (the concern itself,
which is about a place and a problem, is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from engage.concerns.models import Concern
from engage.concerns.serialise import concern_json
from engage.extensions import db
from engage.platform.db import utcnow

HAS_CONTACT = sa.or_(Concern.contact_name.isnot(None), Concern.contact_details.isnot(None))


@dataclass
class PurgeResult:
    cutoff: datetime
    concerns: int
    dry_run: bool

    def summary(self) -> str:
        verb = "would empty" if self.dry_run else "emptied"
        return (
            f"Contact details older than {self.cutoff:%-d %B %Y}: {verb} them on {self.concerns} concern"
            f"{'' if self.concerns == 1 else 's'} (the concerns are kept)."
        )


def purge_contact_details(retention_days: int, dry_run: bool = False, now: datetime | None = None) -> PurgeResult:
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    expired = sa.and_(HAS_CONTACT, Concern.raised_at < cutoff)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Concern).where(expired))
    if not dry_run and count:
        # One UPDATE, not row by row: the audit hook sees no ORM objects, and the
        # excluded contact fields would not be recorded anyway.
        db.session.execute(
            sa.update(Concern)
            .where(expired)
            .values(contact_name=None, contact_details=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return PurgeResult(cutoff, count, dry_run)


def subject_access(name: str | None = None, contact: str | None = None) -> dict:
    """Everything held about one resident, found by their name or contact details."""
    if not (name or contact):
        raise ValueError("give the resident's name or contact details to search for")
    conditions = []
    if name:
        conditions.append(sa.func.lower(Concern.contact_name).contains(name.strip().lower()))
    if contact:
        conditions.append(sa.func.lower(Concern.contact_details).contains(contact.strip().lower()))
    concerns = db.session.scalars(sa.select(Concern).where(sa.or_(*conditions)).order_by(Concern.raised_at)).all()
    return {
        "searched_for": {"name": name, "contact": contact},
        "generated_at": utcnow().isoformat(),
        "what_we_hold": (
            "Your contact details, given with your consent so the neighbourhood team could contact "
            "you, and the concerns you raised with them, where and when, and what was done."
        ),
        "concerns": [concern_json(c, show_contact=True) for c in concerns],
    }
