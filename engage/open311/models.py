"""What FixMyStreet sends besides a report: residents' comments on a concern (the
servicerequestupdates extension) and photos, or the addresses of photos engage does
not fetch. Never published; see docs/open311.md."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.platform.db import UTCDateTime, one_of, utcnow

UPDATE_SOURCES = ("open311",)

MEDIA_KINDS = ("photo", "link")


class ResidentUpdate(db.Model):
    """A resident's comment on a concern, as a FixMyStreet site passed it on. Its own id
    (`external_id`, the site's comment id) makes a resend store nothing new. Names and
    e-mail addresses are not kept: no consent can be given through Open311."""

    __tablename__ = "concern_resident_update"
    __table_args__ = (
        sa.CheckConstraint(one_of("source", UPDATE_SOURCES), name="source_known"),
        # Per concern: two FixMyStreet sites number their comments independently.
        sa.UniqueConstraint("source", "concern_id", "external_id", name="uq_concern_resident_update_external_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(16), default="open311")
    external_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The report's state on the resident's side (FixMyStreet's OPEN, FIXED, ...), as
    # sent: what the resident saw, never a change to engage's own status.
    status_given: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    written_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The account whose api_key sent it: which site passed it on.
    sent_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    concern = so.relationship("Concern")
    sent_by = so.relationship("User")


class ConcernMedia(db.Model):
    """A photo sent with a request or a comment, checked and re-encoded (`data`), or the
    address of one (`url`), kept as text: engage sits on a police network and fetches
    nothing a resident names. Stored in the database, not in a folder, so a backup of
    the database holds it and deleting the concern deletes it."""

    __tablename__ = "concern_media"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'photo' AND data IS NOT NULL AND url IS NULL) "
            "OR (kind = 'link' AND url IS NOT NULL AND data IS NULL)",
            name="photo_or_link",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    resident_update_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("concern_resident_update.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    url: so.Mapped[str | None] = so.mapped_column(sa.Text)
    content_type: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    data: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)
    width: so.Mapped[int | None] = so.mapped_column()
    height: so.Mapped[int | None] = so.mapped_column()
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    concern = so.relationship("Concern")
