"""The audit trail, newest first, filtered from the query string (so a filtered view
can be bookmarked or sent on)."""

from datetime import date

import sqlalchemy as sa
from flask import render_template, request

from engage.admin.audit_trail import (
    ACTIONS,
    AuditFilter,
    describe_changes,
    entities_recorded,
    entity_name,
    events_statement,
    local_time,
)
from engage.admin.views import bp
from engage.extensions import db
from engage.platform.paging import page_of
from engage.platform.parameters import whole_number
from engage.teams.models import Team

PER_PAGE = 50
# Where an event's entity can be opened, when it still exists.
ENTITY_PAGES = {
    "user_account": ("admin.edit_user", "user_id"),
    "team": ("admin.edit_team", "team_id"),
    "routing_rule": ("admin.edit_rule", "rule_id"),
    "category": ("admin.edit_category", "category_id"),
}


def _day(name: str, problems: list[str]):
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"'{text}' is not a date like 2025-03-31: that limit is left out.")
        return None


@bp.route("/audit")
def audit():
    problems = []
    action = request.args.get("action", "")
    audit_filter = AuditFilter(
        entity=request.args.get("entity", "").strip(),
        actor=request.args.get("actor", "").strip(),
        action=action if action in ACTIONS else "",
        date_from=_day("from", problems),
        date_to=_day("to", problems),
    )
    # Counted up to paging.COUNT_LIMIT ("1000+ changes"): the trail grows with every change.
    page = page_of(
        events_statement(audit_filter), page=whole_number(request.args, "page", 1, minimum=1), per_page=PER_PAGE
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    team_ids = [int(e.entity_id) for e in page.items if e.entity == "team" and e.entity_id.isdigit()]
    sample_teams = (
        set(db.session.scalars(sa.select(Team.id).where(Team.id.in_(team_ids), Team.is_demo))) if team_ids else set()
    )
    return render_template(
        "admin/audit.html",
        page=page,
        filter=audit_filter,
        problems=problems,
        args=args,
        entities=entities_recorded(),
        actions=ACTIONS,
        entity_name=entity_name,
        describe_changes=describe_changes,
        local_time=local_time,
        entity_pages=ENTITY_PAGES,
        sample_teams={str(i) for i in sample_teams},
    )
