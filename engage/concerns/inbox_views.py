"""The inspector's inbox and a concern's page: filter, act, record the outcome."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.access import require_roles
from engage.accounts.policy import concern_or_404, scope_for
from engage.concerns.inbox import (
    InboxFilters,
    age_days,
    inbox_page,
    status_counts,
    ward_overview,
)
from engage.concerns.inbox_forms import RerouteForm, StatusForm, WardCorrectionForm
from engage.concerns.models import (
    Category,
    ConcernCorrection,
    ConcernRouting,
    StatusChange,
)
from engage.concerns.privacy import has_contact, record_contact_views
from engage.concerns.whereabouts import whereabouts
from engage.concerns.workflow import LABELS, WorkflowError, change_status, moves_from
from engage.demo.source import source_from
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set, find_ward
from engage.geography.ward_names import resolve_ward
from engage.open311.comments import from_residents, photo_bytes
from engage.platform.parameters import whole_number
from engage.teams.models import Team
from engage.teams.routing import RerouteError, WardCorrectionError, correct_ward, reroute_concern

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.before_request
def inspectors_and_staff():
    return require_roles("inspector", "staff", "admin")


@bp.route("")
def index():
    scope = scope_for(current_user)
    filters = InboxFilters.from_args(request.args)
    counts = status_counts(scope, filters)
    page = inbox_page(scope, filters, page=whole_number(request.args, "page", 1, minimum=1), counts=counts)
    categories = db.session.scalars(sa.select(Category).order_by(Category.sort_order)).all()
    return render_template(
        "inbox/index.html",
        page=page,
        filters=filters,
        counts=counts,
        labels=LABELS,
        categories=categories,
        age_days=age_days,
        teams=current_user.teams if not scope.sees_everything else [],
    ), (400 if filters.errors else 200)  # the page, with the filter it could not use named


def _reroute_form(concern):
    form = RerouteForm(prefix="reroute")
    teams = db.session.scalars(sa.select(Team).order_by(Team.kind, Team.name)).all()
    form.lead.choices = [("", "OPCC triage queue")] + [(str(t.id), t.name) for t in teams]
    form.copies.choices = [(str(t.id), t.name) for t in teams]
    if request.method == "GET":
        form.lead.data = str(concern.lead_team_id or "")
        form.copies.data = [str(t.id) for t in concern.copied_teams]
    return form


def _correct_ward(concern, form):
    """The ward typed or picked, corrected and re-routed; else the problem beside the box."""
    boundary_set = current_boundary_set()
    choice = resolve_ward(form.ward.data, boundary_set)
    form.ward.data = choice.shown
    if choice.ward is None:
        form.ward.errors = [choice.problem]
        return None
    if boundary_set is None or choice.ward.boundary_set_id != boundary_set.id:
        form.ward.errors = [f"Ward {choice.ward.code} is not in the current boundary set: choose one of today's wards."]
        return None
    try:
        record = correct_ward(concern, choice.ward, current_user.email, form.note.data or "")
        db.session.commit()
    except WardCorrectionError as exc:
        db.session.rollback()
        form.ward.errors = [str(exc)[:1].upper() + str(exc)[1:] + "."]
        return None
    lead = record.lead_team.name if record.lead_team else "the OPCC triage queue"
    flash(f"Now in {choice.ward.name}: re-routed to {lead}.", "info")
    return redirect(url_for("inbox.concern", concern_id=concern.id))


@bp.route("/concerns/<concern_id>", methods=["GET", "POST"])
def concern(concern_id):
    scope = scope_for(current_user)
    concern = concern_or_404(scope, concern_id)
    status_form = StatusForm(prefix="status")
    is_staff = current_user.has_role("staff", "admin")
    reroute_form = _reroute_form(concern) if is_staff else None
    ward_form = WardCorrectionForm(prefix="ward") if is_staff else None
    error_field, error = None, None
    if request.method == "POST" and request.form.get("action") == "ward":
        if ward_form is None:
            abort(403, "only staff can correct a concern's ward")
        if ward_form.validate():
            done = _correct_ward(concern, ward_form)
            if done is not None:
                return done
    if request.method == "POST" and request.form.get("action") == "status" and status_form.validate():
        if not scope_for(current_user).acts_on(concern):
            abort(403, "only the teams this concern is routed to can change its status")
        try:
            change_status(concern, status_form.to.data, status_form.note.data, current_user.id, current_user.email)
            db.session.commit()
            flash(f"Status is now {LABELS[concern.status].lower()}.", "info")
            return redirect(url_for("inbox.concern", concern_id=concern.id))
        except WorkflowError as exc:
            db.session.rollback()
            error_field, error = exc.field, str(exc)
    if (
        request.method == "POST"
        and request.form.get("action") == "reroute"
        and reroute_form is not None
        and reroute_form.validate()
    ):
        lead = db.session.get(Team, int(reroute_form.lead.data)) if reroute_form.lead.data else None
        copies = [db.session.get(Team, int(i)) for i in reroute_form.copies.data]
        try:
            reroute_concern(concern, lead, copies, reroute_form.reason.data or "", actor=current_user.email)
            db.session.commit()
            flash("Re-routed; the teams have been notified.", "info")
            return redirect(url_for("inbox.concern", concern_id=concern.id))
        except RerouteError as exc:
            db.session.rollback()
            reroute_form.reason.errors = [str(exc)]
    residents = from_residents(concern, shows_media=scope.may_see_resident_photos(concern))
    show_contact = scope.may_see_contact(concern) and has_contact(concern)
    if show_contact and record_contact_views([concern], "concern page"):
        db.session.commit()
    history = db.session.scalars(
        sa.select(StatusChange).where(StatusChange.concern_id == concern.id).order_by(StatusChange.at)
    ).all()
    routings = db.session.scalars(
        sa.select(ConcernRouting).where(ConcernRouting.concern_id == concern.id).order_by(ConcernRouting.routed_at)
    ).all()
    corrections = db.session.scalars(
        sa.select(ConcernCorrection)
        .where(ConcernCorrection.concern_id == concern.id)
        .order_by(ConcernCorrection.created_at, ConcernCorrection.id)
    ).all()
    return render_template(
        "inbox/concern.html",
        concern=concern,
        moves=moves_from(concern.status) if scope_for(current_user).acts_on(concern) else [],
        status_form=status_form,
        reroute_form=reroute_form,
        history=history,
        routings=routings,
        corrections=corrections,
        labels=LABELS,
        age=age_days(concern),
        error=error,
        error_field=error_field,
        show_contact=show_contact,
        residents=residents,
        where=whereabouts(concern, scope),
        ward_form=ward_form,
    ), (422 if error or any(f.errors for form in (status_form, reroute_form, ward_form) for f in form or ()) else 200)


@bp.route("/concerns/<concern_id>/photos/<int:photo_id>")
def photo(concern_id, photo_id):
    """A photo a resident sent through Open311, to those the policy lets see it; the
    same 404 for one that is not there as for one that is not theirs."""
    scope = scope_for(current_user)
    concern = concern_or_404(scope, concern_id)
    data = photo_bytes(concern, photo_id) if scope.may_see_resident_photos(concern) else None
    if data is None:
        abort(404, f"no photo {photo_id} of this concern that you can see")
    return Response(
        data,
        mimetype="image/jpeg",
        headers={"Content-Disposition": f'inline; filename="concern-photo-{photo_id}.jpg"'},
    )


@bp.route("/wards/<code>")
def ward(code):
    scope = scope_for(current_user)
    ward = find_ward(current_boundary_set(), code)
    if ward is None or not scope.may_open_ward(ward.id):
        abort(404, "no such ward in your area")
    source = source_from(request.args)
    overview = ward_overview(ward, scope, page=whole_number(request.args, "page", 1, minimum=1), demo=source.is_demo)
    return render_template("inbox/ward.html", overview=overview, source=source, labels=LABELS, age_days=age_days), (
        400 if source.error else 200
    )
