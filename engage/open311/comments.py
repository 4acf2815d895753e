"""mySociety's servicerequestupdates extension, write side: a resident's comment on a
request, passed on by FixMyStreet (`POST servicerequestupdates.xml`), kept on the
concern for the teams, never published; and what the concern's page shows of it.

As for a request, names, e-mail addresses and telephone numbers are not stored: engage
keeps a resident's contact details only with consent an officer recorded, which an
Open311 client cannot give. The status FixMyStreet sends is its report's state on the
resident's side and changes nothing in engage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from engage.concerns.models import Concern
from engage.extensions import db
from engage.notify.services import queue_resident_comment_notification
from engage.open311.models import ConcernMedia, ResidentUpdate
from engage.open311.services import Open311Error, find_request, media_sent, parse_w3c
from engage.platform.dates import OFFICE_ZONE
from engage.platform.text import text_problem

SOURCE = "open311"
STATUS_GIVEN = re.compile(r"^[A-Za-z_ ]{0,40}$")


@dataclass
class Received:
    update: ResidentUpdate
    is_new: bool

    def record(self) -> dict:
        return {"update_id": answer_id(self.update)}


def answer_id(update: ResidentUpdate) -> str:
    # Never one of the ids `GET servicerequestupdates` gives (status-..., published-...).
    return f"resident-{update.id}"


def receive_comment(form, files, user) -> Received:
    """Store a comment (its photos and photo addresses with it); the same
    service_request_id and update_id again stores nothing new and answers the same
    update_id. The caller commits."""
    request_id = (form.get("service_request_id") or "").strip()
    if not request_id:
        raise Open311Error(400, "service_request_id was not provided")
    concern = find_request(request_id)
    external_id = (form.get("update_id") or "").strip()
    if not external_id:
        raise Open311Error(400, "update_id was not provided: the client's own id for the comment")
    if len(external_id) > 100 or text_problem(external_id):
        raise Open311Error(400, "update_id must be at most 100 characters of plain text")
    existing = _stored(concern, external_id)
    if existing is not None:
        return Received(existing, False)
    text = (form.get("description") or "").strip()
    if problem := text_problem(text):
        raise Open311Error(400, f"description: {problem}")
    status = (form.get("status") or "").strip()
    if not STATUS_GIVEN.match(status):
        raise Open311Error(400, f"status must be a word such as OPEN or FIXED (got '{status[:40]}')")
    written = (form.get("updated_datetime") or "").strip()
    written_at = parse_w3c("updated_datetime", written) if written else None
    media = media_sent(form, files)
    if not text and not media:
        raise Open311Error(400, "description was not provided")
    update = ResidentUpdate(
        concern=concern,
        source=SOURCE,
        external_id=external_id,
        text=text,
        status_given=status.upper(),
        written_at=written_at,
        sent_by_id=user.id,
    )
    try:
        # A resend racing the first: the unique constraint keeps one.
        with db.session.begin_nested():
            db.session.add(update)
            db.session.flush()
    except IntegrityError:
        existing = _stored(concern, external_id)
        if existing is None:
            raise
        return Received(existing, False)
    for item in media:
        item.concern_id = concern.id
        item.resident_update_id = update.id
        db.session.add(item)
    queue_resident_comment_notification(concern, text, sum(1 for item in media if item.kind == "photo"))
    return Received(update, True)


def _stored(concern: Concern, external_id: str) -> ResidentUpdate | None:
    return db.session.scalar(
        sa.select(ResidentUpdate).where(
            ResidentUpdate.source == SOURCE,
            ResidentUpdate.concern_id == concern.id,
            ResidentUpdate.external_id == external_id,
        )
    )


# --- on the concern's page ------------------------------------------------------------


@dataclass
class Comment:
    text: str
    when: str
    status_given: str
    photos: list[ConcernMedia] = field(default_factory=list)
    links: list[ConcernMedia] = field(default_factory=list)


@dataclass
class FromResidents:
    """What residents sent through Open311 about one concern, for its page."""

    comments: list[Comment]
    # Sent with the request itself.
    photos: list[ConcernMedia]
    links: list[ConcernMedia]
    # Whether photos and photo addresses are this user's to see (the policy says).
    shows_media: bool
    media_withheld: int = 0

    def __bool__(self) -> bool:
        return bool(self.comments or self.photos or self.links or self.media_withheld)


def when(moment) -> str:
    """ "4 December 2026 at 19:05", in the office's time."""
    local = moment.astimezone(OFFICE_ZONE)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def from_residents(concern: Concern, shows_media: bool) -> FromResidents:
    updates = db.session.scalars(
        sa.select(ResidentUpdate)
        .where(ResidentUpdate.concern_id == concern.id)
        .order_by(ResidentUpdate.received_at, ResidentUpdate.id)
    ).all()
    media = db.session.scalars(
        sa.select(ConcernMedia).where(ConcernMedia.concern_id == concern.id).order_by(ConcernMedia.id)
    ).all()
    by_update: dict[int | None, list[ConcernMedia]] = {}
    for item in media if shows_media else ():
        by_update.setdefault(item.resident_update_id, []).append(item)
    comments = []
    for u in updates:
        own = by_update.get(u.id, [])
        comments.append(
            Comment(
                text=u.text,
                when=when(u.written_at or u.received_at),
                status_given=u.status_given.replace("_", " ").lower(),
                photos=[m for m in own if m.kind == "photo"],
                links=[m for m in own if m.kind == "link"],
            )
        )
    own = by_update.get(None, [])
    return FromResidents(
        comments=comments,
        photos=[m for m in own if m.kind == "photo"],
        links=[m for m in own if m.kind == "link"],
        shows_media=shows_media,
        media_withheld=0 if shows_media else len(media),
    )


def photo_bytes(concern: Concern, photo_id: int) -> bytes | None:
    """The stored photo of this concern, or None (the caller has asked the policy)."""
    return db.session.scalar(
        sa.select(ConcernMedia.data).where(
            ConcernMedia.id == photo_id, ConcernMedia.concern_id == concern.id, ConcernMedia.kind == "photo"
        )
    )
