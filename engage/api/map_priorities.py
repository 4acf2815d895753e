"""The map's "Consultation priorities" layer: per ward, the share of a consultation's
responses choosing one priority, withheld below its threshold."""

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_login import current_user

from engage.accounts.access import login_required_any_role
from engage.accounts.policy import scope_for
from engage.api import schemas as s
from engage.api.blueprint import bp
from engage.api.document import NO_BOUNDARIES, answer, boundary_set_or_503, described, error
from engage.consultations.results import consultation_results, priority_map, with_responses
from engage.demo.source import DEMO, default_source, parse_source
from engage.extensions import db
from engage.geography.models import Ward
from engage.platform.dates import office_day


def _listed(c):
    return {
        "slug": c.slug,
        "title": c.title,
        "opens_on": c.opens_on.isoformat(),
        "closes_on": c.closes_on.isoformat(),
        "threshold": c.threshold,
        "priorities": [{"id": o.id, "label": o.label} for o in c.options],
    }


@bp.route("/v1/maps/priorities")
@described(
    "Per ward, the share of a consultation's responses choosing one priority (none below its threshold).",
    {
        200: answer(s.MapPriorities, "Shares by ward code."),
        400: error("`source`, `consultation` or `priority` is not valid."),
        503: NO_BOUNDARIES,
    },
    query=s.MapPrioritiesQuery,
    tag="maps",
)
@login_required_any_role
def map_priorities():
    boundary_set_or_503()
    source, problem = parse_source(request.args.get("source"), default_source())
    if problem:
        abort(400, problem)
    listed = with_responses(demo=source == DEMO, today=office_day())
    answer_ = {"demo": source == DEMO, "consultations": [_listed(c) for c in listed], "consultation": None}
    answer_ |= {"priority": None, "threshold": None, "responses": 0, "whole_share": None}
    answer_ |= {"wards": {}, "below_threshold": [], "classes": []}
    slug = request.args.get("consultation")
    chosen = next((c for c in listed if c.slug == slug), None) if slug else (listed[0] if listed else None)
    if slug and chosen is None:
        abort(400, f"consultation: no {source} consultation “{slug[:80]}” with responses")
    if chosen is None:
        return jsonify(answer_)
    raw = request.args.get("priority")
    option = None
    if raw:
        option = next((o for o in chosen.options if str(o.id) == raw.strip()), None)
        if option is None:
            abort(400, f"priority: “{raw[:40]}” is not one of the priorities of “{chosen.title}”")
    else:
        top = consultation_results(chosen).whole.top(1)
        option = next(o for o in chosen.options if o.id == top[0].option_id) if top else chosen.options[0]
    scope = scope_for(current_user)
    # The figures of the wards in the user's area (as the ward pages they may open).
    codes = (
        None
        if scope.sees_all_wards
        else set(db.session.scalars(sa.select(Ward.code).where(Ward.id.in_(scope.ward_ids()))))
    )
    answer_ |= {"consultation": chosen.slug, "priority": {"id": option.id, "label": option.label}}
    answer_ |= priority_map(chosen, option.id, codes)
    return jsonify(answer_)
