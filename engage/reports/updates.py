"""'You said, we did': per ward and period, each theme residents raised beside what
was done. Drafted from the concerns; staff edit and publish; only published text is
ever shown to the public, and it never carries personal data.

What a publication covers: its ward, its period and, item by item, the concerns the
item was drafted from (each item keeps their ids under "concerns"). A team's own
"we did" note (`Concern.we_did`) goes into the draft for staff to rewrite; the public
only ever sees the item's text as staff published it (`published_we_did`)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engage.concerns.models import Category, Concern, Meeting, meeting_ward
from engage.extensions import db
from engage.geography.models import Ward
from engage.platform.dates import day_range
from engage.platform.db import utcnow
from engage.platform.text import text_problem
from engage.reports.models import WardUpdate

DONE = ("action_taken", "closed")


class UpdateError(ValueError):
    pass


def _bounds(start: date, end: date):
    return day_range(start, end)


def draft_items(ward: Ward, start: date, end: date) -> list[dict]:
    """One item per theme raised in the ward in the period, most raised first."""
    lo, hi = _bounds(start, end)
    concerns = db.session.scalars(
        sa.select(Concern)
        .where(Concern.ward_id == ward.id, Concern.raised_at.between(lo, hi), ~Concern.is_demo)
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
        you_said = (
            f"{residents} resident{'s' if residents != 1 else ''} raised concerns about "
            f"{category.label.lower()} ({len(group)} concern{'s' if len(group) != 1 else ''})."
        )
        if open_count:
            we_did.append(f"{open_count} still being worked on by the neighbourhood team.")
        items.append(
            {
                "category": category.code,
                "label": category.label,
                "you_said": you_said,
                "we_did": " ".join(we_did),
                "concerns": [c.id for c in group],
            }
        )
    return items


def draft_update(ward: Ward, start: date, end: date) -> WardUpdate:
    if end < start:
        raise UpdateError("the period ends before it starts")
    existing = db.session.scalar(
        sa.select(WardUpdate).where(
            WardUpdate.ward_id == ward.id, WardUpdate.period_start == start, WardUpdate.period_end == end
        )
    )
    if existing is not None:
        if existing.state == "published":
            raise UpdateError("that period is already published; edit the published update instead")
        existing.items = draft_items(ward, start, end)
        return existing
    update = WardUpdate(
        ward=ward,
        period_start=start,
        period_end=end,
        items=draft_items(ward, start, end),
        intro=f"What residents of {ward.name} told us, and what was done, {start:%-d %B %Y} to {end:%-d %B %Y}.",
    )
    db.session.add(update)
    return update


def edit_update(update: WardUpdate, intro: str, items: list[dict]) -> dict[str, str]:
    """Sets the text as typed, and returns its problems by the edit form's field names
    ("intro", "we_did-2", ...; {} when none). With problems, the caller shows the
    update again, as typed, rather than storing it."""
    # The concerns each theme covers are the draft's, never the form's: an item keeps
    # those its category was drafted from (none for a category the draft did not have).
    drafted = {item.get("category"): item["concerns"] for item in update.items or () if "concerns" in item}
    cleaned = []
    for item in items:
        you_said, we_did = (item.get("you_said") or "").strip(), (item.get("we_did") or "").strip()
        if you_said or we_did:
            item = {key: value for key, value in item.items() if key != "concerns"}
            if drafted:
                item["concerns"] = list(drafted.get(item.get("category"), ()))
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
        sa.select(WardUpdate)
        .join(WardUpdate.ward)
        .where(Ward.code == ward_code, WardUpdate.state == "published", ~WardUpdate.is_demo)
        .order_by(WardUpdate.period_end.desc(), WardUpdate.published_at.desc().nulls_last(), WardUpdate.id.desc())
        .limit(1)
    )


def _covers(item: dict, concern: Concern) -> bool:
    if "concerns" in item:
        return concern.id in item["concerns"]
    # Published before items named their concerns: the theme of the ward and period.
    return concern.category is not None and item.get("category") == concern.category.code


def published_we_did(concerns: list[Concern]) -> dict[str, str]:
    """concern id -> the "we did" text staff published for it: the item of a published
    update of the concern's ward, whose period holds the day the concern was raised
    (UTC, as drafts count them), that covers the concern. The most recently published
    such item wins. Concerns no publication covers, or covered by an item without
    "we did" text, are left out. Never a team's own note (`Concern.we_did`)."""
    wanted = [c for c in concerns if c.ward is not None and not c.is_demo]
    if not wanted:
        return {}
    updates: dict[str, list[WardUpdate]] = {}
    for update in db.session.scalars(
        sa.select(WardUpdate)
        .join(WardUpdate.ward)
        .where(Ward.code.in_({c.ward.code for c in wanted}), WardUpdate.state == "published", ~WardUpdate.is_demo)
        .order_by(WardUpdate.published_at.desc().nulls_last(), WardUpdate.id.desc())
    ):
        updates.setdefault(update.ward.code, []).append(update)
    notes = {}
    for concern in wanted:
        day = concern.raised_at.date()  # a UTC day, as the period is counted
        for update in updates.get(concern.ward.code, ()):
            if not update.period_start <= day <= update.period_end:
                continue
            item = next((i for i in update.items or () if isinstance(i, dict) and _covers(i, concern)), None)
            text = str(item.get("we_did") or "").strip() if item else ""
            if text:
                notes[concern.id] = text
                break
    return notes


def next_planned_meeting(ward: Ward, today: date | None = None) -> Meeting | None:
    today = today or date.today()
    return db.session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.id.in_(sa.select(meeting_ward.c.meeting_id).where(meeting_ward.c.ward_id == ward.id)),
            Meeting.status == "planned",
            Meeting.date >= today,
            ~Meeting.is_demo,
        )
        .order_by(Meeting.date, Meeting.start_time)
        .limit(1)
    )
