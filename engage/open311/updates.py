"""mySociety's servicerequestupdates extension, read side: what happened to each
request, as FixMyStreet asks for it (`GET servicerequestupdates.xml?start_date=&
end_date=`, every few minutes, keeping each `update_id` once).

An update is either
- a status change of the concern (`status-<id>`): its status in FixMyStreet's words
  (STATUSES) and engage's own in `external_status_code`, with no text: the note a team
  writes when it moves a concern on is its own and never published; or
- the publication of the ward's "You said, we did" that covers the concern
  (`published-<id>`), at the moment it was published, carrying the "we did" text staff
  published for it, by the one rule `requests` uses (engage.reports.updates). It is its
  own update because that text is published weeks after the status changed, and
  FixMyStreet never asks again for an update it already has.
Which concerns: those `requests` shows (`in_open311`). See docs/open311.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.concerns.models import Concern, StatusChange
from engage.extensions import db
from engage.geography.models import Ward
from engage.open311.services import in_open311, parse_paging, parse_window, w3c, within_limit
from engage.platform.db import utcnow
from engage.reports.models import WardUpdate
from engage.reports.updates import items_covering

# engage's workflow in FixMyStreet's statuses. FixMyStreet shows "no further action"
# as "unable to fix", and a bare "closed" as "fixed" on a site without its extended
# statuses: "no action" must never read as fixed.
STATUSES = {
    "new": "open",
    "acknowledged": "investigating",
    "in_progress": "in_progress",
    "action_taken": "fixed",
    "closed": "closed",
    "no_action": "no_further_action",
}


@dataclass(frozen=True)
class Update:
    update_id: str
    service_request_id: str
    engage_status: str
    description: str | None
    at: datetime
    order: tuple

    def record(self) -> dict:
        return {
            "update_id": self.update_id,
            "service_request_id": self.service_request_id,
            "status": STATUSES[self.engage_status],
            "external_status_code": self.engage_status,
            "description": self.description,
            "updated_datetime": w3c(self.at),
            # Photos residents sent are never published, and the office publishes none.
            "media_url": None,
        }


def find_updates(args, now: datetime | None = None) -> list[Update]:
    start, end = parse_window(args, now or utcnow())
    page, page_size = parse_paging(args)
    take = page * page_size
    # The first `take` of each kind hold the first `take` of both.
    found = _status_changes(start, end, take) + _publications(start, end, take)
    found.sort(key=lambda u: u.order)
    return found[(page - 1) * page_size : take]


def update_records(updates: list[Update]) -> list[dict]:
    return [u.record() for u in updates]


def _status_changes(start, end, take) -> list[Update]:
    rows = db.session.execute(
        sa.select(StatusChange.id, StatusChange.concern_id, StatusChange.to_status, StatusChange.at)
        .join(Concern, Concern.id == StatusChange.concern_id)
        .where(in_open311(), StatusChange.at >= start, StatusChange.at <= end)
        .order_by(StatusChange.at, StatusChange.id)
        .limit(take)
    )
    return [Update(f"status-{i}", concern_id, to, None, at, (at, 0, i, concern_id)) for i, concern_id, to, at in rows]


def _publications(start, end, take) -> list[Update]:
    updates = db.session.scalars(
        sa.select(WardUpdate)
        .where(
            WardUpdate.state == "published",
            ~WardUpdate.is_demo,
            WardUpdate.published_at >= start,
            WardUpdate.published_at <= end,
        )
        .options(so.joinedload(WardUpdate.ward))
        .order_by(WardUpdate.published_at, WardUpdate.id)
    ).all()
    found: list[Update] = []
    for update in updates:
        concerns = db.session.scalars(
            sa.select(Concern)
            .join(Concern.ward)
            .where(
                in_open311(),
                Ward.code == update.ward.code,
                # The days of the period, counted in UTC as drafts count them.
                Concern.raised_at >= datetime.combine(update.period_start, time(), UTC),
                Concern.raised_at < datetime.combine(update.period_end + timedelta(days=1), time(), UTC),
            )
            .order_by(Concern.id)
        ).all()
        texts = items_covering(update, concerns)
        covered = [c for c in concerns if c.id in texts]
        statuses = _statuses_at(covered, update.published_at)
        for concern in covered:
            found.append(
                Update(
                    f"published-{update.id}",
                    concern.id,
                    statuses[concern.id],
                    within_limit(texts[concern.id]),
                    update.published_at,
                    (update.published_at, 1, update.id, concern.id),
                )
            )
        if len(found) >= take:
            break
    return found


def _statuses_at(concerns: list[Concern], moment: datetime) -> dict[str, str]:
    """Each concern's status at that moment: where its last change before then left it,
    "new" if it changed only later, and as it is if it never changed through the
    workflow (an imported concern arrives with its status)."""
    statuses = {c.id: c.status for c in concerns}
    ids = [c.id for c in concerns]
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        changed = set()
        for concern_id, to, at in db.session.execute(
            sa.select(StatusChange.concern_id, StatusChange.to_status, StatusChange.at)
            .where(StatusChange.concern_id.in_(chunk))
            .order_by(StatusChange.at, StatusChange.id)
        ):
            if concern_id not in changed:
                changed.add(concern_id)
                statuses[concern_id] = "new"
            if at <= moment:
                statuses[concern_id] = to
    return statuses
