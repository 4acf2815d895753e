"""Residents' personal data: retention (purge) and subject access.

Contact details are stored only with consent (a database check), shown only to staff,
the inspectors of the concern's lead team and the officer who recorded them (the
policy's `may_see_contact`), each showing to anyone but that officer recorded in the
audit trail (`record_contact_views`: who saw which concern's, never the details
themselves), never put in e-mails, exports without the right, logs or the audit trail,
and emptied after the retention period (the concern itself, which is about a place and
a problem, is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from engage.concerns.models import Concern
from engage.concerns.serialise import concern_json
from engage.extensions import db
from engage.platform.audit import AuditEvent, current_actor
from engage.platform.db import utcnow

HAS_CONTACT = sa.or_(Concern.contact_name.isnot(None), Concern.contact_details.isnot(None))


CONTACT_VIEW = "contact_view"


def has_contact(concern: Concern) -> bool:
    """Whether there is anything to show: consent given and details not yet purged."""
    return bool(concern.contact_consent and (concern.contact_name or concern.contact_details))


def record_contact_views(concerns, where: str) -> int:
    """One audit row per concern whose resident's contact details are being shown to
    the current user (`where`: the page or API answer), so that who looked at whose
    details can be answered later. The row names the concern and the viewer, never the
    details. The officer reading back what they wrote down themselves is not recorded.
    The caller commits. Returns the rows written."""
    actor_id, actor = current_actor()
    now = utcnow()
    rows = [
        {
            "at": now,
            "actor_id": actor_id,
            "actor": actor,
            "action": "create",
            "entity": CONTACT_VIEW,
            "entity_id": c.id,
            "label": f"Resident's contact details seen ({where})",
            "changes": {"concern": [None, c.id], "where": [None, where]},
        }
        for c in concerns
        if has_contact(c) and not (actor_id is not None and c.created_by_id == actor_id)
    ]
    if rows:
        db.session.execute(sa.insert(AuditEvent.__table__), rows)
    return len(rows)


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
