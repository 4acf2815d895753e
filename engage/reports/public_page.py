"""What a ward's public page shows residents: the latest published "You said, we did",
the next community meeting, the office's contact details and when the page last
changed; and the ward's earlier updates. Never a draft, a withdrawn update, demo data
or anything about a resident: only the text staff published.

Staff preview an update through the same page (`ward_page(ward, preview=...)`), so what
they confirm is exactly what residents will see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from engage.concerns.models import Meeting, meeting_ward
from engage.extensions import db
from engage.geography.models import Ward
from engage.platform.dates import office_day
from engage.platform.db import utcnow
from engage.reports.models import WardUpdate
from engage.reports.office import Office, office
from engage.reports.updates import UpdateText, published_updates

# The meetings residents are invited to: the office's own community meetings and the
# ward panels. Partner, school and scrutiny meetings are not open to the public.
PUBLIC_MEETING_KINDS = ("your_force_your_voice", "pact")


@dataclass(frozen=True)
class Shown:
    """One update as the public reads it: its period, introduction and themes (label,
    "you said" and "we did" only)."""

    id: int | None
    period_start: date
    period_end: date
    intro: str
    items: list[dict] = field(default_factory=list)
    published_at: datetime | None = None


@dataclass(frozen=True)
class WardPage:
    ward: Ward
    update: Shown | None
    next_meeting: Meeting | None
    office: Office
    last_updated: date | None


def shown(update: WardUpdate, text: UpdateText | None = None, published_at: datetime | None = None) -> Shown:
    """The update as residents read it; previewing, `text` for it as if published at
    `published_at`."""
    if text is None:
        text, published_at = UpdateText(update.intro or "", list(update.items or ())), update.published_at
    items = [
        {key: str(item.get(key) or "").strip() for key in ("label", "you_said", "we_did")}
        for item in text.items
        if isinstance(item, dict)
    ]
    return Shown(
        id=update.id,
        period_start=update.period_start,
        period_end=update.period_end,
        intro=text.intro,
        items=[i for i in items if i["you_said"] or i["we_did"]],
        published_at=published_at,
    )


def next_planned_meeting(ward: Ward, today: date | None = None) -> Meeting | None:
    today = today or office_day()
    return db.session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.id.in_(sa.select(meeting_ward.c.meeting_id).where(meeting_ward.c.ward_id == ward.id)),
            Meeting.status == "planned",
            Meeting.kind.in_(PUBLIC_MEETING_KINDS),
            Meeting.date >= today,
            ~Meeting.is_demo,
        )
        .order_by(Meeting.date, Meeting.start_time.nulls_last())
        .limit(1)
    )


def _last_withdrawal(ward: Ward) -> datetime | None:
    return db.session.scalar(
        sa.select(sa.func.max(WardUpdate.withdrawn_at)).where(WardUpdate.ward_id == ward.id, ~WardUpdate.is_demo)
    )


def ward_page(ward: Ward, preview: Shown | None = None) -> WardPage:
    """The ward's public page; with `preview`, as it will read once that is published."""
    if preview is not None:
        update = preview
    else:
        latest = db.session.scalars(published_updates(ward).limit(1)).first()
        update = shown(latest) if latest else None
    meeting = next_planned_meeting(ward)
    # The page changed when its update was published or one was withdrawn, and when
    # the meeting it announces was planned or changed.
    moments = [update.published_at if update else None, _last_withdrawal(ward), meeting.updated_at if meeting else None]
    moments = [m for m in moments if m is not None]
    if preview is not None:
        moments.append(utcnow())
    return WardPage(
        ward=ward,
        update=update,
        next_meeting=meeting,
        office=office(),
        last_updated=office_day(max(moments)) if moments else None,
    )


def earlier_updates(ward: Ward) -> list[Shown]:
    """The ward's published updates before the one its page shows, newest first."""
    return [shown(u) for u in db.session.scalars(published_updates(ward)).all()[1:]]
