"""'You said, we did': per ward and period, each theme residents raised beside what
was done. Drafted from the concerns; staff edit and publish; only published text is
ever shown to the public, and it never carries personal data."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import sqlalchemy as sa

from engage.extensions import db
from engage.models import Category, Concern, Meeting, Ward, WardUpdate, meeting_ward
from engage.models.base import utcnow
from engage.services.text import text_problem

DONE = ("action_taken", "closed")


class UpdateError(ValueError):
    pass


def _bounds(start: date, end: date):
    return (datetime.combine(start, time.min, tzinfo=timezone.utc),
            datetime.combine(end, time.max, tzinfo=timezone.utc))


def draft_items(ward: Ward, start: date, end: date) -> list[dict]:
    """One item per theme raised in the ward in the period, most raised first."""
    lo, hi = _bounds(start, end)
    concerns = db.session.scalars(
        sa.select(Concern).where(Concern.ward_id == ward.id, Concern.raised_at.between(lo, hi), ~Concern.is_demo)
        .order_by(Concern.raised_at)
    ).all()
    by_category: dict[int, list[Concern]] = {}
    for c in concerns:
        by_category.setdefault(c.category_id, []).append(c)
    items = []
    for category_id, group in sorted(by_category.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        category = db.session.get(Category, category_id)
        residents = sum(c.residents for c in group)
        done = [c for c in group if c.status in DONE]
        we_did = []
        for c in done:
            if c.we_did and c.we_did not in we_did:
                we_did.append(c.we_did)
        open_count = len(group) - len(done) - sum(1 for c in group if c.status == "no_action")
        you_said = (f"{residents} resident{'s' if residents != 1 else ''} raised concerns about "
                    f"{category.label.lower()} ({len(group)} concern{'s' if len(group) != 1 else ''}).")
        if open_count:
            we_did.append(f"{open_count} still being worked on by the neighbourhood team.")
        items.append({"category": category.code, "label": category.label, "you_said": you_said,
                      "we_did": " ".join(we_did)})
    return items


def draft_update(ward: Ward, start: date, end: date) -> WardUpdate:
    if end < start:
        raise UpdateError("the period ends before it starts")
    existing = db.session.scalar(sa.select(WardUpdate).where(
        WardUpdate.ward_id == ward.id, WardUpdate.period_start == start, WardUpdate.period_end == end))
    if existing is not None:
        if existing.state == "published":
            raise UpdateError("that period is already published; edit the published update instead")
        existing.items = draft_items(ward, start, end)
        return existing
    update = WardUpdate(ward=ward, period_start=start, period_end=end, items=draft_items(ward, start, end),
                        intro=f"What residents of {ward.name} told us, and what was done, "
                              f"{start:%-d %B %Y} to {end:%-d %B %Y}.")
    db.session.add(update)
    return update


def edit_update(update: WardUpdate, intro: str, items: list[dict]) -> dict[str, str]:
    """Sets the text as typed, and returns its problems by the edit form's field names
    ("intro", "we_did-2", ...; {} when none). With problems, the caller shows the
    update again, as typed, rather than storing it."""
    cleaned = []
    for item in items:
        you_said, we_did = (item.get("you_said") or "").strip(), (item.get("we_did") or "").strip()
        if you_said or we_did:
            cleaned.append({**item, "you_said": you_said, "we_did": we_did})
    update.intro = intro.strip()
    update.items = cleaned
    problems = {"intro": text_problem(update.intro)}
    for i, item in enumerate(cleaned):
        problems |= {f"{key}-{i}": text_problem(str(item.get(key) or "")) for key in ("label", "you_said", "we_did")}
    return {name: problem for name, problem in problems.items() if problem}


def publish_update(update: WardUpdate, actor: str) -> None:
    if not update.items:
        raise UpdateError("there is nothing to publish: no themes in this update")
    update.state = "published"
    update.published_at = utcnow()
    update.published_by = actor


def latest_published(ward_code: str) -> WardUpdate | None:
    return db.session.scalar(
        sa.select(WardUpdate).join(WardUpdate.ward)
        .where(Ward.code == ward_code, WardUpdate.state == "published", ~WardUpdate.is_demo)
        .order_by(WardUpdate.period_end.desc(), WardUpdate.published_at.desc()).limit(1)
    )


def next_planned_meeting(ward: Ward, today: date | None = None) -> Meeting | None:
    today = today or date.today()
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id.in_(sa.select(meeting_ward.c.meeting_id).where(meeting_ward.c.ward_id == ward.id)),
               Meeting.status == "planned", Meeting.date >= today, ~Meeting.is_demo)
        .order_by(Meeting.date, Meeting.start_time).limit(1)
    )
