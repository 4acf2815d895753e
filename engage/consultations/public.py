"""What the public page needs beside recording a response (services.py): the privacy
notice the office sets, finding the resident's ward from a place typed or from where
their phone is, and whether this browser has answered already."""

from __future__ import annotations

import sqlalchemy as sa

from engage.consultations.models import Consultation, ConsultationResponse
from engage.consultations.services import session_key_hash
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.locating import locate_lonlat
from engage.geography.models import Ward
from engage.platform.settings import read_setting, write_setting
from geodata import CoordinateError

PRIVACY_KEY = "consultation_privacy"
PRIVACY_LIMIT = 3000
DEFAULT_PRIVACY = {
    "notice": (
        "This consultation is run by the Office of the Police and Crime Commissioner for Cleveland. "
        "We do not ask for your name, address or contact details, and we do not keep your internet address. "
        "We keep your ward, the priorities you choose and anything you write in the box. "
        "What you write is read by the office's staff and is never published. "
        "Results are published only as totals for each ward, and not at all for a ward with too few answers. "
        "So that each browser answers once, your browser keeps a random code until you close it; "
        "it is not linked to you. "
        "To ask about your data, contact the office."
    )
}


def privacy_notice() -> str:
    return str(read_setting(PRIVACY_KEY, DEFAULT_PRIVACY)["notice"])


class PrivacyNoticeError(ValueError):
    pass


def write_privacy_notice(text: str, actor: str) -> str:
    """Store the notice every consultation's page shows (the caller commits)."""
    paragraphs = ["\n".join(" ".join(line.split()) for line in p.splitlines()) for p in (text or "").split("\n\n")]
    notice = "\n\n".join(p.strip() for p in paragraphs if p.strip())
    if not notice:
        raise PrivacyNoticeError("Give the notice residents read before they answer.")
    if len(notice) > PRIVACY_LIMIT:
        raise PrivacyNoticeError(f"The notice is {len(notice)} characters long; at most {PRIVACY_LIMIT}.")
    write_setting(PRIVACY_KEY, {"notice": notice}, actor)
    return notice


def consultation_by_slug(slug: str) -> Consultation | None:
    return db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug[:80]))


def has_answered(consultation: Consultation, browser_key: str | None) -> bool:
    if not browser_key:
        return False
    key = session_key_hash(consultation, browser_key)
    return (
        db.session.scalar(
            sa.select(ConsultationResponse.id).where(
                ConsultationResponse.consultation_id == consultation.id, ConsultationResponse.session_key == key
            )
        )
        is not None
    )


class NotLocated(ValueError):
    """Where the phone says it is cannot be placed in a ward: said to the resident."""


def ward_at(lon, lat) -> Ward:
    """The current ward holding the point the phone reported."""
    boundary_set = current_boundary_set()
    try:
        located = locate_lonlat(boundary_set, lon, lat) if boundary_set is not None else None
    except CoordinateError:
        raise NotLocated(
            "Your phone did not give a position we could read. Type a place or ward name instead."
        ) from None
    if located is None:
        raise NotLocated(
            "Where you are is outside Cleveland's wards. If you live in Cleveland, type your town or ward instead."
        )
    return db.session.scalar(
        sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id, Ward.code == located.ward_code)
    )


def ward_by_code(code: str) -> Ward | None:
    boundary_set = current_boundary_set()
    if boundary_set is None or not code:
        return None
    return db.session.scalar(
        sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id, Ward.code == code.strip().upper()[:9])
    )
