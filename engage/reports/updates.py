"""'You said, we did': per ward and period, each theme residents raised beside what
was done. Drafted from the concerns; staff pick the concerns to quote, edit the
wording, preview the public page and publish; a published update can be withdrawn.
Only published text is ever shown to the public, and it never carries personal data
(`personal_details.personal_detail` refuses what looks like it).

What a publication covers: its ward, its period and, item by item, the concerns the
item was drafted from (each item keeps their ids under "concerns", and the ones staff
ticked to quote under "chosen"). A team's own "we did" note (`Concern.we_did`) goes
into the draft for staff to rewrite; the public only ever sees the item's text as staff
published it (`published_we_did`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.concerns.models import Category, Concern
from engage.extensions import db
from engage.geography.models import Ward
from engage.platform.dates import day_range
from engage.platform.db import utcnow
from engage.platform.text import text_problem
from engage.reports import updates_wording as wording
from engage.reports.models import WardUpdate
from engage.reports.personal_details import personal_detail

DONE = ("action_taken", "closed")


class UpdateError(ValueError):
    pass


@dataclass
class UpdateText:
    """What staff write: the introduction and one item per theme
    ({"category", "label", "you_said", "we_did", "concerns": [ids], "chosen": [ids]})."""

    intro: str
    items: list[dict] = field(default_factory=list)


def concerns_in(ward: Ward, start: date, end: date) -> list[Concern]:
    """The ward's real concerns raised in the period (UTC days, as reports count them)."""
    lo, hi = day_range(start, end)
    return db.session.scalars(
        sa.select(Concern)
        .options(so.selectinload(Concern.meeting))
        .where(Concern.ward_id == ward.id, Concern.raised_at.between(lo, hi), ~Concern.is_demo)
        .order_by(Concern.raised_at)
    ).all()


def concerns_by_id(ids) -> dict[str, Concern]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    found = db.session.scalars(
        sa.select(Concern).options(so.selectinload(Concern.meeting)).where(Concern.id.in_(ids))
    ).all()
    return {c.id: c for c in found}


def _raised(concern: Concern) -> wording.Raised:
    meeting = concern.meeting if concern.meeting is not None and not concern.meeting.is_demo else None
    return wording.Raised(
        residents=concern.residents,
        channel=concern.channel,
        meeting_id=meeting.id if meeting else None,
        meeting_day=meeting.date if meeting else None,
        venue=meeting.venue if meeting else "",
    )


def theme_you_said(item: dict, concerns: list[Concern], with_year: bool) -> str:
    """The computed "you said" of one theme: its concerns counted, the ticked ones quoted."""
    chosen = set(item.get("chosen") or ())
    quotes = [c.description for c in concerns if c.id in chosen]
    return wording.you_said(item["label"], item["category"], [_raised(c) for c in concerns], quotes, with_year)


def theme_we_did(concerns: list[Concern]) -> str:
    """The lead teams' "we did" notes (the latest recorded with "action taken"), as sentences."""
    done = [c for c in concerns if c.status in DONE]
    return wording.we_did(
        [c.we_did for c in done if c.we_did],
        open_count=sum(1 for c in concerns if c.status not in DONE and c.status != "no_action"),
        no_action=sum(1 for c in concerns if c.status == "no_action"),
        total=len(concerns),
    )


def draft_items(concerns: list[Concern], with_year: bool = False) -> list[dict]:
    """One item per theme of `concerns`, most raised first; no concern ticked yet, so
    no resident's words are quoted until staff choose them."""
    by_category: dict[int, list[Concern]] = {}
    for c in concerns:
        by_category.setdefault(c.category_id, []).append(c)
    items = []
    for category_id, group in sorted(by_category.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        category = db.session.get(Category, category_id)
        item = {"category": category.code, "label": category.label, "concerns": [c.id for c in group], "chosen": []}
        item["you_said"] = theme_you_said(item, group, with_year)
        item["we_did"] = theme_we_did(group)
        items.append(item)
    return items


def _merged(kept: list[dict], fresh: list[dict]) -> list[dict]:
    """Drafting a period again: staff's wording and ticks stay as they are, each theme's
    concerns are brought up to date, and themes new since are added."""
    fresh_by_category = {item["category"]: item for item in fresh}
    merged = []
    for item in kept:
        new = fresh_by_category.pop(item.get("category"), None)
        if new is not None:
            item = {**item, "concerns": new["concerns"]}
            item["chosen"] = [i for i in item.get("chosen") or () if i in new["concerns"]]
        merged.append(item)
    return merged + list(fresh_by_category.values())


def draft_update(ward: Ward, start: date, end: date) -> WardUpdate:
    """The update of the ward and period, drafted from its concerns. Drafted again, a
    draft or withdrawn update is brought up to date with staff's wording kept; a
    published one is left as it is (its changes go through the preview)."""
    if end < start:
        raise UpdateError("the period ends before it starts")
    concerns = concerns_in(ward, start, end)
    items = draft_items(concerns, with_year=start.year != end.year)
    existing = db.session.scalar(
        sa.select(WardUpdate).where(
            WardUpdate.ward_id == ward.id, WardUpdate.period_start == start, WardUpdate.period_end == end
        )
    )
    if existing is not None:
        if existing.state != "published":
            existing.items = _merged([dict(i) for i in existing.items or () if isinstance(i, dict)], items)
        return existing
    update = WardUpdate(
        ward=ward,
        period_start=start,
        period_end=end,
        items=items,
        intro=wording.intro(ward.name, len(concerns)),
    )
    db.session.add(update)
    return update


def stored_text(update: WardUpdate) -> UpdateText:
    return UpdateText(update.intro or "", [dict(item) for item in update.items or () if isinstance(item, dict)])


def read_text(update: WardUpdate, intro: str, items: list[dict]) -> UpdateText:
    """The text as typed in the editor. The concerns each theme covers are the draft's,
    never the form's: an item keeps those its category was drafted from (none for a
    category the draft did not have), and only those can be ticked. A theme emptied of
    both texts stays in the editor (with its concerns) but is never published."""
    drafted = {item.get("category"): item["concerns"] for item in update.items or () if "concerns" in item}
    cleaned = []
    for item in items:
        out = {key: str(item.get(key) or "").strip() for key in ("category", "label", "you_said", "we_did")}
        if drafted:
            out["concerns"] = list(drafted.get(out["category"], ()))
            out["chosen"] = [i for i in item.get("chosen") or () if i in out["concerns"]]
        cleaned.append(out)
    return UpdateText(intro.strip(), cleaned)


def text_problems(text: UpdateText) -> dict[str, str]:
    """What no stored text may hold, by the editor's field names ("intro", "we_did-2")."""
    problems = {"intro": text_problem(text.intro)}
    for i, item in enumerate(text.items):
        problems |= {f"{key}-{i}": text_problem(str(item.get(key) or "")) for key in ("label", "you_said", "we_did")}
    return {name: problem for name, problem in problems.items() if problem}


def publication_problems(update: WardUpdate, text: UpdateText) -> dict[str, str]:
    """What stops the text reaching the public: the stored-text problems, then anything
    that looks like a resident's personal details; "" names a problem of the whole."""
    problems = text_problems(text)
    if not any(item.get("you_said") or item.get("we_did") for item in text.items):
        problems[""] = "there is nothing to publish: no theme has any text"
    ids = [i for item in update.items or () for i in item.get("concerns") or ()]
    names = tuple(
        db.session.scalars(sa.select(Concern.contact_name).where(Concern.id.in_(ids), Concern.contact_name.isnot(None)))
        if ids
        else ()
    )
    fields = [("intro", text.intro)]
    for i, item in enumerate(text.items):
        fields += [(f"{key}-{i}", str(item.get(key) or "")) for key in ("label", "you_said", "we_did")]
    for name, value in fields:
        if name not in problems and (found := personal_detail(value, names)):
            problems[name] = found
    return problems


def save_text(update: WardUpdate, text: UpdateText) -> None:
    if update.state == "published":
        raise UpdateError("this update is on the public page: preview your changes to publish them")
    update.intro, update.items = text.intro, text.items


def compose(update: WardUpdate, text: UpdateText, index: int) -> UpdateText:
    """The text with theme `index`'s "you said" written again from its concerns and the
    ones ticked; every other word stays as staff typed it."""
    if not 0 <= index < len(text.items):
        raise UpdateError("there is no such theme in this update")
    item = text.items[index]
    found = concerns_by_id(item.get("concerns") or ())
    concerns = [found[i] for i in item.get("concerns") or () if i in found]
    with_year = update.period_start.year != update.period_end.year
    items = list(text.items)
    items[index] = {**item, "you_said": theme_you_said(item, concerns, with_year)}
    return UpdateText(text.intro, items)


def publish_update(update: WardUpdate, text: UpdateText, actor: str) -> dict[str, str]:
    """Publishes the text as previewed, at once on the public page and in Open311; or
    returns its problems and changes nothing. The caller commits (audited)."""
    problems = publication_problems(update, text)
    if problems:
        return problems
    update.intro, update.items = text.intro, text.items
    update.state = "published"
    update.published_at = utcnow()
    update.published_by = actor
    update.withdrawn_at, update.withdrawn_by = None, ""
    return {}


def withdraw_update(update: WardUpdate, actor: str) -> None:
    """Takes a published update off the public page and out of Open311 at once; its text
    is kept for staff to edit and publish again. The caller commits (audited)."""
    if update.state != "published":
        raise UpdateError("only a published update can be withdrawn")
    update.state = "withdrawn"
    update.withdrawn_at = utcnow()
    update.withdrawn_by = actor


def published_updates(ward: Ward):
    """The ward's published updates, newest period first: what the public may read."""
    return (
        sa.select(WardUpdate)
        .where(WardUpdate.ward_id == ward.id, WardUpdate.state == "published", ~WardUpdate.is_demo)
        .order_by(WardUpdate.period_end.desc(), WardUpdate.published_at.desc().nulls_last(), WardUpdate.id.desc())
    )


def _covers(item: dict, concern: Concern) -> bool:
    if "concerns" in item:
        return concern.id in item["concerns"]
    # Published before items named their concerns: the theme of the ward and period.
    return concern.category is not None and item.get("category") == concern.category.code


def items_covering(update: WardUpdate, concerns: list[Concern]) -> dict[str, str]:
    """concern id -> the "we did" text of this update's item that covers it, for the
    concerns it covers with such text (the concerns being of its ward and period)."""
    texts = {}
    for concern in concerns:
        item = next((i for i in update.items or () if isinstance(i, dict) and _covers(i, concern)), None)
        text = str(item.get("we_did") or "").strip() if item else ""
        if text:
            texts[concern.id] = text
    return texts


def published_we_did(concerns: list[Concern]) -> dict[str, str]:
    """concern id -> the "we did" text staff published for it: the item of a published
    update of the concern's ward, whose period holds the day the concern was raised
    (UTC, as drafts count them), that covers the concern. The most recently published
    such item wins. Concerns no publication covers, or covered by an item without
    "we did" text, are left out; so is any update withdrawn. Never a team's own note
    (`Concern.we_did`)."""
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
            text = items_covering(update, [concern]).get(concern.id)
            if text:
                notes[concern.id] = text
                break
    return notes
